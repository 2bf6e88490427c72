import type { Llama, LlamaGrammar } from "node-llama-cpp";
import { GrammarCache } from "../../src/inference/grammar.js";
import { compileJsonSchema } from "../../src/inference/schema/index.js";

/** A Llama that "compiles" a schema into a token object and counts compilations per schema. */
function fakeLlama() {
  const compiled: string[] = [];
  const llama = {
    getGrammarFor: async () => ({ kind: "json" }) as unknown as LlamaGrammar,
    createGrammarForJsonSchema: async (schema: unknown) => {
      compiled.push(JSON.stringify(schema));
      return { schema } as unknown as LlamaGrammar;
    },
  } as unknown as Llama;
  return { llama, compiled };
}

const format = (title: string) => ({
  type: "json_schema" as const,
  json_schema: { name: title, schema: { type: "object", title } },
});

describe("grammar cache", () => {
  it("compiles a schema once and serves it from the cache after", async () => {
    const { llama, compiled } = fakeLlama();
    const cache = new GrammarCache(llama, 2);
    const a = await cache.forFormat(format("a"));
    expect(await cache.forFormat(format("a"))).toBe(a);
    expect(compiled).toHaveLength(1);
  });

  it("evicts the least recently used schema, not the oldest inserted", async () => {
    const { llama, compiled } = fakeLlama();
    const cache = new GrammarCache(llama, 2);
    await cache.forFormat(format("a"));
    await cache.forFormat(format("b"));
    await cache.forFormat(format("a")); // a is now the most recently used
    await cache.forFormat(format("c")); // evicts b
    compiled.length = 0;
    await cache.forFormat(format("a"));
    expect(compiled).toEqual([]);
    await cache.forFormat(format("b"));
    // What node-llama-cpp compiles is the schema as translated for the grammar (schema/translate.ts).
    const translated = compileJsonSchema({ type: "object", title: "b" }, { strict: false, param: "p" });
    expect(compiled).toEqual([JSON.stringify(translated.grammarSchema)]);
  });

  it("does not keep a schema that failed to compile", async () => {
    const { llama } = fakeLlama();
    let calls = 0;
    (llama as unknown as { createGrammarForJsonSchema: () => Promise<never> }).createGrammarForJsonSchema =
      async () => {
        calls++;
        throw new Error("bad schema");
      };
    const cache = new GrammarCache(llama, 2);
    await expect(cache.forFormat(format("x"))).rejects.toMatchObject({
      status: 400,
      code: "invalid_json_schema",
    });
    await expect(cache.forFormat(format("x"))).rejects.toMatchObject({ status: 400 });
    expect(calls).toBe(2);
  });
});
