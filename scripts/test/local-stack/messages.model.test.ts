import Anthropic from "@anthropic-ai/sdk";
import { Ajv2020 } from "ajv/dist/2020.js";
import { LOCAL_API_KEY, LOCAL_MODEL, type LocalStack } from "../../src/local-stack/stack.js";
import { useLocalStack } from "./fixture.js";

/**
 * Issue #19's Messages contract on `pnpm start`: the official Anthropic SDK, with the local
 * stack's key as `x-api-key`, gets messages.create plain and streamed, a tool_use block under
 * tool_choice any whose input validates against the tool's schema, and a count from the runtime's
 * tokenizer — all routed to the cluster runtime.
 */
describe("/v1/messages through the router to the local stack's runtime", () => {
  const localStack = useLocalStack("messages");
  let stack: LocalStack;
  let client: Anthropic;

  beforeAll(() => {
    stack = localStack();
    client = new Anthropic({ baseURL: stack.url, apiKey: LOCAL_API_KEY, maxRetries: 0 });
  });

  it("answers messages.create and messages.stream() from the cluster target", async () => {
    const { data, response } = await client.messages
      .create({ model: LOCAL_MODEL, max_tokens: 8, messages: [{ role: "user", content: "Say hi." }] })
      .withResponse();
    expect(response.headers.get("x-router-target")).toBe("local-dev-cpu");
    expect(data).toMatchObject({ type: "message", role: "assistant" });
    expect(data.id).toMatch(/^msg_/);
    expect(["end_turn", "max_tokens"]).toContain(data.stop_reason);
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);

    const final = await client.messages
      .stream({ model: LOCAL_MODEL, max_tokens: 8, messages: [{ role: "user", content: "Say hi." }] })
      .finalMessage();
    expect(["end_turn", "max_tokens"]).toContain(final.stop_reason);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  const inputSchema = {
    type: "object" as const,
    properties: { city: { type: "string", maxLength: 6 }, unit: { enum: ["c", "f"] } },
    required: ["city", "unit"],
    additionalProperties: false,
  };
  const validate = new Ajv2020().compile(inputSchema);
  const request = {
    model: LOCAL_MODEL,
    max_tokens: 200,
    messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
    tools: [{ name: "get_weather", description: "Weather in a city", input_schema: inputSchema }],
    tool_choice: { type: "any" as const, disable_parallel_tool_use: true },
  };

  it("answers tool_choice any with a tool_use block whose input validates, plain and streamed", async () => {
    const msg = await client.messages.create(request);
    expect(msg.stop_reason).toBe("tool_use");
    const use = msg.content.find((b) => b.type === "tool_use");
    expect(use).toMatchObject({ type: "tool_use", name: "get_weather" });
    expect(validate(use?.type === "tool_use" ? use.input : undefined)).toBe(true);

    const streamed = await client.messages.stream(request).finalMessage();
    expect(streamed.stop_reason).toBe("tool_use");
    const s = streamed.content.find((b) => b.type === "tool_use");
    expect(validate(s?.type === "tool_use" ? s.input : undefined)).toBe(true);
  });

  it("counts tokens with the runtime's tokenizer", async () => {
    const { data, response } = await client.messages
      .countTokens({ model: LOCAL_MODEL, tools: request.tools, messages: request.messages })
      .withResponse();
    expect(response.headers.get("x-router-token-count-source")).toBe("runtime");
    expect(data.input_tokens).toBeGreaterThan(0);
  });
});
