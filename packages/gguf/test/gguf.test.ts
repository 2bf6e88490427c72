import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadCatalog, parseModelUri } from "@llm/models";
import { tensorBytes } from "../src/format.js";
import { fromHalf, toHalf } from "../src/half.js";
import {
  cachedModelPath,
  ensureModel,
  GENERATOR_VERSION,
  generateGguf,
  PRESET_NAMES,
  PRESETS,
  type PresetName,
  QWEN2_5_CHAT_TEMPLATE,
  readGgufHeader,
  readTensorValues,
} from "../src/index.js";
import { llamaModel } from "../src/llama.js";

const run = promisify(execFile);
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gen-gguf-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("generateGguf", () => {
  it("writes the same bytes for the same seed and different bytes for another seed", async () => {
    const a = await generateGguf({ out: join(dir, "a.gguf"), seed: 7 });
    const b = await generateGguf({ out: join(dir, "b.gguf"), seed: 7 });
    const c = await generateGguf({ out: join(dir, "c.gguf"), seed: 8 });
    expect(sha256(a.path)).toBe(sha256(b.path));
    expect(sha256(a.path)).not.toBe(sha256(c.path));
    expect(a.bytes).toBe(statSync(a.path).size);
    expect(a.bytes).toBeLessThan(2 * 2 ** 20);
  });

  it("is deterministic for quantized presets too", async () => {
    const a = await generateGguf({ out: join(dir, "q4a.gguf"), preset: "tiny-q4_0", seed: 3 });
    const b = await generateGguf({ out: join(dir, "q4b.gguf"), preset: "tiny-q4_0", seed: 3 });
    const c = await generateGguf({ out: join(dir, "q4c.gguf"), preset: "tiny-q4_0", seed: 4 });
    expect(sha256(a.path)).toBe(sha256(b.path));
    expect(sha256(a.path)).not.toBe(sha256(c.path));
  });

  it("writes a GGUF v3 header with llama metadata that parses back", async () => {
    const { path, bytes } = await generateGguf({ out: join(dir, "tiny.gguf") });
    const h = await readGgufHeader(path);
    const s = PRESETS.tiny.shape;
    expect(h.version).toBe(3);
    expect(h.alignment).toBe(32);
    expect(h.dataOffset % 32).toBe(0);
    const md = Object.fromEntries(h.metadata);
    expect(md).toMatchObject({
      "general.architecture": "llama",
      "general.file_type": 0,
      "general.quantization_version": 2,
      "gen_gguf.version": GENERATOR_VERSION,
      "gen_gguf.seed": 1,
      "llama.context_length": s.context,
      "llama.embedding_length": s.embedding,
      "llama.block_count": s.layers,
      "llama.feed_forward_length": s.ffn,
      "llama.attention.head_count": s.heads,
      "llama.attention.head_count_kv": s.kvHeads,
      "llama.rope.dimension_count": s.embedding / s.heads,
      "tokenizer.ggml.model": "llama",
      "tokenizer.ggml.bos_token_id": 1,
      // <|im_end|>, the qwen template's end of turn (see the added tokens below).
      "tokenizer.ggml.eos_token_id": s.vocab - 5,
      "tokenizer.ggml.unknown_token_id": 0,
      "gen_gguf.template": "qwen",
    });
    expect(md["llama.attention.layer_norm_rms_epsilon"]).toBeCloseTo(1e-5, 8);
    expect(md["tokenizer.chat_template"]).toBe(QWEN2_5_CHAT_TEMPLATE);

    const tokens = md["tokenizer.ggml.tokens"] as string[];
    const types = md["tokenizer.ggml.token_type"] as number[];
    expect(tokens).toHaveLength(s.vocab);
    expect(new Set(tokens).size).toBe(s.vocab);
    expect(tokens.slice(0, 4)).toEqual(["<unk>", "<s>", "</s>", "<0x00>"]);
    expect(tokens[3 + 255]).toBe("<0xFF>");
    expect(types.slice(0, 3)).toEqual([2, 3, 3]);
    expect(types.slice(3, 259).every((t) => t === 6)).toBe(true);
    expect(tokens).toEqual(expect.arrayContaining(["\u2581", "a", "~", "\u2581the"]));
    // The template's added tokens come last, as in real models; turn markers CONTROL, tags USER_DEFINED.
    expect(tokens.slice(-6)).toEqual([
      "<|im_start|>",
      "<|im_end|>",
      "<tool_call>",
      "</tool_call>",
      "<tool_response>",
      "</tool_response>",
    ]);
    expect(types.slice(-6)).toEqual([3, 3, 4, 4, 4, 4]);
    expect(md["tokenizer.ggml.scores"]).toHaveLength(s.vocab);

    const byName = new Map(h.tensors.map((t) => [t.name, t]));
    expect(h.tensors).toHaveLength(3 + 9 * s.layers);
    const kv = (s.embedding / s.heads) * s.kvHeads;
    expect(byName.get("token_embd.weight")).toMatchObject({ dims: [s.embedding, s.vocab], type: "F32" });
    expect(byName.get("output.weight")).toMatchObject({ dims: [s.embedding, s.vocab], type: "F32" });
    expect(byName.get("output_norm.weight")).toMatchObject({ dims: [s.embedding], type: "F32" });
    expect(byName.get("blk.1.attn_k.weight")).toMatchObject({ dims: [s.embedding, kv] });
    expect(byName.get("blk.1.attn_v.weight")).toMatchObject({ dims: [s.embedding, kv] });
    expect(byName.get("blk.1.ffn_down.weight")).toMatchObject({ dims: [s.ffn, s.embedding] });
    expect(byName.get("blk.1.ffn_gate.weight")).toMatchObject({ dims: [s.embedding, s.ffn] });
    for (const name of ["attn_norm", "attn_q", "attn_output", "ffn_norm", "ffn_up"]) {
      expect(byName.has(`blk.0.${name}.weight`)).toBe(true);
    }
    for (const t of h.tensors) expect((t.offset - h.dataOffset) % 32).toBe(0);
    // The data section ends exactly at the end of the file (the last tensor padded to 32).
    const last = h.tensors.at(-1)!;
    expect(bytes).toBe(last.offset + Math.ceil((last.dims[0]! * last.dims[1]! * 4) / 32) * 32);
  });

  it("stores norms as ones and random F32 weights with a small spread", async () => {
    const { path } = await generateGguf({ out: join(dir, "w.gguf") });
    const h = await readGgufHeader(path);
    const find = (n: string) => h.tensors.find((t) => t.name === n)!;
    expect(Array.from(readTensorValues(path, find("blk.0.attn_norm.weight"), 64))).toEqual(Array(64).fill(1));
    const w = readTensorValues(path, find("blk.0.ffn_up.weight"), 4096);
    const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
  });

  it.each(["Q8_0", "Q4_0"] as const)("writes %s blocks that dequantize to small weights", async (type) => {
    const preset = type === "Q8_0" ? "tiny-q8_0" : "tiny-q4_0";
    const { path } = await generateGguf({ out: join(dir, `${preset}.gguf`), preset });
    const h = await readGgufHeader(path);
    expect(h.metadata.get("general.file_type")).toBe(type === "Q8_0" ? 7 : 2);
    const find = (n: string) => h.tensors.find((t) => t.name === n)!;
    expect(find("blk.0.attn_norm.weight").type).toBe("F32");
    expect(find("blk.0.attn_q.weight").type).toBe(type);
    const w = readTensorValues(path, find("blk.0.ffn_up.weight"), 4096);
    const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    // Output rows of control and byte tokens are exact zeros; text tokens are not.
    const out = readTensorValues(path, find("output.weight"), 260 * 64);
    expect(out.subarray(0, 259 * 64).every((v) => v === 0)).toBe(true);
    expect(out.subarray(259 * 64).some((v) => v !== 0)).toBe(true);
    // So are the rows of the template's six added tokens, the last ones.
    const all = readTensorValues(path, find("output.weight"), 512 * 64);
    expect(all.subarray(506 * 64).every((v) => v === 0)).toBe(true);
    expect(all.subarray(505 * 64, 506 * 64).some((v) => v !== 0)).toBe(true);
  });

  it("applies shape overrides and rejects impossible shapes naming the field", async () => {
    const { path } = await generateGguf({ out: join(dir, "wide.gguf"), shape: { layers: 3, vocab: 400 } });
    const md = (await readGgufHeader(path)).metadata;
    expect(md.get("llama.block_count")).toBe(3);
    expect((md.get("tokenizer.ggml.tokens") as string[]).length).toBe(400);
    await expect(
      generateGguf({ out: join(dir, "bad.gguf"), preset: "tiny-q4_0", shape: { embedding: 48, heads: 4 } }),
    ).rejects.toThrow(/shape\.embedding: must be a multiple of 32 for Q4_0/);
    await expect(generateGguf({ out: join(dir, "bad.gguf"), shape: { kvHeads: 3 } })).rejects.toThrow(
      /shape\.kvHeads/,
    );
    // 354 controls, bytes and characters, plus the qwen template's 6 added tokens.
    await expect(generateGguf({ out: join(dir, "bad.gguf"), shape: { vocab: 100 } })).rejects.toThrow(
      /vocabulary size must be at least 360/,
    );
    await expect(generateGguf({ out: join(dir, "bad.gguf"), seed: -1 })).rejects.toThrow(/seed:/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("TinyLlama-shaped presets", () => {
  it.each([
    ["tinyllama-q4_0", 619_755_072],
    ["tinyllama-q8_0", 1_169_733_184],
  ] as const)("lay %s out as llama.cpp expects, without writing it", (preset, fileBytes) => {
    const { metadata, tensors } = llamaModel({ name: preset, seed: 1, ...PRESETS[preset] });
    const md = new Map(metadata);
    const tokens = md.get("tokenizer.ggml.tokens")!.value as string[];
    expect(tokens).toHaveLength(32000);
    expect(new Set(tokens).size).toBe(32000);
    expect(tensors).toHaveLength(201);
    const dims = Object.fromEntries(tensors.map((t) => [t.name, t.dims]));
    expect(dims["blk.21.attn_k.weight"]).toEqual([2048, 256]);
    expect(dims["blk.21.ffn_down.weight"]).toEqual([5632, 2048]);
    expect(dims["output.weight"]).toEqual([2048, 32000]);
    // Data bytes add up to the size the generator writes (header and padding are the rest).
    const data = tensors.reduce(
      (a, t) =>
        a +
        tensorBytes(
          t.type,
          t.dims.reduce((x, y) => x * y, 1),
        ),
      0,
    );
    expect(fileBytes - data).toBeGreaterThan(0);
    expect(fileBytes - data).toBeLessThan(1 << 20);
  });
});

describe("the model catalog's generated entries", () => {
  it("name known presets whose type and context match", () => {
    const generated = loadCatalog().models.filter((m) => m.uri.startsWith("gen://"));
    expect(generated.length).toBeGreaterThan(0);
    for (const m of generated) {
      const source = parseModelUri(m.uri);
      if (source.kind !== "gen") throw new Error(`${m.name}: not a gen:// uri`);
      expect(PRESET_NAMES).toContain(source.preset);
      const preset = PRESETS[source.preset as PresetName];
      expect([m.name, m.quantization]).toEqual([m.name, preset.matrixType]);
      expect([m.name, m.contextLength]).toEqual([m.name, preset.shape.context]);
    }
  });
});

describe("f16 scales", () => {
  it.each([0, 1, -2.5, 0.02 / 4.61, 65504, 6.1e-5, 1e-7])("round-trips %p within f16 precision", (v) => {
    const back = fromHalf(toHalf(v));
    expect(Math.abs(back - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -24);
  });

  it("overflows to infinity and keeps the sign", () => {
    expect(fromHalf(toHalf(1e6))).toBe(Number.POSITIVE_INFINITY);
    expect(fromHalf(toHalf(-3))).toBe(-3);
  });
});

describe("ensureModel", () => {
  const saved = process.env.GEN_GGUF_CACHE_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.GEN_GGUF_CACHE_DIR;
    else process.env.GEN_GGUF_CACHE_DIR = saved;
  });

  it("generates once into the cache, shares concurrent calls and leaves no temporary files", async () => {
    const cache = join(dir, "cache");
    process.env.GEN_GGUF_CACHE_DIR = cache;
    const paths = await Promise.all([ensureModel(), ensureModel("tiny", 1), ensureModel("tiny-q8_0", 5)]);
    expect(paths[0]).toBe(join(cache, "tiny-s1.gguf"));
    expect(paths[1]).toBe(paths[0]);
    expect(paths[2]).toBe(cachedModelPath("tiny-q8_0", 5));
    expect(readdirSync(cache).sort()).toEqual(["tiny-q8_0-s5.gguf", "tiny-s1.gguf"]);
    const before = statSync(paths[0]!).mtimeMs;
    await ensureModel();
    expect(statSync(paths[0]!).mtimeMs).toBe(before);
  });

  it("lets several processes ask for the same model at once", async () => {
    const cache = join(dir, "procs");
    const index = join(import.meta.dirname, "../src/index.ts");
    const script = `import(${JSON.stringify(index)}).then((m) => m.ensureModel("tiny-q4_0", 11)).then(console.log);`;
    const env = { ...process.env, GEN_GGUF_CACHE_DIR: cache };
    const tsx = join(import.meta.dirname, "../../../node_modules/.bin/tsx");
    const outs = await Promise.all([1, 2].map(() => run(tsx, ["--eval", script], { env })));
    const expected = join(cache, "tiny-q4_0-s11.gguf");
    expect(outs.map((o) => o.stdout.trim())).toEqual([expected, expected]);
    expect(readdirSync(cache)).toEqual(["tiny-q4_0-s11.gguf"]);
    expect((await readGgufHeader(expected)).metadata.get("gen_gguf.seed")).toBe(11);
  });

  it("rejects an unknown preset or a bad seed before touching the cache", async () => {
    process.env.GEN_GGUF_CACHE_DIR = join(dir, "never");
    await expect(ensureModel("huge" as never)).rejects.toThrow(/^preset: unknown preset huge; known: tiny, /);
    await expect(ensureModel("tiny", Number.NaN)).rejects.toThrow(/^seed: /);
    expect(() => readdirSync(join(dir, "never"))).toThrow();
  });

  it("replaces a cached file that is not a current generated model", async () => {
    const cache = join(dir, "stale");
    process.env.GEN_GGUF_CACHE_DIR = cache;
    const path = await ensureModel("tiny", 2);
    writeFileSync(path, "not a model");
    expect(await ensureModel("tiny", 2)).toBe(path);
    expect((await readGgufHeader(path)).metadata.get("gen_gguf.seed")).toBe(2);
  });
});

describe("gen-gguf CLI", () => {
  const cli = join(import.meta.dirname, "../src/cli.ts");
  const tsx = join(import.meta.dirname, "../../../node_modules/.bin/tsx");

  it("writes the file and prints its path and size", async () => {
    const out = join(dir, "cli.gguf");
    const { stdout } = await run(tsx, [cli, "--out", out, "--seed", "9", "--layers", "1"]);
    expect(stdout).toContain(out);
    expect(stdout).toContain(`${statSync(out).size} bytes`);
    expect((await readGgufHeader(out)).metadata.get("llama.block_count")).toBe(1);
  });

  it("rejects a bad flag naming it", async () => {
    const err = await run(tsx, [cli, "--out", join(dir, "x.gguf"), "--preset", "huge"]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/--preset: Invalid option/);
  });
});
