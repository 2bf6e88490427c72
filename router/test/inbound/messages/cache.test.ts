import Anthropic from "@anthropic-ai/sdk";
import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { listen } from "../../helpers/router.js";

/** The response cache on `/v1/messages` (inbound/messages/replay.ts): streamed misses stored, replayed as events. */
describe("/v1/messages and the response cache", () => {
  let up: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: Anthropic;

  beforeAll(async () => {
    up = await startFakeOpenAI({
      toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Oslo"}' }],
    });
    router = await listen({
      router: { cache: { enabled: true }, maxRetries: 0 },
      externalProviders: [
        {
          name: "oa",
          type: "openai",
          apiKey: "sk-oa-000000000000",
          baseURL: `${up.url}/v1`,
          models: { m: "gpt-4o-mini" },
        },
      ],
    });
    client = new Anthropic({ baseURL: router.url, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(async () => {
    await router.close();
    await up.close();
  });

  it("stores a streamed answer and serves it again, as JSON and as Anthropic's events, with fresh ids", async () => {
    const body = {
      model: "m",
      max_tokens: 32,
      tools: [{ name: "get_weather", input_schema: { type: "object" as const, properties: {} } }],
      messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
      ...({ temperature: 0 } as object),
    };
    const first = await client.messages.stream(body).finalMessage();
    expect(first.content).toEqual([
      { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
    ]);

    const { data: again, response } = await client.messages.create(body).withResponse();
    expect(response.headers.get("x-router-cache")).toBe("hit");
    expect(again.content).toEqual(first.content);
    expect(again.stop_reason).toBe("tool_use");
    expect(again.id).toMatch(/^msg_/);
    expect(again.id).not.toBe(first.id);

    const replayed = await client.messages.stream(body).finalMessage();
    expect(replayed.content).toEqual(first.content);
    expect(replayed.stop_reason).toBe("tool_use");
    expect(replayed.usage.output_tokens).toBe(first.usage.output_tokens);
    expect(up.requests).toBe(1);
  });
});
