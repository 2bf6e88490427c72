import type { LlamaContext, LlamaModel, Token } from "node-llama-cpp";

/** The native context methods decode-ahead drives (node-llama-cpp 3.22's AddonContext; not typed API). */
interface NativeContext {
  initBatch(size: number): void;
  addToBatch(
    sequenceId: number,
    firstPosition: number,
    tokens: Uint32Array,
    logitIndexes: Uint32Array,
  ): Uint32Array;
  decodeBatch(): Promise<void>;
  sampleToken(batchLogitIndex: number, ...rest: unknown[]): Promise<number | unknown[]>;
  removeTokenCellsFromSequence(sequenceId: number, start: number, end: number): boolean;
}

interface ContextInternals {
  _ctx?: NativeContext;
  _queuedDecodes?: unknown[];
}

/** One addToBatch call: a run of one sequence's tokens, some of which want logits. */
interface BatchEntry {
  sequenceId: number;
  first: number;
  tokens: Uint32Array;
  logits: Uint32Array;
  /** Index of the entry's first token in the batch. */
  offset: number;
}

/** A decode of a just-sampled token started before node-llama-cpp asked for it. */
interface Speculation {
  sequenceId: number;
  position: number;
  token: number;
  /** The decode itself, handed to node-llama-cpp when its next batch is exactly this one. */
  decode: Promise<void>;
  /** Resolves true when the decode succeeded, false when it failed (never rejects). */
  decoded: Promise<boolean>;
  consumed: boolean;
  retired?: Promise<void>;
}

/**
 * Decode-ahead for a lone generating sequence: as soon as a token is sampled, its decode is queued,
 * before node-llama-cpp's JavaScript has processed the token (detokenizing, stop detection, the
 * SSE write, batch bookkeeping: ~0.5 ms per token measured here), which then runs while the engine
 * decodes. llama-server's loop gets this for free: it decodes right after sampling, in C++.
 *
 * It works at the native context's batch calls. When node-llama-cpp then builds its next batch, the
 * calls are recorded instead of run (the speculative decode owns the native batch); if the batch is
 * exactly the speculated token, it gets the speculative decode's promise; otherwise (generation
 * stopped, another request's tokens joined) the speculative token's KV cell is removed once its
 * decode has ended and the recorded batch runs as asked. So node-llama-cpp's view of the sequence
 * never differs from the KV cache once a batch settles.
 *
 * Only with exactly one generating sequence: lockstep batching already keeps the engine busy with
 * several. A sequence that starts (`begin`) first waits for any decode in flight, so its own
 * synchronous KV-cache edits never race a decode. Not for models that need KV checkpoints
 * (recurrent, hybrid, sliding-window): a single cell cannot be taken back there.
 */
export class DecodeAhead {
  private native?: NativeContext;
  private internals?: ContextInternals;
  /** Generating sequences and how many more tokens each may sample. */
  private readonly active = new Map<number, number>();
  /** Sequences inside `begin`: no new speculation until they are in. */
  private entering = 0;
  private spec?: Speculation;
  /** Entries of the batch node-llama-cpp is building; undefined between batches. */
  private building?: BatchEntry[];
  /** Size of a batch whose native init was deferred because a speculation owns the native batch. */
  private deferredSize?: number;
  /** The batch whose logits the next samples read. */
  private lastBatch: BatchEntry[] = [];
  constructor(
    private readonly model: Pick<LlamaModel, "isEogToken">,
    /** Each token decoded ahead, once settled: asked for by node-llama-cpp (`used`) or taken back (`wasted`). */
    private readonly onOutcome?: (outcome: "used" | "wasted") => void,
  ) {}

  /** Wraps the native context's batch methods. False (nothing changed) when the internals differ. */
  install(context: LlamaContext): boolean {
    const internals = context as unknown as ContextInternals;
    const native = internals._ctx;
    const names = ["initBatch", "addToBatch", "decodeBatch", "sampleToken", "removeTokenCellsFromSequence"];
    if (!native || names.some((n) => typeof (native as unknown as Record<string, unknown>)[n] !== "function"))
      return false;
    // The native methods are read-only prototype properties; own properties shadow them and keep
    // the object itself native (node-llama-cpp passes it back into the addon).
    const real = {
      initBatch: native.initBatch.bind(native),
      addToBatch: native.addToBatch.bind(native),
      decodeBatch: native.decodeBatch.bind(native),
      sampleToken: native.sampleToken.bind(native),
      removeTokenCellsFromSequence: native.removeTokenCellsFromSequence.bind(native),
    };
    this.native = real;
    this.internals = internals;
    const own = (name: string, value: unknown) =>
      Object.defineProperty(native, name, { value, configurable: true, writable: true });
    own("initBatch", (size: number) => this.initBatch(size));
    own("addToBatch", (s: number, f: number, t: Uint32Array, l: Uint32Array) => this.addToBatch(s, f, t, l));
    own("decodeBatch", () => this.decodeBatch());
    own("sampleToken", (i: number, ...rest: unknown[]) => this.sampleToken(i, rest));
    return true;
  }

  /**
   * A sequence starts generating at most `maxTokens` tokens. Waits until no speculative decode is
   * running, so the caller's KV-cache edits (prefix reuse) cannot race one.
   */
  async begin(sequenceId: number, maxTokens: number): Promise<void> {
    this.entering++;
    try {
      if (this.spec) await this.spec.decoded;
      this.active.set(sequenceId, maxTokens);
    } finally {
      this.entering--;
    }
  }

