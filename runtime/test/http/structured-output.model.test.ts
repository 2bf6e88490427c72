import { Ajv2020 } from "ajv/dist/2020.js";
import { createParser } from "eventsource-parser";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { type RuntimeHandle, startRuntime } from "../../src/index.js";
import { tinyModel } from "../helpers.js";

let rt: RuntimeHandle;

beforeAll(async () => {
  rt = await startRuntime({ model: await tinyModel(), threads: 1, ctxSize: 512, parallel: 2 });
});
afterAll(() => rt.close());

const messages = [{ role: "user" as const, content: "Answer in JSON." }];
const format = (schema: Record<string, unknown>, strict: boolean) => ({
  type: "json_schema" as const,
  json_schema: { name: "answer", schema, strict },
});
const post = (body: unknown) =>
  fetch(`${rt.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "tiny", messages, ...(body as object) }),
  });

describe("response_format json_schema answers satisfy their schema or fail", () => {
  it("anyOf [string, integer] generates one of them, not null", async () => {
    const schema = {
      type: "object",
      properties: { v: { anyOf: [{ type: "string", maxLength: 4 }, { type: "integer" }] } },
      required: ["v"],
      additionalProperties: false,
    };
    const validate = new Ajv2020().compile(schema);
    let valid = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const res = await post({ max_tokens: 64, seed, response_format: format(schema, true) });
      const body = (await res.json()) as ChatCompletion & { error?: { code?: string } };
      // Never a 200 that fails the schema: either a valid answer, a cut one (length), or the check's error.
      if (res.status !== 200) {
        expect({ status: res.status, code: body.error?.code }).toEqual({
          status: 500,
          code: "json_schema_violation",
        });
        continue;
      }
      const choice = body.choices[0];
      if (choice?.finish_reason === "length") continue;
      const content = choice?.message.content ?? "";
      expect({ content, valid: validate(JSON.parse(content)) }).toEqual({ content, valid: true });
      valid++;
    }
    expect(valid).toBeGreaterThan(0);
  });

  it("an invalid schema is a 400, not a 200 with null", async () => {
    const res = await post({ max_tokens: 8, response_format: format({ type: "objekt" }, false) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: "invalid_json_schema", param: "response_format.json_schema.schema" },
    });
  });

  it("strict with pattern is a 400 naming the keyword's path", async () => {
    const schema = {
      type: "object",
      properties: { v: { type: "string", pattern: "^a+$" } },
      required: ["v"],
    };
    const res = await post({ max_tokens: 8, response_format: format(schema, true) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        code: "unsupported_json_schema",
        param: "response_format.json_schema.schema.properties.v.pattern",
      },
    });
  });

  it("non-strict pattern is checked: a violating answer is an error, plain and streamed", async () => {
    // A random model will not write "zzz..." on its own, so the check must catch it.
    const schema = {
      type: "object",
      properties: { v: { type: "string", maxLength: 3, pattern: "^z+$" } },
      required: ["v"],
      additionalProperties: false,
    };
    const body = { max_tokens: 64, temperature: 0, response_format: format(schema, false) };
    const plain = await post(body);
    const json = (await plain.json()) as { error?: { code?: string }; choices?: unknown };
    expect({ status: plain.status, code: json.error?.code }).toEqual({
      status: 500,
      code: "json_schema_violation",
    });

    const streamed = await post({ ...body, stream: true });
    expect(streamed.status).toBe(200);
    const events: string[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e.data) });
    parser.feed(await streamed.text());
    expect(events.at(-1)).toBe("[DONE]");
    const error = JSON.parse(events.at(-2) ?? "{}") as { error?: { code?: string } };
    expect(error.error?.code).toBe("json_schema_violation");
    // No finish chunk before the error: the answer was not delivered as valid.
    expect(events.some((e) => e.includes('"finish_reason":"stop"'))).toBe(false);
  });
});
