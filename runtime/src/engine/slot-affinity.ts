/**
 * Which free sequence a request gets: the prompt-cache affinity policy, kept beside the slots it
 * ranks (as llama.cpp's server keeps `get_available_slot` with its slots).
 */
import type { Token } from "node-llama-cpp";
import type { Slot } from "./engine.js";

/** Length of the common prefix of two token lists. */
export function commonPrefix(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * Which free sequence a prompt should use: the longest cached prefix wins (a chat's next turn
 * lands where its history is already evaluated); on a tie, the sequence holding the least, so
 * other conversations' caches survive.
 */
export function cacheAffinity(cached: readonly Token[], prompt: readonly Token[]): number {
  const shared = commonPrefix(cached, prompt);
  // A lone shared BOS is no reuse worth evicting another conversation for.
  return (shared > 1 ? shared : 0) * 1_000_000 - cached.length;
}

/**
 * The slot score for `prompt` (see SlotPool.acquire). Ties go to the lowest sequence id: busy ids
 * stay contiguous, which keeps an engine batch one llama.cpp micro-batch (see SequenceOrder). The
 * fraction never outweighs one token of affinity.
 */
export function slotAffinity(prompt: readonly Token[], parallel: number): (slot: Slot) => number {
  return (slot) => cacheAffinity(slot.sequence.contextTokens, prompt) - slot.sequenceId / (parallel + 1);
}

/** Prompt tokens LlamaCompletion will reuse from `slot`: it keeps the common prefix and always evaluates the last token. */
export function reusedPrefix(slot: Slot, prompt: readonly Token[]): number {
  return Math.max(0, Math.min(commonPrefix(slot.sequence.contextTokens, prompt), prompt.length - 1));
}
