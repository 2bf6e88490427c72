import { HttpError, type ResponseFormat } from "@llm/contracts";
import { LRUCache } from "lru-cache";
import type { GbnfJsonSchema, Llama, LlamaGrammar } from "node-llama-cpp";

/**
 * Grammars for `response_format`, cached by schema text: compiling a JSON-schema grammar costs far
 * more than a short generation, and clients tend to send the same schema every time. The least
 * recently used schema is evicted first, so one in steady use survives a burst of one-off schemas.
 */
export class GrammarCache {
  private readonly cache: LRUCache<string, Promise<LlamaGrammar>>;

  constructor(
    private readonly llama: Llama,
    /** Distinct schemas kept. Defaults to 64. */
    maxEntries = 64,
  ) {
    this.cache = new LRUCache({ max: maxEntries });
  }

  /** The grammar for a response format, or undefined for plain text. Bad schemas -> 400. */
  async forFormat(format: ResponseFormat | undefined): Promise<LlamaGrammar | undefined> {
    if (!format || format.type === "text") return undefined;
    if (format.type === "json_object" || !format.json_schema.schema) {
      return this.memo("json", () => this.llama.getGrammarFor("json"));
    }
    const schema = format.json_schema.schema;
    const key = `schema:${JSON.stringify(schema)}`;
    try {
      // Client schemas are only known at run time; node-llama-cpp validates them as it compiles.
      const compile = this.llama.createGrammarForJsonSchema as (s: GbnfJsonSchema) => Promise<LlamaGrammar>;
      return await this.memo(key, () => compile.call(this.llama, schema as GbnfJsonSchema));
    } catch (err) {
      this.cache.delete(key);
      throw new HttpError(
        400,
        `Unsupported JSON schema: ${err instanceof Error ? err.message : String(err)}`,
        {
          param: "response_format.json_schema.schema",
          code: "invalid_json_schema",
        },
      );
    }
  }

  private memo(key: string, create: () => Promise<LlamaGrammar>): Promise<LlamaGrammar> {
    let grammar = this.cache.get(key);
    if (!grammar) {
      grammar = create();
      this.cache.set(key, grammar);
    }
    return grammar;
  }
}
