import type {
  BatchItem,
  CustomBatchingPrioritizationStrategy,
  LlamaContext,
  PrioritizedBatchItem,
} from "node-llama-cpp";

/**
 * node-llama-cpp's "maximumParallelism" split (every queued sequence gets an equal share of the
 * batch, leftovers go by priority), re-implemented because the built-in is not exported, plus a hook
 * that reports how many tokens each engine batch carries.
 */
export function observingStrategy(
  onBatch: (tokens: number) => void,
  order?: SequenceOrder,
): CustomBatchingPrioritizationStrategy {
  return ({ items, size }) => {
    const res = shareBatch(items, size);
    if (order) order.sort(res);
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

/** The internals of node-llama-cpp 3.22 the lockstep barrier hooks (not part of its typed API). */
interface DecodeRequest {
  sequenceId: number;
  tokens: readonly number[];
}
type DecodeFn = (request: DecodeRequest, ...rest: unknown[]) => Promise<unknown>;
interface ContextInternals {
  _decodeTokens?: DecodeFn;
}

/**
 * Puts each engine batch in ascending sequence-id order.
 *
 * Why: with one KV stream per sequence (node-llama-cpp always creates the context with
 * kv_unified = false), llama.cpp splits a batch into micro-batches with `split_equal(sequential)`,
 * which only takes runs of *consecutive, increasing* sequence ids. node-llama-cpp adds the queued
 * decodes in arrival order (e.g. seq 2, 0, 3, 1), so a 4-token batch ran as 2-4 micro-batches of
 * 1-2 tokens: every pass used the single-token (GEMV) kernel and re-read all weights, so batching
 * gained nothing. In id order the same batch is one micro-batch and takes the multi-token (GEMM)
 * kernel, like llama-server, whose slots are always added 0..n-1.
 *
 * The strategy only sees batch items, not sequence ids; node-llama-cpp passes the decode request's
 * token array through as `item.tokens`, so the ids are looked up by that array (a prompt chunk
 * re-sliced by a partial batch is not found and goes last, in queue order).
 */
export class SequenceOrder {
  private readonly ids = new WeakMap<object, number>();

  /** Wraps the context's decode entry point to record request -> sequence id. False if unsupported. */
  install(context: LlamaContext): boolean {
    const internals = context as unknown as ContextInternals;
    const original = internals._decodeTokens;
    if (typeof original !== "function") return false;
    const decode = original.bind(context) as DecodeFn;
    internals._decodeTokens = (request, ...rest) => {
      if (typeof request.sequenceId === "number") this.ids.set(request.tokens, request.sequenceId);
      return decode(request, ...rest);
    };
    return true;
  }

  /** Stable in-place sort of a batch by sequence id (unknown ids last). */
  sort(batch: PrioritizedBatchItem[]): void {
    const key = (p: PrioritizedBatchItem) => this.ids.get(p.item.tokens) ?? Number.MAX_SAFE_INTEGER;
    batch.sort((a, b) => key(a) - key(b));
  }
}

/** Sequence id of a context sequence (internal in node-llama-cpp). */
export function sequenceIdOf(sequence: object): number | undefined {
  return (sequence as { _sequenceId?: number })._sequenceId;
}

/**
 * Lockstep decoding: holds each generating sequence's next single-token decode until every other
 * generating sequence has queued its own (or `maxWaitMs` passes), then releases them together, so
 * one engine batch carries one token of every active stream.
 *
 * Why: node-llama-cpp's batch loop decodes whatever is queued the moment the previous batch ends.
 * Sequences sample at slightly different times, so they drift into phases (e.g. 3 tokens, then 1,
 * then 3...) and each step costs two passes over the weights instead of one.
 *
 * Sequences in prompt processing (multi-token decodes) are not waited for.
 */
export class DecodeBarrier {
  private readonly generating = new Set<number>();
  private readonly prefilling = new Set<number>();
  /** Generating sequences whose single-token decode is in the engine right now. */
  private readonly decoding = new Set<number>();
  private waiting: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /**
     * Longest a sequence waits for a straggler that is not in the engine (sampling, JS work), in ms.
     * Time a straggler spends inside an engine batch does not count: it will be back as soon as that
     * batch ends, and not waiting for it is what locks streams into split phases. Defaults to 10.
     */
    private readonly maxWaitMs = 10,
  ) {}

  /**
   * Wraps the context's decode entry point. Returns false (and changes nothing) when this
   * node-llama-cpp version does not have the expected internals.
   */
  install(context: LlamaContext): boolean {
    const internals = context as unknown as ContextInternals;
    const original = internals._decodeTokens;
    if (typeof original !== "function") return false;
    const decode = original.bind(context) as DecodeFn;
    internals._decodeTokens = async (request, ...rest) => {
      const id = request.sequenceId;
      if (!this.generating.has(id)) return decode(request, ...rest);
      if (request.tokens.length !== 1) {
        this.prefilling.add(id);
        try {
          return await decode(request, ...rest);
        } finally {
          this.prefilling.delete(id);
          this.settle();
        }
      }
      await this.arrive();
      this.decoding.add(id);
      try {
        return await decode(request, ...rest);
      } finally {
        this.decoding.delete(id);
        this.settle();
      }
    };
    return true;
  }

  /** Marks a sequence as generating: its decode steps join the lockstep. */
  begin(sequenceId: number): void {
    this.generating.add(sequenceId);
  }

  /** The sequence stopped generating; nobody waits for it any more. */
  end(sequenceId: number): void {
    this.generating.delete(sequenceId);
    this.prefilling.delete(sequenceId);
    this.decoding.delete(sequenceId);
    this.settle();
  }

  private arrive(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.settle();
    });
  }

  /** Releases the waiters when everyone expected is there; otherwise arms the straggler timer if due. */
  private settle(): void {
    if (this.waiting.length === 0) return;
    const expected = this.generating.size - this.prefilling.size;
    if (this.waiting.length >= expected) {
      this.release();
      return;
    }
    // Someone missing is still inside an engine batch: wait for it without a deadline.
    if (this.decoding.size > 0) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    this.timer ??= setTimeout(() => this.release(), this.maxWaitMs);
  }

  private release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    // Resolving together puts every decode in the queue before node-llama-cpp's next dispatch.
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
