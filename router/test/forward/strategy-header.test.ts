import { FakeUpstream } from "@llm/testing";
import OpenAI from "openai";
import { listen } from "../helpers/router.js";

/** x-router-strategy names the strategy that ranked the targets: the config's, or the request's. */
describe("x-router-strategy response header", () => {
  let up: FakeUpstream;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    up = await new FakeUpstream({ name: "up" }).start();
    router = await listen({
      router: { routingStrategy: "cost" },
      clusters: [{ name: "up", endpoint: up.url, models: ["tiny"] }],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router?.close();
    await up?.close();
  });

  const body = { model: "tiny", messages: [{ role: "user" as const, content: "hi" }] };

  it.each([false, true])(
    "is the config's strategy, or the request's override (stream: %s)",
    async (stream) => {
      const plain = await client.chat.completions.create({ ...body, stream }).withResponse();
      expect(plain.response.headers.get("x-router-strategy")).toBe("cost");
      const latency = await client.chat.completions
        .create({ ...body, stream }, { headers: { "x-router-strategy": "latency" } })
        .withResponse();
      expect(latency.response.headers.get("x-router-strategy")).toBe("latency");
    },
  );
});
