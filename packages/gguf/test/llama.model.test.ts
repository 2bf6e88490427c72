/**
 * Generated models load in node-llama-cpp (llama.cpp) and generate: the F32 tiny model,
 * and the same shape with Q8_0 and Q4_0 matrices.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLlama, type Llama, LlamaChatSession, LlamaCompletion, type LlamaModel } from "node-llama-cpp";
import { generateGguf, type PresetName } from "../src/index.js";

let dir: string;
let llama: Llama;
const models = new Map<PresetName, LlamaModel>();

async function load(preset: PresetName): Promise<LlamaModel> {
  let model = models.get(preset);
  if (!model) {
    const { path } = await generateGguf({ out: join(dir, `${preset}.gguf`), preset });
    model = await llama.loadModel({ modelPath: path });
    models.set(preset, model);
  }
  return model;
}

/** Greedy completion of `maxTokens` tokens; returns the text and the number of tokens. */
async function complete(model: LlamaModel, prompt: string, maxTokens: number) {
  const context = await model.createContext({ contextSize: 256, threads: 1 });
  try {
    const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
    let tokens = 0;
    const text = await completion.generateCompletion(prompt, {
      maxTokens,
      temperature: 0,
      onToken: (t) => {
        tokens += t.length;
      },
    });
    return { text, tokens };
  } finally {
    await context.dispose();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gen-gguf-llama-"));
  llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
});
afterAll(async () => {
  for (const m of models.values()) await m.dispose();
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("generated models in node-llama-cpp", () => {
  it("loads the tiny model with its shape and generates max_tokens of printable text", async () => {
    const model = await load("tiny");
    expect(model.trainContextSize).toBe(2048);
    expect(model.architecture).toBe("llama");
    expect(model.embeddingVectorSize).toBe(64);
    expect(model.vocabularyType).toBe("spm");
    const first = await complete(model, "The quick brown fox", 12);
    // Greedy decoding never picks EOS (its output row is zero), so it runs to max_tokens.
    expect(first.tokens).toBe(12);
    expect(first.text).toMatch(/^[\x20-\x7e]+$/);
    // Same weights, same prompt, greedy: the same text.
    expect((await complete(model, "The quick brown fox", 12)).text).toBe(first.text);
  });

  it("round-trips ASCII text through tokenize and detokenize, merging common words", async () => {
    const model = await load("tiny");
    const text = 'Hello, world! The quick brown fox jumps over 13 lazy dogs. {"ok": [1, 2]} ~`|\\';
    const tokens = model.tokenize(text);
    expect(model.detokenize(tokens)).toBe(text);
    expect(tokens.length).toBeLessThan(text.length);
    expect(model.tokenize("the")).toHaveLength(1);
    expect(model.tokens.bos).toBe(1);
    // EOS is the qwen template's end of turn, <|im_end|>, the second of its six added tokens.
    expect(model.tokens.eos).toBe(512 - 5);
  });

  it("falls back to byte tokens for text outside the vocabulary", async () => {
    const model = await load("tiny");
    const text = "caf\u00e9 \u2615\nnew line";
    expect(model.detokenize(model.tokenize(text))).toBe(text);
  });

  it("chats through the embedded Qwen2.5-style chat template", async () => {
    const model = await load("tiny");
    const context = await model.createContext({ contextSize: 256, threads: 1 });
    try {
      const session = new LlamaChatSession({ contextSequence: context.getSequence() });
      expect(session.chatWrapper.wrapperName).toBe("JinjaTemplate");
      const answer = await session.prompt("Hi there", { maxTokens: 6, temperature: 0 });
      expect(answer.length).toBeGreaterThan(0);
    } finally {
      await context.dispose();
    }
  });

  it.each(["tiny-q8_0", "tiny-q4_0"] as const)("loads %s and generates", async (preset) => {
    const model = await load(preset);
    const { text, tokens } = await complete(model, "Hello", 8);
    expect(tokens).toBe(8);
    expect(text.length).toBeGreaterThan(0);
  });
});
