/**
 * Lays out a llama-architecture model as llama.cpp expects it: metadata keys, tensor
 * names and ggml-order shapes (`dims[0]` is the input dimension of a weight matrix).
 */
import { FILE_TYPE, type TensorTypeName } from "./format.js";
import type { ModelShape } from "./presets.js";
import { Random } from "./random.js";
import { chatTemplate, DEFAULT_TEMPLATE, type TemplateName } from "./templates/chat-template.js";
import { BOS_ID, buildVocab, EOS_ID, FIRST_TEXT_ID, UNK_ID } from "./vocab.js";
import { ones, randomMatrix } from "./weights.js";
import type { Metadata, TensorSource } from "./writer.js";

/**
 * Bumped whenever the bytes generated for a (preset, seed) change, so cached models
 * made by an older generator are regenerated (see cache.ts).
 */
export const GENERATOR_VERSION = 2;

/** Everything that determines a generated model's bytes. */
export interface ModelSpec {
  /** Name written to `general.name`. */
  name: string;
  shape: ModelShape;
  /** Storage type of the 2-D weight matrices; norms are always F32. */
  matrixType: TensorTypeName;
  /** Seed of the weights; the vocabulary does not depend on it. */
  seed: number;
  /** Chat template, with the added tokens it needs at the end of the vocabulary. Defaults to `qwen`. */
  template?: TemplateName;
}

/** Rejects shapes llama.cpp (or the quant block size) cannot take, naming the field. */
export function checkShape(s: ModelShape, matrixType: TensorTypeName): void {
  const fail = (field: keyof ModelShape, why: string) => {
    throw new Error(`shape.${field}: ${why}`);
  };
  for (const [k, v] of Object.entries(s) as [keyof ModelShape, number][]) {
    if (!Number.isInteger(v) || v < 1) fail(k, `must be a positive integer, got ${v}`);
  }
  if (s.embedding % s.heads !== 0) fail("embedding", `must be a multiple of heads (${s.heads})`);
  if ((s.embedding / s.heads) % 2 !== 0) fail("embedding", "embedding / heads must be even (RoPE pairs)");
  if (s.heads % s.kvHeads !== 0) fail("kvHeads", `must divide heads (${s.heads})`);
  if (matrixType !== "F32" && matrixType !== "F16") {
    if (s.embedding % 32 !== 0) fail("embedding", `must be a multiple of 32 for ${matrixType}`);
    if (s.ffn % 32 !== 0) fail("ffn", `must be a multiple of 32 for ${matrixType}`);
  }
}

/** Metadata and tensors of the model; tensor data is produced lazily while writing. */
export function llamaModel(spec: ModelSpec): { metadata: Metadata; tensors: TensorSource[] } {
  const { shape: s, matrixType, seed } = spec;
  checkShape(s, matrixType);
  const templateName = spec.template ?? DEFAULT_TEMPLATE;
  const template = chatTemplate(templateName);
  const vocab = buildVocab(s.vocab, template.addedTokens);
  const eosId = vocab.tokens.indexOf(template.eos);
  const headDim = s.embedding / s.heads;
  const kvDim = headDim * s.kvHeads;

  const metadata: Metadata = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: spec.name }],
    ["general.file_type", { type: "u32", value: FILE_TYPE[matrixType] }],
    ["general.quantization_version", { type: "u32", value: 2 }],
    ["general.alignment", { type: "u32", value: 32 }],
    ["gen_gguf.version", { type: "u32", value: GENERATOR_VERSION }],
    ["gen_gguf.seed", { type: "u32", value: seed >>> 0 }],
    ["gen_gguf.template", { type: "string", value: templateName }],
    ["llama.vocab_size", { type: "u32", value: s.vocab }],
    ["llama.context_length", { type: "u32", value: s.context }],
    ["llama.embedding_length", { type: "u32", value: s.embedding }],
    ["llama.block_count", { type: "u32", value: s.layers }],
    ["llama.feed_forward_length", { type: "u32", value: s.ffn }],
    ["llama.rope.dimension_count", { type: "u32", value: headDim }],
    ["llama.rope.freq_base", { type: "f32", value: 10000 }],
    ["llama.attention.head_count", { type: "u32", value: s.heads }],
    ["llama.attention.head_count_kv", { type: "u32", value: s.kvHeads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "string[]", value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: "f32[]", value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: "i32[]", value: vocab.types }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: BOS_ID }],
    // The end-of-turn token: node-llama-cpp and llama.cpp stop a chat turn at EOS.
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: eosId }],
    ["tokenizer.ggml.unknown_token_id", { type: "u32", value: UNK_ID }],
    ["tokenizer.ggml.padding_token_id", { type: "u32", value: EOS_ID }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
    ["tokenizer.chat_template", { type: "string", value: template.jinja }],
  ];

  let stream = 0;
  const matrix = (
    name: string,
    rowLength: number,
    rows: number,
    zeroRows = 0,
    zeroTailRows = 0,
  ): TensorSource => {
    const rng = Random.derive(seed, stream++);
    return {
      name,
      dims: [rowLength, rows],
      type: matrixType,
      chunks: () => randomMatrix({ type: matrixType, rowLength, rows, rng, zeroRows, zeroTailRows }),
    };
  };
  const norm = (name: string): TensorSource => ({
    name,
    dims: [s.embedding],
    type: "F32",
    chunks: () => ones(s.embedding),
  });

  const tensors: TensorSource[] = [matrix("token_embd.weight", s.embedding, s.vocab)];
  for (let i = 0; i < s.layers; i++) {
    const blk = `blk.${i}`;
    tensors.push(
      norm(`${blk}.attn_norm.weight`),
      matrix(`${blk}.attn_q.weight`, s.embedding, s.embedding),
      matrix(`${blk}.attn_k.weight`, s.embedding, kvDim),
      matrix(`${blk}.attn_v.weight`, s.embedding, kvDim),
      matrix(`${blk}.attn_output.weight`, s.embedding, s.embedding),
      norm(`${blk}.ffn_norm.weight`),
      matrix(`${blk}.ffn_gate.weight`, s.embedding, s.ffn),
      matrix(`${blk}.ffn_up.weight`, s.embedding, s.ffn),
      matrix(`${blk}.ffn_down.weight`, s.ffn, s.embedding),
    );
  }
  tensors.push(
    norm("output_norm.weight"),
    // Zero output rows for the control and byte tokens: their logits are exactly 0 and the
    // largest of the hundreds of random logits is positive, so greedy decoding never emits
    // EOS (runs end at max_tokens or a stop string) and always yields printable ASCII. The
    // template's added tokens (the last rows) are zero too: greedy text never opens a
    // <tool_call> by itself; a grammar that allows only them can still pick them.
    matrix("output.weight", s.embedding, s.vocab, FIRST_TEXT_ID, template.addedTokens.length),
  );
  return { metadata, tensors };
}
