import { FakeUpstream } from "@llm/testing";
import type { RouterAccess } from "../../src/create-router.js";
import type { RunningRouter } from "../../src/server.js";
import { config, listenWithAccess, post } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("x-request-id", () => {
  let up: FakeUpstream;
  let running: RunningRouter;
  let access: RouterAccess;
  const chat = { model: "tiny", messages: [{ role: "user", content: "hi" }] };
  const auth = { authorization: `Bearer ${KEY}` };

  beforeAll(async () => {
    up = await new FakeUpstream({ name: "a" }).start();
    ({ running, runtime: access } = await listenWithAccess(
      config({
        clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }] }],
      }),
    ));
  });
  afterAll(async () => {
    await running.close();
    await up.close();
  });

  it("echoes a client's valid id on the answer, upstream and in the usage record", async () => {
    const { res } = await post(`${running.url}/v1/chat/completions`, chat, {
      ...auth,
      "x-request-id": "req_018EeWy.1",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("req_018EeWy.1");
    expect(up.received.at(-1)?.headers["x-request-id"]).toBe("req_018EeWy.1");
    expect(access.ledger.records().at(-1)?.requestId).toBe("req_018EeWy.1");
  });

  it("replaces a missing or invalid id with a generated one, used everywhere alike", async () => {
    for (const sent of [undefined, "has spaces and \u00e9", "x".repeat(200)]) {
      const { res } = await post(
        `${running.url}/v1/chat/completions`,
        chat,
        sent === undefined ? auth : { ...auth, "x-request-id": sent },
      );
      const id = res.headers.get("x-request-id");
      expect(id).toMatch(UUID);
      expect(up.received.at(-1)?.headers["x-request-id"]).toBe(id);
      expect(access.ledger.records().at(-1)?.requestId).toBe(id);
    }
  });

  it("is on every response: refusals, unknown routes, health and metrics", async () => {
    const refused = await post(`${running.url}/v1/chat/completions`, chat, { "x-request-id": "r-401" });
    expect(refused.res.status).toBe(401);
    expect(refused.res.headers.get("x-request-id")).toBe("r-401");
    const bad = await post(`${running.url}/v1/chat/completions`, "{nope", auth);
    expect(bad.res.status).toBe(400);
    expect(bad.res.headers.get("x-request-id")).toMatch(UUID);
    for (const path of ["/nowhere", "/health", "/metrics", "/v1/models"]) {
      const res = await fetch(`${running.url}${path}`, {
        headers: { "x-request-id": `r${path.replace(/\//g, "-")}` },
      });
      expect(res.headers.get("x-request-id")).toBe(`r${path.replace(/\//g, "-")}`);
    }
  });
});
