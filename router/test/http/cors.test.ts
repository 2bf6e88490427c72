import { FakeUpstream } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import { config, listen, listenWithAccess } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";
const APP = "https://app.example.com";
const chat = { model: "tiny", messages: [{ role: "user", content: "hi" }] };

function preflight(url: string, origin: string, headers = "authorization, content-type, x-router-strategy") {
  return fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
  });
}

function postFrom(url: string, origin: string, body: unknown, extra: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { origin, "content-type": "application/json", authorization: `Bearer ${KEY}`, ...extra },
    body: JSON.stringify(body),
  });
}

describe("CORS (server.cors)", () => {
  let up: FakeUpstream;
  let running: RunningRouter;
  beforeAll(async () => {
    up = await new FakeUpstream({ name: "a" }).start();
    ({ running } = await listenWithAccess(
      config({
        server: { cors: { allowedOrigins: [APP], maxAge: "5m" } },
        clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }] }],
      }),
    ));
  });
  afterAll(async () => {
    await running.close();
    await up.close();
  });

  it("answers an allowed origin's preflight with 204 and the methods, headers and max-age", async () => {
    for (const path of ["/v1/chat/completions", "/v1/messages", "/v1/models"]) {
      const res = await preflight(
        `${running.url}${path}`,
        APP,
        "authorization, content-type, x-api-key, anthropic-version, x-router-strategy, x-router-new-hint, x-stainless-os",
      );
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP);
      expect(res.headers.get("access-control-allow-methods")).toContain("POST");
      expect(res.headers.get("access-control-allow-methods")).toContain("DELETE");
      const allowed = (res.headers.get("access-control-allow-headers") ?? "").split(/,\s*/);
      for (const h of [
        "authorization",
        "content-type",
        "x-api-key",
        "anthropic-version",
        "x-router-strategy",
        "x-router-new-hint",
        "x-stainless-os",
      ])
        expect(allowed).toContain(h);
      expect(res.headers.get("access-control-max-age")).toBe("300");
      expect(res.headers.get("vary")).toMatch(/origin/i);
      expect(res.headers.get("x-request-id")).toBeTruthy();
    }
  });

  it("gives a disallowed origin no CORS headers, preflight or not", async () => {
    const pre = await preflight(`${running.url}/v1/chat/completions`, "https://evil.example.com");
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    expect(pre.headers.get("access-control-allow-headers")).toBeNull();
    const res = await postFrom(`${running.url}/v1/chat/completions`, "https://evil.example.com", chat);
    expect(res.status).toBe(200); // the server answers; the browser withholds it from the script
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("vary")).toMatch(/origin/i);
  });

  it("puts Allow-Origin and the exposed router headers on answers, errors and streams", async () => {
    const ok = await postFrom(`${running.url}/v1/chat/completions`, APP, chat);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(APP);
    const exposed = (ok.headers.get("access-control-expose-headers") ?? "").split(/,\s*/);
    for (const h of [
      "x-request-id",
      "x-router-target",
      "x-router-reason",
      "x-router-cost-usd",
      "x-ratelimit-remaining-requests",
    ])
      expect(exposed).toContain(h);

    const refused = await postFrom(`${running.url}/v1/chat/completions`, APP, chat, {
      authorization: "Bearer sk-no",
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(APP);

    const stream = await postFrom(`${running.url}/v1/chat/completions`, APP, { ...chat, stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(stream.headers.get("access-control-allow-origin")).toBe(APP);
    expect(await stream.text()).toContain("[DONE]");

    const models = await fetch(`${running.url}/v1/models`, { headers: { origin: APP } });
    expect(models.status).toBe(401);
    expect(models.headers.get("access-control-allow-origin")).toBe(APP);
  });

  it("is off by default: no CORS headers, a preflight is not answered as one", async () => {
    const plain = await listen({ clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }] });
    try {
      const pre = await preflight(`${plain.url}/v1/chat/completions`, APP);
      expect(pre.status).not.toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      const res = await postFrom(`${plain.url}/v1/chat/completions`, APP, chat);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.headers.get("vary")).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it("echoes the origin with credentials, and sends * for a wildcard without them", async () => {
    const raw = (cors: Record<string, unknown>) => ({
      server: { cors },
      clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }],
    });
    const creds = await listen(raw({ allowedOrigins: ["*"], allowCredentials: true }));
    const star = await listen(raw({ allowedOrigins: ["*"] }));
    try {
      const a = await preflight(`${creds.url}/v1/chat/completions`, "http://localhost:5173");
      expect(a.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
      expect(a.headers.get("access-control-allow-credentials")).toBe("true");
      const b = await postFrom(`${star.url}/v1/chat/completions`, "http://localhost:5173", chat);
      expect(b.headers.get("access-control-allow-origin")).toBe("*");
      expect(b.headers.get("access-control-allow-credentials")).toBeNull();
    } finally {
      await creds.close();
      await star.close();
    }
  });

  it("rejects an origin with a path in the config", () => {
    expect(() => config({ server: { cors: { allowedOrigins: ["https://app.example.com/x"] } } })).toThrow(
      /server\.cors\.allowedOrigins\[0\]/,
    );
  });
});
