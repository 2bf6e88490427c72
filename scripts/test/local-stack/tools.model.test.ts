import { Ajv2020 } from "ajv/dist/2020.js";
import OpenAI from "openai";
import { LOCAL_API_KEY, type LocalStack } from "../../src/local-stack/stack.js";
import { useLocalStack } from "./fixture.js";

/**
 * Issue #18's contract on `pnpm start`: tools + tool_choice "required" through the router at the
 * local stack return a valid call from the cluster target (the generated model's template has a
 * tool-call format, and the runtime reports `tools`).
 */
describe("tool calls through the router to the local stack's runtime", () => {
  const localStack = useLocalStack("tools");
  let stack: LocalStack;
  let client: OpenAI;

  beforeAll(() => {
    stack = localStack();
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: LOCAL_API_KEY, maxRetries: 0 });
  });

  const parameters = {
    type: "object",
    properties: { city: { type: "string", maxLength: 6 }, unit: { enum: ["c", "f"] } },
    required: ["city", "unit"],
    additionalProperties: false,
  };
  const validate = new Ajv2020().compile(parameters);
  const request = {
    model: "tiny",
    max_tokens: 200,
    seed: 3,
    parallel_tool_calls: false,
    messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
    tools: [{ type: "function" as const, function: { name: "get_weather", parameters } }],
    tool_choice: "required" as const,
  };

  it("answers a valid call from the cluster target, plain and streamed", async () => {
    const { data, response } = await client.chat.completions.create(request).withResponse();
    expect(response.headers.get("x-router-target")).toBe("local-dev-cpu");
    const call = data.choices[0]?.message.tool_calls?.[0] as {
      function: { name: string; arguments: string };
    };
    expect(data.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call.function.name).toBe("get_weather");
    expect(validate(JSON.parse(call.function.arguments))).toBe(true);

    // Another seed: the local stack's response cache would answer the same deterministic request.
    const final = await client.chat.completions.stream({ ...request, seed: 4 }).finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0] as { function: { arguments: string } };
    expect(final.choices[0]?.finish_reason).toBe("tool_calls");
    expect(validate(JSON.parse(streamed.function.arguments))).toBe(true);
  });

  it("lists tools among the model's capabilities and counts the calls per target", async () => {
    const models = await client.models.list();
    const tiny = models.data.find((m) => m.id === "tiny") as unknown as { capabilities: string[] };
    expect(tiny.capabilities).toContain("tools");
    // A stream is booked once it has ended, just after the client saw its last event: poll briefly.
    const read = async () => {
      const metrics = await (await fetch(`${stack.url}/metrics`)).text();
      const value = (name: string) =>
        Number(new RegExp(`${name}\\{target="local-dev-cpu"\\} (\\d+)`).exec(metrics)?.[1]);
      return {
        calls: value("llm_router_tool_calls_total"),
        requests: value("llm_router_tool_requests_total"),
      };
    };
    let seen = await read();
    for (let i = 0; i < 50 && seen.calls < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await read();
    }
    expect(seen.calls).toBeGreaterThanOrEqual(2);
    expect(seen.requests).toBeGreaterThanOrEqual(2);
  });
});
