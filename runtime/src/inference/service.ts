import type { ChatCompletionRequest, CompletionRequest, EmbeddingsRequest } from "@llm/contracts";
import type { Engine } from "../engine/engine.js";
import { type GenerateResult, generate, type PreparedGeneration } from "../engine/generate.js";
import { reusedPrefix } from "../engine/slot-affinity.js";
import type { RuntimeMetrics } from "../metrics/metrics.js";
import { requestDeadline } from "./deadline.js";
import { type Embeddings, embedInputs } from "./embeddings.js";
import { GrammarCache } from "./grammar.js";
import { prepareChat, prepareCompletion } from "./prepare.js";

export type { PreparedGeneration } from "../engine/generate.js";

export interface RunContext {
  /** Aborted when the client disconnects (reason: ClientGoneError). */
  signal: AbortSignal;
  /** performance.now() when the request arrived, for time-to-first-token. */
  receivedAt: number;
  /** Called once a sequence is leased, before any token: streaming handlers send headers here. */
  onStart?: () => void;
  onText?: (text: string) => void;
}

export interface RunResult extends GenerateResult {
  promptTokens: number;
}

export interface InferenceOptions {
  /** Per-request deadline (queue + generation) in ms. */
  timeoutMs: number;
}

/**
 * Turns OpenAI requests into engine work: prepares them (prepare.ts), leases the best-fitting
 * sequence (Engine.leaseSlot), runs them under the deadline (deadline.ts) and records token metrics.
 */
export class InferenceService {
  readonly grammars: GrammarCache;

  constructor(
    readonly engine: Engine,
    private readonly metrics: RuntimeMetrics,
    private readonly opts: InferenceOptions,
  ) {
    this.grammars = new GrammarCache(engine.llama);
  }

  get modelName(): string {
    return this.engine.info.model;
  }

  prepareChat(req: ChatCompletionRequest): Promise<PreparedGeneration> {
    return prepareChat(this.engine, this.grammars, req);
  }

  prepareCompletion(req: CompletionRequest, prompt: string): PreparedGeneration {
    return prepareCompletion(this.engine, req, prompt);
  }

  /** Leases a sequence (queueing, 429 when full), generates under the deadline, records metrics. */
  async run(p: PreparedGeneration, ctx: RunContext): Promise<RunResult> {
    const deadline = requestDeadline(ctx.signal, this.opts.timeoutMs);
    const { signal } = deadline;
    let lease: Awaited<ReturnType<Engine["leaseSlot"]>>;
    try {
      lease = await this.engine.leaseSlot(p.evaluated, signal);
    } catch (err) {
      deadline.dispose();
      throw deadline.reason(err);
    }
    try {
      ctx.onStart?.();
      this.metrics.promptTokens.inc(p.promptTokens);
      this.metrics.promptCachedTokens.inc(reusedPrefix(lease.item, p.evaluated));
      let first = true;
      let streamed = 0;
      const result = await generate(lease.item, p, {
        signal,
        onText: (text) => {
          if (first) {
            first = false;
            this.metrics.timeToFirstToken.observe((performance.now() - ctx.receivedAt) / 1000);
          }
          streamed++;
          this.metrics.addCompletionTokens(1);
          ctx.onText?.(text);
        },
      });
      // Text chunks are not always one per token (stop strings, multi-byte characters): settle the count.
      this.metrics.addCompletionTokens(result.completionTokens - streamed);
      return { ...result, promptTokens: p.promptTokens };
    } catch (err) {
      throw deadline.reason(err);
    } finally {
      deadline.dispose();
      lease.release();
    }
  }

  /** /v1/embeddings: one vector per input, run on the embedding context. */
  async embed(req: EmbeddingsRequest): Promise<Embeddings> {
    const result = await embedInputs(this.engine, req);
    this.metrics.promptTokens.inc(result.promptTokens);
    return result;
  }
}
