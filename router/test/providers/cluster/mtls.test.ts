import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestPki } from "@llm/testing";
import { listen, post } from "../../helpers/router.js";

describe("mTLS to a cluster", () => {
  let dir: string;
  let server: Server;
  let url: string;
  const seen: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "router-mtls-"));
    makeTestPki(dir);
    server = createServer(
      {
        key: readFileSync(join(dir, "server.key")),
        cert: readFileSync(join(dir, "server.pem")),
        ca: readFileSync(join(dir, "ca.pem")),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as import("node:tls").TLSSocket).getPeerCertificate();
        seen.push(String(peer.subject?.CN ?? ""));
        req.resume();
        req.on("end", () => {
          const body = JSON.stringify({
            id: "x",
            object: "chat.completion",
            created: 1,
            model: "tiny",
            choices: [
              { index: 0, message: { role: "assistant", content: "over mtls" }, finish_reason: "stop" },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
          });
          res.writeHead(200, { "content-type": "application/json" }).end(body);
        });
      },
    );
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("presents the configured client certificate", async () => {
    const router = await listen({
      clusters: [
        {
          name: "secure",
          endpoint: url,
          models: ["tiny"],
          authType: "mtls",
          certFile: join(dir, "client.pem"),
          keyFile: join(dir, "client.key"),
          caFile: join(dir, "ca.pem"),
        },
      ],
    });
    try {
      const { res, json } = await post<{ choices: { message: { content: string } }[] }>(
        `${router.url}/v1/chat/completions`,
        { model: "tiny", messages: [{ role: "user", content: "hi" }] },
      );
      expect(res.status).toBe(200);
      expect(json.choices[0]?.message.content).toBe("over mtls");
      expect(seen).toEqual(["client"]);
    } finally {
      await router.close();
    }
  });

  it("fails over cleanly (502) when no client certificate is configured", async () => {
    const router = await listen({
      clusters: [
        { name: "secure", endpoint: url, models: ["tiny"], authType: "mtls", caFile: join(dir, "ca.pem") },
      ],
    });
    try {
      const { res, json } = await post(`${router.url}/v1/chat/completions`, {
        model: "tiny",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(res.status).toBe(502);
      expect(json.error.message).toContain("secure");
    } finally {
      await router.close();
    }
  });
});
