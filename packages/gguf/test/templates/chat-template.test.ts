/**
 * Choosing the chat template: the Zephyr one stays available (no added tokens, `</s>` as EOS,
 * the same weights), the cache keys on the template, and the CLI takes `--template`.
 * How node-llama-cpp sees the default template is chat-template.model.test.ts.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  cachedModelPath,
  ensureModel,
  generateGguf,
  readGgufHeader,
  readTensorValues,
  ZEPHYR_CHAT_TEMPLATE,
} from "../../src/index.js";

const run = promisify(execFile);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gen-gguf-templates-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("generateGguf's template option", () => {
  it("writes TinyLlama's Zephyr template without added tokens when asked, with the same weights", async () => {
    const zephyr = await generateGguf({ out: join(dir, "zephyr.gguf"), template: "zephyr" });
    const qwen = await generateGguf({ out: join(dir, "qwen.gguf") });
    const [z, q] = [await readGgufHeader(zephyr.path), await readGgufHeader(qwen.path)];
    expect(z.metadata.get("tokenizer.chat_template")).toBe(ZEPHYR_CHAT_TEMPLATE);
    expect(z.metadata.get("gen_gguf.template")).toBe("zephyr");
    expect(z.metadata.get("tokenizer.ggml.eos_token_id")).toBe(2);
    const tokens = z.metadata.get("tokenizer.ggml.tokens") as string[];
    expect(tokens).toHaveLength(512);
    expect(tokens).not.toContain("<|im_end|>");
    // Same seed, same random draws: the embeddings do not depend on the template.
    const embd = (h: typeof z, path: string) =>
      readTensorValues(path, h.tensors.find((t) => t.name === "token_embd.weight")!, 512 * 64);
    expect(embd(z, zephyr.path)).toEqual(embd(q, qwen.path));
  });

  it("rejects an unknown template and a vocabulary too small for the added tokens, naming the field", async () => {
    await expect(generateGguf({ out: join(dir, "bad.gguf"), template: "chatml" as never })).rejects.toThrow(
      /^template: unknown template chatml; known: qwen, zephyr$/,
    );
    // 354 controls, bytes and characters, plus none (zephyr) or six (qwen) added tokens.
    await expect(
      generateGguf({ out: join(dir, "bad.gguf"), shape: { vocab: 100 }, template: "zephyr" }),
    ).rejects.toThrow(/vocabulary size must be at least 354/);
    await expect(generateGguf({ out: join(dir, "bad.gguf"), shape: { vocab: 357 } })).rejects.toThrow(
      /vocabulary size must be at least 360/,
    );
  });
});

describe("ensureModel's template", () => {
  const saved = process.env.GEN_GGUF_CACHE_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.GEN_GGUF_CACHE_DIR;
    else process.env.GEN_GGUF_CACHE_DIR = saved;
  });

  it("keys the cache on the template and never reuses a file that carries another one", async () => {
    const cache = join(dir, "templates");
    process.env.GEN_GGUF_CACHE_DIR = cache;
    // What the generator before templates left at the default name: Zephyr's template.
    const stale = cachedModelPath("tiny", 3);
    await generateGguf({ out: stale, seed: 3, template: "zephyr" });
    expect(await ensureModel("tiny", 3)).toBe(stale);
    expect((await readGgufHeader(stale)).metadata.get("gen_gguf.template")).toBe("qwen");
    const zephyr = await ensureModel("tiny", 3, "zephyr");
    expect(zephyr).toBe(join(cache, "tiny-s3-zephyr.gguf"));
    expect((await readGgufHeader(zephyr)).metadata.get("tokenizer.chat_template")).toBe(ZEPHYR_CHAT_TEMPLATE);
    expect(readdirSync(cache).sort()).toEqual(["tiny-s3-zephyr.gguf", "tiny-s3.gguf"]);
    await expect(ensureModel("tiny", 3, "chatml" as never)).rejects.toThrow(
      /^template: unknown template chatml/,
    );
  });
});

describe("gen-gguf --template", () => {
  const cli = join(import.meta.dirname, "../../src/cli.ts");
  const tsx = join(import.meta.dirname, "../../../../node_modules/.bin/tsx");

  it("writes the template --template names", async () => {
    const out = join(dir, "cli-zephyr.gguf");
    await run(tsx, [cli, "--out", out, "--template", "zephyr", "--layers", "1"]);
    expect((await readGgufHeader(out)).metadata.get("tokenizer.chat_template")).toBe(ZEPHYR_CHAT_TEMPLATE);
    const err = await run(tsx, [cli, "--out", out, "--template", "chatml"]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/--template: Invalid option/);
  });
});