  /** The sequence stopped generating: a token decoded ahead for it is taken back. */
  async end(sequenceId: number): Promise<void> {
    this.active.delete(sequenceId);
    const spec = this.spec;
    if (spec && spec.sequenceId === sequenceId) await this.retire(spec);
  }

  /** Waits for any speculative decode and takes it back (shutdown). */
  async drain(): Promise<void> {
    this.active.clear();
    if (this.spec) await this.retire(this.spec);
  }

  private get real(): NativeContext {
    return this.native as NativeContext;
  }

  private initBatch(size: number): void {
    this.building = [];
    if (this.spec) {
      this.deferredSize = size;
      return;
    }
    this.deferredSize = undefined;
    this.real.initBatch(size);
  }

  private addToBatch(
    sequenceId: number,
    first: number,
    tokens: Uint32Array,
    logits: Uint32Array,
  ): Uint32Array {
    if (!this.building) this.building = [];
    const building = this.building;
    const offset = building.reduce((n, e) => n + e.tokens.length, 0);
    const entry = {
      sequenceId,
      first,
      tokens: Uint32Array.from(tokens),
      logits: Uint32Array.from(logits),
      offset,
    };
    if (this.deferredSize === undefined) {
      const res = this.real.addToBatch(sequenceId, first, tokens, logits);
      building.push(entry);
      return res;
    }
    if (offset + tokens.length > this.deferredSize)
      throw new RangeError("Tokens exceed the initialized batch size");
    building.push(entry);
    // What the native call returns: the batch index of every token that wants logits.
    return Uint32Array.from(logits, (i) => offset + i);
  }

  private decodeBatch(): Promise<void> {
    const batch = this.building ?? [];
    const deferredSize = this.deferredSize;
    this.building = undefined;
    this.deferredSize = undefined;
    const spec = this.spec;
    if (!spec || deferredSize === undefined) {
      this.lastBatch = batch;
      return this.real.decodeBatch();
    }
    if (batch.length === 1 && matches(batch[0] as BatchEntry, spec)) {
      spec.consumed = true;
      this.spec = undefined;
      this.onOutcome?.("used");
      this.lastBatch = batch;
      return spec.decode;
    }
    return (async () => {
      await this.retire(spec);
      this.real.initBatch(deferredSize);
      for (const e of batch) this.real.addToBatch(e.sequenceId, e.first, e.tokens, e.logits);
      this.lastBatch = batch;
      return this.real.decodeBatch();
    })();
  }

  private async sampleToken(batchLogitIndex: number, rest: unknown[]): Promise<unknown> {
    const result = await this.real.sampleToken(batchLogitIndex, ...rest);
    // A bare token id, or [token, probabilities, ...] when extras were asked for.
    const token = typeof result === "number" ? result : Array.isArray(result) ? result[0] : undefined;
    if (typeof token === "number") this.sampled(batchLogitIndex, token);
    return result;
  }

  /** Counts the sample against its sequence and, when it is the lone generating one, decodes it now. */
  private sampled(batchLogitIndex: number, token: number): void {
    const entry = this.lastBatch.find(
      (e) => e.logits.length > 0 && e.offset + (e.logits[e.logits.length - 1] as number) === batchLogitIndex,
    );
    if (!entry) return;
    const left = this.active.get(entry.sequenceId);
    if (left === undefined) return;
    this.active.set(entry.sequenceId, left - 1);
    const eligible =
      left - 1 > 0 &&
      token >= 0 &&
      this.active.size === 1 &&
      this.entering === 0 &&
      this.spec === undefined &&
      this.building === undefined &&
      this.lastBatch.length === 1 &&
      entry.logits.length === 1 &&
      entry.logits[0] === entry.tokens.length - 1 &&
      (this.internals?._queuedDecodes?.length ?? 0) === 0 &&
      !this.model.isEogToken(token as Token);
    if (!eligible) return;
    const position = entry.first + entry.tokens.length;
    this.real.initBatch(1);
    this.real.addToBatch(entry.sequenceId, position, Uint32Array.of(token), Uint32Array.of(0));
    const decode = this.real.decodeBatch();
    this.spec = {
      sequenceId: entry.sequenceId,
      position,
      token,
      decode,
      decoded: decode.then(
        () => true,
        () => false,
      ),
      consumed: false,
    };
  }

  /** Waits for the speculative decode; if node-llama-cpp never asked for it, removes its KV cell. */
  private retire(spec: Speculation): Promise<void> {
    spec.retired ??= (async () => {
      const ok = await spec.decoded;
      if (ok && !spec.consumed) {
        this.real.removeTokenCellsFromSequence(spec.sequenceId, spec.position, spec.position + 1);
        this.onOutcome?.("wasted");
      }
      if (this.spec === spec) this.spec = undefined;
    })();
    return spec.retired;
  }
}

function matches(e: BatchEntry, spec: Speculation): boolean {
  return (
    e.sequenceId === spec.sequenceId &&
    e.first === spec.position &&
    e.tokens.length === 1 &&
    e.tokens[0] === spec.token &&
    e.logits.length === 1 &&
    e.logits[0] === 0
  );
}
