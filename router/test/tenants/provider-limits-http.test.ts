import { type FakeServer, FakeUpstream, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import type { RunningRouter } from "../../src/server.js";
import { config, type ErrorJson, listenWithAccess, post } from "../helpers/router.js";

/** A provider's own rateLimit through the whole router: skipped when spent, 429 when pinned. */
describe("externalProviders[].rateLimit over HTTP", () => {
  let openai: FakeServer;
  let cluster: FakeUpstream;
  let running: RunningRouter;
  let client: OpenAI;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    cluster = await new FakeUpstream({ name: "cluster" }).start();
    const cfg = config({
      router: { routingStrategy: "external_first" },
      clusters: [{ name: "local", endpoint: cluster.url, models: ["tiny"], costPerHour: 1 }],
      externalProviders: [
        {
          name: "openai",
          type: "openai",
          apiKey: "sk-upstream-0000000000",
          baseURL: `${openai.url}/v1`,
          models: { tiny: "gpt-4o-mini" },
          rateLimit: { requestsPerMinute: 2 },
        },
      ],
    });
    ({ running } = await listenWithAccess(cfg));
    client = new OpenAI({ baseURL: `${running.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await running.close();
    await openai.close();
    await cluster.close();
  });

  const body = { model: "tiny", messages: [{ role: "user" as const, content: "hi" }] };

  it("serves from the provider until its requests per minute are spent, then from the next target", async () => {
    const targets: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const { response } = await client.chat.completions.create(body).withResponse();
      targets.push(response.headers.get("x-router-target"));
    }
    expect(targets).toEqual(["openai", "openai", "local", "local"]);
    expect(cluster.count).toBe(2);
  });

  it("answers a pin to the spent provider with 429 provider_rate_limited and Retry-After", async () => {
    const { res, json } = await post<ErrorJson>(`${running.url}/v1/chat/completions`, body, {
      "x-router-target": "openai",
    });
    expect(res.status).toBe(429);
    expect(json.error.code).toBe("provider_rate_limited");
    // Two per minute refill one every 30 s.
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(30);
  });
});
