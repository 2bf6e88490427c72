import { checkJsonOutput, compileJsonSchema } from "../../../src/inference/schema/index.js";

const param = "response_format.json_schema.schema";
const compile = (schema: unknown, strict = false) => compileJsonSchema(schema, { strict, param });

describe("compileJsonSchema", () => {
  it("rejects an invalid schema with 400 invalid_json_schema", () => {
    expect(() => compile({ type: "objekt" })).toThrow(
      expect.objectContaining({ status: 400, code: "invalid_json_schema", param }),
    );
    expect(() => compile([1])).toThrow(expect.objectContaining({ status: 400 }));
  });

  it("turns anyOf into grammar alternatives instead of null", () => {
    const c = compile({
      type: "object",
      properties: { v: { anyOf: [{ type: "string" }, { type: "integer" }] } },
      required: ["v"],
      additionalProperties: false,
    });
    expect(c.grammarSchema).toMatchObject({
      properties: { v: { oneOf: [{ type: "string" }, { type: "integer" }] } },
    });
    expect(c.dropped).toEqual([]);
    expect(c.validate({ v: null })).toContain("/v");
  });

  it("strict: names the JSON path of a keyword the grammar cannot enforce", () => {
    const schema = { type: "object", properties: { v: { type: "string", pattern: "^a+$" } } };
    expect(() => compile(schema, true)).toThrow(
      expect.objectContaining({
        status: 400,
        code: "unsupported_json_schema",
        param: `${param}.properties.v.pattern`,
        message: expect.stringContaining("#/properties/v/pattern"),
      }),
    );
    for (const [bad, at] of [
      [{ type: "number", minimum: 1 }, "#/minimum"],
      [{ oneOf: [{ type: "string" }] }, "#/oneOf"],
      [{ type: "array", uniqueItems: true }, "#/uniqueItems"],
      [{ type: "string", format: "email" }, "#/format"],
      [{ allOf: [{ type: "string" }, { minLength: 1 }] }, "#/allOf"],
    ] as const)
      expect(() => compile(bad, true)).toThrow(
        expect.objectContaining({ message: expect.stringContaining(at) }),
      );
  });

  it("without strict: enforces the rest, records what was dropped, and ajv checks it", () => {
    const c = compile({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { v: { type: "string", pattern: "^a+$" }, r: { $ref: "#/definitions/B" } },
      definitions: { B: { type: "boolean" } },
    });
    expect(c.dropped).toEqual(["#/properties/v/pattern"]);
    expect(c.grammarSchema).toMatchObject({
      properties: { v: { type: "string" }, r: { $ref: "#/$defs/B" } },
      $defs: { B: { type: "boolean" } },
    });
    expect(c.validate({ v: "aa", r: true })).toBeUndefined();
    expect(() => checkJsonOutput(c, '{"v":"b","r":true}', param)).toThrow(
      expect.objectContaining({ status: 500, code: "json_schema_violation" }),
    );
    expect(() => checkJsonOutput(c, '{"v":', param)).toThrow(expect.objectContaining({ status: 500 }));
  });

  it("a type list with object and null becomes alternatives; an empty schema is any JSON, not null", () => {
    expect(
      compile({ type: ["object", "null"], properties: { a: { type: "integer" } } }).grammarSchema,
    ).toEqual({
      oneOf: [
        { type: "object", properties: { a: { type: "integer" } }, additionalProperties: false },
        { type: "null" },
      ],
    });
    expect(JSON.stringify(compile({}).grammarSchema)).toContain('"additionalProperties":true');
  });

  it("the same $id in two schemas does not collide", () => {
    compile({ $id: "https://x/a", type: "string" });
    expect(() => compile({ $id: "https://x/a", type: "integer" })).not.toThrow();
  });
});
