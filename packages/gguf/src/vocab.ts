/**
 * A LLaMA/SentencePiece-style vocabulary (`tokenizer.ggml.model = "llama"`): control
 * tokens, the 256 byte-fallback tokens, every printable ASCII character plus the "▁"
 * space marker, merged pieces, then the chat template's added tokens (`<|im_start|>`, ...)
 * last, where real models keep theirs. Any text tokenizes (bytes cover what pieces do not)
 * and ASCII text round-trips through tokenize/detokenize.
 */
import { TokenType } from "./format.js";
import type { AddedToken } from "./templates/chat-template.js";

/** SentencePiece's visible space marker (U+2581). */
export const SPACE = "\u2581";
export const UNK_ID = 0;
export const BOS_ID = 1;
/** `</s>`: the EOS of the zephyr template (the qwen template ends turns with `<|im_end|>`). */
export const EOS_ID = 2;
/** Control tokens, then byte tokens: ids below this are never useful generated text. */
export const FIRST_TEXT_ID = 3 + 256;

/** Words whose "▁"-prefixed prefixes become merges, so common English splits into few tokens. */
const WORDS = (
  "the and to of a in is you that it he was for on are as with his they i at be this have from or one " +
  "had by word but not what all were we when your can said there use an each which she do how their if " +
  "will up other about out many then them these so some her would make like him into time has look two " +
  "more write go see number no way could people my than first water been call who its now find long " +
  "down day did get come made may part hello world test model token chat user assistant system answer " +
  "question please thank yes quick brown fox jumps over lazy dog"
).split(" ");

/** Frequent in-word pieces, so word endings merge too. */
const PIECES = "er in on an re he th at en es or ing ed nd ou ll st is it al ar le ve te se ion ent".split(
  " ",
);

/** Vocabulary arrays as GGUF stores them. */
export interface Vocab {
  tokens: string[];
  scores: Float32Array;
  types: Int32Array;
}

function* candidatePieces(): Generator<string> {
  for (const p of PIECES) yield p;
  for (const w of WORDS) {
    const word = SPACE + w;
    for (let end = 2; end <= word.length; end++) yield word.slice(0, end);
  }
  // Filler pieces for large vocabularies (TinyLlama has 32000): all two- and three-letter
  // lowercase strings, with and without the space marker.
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (const a of letters) for (const b of letters) yield a + b;
  for (const a of letters) for (const b of letters) yield SPACE + a + b;
  for (const a of letters) for (const b of letters) for (const c of letters) yield a + b + c;
  for (const a of letters) for (const b of letters) for (const c of letters) yield SPACE + a + b + c;
}

/**
 * Builds a vocabulary of exactly `size` tokens (at least 354 plus the added tokens:
 * controls, bytes, characters), whose last tokens are `added`.
 */
export function buildVocab(size: number, added: readonly AddedToken[] = []): Vocab {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TokenType.UNKNOWN, TokenType.CONTROL, TokenType.CONTROL];
  const scores = [0, 0, 0];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(TokenType.BYTE);
    scores.push(0);
  }
  const seen = new Set<string>();
  const chars = [SPACE];
  for (let c = 0x21; c <= 0x7e; c++) chars.push(String.fromCharCode(c));
  for (const c of chars) {
    tokens.push(c);
    types.push(TokenType.NORMAL);
    // Single characters never merge by score; keep them below every merged piece.
    scores.push(-1e6 - seen.size);
    seen.add(c);
  }
  const minimum = tokens.length + added.length;
  if (size < minimum) throw new Error(`vocabulary size must be at least ${minimum}, got ${size}`);
  const pieces = size - added.length;
  let rank = 0;
  for (const piece of candidatePieces()) {
    if (tokens.length >= pieces) break;
    if (seen.has(piece)) continue;
    seen.add(piece);
    tokens.push(piece);
    types.push(TokenType.NORMAL);
    // The SPM tokenizer merges the highest-scoring adjacent pair first: earlier pieces win.
    scores.push(-++rank);
  }
  if (tokens.length < pieces) {
    throw new Error(`vocabulary size must be at most ${tokens.length + added.length}, got ${size}`);
  }
  for (const t of added) {
    if (seen.has(t.text)) throw new Error(`added token ${t.text} is already in the vocabulary`);
    seen.add(t.text);
    tokens.push(t.text);
    types.push(t.type);
    // Matched whole by llama.cpp's special-token pass before SPM merging: the score is unused.
    scores.push(0);
  }
  return { tokens, scores: Float32Array.from(scores), types: Int32Array.from(types) };
}
