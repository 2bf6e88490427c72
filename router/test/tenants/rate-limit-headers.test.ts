import { FakeUpstream } from "@llm/testing";
import type { RunningRouter } from "../../src/server.js";
import {
  NO_RATE_LIMIT_HEADERS,
  rateLimitHeaders,
  writeRateLimitHeaders,
} from "../../src/tenants/rate-limit-headers.js";
import { config, listenWithAccess, post } from "../helpers/router.js";

const KEY = "sk-acme-tenant-key-0123456789";

const bucket = (kind: "requests" | "tokens", capacity: number) => ({
  key: `rl:${kind}`,
  capacity,
  periodSec: 60,
  cost: 1,
  kind,
});
const result = (remaining: number, resetSec = 6) => ({ ok: true, remaining, retryAfterSec: 0, resetSec });

describe("rate-limit headers", () => {
  it("reports the most restrictive bucket of each kind", () => {
    const h = rateLimitHeaders(
      [bucket("requests", 100), bucket("requests", 10), bucket("tokens", 1000)],
      [result(90), result(4, 36), result(900)],
    );
    expect(h).toEqual({
      "x-ratelimit-limit-requests": "10",
      "x-ratelimit-remaining-requests": "4",
      "x-ratelimit-reset-requests": "36s",
      "x-ratelimit-limit-tokens": "1000",
      "x-ratelimit-remaining-tokens": "900",
      "x-ratelimit-reset-tokens": "6s",
    });
  });

  it("writes a reservation's headers before the head is sent, and nothing for an unlimited one", () => {
    const set: [string, string][] = [];
    const res = { headersSent: false, setHeader: (n: string, v: string) => set.push([n, v]) };
    writeRateLimitHeaders(res, { headers: { "x-ratelimit-limit-requests": "5" } });
    writeRateLimitHeaders(res, { headers: NO_RATE_LIMIT_HEADERS });
    writeRateLimitHeaders(res, {});
    writeRateLimitHeaders({ ...res, headersSent: true }, { headers: { "x-ratelimit-limit-requests": "6" } });
    expect(set).toEqual([["x-ratelimit-limit-requests", "5"]]);
  });
});

describe("rate-limit headers on a successful answer over HTTP", () => {
  let up: FakeUpstream;
  let running: RunningRouter;

  beforeAll(async () => {
    up = await new FakeUpstream({ name: "a" }).start();
    ({ running } = await listenWithAccess(
      config({
        clusters: [{ name: "a", endpoint: up.url, models: ["tiny"] }],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: KEY }], rateLimit: { requestsPerMinute: 10 } }],
      }),
    ));
  });
  afterAll(async () => {
    await running.close();
    await up.close();
  });

  // forward() writes the admitted reservation's headers; the guard never reaches into the response.
  it("carries x-ratelimit-* like OpenAI's answers do", async () => {
    const { res } = await post(
      `${running.url}/v1/chat/completions`,
      { model: "tiny", messages: [{ role: "user", content: "hi" }] },
      { authorization: `Bearer ${KEY}` },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit-requests")).toBe("10");
    expect(res.headers.get("x-ratelimit-remaining-requests")).toBe("9");
  });
});
