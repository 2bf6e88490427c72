import { Ajv2020 } from "ajv/dist/2020.js";
import OpenAI from "openai";
import { LOCAL_API_KEY, type LocalStack } from "../../src/local-stack/stack.js";
import { useLocalStack } from "./fixture.js";

/**
 * Issue #19's Responses half on `pnpm start`: the official SDK's `responses.create` (plain,
 * streamed, and with a function tool under tool_choice "required") through the router to the
 * local stack's runtime, with the stack's key `local-dev-key`.
 */
describe("/v1/responses through the router to the local stack's runtime", () => {
  const localStack = useLocalStack("responses");
  let stack: LocalStack;
  let client: OpenAI;

  beforeAll(() => {
    stack = localStack();
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: LOCAL_API_KEY, maxRetries: 0 });
  });

  it("answers responses.create from the cluster target, stores it, and streams the typed events", async () => {
    const { data, response } = await client.responses
      .create({ model: "tiny", input: "Say hello.", max_output_tokens: 8, temperature: 0 })
      .withResponse();
    expect(response.headers.get("x-router-target")).toBe("local-dev-cpu");
    expect(data.id).toMatch(/^resp_/);
    expect(["completed", "incomplete"]).toContain(data.status);
    expect(data.output.some((o) => o.type === "message")).toBe(true);
    expect(typeof data.output_text).toBe("string");
    expect(data.usage?.input_tokens).toBeGreaterThan(0);
    expect((await client.responses.retrieve(data.id)).id).toBe(data.id);

    const stream = client.responses.stream({
      model: "tiny",
      input: "Say goodbye.",
      max_output_tokens: 8,
      previous_response_id: data.id,
    });
    const types: string[] = [];
    stream.on("event", (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(types[0]).toBe("response.created");
    expect(["response.completed", "response.incomplete"]).toContain(types.at(-1));
    expect(final.previous_response_id).toBe(data.id);
    expect(final.output.some((o) => o.type === "message")).toBe(true);
  });

  it("returns a function_call whose arguments validate, for tool_choice required", async () => {
    const parameters = {
      type: "object",
      properties: { city: { type: "string", maxLength: 6 }, unit: { enum: ["c", "f"] } },
      required: ["city", "unit"],
      additionalProperties: false,
    };
    const validate = new Ajv2020().compile(parameters);
    const r = await client.responses.create({
      model: "tiny",
      input: "Weather in Oslo?",
      max_output_tokens: 200,
      parallel_tool_calls: false,
      tools: [{ type: "function", name: "get_weather", parameters, strict: true }],
      tool_choice: "required",
    });
    const call = r.output.find((o) => o.type === "function_call");
    if (call?.type !== "function_call") throw new Error(`no function_call in ${JSON.stringify(r.output)}`);
    expect(call.name).toBe("get_weather");
    expect(call.call_id).toBeTruthy();
    expect(validate(JSON.parse(call.arguments))).toBe(true);
  });
});
