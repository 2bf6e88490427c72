/**
 * The one schema-to-grammar module: response_format `json_schema` uses it, and tool calling reuses
 * it for each tool's `parameters`. A schema is first compiled by ajv (invalid -> 400), then
 * translated into what the grammar enforces (strict: an unenforceable keyword -> 400 naming its JSON
 * path), and every finished output is checked with ajv, so an answer never passes that fails its schema.
 */
import { HttpError } from "@llm/contracts";
import Ajv from "ajv";
import Ajv2019 from "ajv/dist/2019.js";
import Ajv2020 from "ajv/dist/2020.js";
import type { GbnfJsonSchema } from "node-llama-cpp";
import { translateSchema, UnenforceableKeywordError } from "./translate.js";

export interface SchemaOptions {
  /** OpenAI `strict`: refuse keywords the grammar cannot enforce instead of checking them afterwards. */
  strict: boolean;
  /** The request field the schema came from, named in errors (e.g. `response_format.json_schema.schema`). */
  param: string;
}

export interface CompiledSchema {
  /** What `llama.createGrammarForJsonSchema` takes. */
  grammarSchema: GbnfJsonSchema;
  /** JSON pointers of keywords the grammar leaves to `validate` (always empty when strict). */
  dropped: readonly string[];
  /** undefined when `value` satisfies the schema, else ajv's message. */
  validate(value: unknown): string | undefined;
}

// The formats the grammar can produce, checked the same way ajv-formats does (not installed here).
const FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(z|[+-]([01]\d|2[0-3]):?[0-5]\d)?$/i,
  "date-time":
    /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[t\s]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(z|[+-]([01]\d|2[0-3]):?[0-5]\d)$/i,
};

/** The part of ajv's API used here (its three dialect classes share it; their ESM typings differ). */
type ValidateFn = ((value: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string }[] | null;
};
interface AjvLike {
  compile(schema: object): ValidateFn;
  removeSchema(schema: object): unknown;
  addFormat(name: string, format: RegExp): unknown;
}
type AjvClass = new (opts: Record<string, unknown>) => AjvLike;
const ajvClass = (c: unknown): AjvClass => ((c as { default?: unknown }).default ?? c) as AjvClass;

const instances = new Map<AjvClass, AjvLike>();

/** The ajv dialect of a schema's `$schema` (absent = 2020-12, what OpenAI documents), one instance each. */
function ajvFor(schema: Record<string, unknown>): AjvLike {
  const dialect = typeof schema.$schema === "string" ? schema.$schema : "";
  const Cls = /draft-0[4-7]/.test(dialect)
    ? ajvClass(Ajv)
    : dialect.includes("2019-09")
      ? ajvClass(Ajv2019)
      : ajvClass(Ajv2020);
  let ajv = instances.get(Cls);
  if (!ajv) {
    // strict: false so vendor keywords (x-*, nullable, ...) compile; the meta-schema still rejects bad values.
    // strictNumbers: Infinity/NaN (e.g. an integer written as 7e2227) is not a JSON number's value.
    ajv = new Cls({
      strict: false,
      strictNumbers: true,
      allErrors: true,
      logger: false,
      validateFormats: true,
    });
    for (const [name, re] of Object.entries(FORMATS)) ajv.addFormat(name, re);
    instances.set(Cls, ajv);
  }
  return ajv;
}

function invalid(param: string, message: string): HttpError {
  return new HttpError(400, `Invalid JSON schema: ${message}`, { param, code: "invalid_json_schema" });
}

/** Compiles a client schema; throws a 400 (invalid schema, or an unenforceable keyword under strict). */
export function compileJsonSchema(schema: unknown, opts: SchemaOptions): CompiledSchema {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema))
    throw invalid(opts.param, "the schema must be a JSON object");
  const root = schema as Record<string, unknown>;
  // draft-04's meta-schema is not bundled with ajv 8; draft-04 schemas are checked as draft-07.
  let toCompile = root;
  if (typeof root.$schema === "string" && !/2019-09|2020-12|draft-0[67]/.test(root.$schema)) {
    const { $schema: _, ...rest } = root;
    toCompile = rest;
  }
  let check: ValidateFn;
  const ajv = ajvFor(root);
  try {
    check = ajv.compile(toCompile);
  } catch (err) {
    throw invalid(opts.param, err instanceof Error ? err.message : String(err));
  } finally {
    // The compiled function stays usable; the instance forgets the schema so client `$id`s never collide.
    ajv.removeSchema(toCompile);
  }
  let translated: ReturnType<typeof translateSchema>;
  try {
    translated = translateSchema(root, opts.strict);
  } catch (err) {
    if (!(err instanceof UnenforceableKeywordError)) throw err;
    throw new HttpError(
      400,
      `Strict JSON schema uses a keyword this runtime cannot enforce: ${err.message}. Remove it or set strict to false (it is then checked after generation).`,
      { param: `${opts.param}${err.path.slice(1).replaceAll("/", ".")}`, code: "unsupported_json_schema" },
    );
  }
  return {
    grammarSchema: translated.schema,
    dropped: translated.dropped,
    validate(value) {
      if (check(value)) return undefined;
      return (check.errors ?? [])
        .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`)
        .join("; ");
    },
  };
}

/** The model's final text checked against the schema; throws the error a client sees instead of a 200. */
export function checkJsonOutput(compiled: CompiledSchema, text: string, param: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw violation(param, "the output is not valid JSON");
  }
  const problem = compiled.validate(value);
  if (problem !== undefined) throw violation(param, problem);
}

function violation(param: string, detail: string): HttpError {
  // 500: the request was valid; the model's output was not, and this runtime refuses to pass it on.
  return new HttpError(500, `The generated output does not match the JSON schema: ${detail}`, {
    param,
    code: "json_schema_violation",
  });
}
