/** `n` choices of one request: n sequences generating the same prepared prompt side by side. */
import { HttpError } from "@llm/contracts";
import type { PreparedGeneration } from "../engine/generate.js";
import type { InferenceService, RunResult } from "./service.js";

export interface ChoiceHooks {
  /** Once, when the first choice has a sequence (streaming handlers send headers here). */
  onStart?: () => void;
  onText?: (index: number, text: string) => void;
  /** A choice finished (its output already checked); the others may still be generating. */
  onDone?: (index: number, result: RunResult) => void;
}

/**
 * The number of choices, or 400 naming `n`: a request's choices run at once, one sequence each, so
 * more than `--parallel` could never all be generating (and would hold sequences waiting for themselves).
 */
export function choiceCount(n: number | null | undefined, parallel: number): number {
  const count = n ?? 1;
  if (count > parallel) {
    throw new HttpError(
      400,
      `n = ${count} is more than this runtime's ${parallel} parallel sequences; use n <= ${parallel} or send several requests`,
      { param: "n", code: "unsupported_parameter" },
    );
  }
  return count;
}

/**
 * Runs `n` choices concurrently: each leases its own sequence like a separate request (waiting in
 * the queue when none is free), so they decode in the same engine batches (lockstep batching). A
 * fixed `seed` is offset per choice so sampled choices differ; the first failure aborts the others.
 */
export async function runChoices(
  service: InferenceService,
  p: PreparedGeneration,
  n: number,
  run: { signal: AbortSignal; receivedAt: number },
  hooks: ChoiceHooks = {},
): Promise<RunResult[]> {
  const { onText, onDone } = hooks;
  if (n === 1) {
    // The common case: exactly one run, no extra signal or closures per token.
    const r = await service.run(p, {
      ...run,
      onStart: hooks.onStart,
      onText: onText && ((text) => onText(0, text)),
    });
    onDone?.(0, r);
    return [r];
  }
  const group = new AbortController();
  const signal = AbortSignal.any([run.signal, group.signal]);
  let started = false;
  const onStart = () => {
    if (started) return;
    started = true;
    hooks.onStart?.();
  };
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const prepared = p.seed === undefined || i === 0 ? p : { ...p, seed: p.seed + i };
      try {
        const r = await service.run(prepared, {
          signal,
          receivedAt: run.receivedAt,
          onStart,
          onText: onText && ((text) => onText(i, text)),
        });
        onDone?.(i, r);
        return r;
      } catch (err) {
        group.abort(err);
        throw err;
      }
    }),
  );
}

/** OpenAI usage of n choices: the prompt once, the completions summed. */
export function choicesUsage(results: readonly RunResult[]): {
  promptTokens: number;
  completionTokens: number;
} {
  let completionTokens = 0;
  for (const r of results) completionTokens += r.completionTokens;
  return { promptTokens: results[0]?.promptTokens ?? 0, completionTokens };
}
