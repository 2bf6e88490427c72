import type {
  BatchItem,
  CustomBatchingDispatchSchedule,
  CustomBatchingPrioritizationStrategy,
  LlamaContext,
  PrioritizedBatchItem,
} from "node-llama-cpp";

/**
 * node-llama-cpp's "maximumParallelism" split (every queued sequence gets an equal share of the
 * batch, leftovers go by priority), re-implemented because the built-in is not exported, plus a hook
 * that reports how many tokens each engine batch carries.
 */
export function observingStrategy(onBatch: (tokens: number) => void): CustomBatchingPrioritizationStrategy {
  return ({ items, size }) => {
    const res = shareBatch(items, size);
    let tokens = 0;
    for (const r of res) tokens += Math.min(Math.max(1, r.processAmount), r.item.tokens.length);
    onBatch(Math.min(tokens, size));
    return res;
  };
}

function shareBatch(items: readonly BatchItem[], size: number): PrioritizedBatchItem[] {
  let left = size;
  const each = Math.floor(left / Math.max(1, items.length));
  const res: PrioritizedBatchItem[] = [];
  const clipped: PrioritizedBatchItem[] = [];
  for (const item of items) {
    const processAmount = Math.min(item.tokens.length, left, each);
    const p = { item, processAmount };
    res.push(p);
    left -= processAmount;
    if (processAmount < item.tokens.length) clipped.push(p);
    if (left === 0) break;
  }
  clipped.sort((a, b) => b.item.evaluationPriority - a.item.evaluationPriority);
  for (const p of clipped) {
    if (left <= 0) break;
    const more = Math.min(p.item.tokens.length - p.processAmount, left);
    p.processAmount += more;
    left -= more;
  }
  return res;
}

/** The internals of LlamaContext the lockstep schedule reads (not part of node-llama-cpp's typed API). */
interface ContextQueueView {
  _queuedDecodeSequenceIds?: Set<number>;
}

export interface LockstepOptions {
  /** How many sequences are generating right now (busy slots). */
  activeSequences: () => number;
  /** Longest wait for stragglers before dispatching anyway, in ms. Defaults to 5. */
  maxWaitMs?: number;
}

/**
 * A dispatch schedule that holds a decode batch until every active sequence has queued its next
 * token (or `maxWaitMs` passes), so N concurrent streams cost one engine pass per step instead of
 * several partial ones. node-llama-cpp's default ("nextCycle") dispatches on the next event-loop turn,
 * which often catches only the sequences whose sampling finished first.
 *
 * Call `attach(context)` once the context exists; until then it behaves like "nextCycle".
 */
export function lockstepSchedule(opts: LockstepOptions): {
  schedule: CustomBatchingDispatchSchedule;
  attach(context: LlamaContext): void;
} {
  let view: ContextQueueView | undefined;
  const maxWaitMs = opts.maxWaitMs ?? 5;
  const schedule: CustomBatchingDispatchSchedule = (dispatch) => {
    const started = performance.now();
    const check = () => {
      const queued = view?._queuedDecodeSequenceIds?.size;
      if (
        queued === undefined ||
        queued >= opts.activeSequences() ||
        performance.now() - started >= maxWaitMs
      ) {
        dispatch();
        return;
      }
      setImmediate(check);
    };
    setImmediate(check);
  };
  return {
    schedule,
    attach(context) {
      view = context as unknown as ContextQueueView;
    },
  };
}
