import { HttpError, type ResponseFormat } from "@llm/contracts";
import { LRUCache } from "lru-cache";
import type { GbnfJsonSchema, Llama, LlamaGrammar } from "node-llama-cpp";
import {
  type CompiledSchema,
  checkJsonOutput,
  compileJsonSchema,
  type SchemaOptions,
} from "./schema/index.js";

/** A grammar and, for JSON schemas, the check the finished text must pass before it is answered. */
export interface ConstrainedOutput {
  grammar: LlamaGrammar;
  /** Throws the client-facing error when the text does not satisfy the schema. */
  check?: (text: string) => void;
}

/** One compiled client schema: its grammar and ajv check (see schema/). */
export interface SchemaGrammar {
  grammar: LlamaGrammar;
  compiled: CompiledSchema;
}

const RESPONSE_FORMAT_PARAM = "response_format.json_schema.schema";

/**
 * Grammars for `response_format` (and tool parameters), cached by schema text: compiling a
 * JSON-schema grammar costs far more than a short generation, and clients tend to send the same
 * schema every time. The least recently used schema is evicted first, so one in steady use survives
 * a burst of one-off schemas.
 */
export class GrammarCache {
  private readonly cache: LRUCache<string, Promise<ConstrainedOutput & Partial<SchemaGrammar>>>;

  constructor(
    private readonly llama: Llama,
    /** Distinct schemas kept. Defaults to 64. */
    maxEntries = 64,
  ) {
    this.cache = new LRUCache({ max: maxEntries });
  }

  /**
   * The grammar for a response format and the check its finished text must pass, or undefined for
   * plain text. Bad schemas, and strict schemas with keywords the grammar cannot enforce -> 400.
   */
  async forFormat(format: ResponseFormat | undefined): Promise<ConstrainedOutput | undefined> {
    if (!format || format.type === "text") return undefined;
    if (format.type === "json_object" || !format.json_schema.schema) {
      return this.memo("json", async () => ({ grammar: await this.llama.getGrammarFor("json") }));
    }
    return this.entry(format.json_schema.schema, {
      strict: format.json_schema.strict === true,
      param: RESPONSE_FORMAT_PARAM,
    });
  }

  /**
   * A client JSON schema compiled once: its grammar and ajv check. Tool calling uses this for each
   * tool's `parameters`, with its own `param` (e.g. `tools[0].function.parameters`) for errors.
   */
  async forSchema(schema: unknown, opts: SchemaOptions): Promise<SchemaGrammar> {
    const e = await this.entry(schema, opts);
    return { grammar: e.grammar, compiled: e.compiled as CompiledSchema };
  }

  /**
   * A grammar written as GBNF text (tool calls compose one from their functions' schema grammars),
   * cached under `key`: the same tools and choice reuse one compiled grammar.
   */
  async forGbnf(key: string, gbnf: () => Promise<string>): Promise<LlamaGrammar> {
    const e = await this.memo(`gbnf:${key}`, async () => ({
      grammar: await this.llama.createGrammar({ grammar: await gbnf() }),
    }));
    return e.grammar;
  }

  private entry(schema: unknown, opts: SchemaOptions) {
    const key = `schema:${opts.strict ? "strict" : "loose"}:${opts.param}:${JSON.stringify(schema)}`;
    return this.memo(key, async () => {
      const compiled = compileJsonSchema(schema, opts); // the 400s
      try {
        // Client schemas are only known at run time; the translation only emits what node-llama-cpp accepts.
        const compile = this.llama.createGrammarForJsonSchema as (s: GbnfJsonSchema) => Promise<LlamaGrammar>;
        const grammar = await compile.call(this.llama, compiled.grammarSchema);
        const check = (text: string) => checkJsonOutput(compiled, text, opts.param);
        return { grammar, compiled, check };
      } catch (err) {
        throw new HttpError(
          400,
          `Unsupported JSON schema: ${err instanceof Error ? err.message : String(err)}`,
          { param: opts.param, code: "invalid_json_schema" },
        );
      }
    });
  }

  /** Caches the promise so concurrent requests share one compilation; a failure is not kept. */
  private memo<T extends ConstrainedOutput>(key: string, create: () => Promise<T>): Promise<T> {
    let entry = this.cache.get(key) as Promise<T> | undefined;
    if (!entry) {
      entry = create();
      this.cache.set(key, entry);
      entry.catch(() => {
        if (this.cache.get(key) === entry) this.cache.delete(key);
      });
    }
    return entry;
  }
}
