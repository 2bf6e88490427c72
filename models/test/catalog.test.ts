import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  CatalogError,
  defaultCatalogPath,
  findModel,
  loadCatalog,
  parseCatalog,
  parseModelUri,
} from "../src/index.js";

const good = {
  name: "tinyllama-1.1b-chat-q4_k_m",
  uri: "https://huggingface.co/TheBloke/TinyLlama-1.1B-Chat-v1.0-GGUF/resolve/main/tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf",
  sha256: "9fecc3b3cd76bba89d504f29b616eedf7da85b96540e490ca5824d3f7d2776a0",
  sizeBytes: 668788096,
  quantization: "Q4_K_M",
  contextLength: 2048,
  chatTemplate: "zephyr",
  pool: "cpu",
  description: "TinyLlama",
};
const generated = {
  name: "gen-tiny",
  uri: "gen://tiny?seed=1",
  quantization: "F32",
  contextLength: 2048,
  chatTemplate: "auto",
  pool: "cpu",
  description: "generated",
};

/** A catalog whose third entry (models[2]) is `good` changed by `patch`. */
function withThird(patch: Record<string, unknown>): string {
  const third: Record<string, unknown> = { ...good, name: "third", ...patch };
  for (const [k, v] of Object.entries(third)) if (v === undefined) delete third[k];
  return stringify({ version: 1, models: [good, generated, third] });
}

function errorOf(fn: () => unknown): CatalogError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CatalogError) return err;
    throw err;
  }
  throw new Error("expected a CatalogError");
}

describe("the shipped catalog", () => {
  const catalog = loadCatalog(defaultCatalogPath);

  it("validates and lists the real and generated models", () => {
    const names = catalog.models.map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "tinyllama-1.1b-chat-q4_k_m",
        "tinyllama-1.1b-chat-q8_0",
        "llama-2-7b-chat-q4_k_m",
        "gen-tiny",
      ]),
    );
  });

  it("pins every downloaded model to a Hugging Face revision and a sha256", () => {
    for (const m of catalog.models.filter((e) => e.uri.startsWith("https://"))) {
      expect(m.uri).toMatch(
        /^https:\/\/huggingface\.co\/(TheBloke|bartowski)\/[^/]+\/resolve\/[0-9a-f]{40}\/[^/]+\.gguf$/,
      );
      expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
      // The Qwen page gives its size in MB only; a size is listed only where it was read exactly.
      if (m.sizeBytes !== undefined) expect(m.sizeBytes).toBeGreaterThan(0);
    }
  });

  it("finds a model by name", () => {
    expect(findModel("llama-2-7b-chat-q4_k_m", catalog)).toMatchObject({
      quantization: "Q4_K_M",
      contextLength: 4096,
      chatTemplate: "llama2",
      pool: "gpu",
    });
    expect(findModel("gen-tiny")).toMatchObject({ uri: "gen://tiny?seed=1", pool: "cpu" });
  });

  it("gives every generated model Qwen2.5's template and the tools feature (gen-gguf's default template)", () => {
    const generatedModels = catalog.models.filter((m) => m.uri.startsWith("gen://"));
    expect(generatedModels.length).toBeGreaterThan(0);
    for (const m of generatedModels)
      expect(m).toMatchObject({ chatTemplate: "qwen2.5", features: ["tools"] });
    // The downloaded TinyLlama and Llama 2 templates have no tool syntax: they declare nothing;
    // the downloaded Qwen 2.5 carries its own template with tool calls.
    for (const m of catalog.models.filter((e) => e.uri.startsWith("https://")))
      expect([m.name, m.features]).toEqual([m.name, m.chatTemplate === "qwen2.5" ? ["tools"] : undefined]);
    expect(findModel("qwen2.5-1.5b-instruct-q4_k_m", catalog)).toMatchObject({
      pool: "cpu",
      features: ["tools"],
    });
  });

  it("names the known models when a name is unknown", () => {
    expect(() => findModel("gpt-5", catalog)).toThrow(
      /^unknown model gpt-5; known: tinyllama-1\.1b-chat-q4_k_m, tinyllama-1\.1b-chat-q8_0, llama-2-7b-chat-q4_k_m, gen-tiny/,
    );
  });
});

