import { FakeUpstream } from "@llm/testing";
import OpenAI from "openai";
import { listen } from "../helpers/router.js";

const UPSTREAM_DELAY_MS = 120;

/** x-router-overhead-ms reports the router's own time, not the upstream's. */
describe("router overhead header", () => {
  let slow: FakeUpstream;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    slow = await new FakeUpstream({ name: "slow" }).start();
    slow.delayMs = UPSTREAM_DELAY_MS;
    router = await listen({ clusters: [{ name: "slow", endpoint: slow.url, models: ["tiny"] }] });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router?.close();
    await slow?.close();
  });

  const body = { model: "tiny", messages: [{ role: "user" as const, content: "hi" }] };

  it.each([false, true])("excludes the upstream's time (stream: %s)", async (stream) => {
    const started = performance.now();
    const { response } = await client.chat.completions.create({ ...body, stream }).withResponse();
    const total = performance.now() - started;
    const overhead = Number(response.headers.get("x-router-overhead-ms"));
    expect(Number.isFinite(overhead)).toBe(true);
    expect(overhead).toBeGreaterThanOrEqual(0);
    // The upstream alone took >= 120 ms of the total; the router's share must leave it out.
    expect(total).toBeGreaterThanOrEqual(UPSTREAM_DELAY_MS);
    expect(overhead).toBeLessThan(total - UPSTREAM_DELAY_MS + 1);
  });
});