describe("parseCatalog", () => {
  it("accepts a generated model without sha256", () => {
    const c = parseCatalog(stringify({ version: 1, models: [good, generated] }));
    expect(c.models[1]).toEqual(generated);
  });

  it.each([
    ["models[2].sha256: must be 64 hex chars", { sha256: "abc" }],
    ["models[2].sha256: is required for downloaded and file models", { sha256: undefined }],
    ["models[2].uri: must be https://..., file:///... or gen://", { uri: "http://example.com/m.gguf" }],
    ["models[2].uri: seed must be at most 4294967295", { uri: "gen://tiny?seed=4294967296" }],
    ["models[2].name: must be 1-64 chars", { name: "Tiny Llama" }],
    ["models[2].name: duplicate name gen-tiny (also models[1])", { name: "gen-tiny" }],
    ["models[2].quantization: Invalid option", { quantization: "Q9_X" }],
    ["models[2].contextLength: Too small", { contextLength: -1 }],
    ["models[2].contextLength: Invalid input: expected int", { contextLength: 2048.5 }],
    ["models[2].chatTemplate: Invalid option", { chatTemplate: "vicuna" }],
    ["models[2].pool: Invalid option", { pool: "tpu" }],
    ["models[2].description: must not be empty", { description: "" }],
    ["models[2].description: Invalid input", { description: undefined }],
    ["models[2].sizeBytes: Too small", { sizeBytes: 0 }],
    ["models[2].quant: unknown field", { quant: "Q4_0" }],
    ["models[2].features[0]: Invalid option", { features: ["telepathy"] }],
    [
      "models[2].features: tools needs a chat template with tool calls (qwen2.5 or auto), not zephyr",
      { features: ["tools"] },
    ],
  ])("reports %s", (message, patch) => {
    const err = errorOf(() => parseCatalog(withThird(patch), "cat.yaml"));
    expect(err.message.startsWith("cat.yaml: ")).toBe(true);
    expect(err.issues.some((i) => i.startsWith(message))).toBe(true);
  });

  it("accepts features on a template with tool calls", () => {
    const c = parseCatalog(withThird({ chatTemplate: "qwen2.5", features: ["tools", "json_schema"] }));
    expect(c.models[2]).toMatchObject({ chatTemplate: "qwen2.5", features: ["tools", "json_schema"] });
  });

  it("rejects an uppercase sha256, since downloads compare lowercase hex", () => {
    const upper = good.sha256.toUpperCase();
    expect(errorOf(() => parseCatalog(withThird({ sha256: upper }))).issues).toEqual([
      "models[2].sha256: must be 64 hex chars",
    ]);
  });

  it("rejects a wrong version, an empty list and bad YAML", () => {
    expect(errorOf(() => parseCatalog(stringify({ version: 2, models: [good] }))).issues[0]).toMatch(
      /^version: /,
    );
    expect(errorOf(() => parseCatalog(stringify({ version: 1, models: [] }))).issues[0]).toBe(
      "models: must list at least one model",
    );
    expect(errorOf(() => parseCatalog("version: 1\nmodels: [\n")).issues[0]).toMatch(/^invalid YAML: /);
  });
});

describe("loadCatalog", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "catalog-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a file and names it in errors", () => {
    const file = join(dir, "catalog.yaml");
    writeFileSync(file, withThird({ pool: "tpu" }));
    const err = errorOf(() => loadCatalog(file));
    expect(err.message).toContain(`${file}: models[2].pool`);
    writeFileSync(file, withThird({}));
    expect(findModel("third", loadCatalog(file)).pool).toBe("cpu");
  });

  it("reports a missing file", () => {
    expect(errorOf(() => loadCatalog(join(dir, "nope.yaml"))).issues[0]).toMatch(/^cannot read: /);
  });

  it("follows LLM_MODEL_CATALOG when no path is given", () => {
    const file = join(dir, "env.yaml");
    writeFileSync(file, stringify({ version: 1, models: [generated] }));
    const saved = process.env.LLM_MODEL_CATALOG;
    process.env.LLM_MODEL_CATALOG = file;
    try {
      expect(loadCatalog().models.map((m) => m.name)).toEqual(["gen-tiny"]);
      expect(() => findModel("tinyllama-1.1b-chat-q4_k_m")).toThrow(
        "unknown model tinyllama-1.1b-chat-q4_k_m; known: gen-tiny",
      );
    } finally {
      if (saved === undefined) delete process.env.LLM_MODEL_CATALOG;
      else process.env.LLM_MODEL_CATALOG = saved;
    }
  });
});

describe("parseModelUri", () => {
  it.each([
    ["gen://tiny?seed=7", { kind: "gen", preset: "tiny", seed: 7 }],
    ["gen://tinyllama-q4_0", { kind: "gen", preset: "tinyllama-q4_0", seed: 1 }],
    ["https://huggingface.co/x/y.gguf", { kind: "https", url: "https://huggingface.co/x/y.gguf" }],
    ["file:///models/my%20model.gguf", { kind: "file", path: "/models/my model.gguf" }],
  ])("parses %s", (uri, source) => {
    expect(parseModelUri(uri)).toEqual(source);
  });

  it("rejects other schemes", () => {
    expect(() => parseModelUri("s3://bucket/m.gguf")).toThrow(/^uri: s3:\/\/bucket\/m\.gguf must be/);
  });
});
