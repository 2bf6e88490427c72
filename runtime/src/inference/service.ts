import type { ChatCompletionRequest, CompletionRequest, EmbeddingsRequest } from "@llm/contracts";
import { LlamaText, SpecialTokensText } from "node-llama-cpp";
import type { Engine } from "../engine/engine.js";
import { type GenerateResult, generate, type PreparedGeneration } from "../engine/generate.js";
import { reusedPrefix } from "../engine/slot-affinity.js";
import type { RuntimeMetrics } from "../metrics/metrics.js";
import { requestDeadline } from "./deadline.js";
import { type Embeddings, embedInputs } from "./embeddings.js";
import { GrammarCache } from "./grammar.js";
import { type PreparedChat, prepareChat, prepareCompletion } from "./prepare.js";

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
  /** Sequences generating now (leased), the batch size the capacity estimate files rates under. */
  private generating = 0;

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

  prepareChat(req: ChatCompletionRequest): Promise<PreparedChat> {
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
    // Sequences generating alongside this one (itself included), for the capacity estimate.
    let batch = ++this.generating;
    try {
      ctx.onStart?.();
      this.metrics.promptTokens.inc(p.promptTokens);
      this.metrics.promptCachedTokens.inc(reusedPrefix(lease.item, p.evaluated));
      let first = true;
      let streamed = 0;
      let firstAt = 0;
      const onText = (text: string) => {
        if (first) {
          first = false;
          firstAt = performance.now();
          this.metrics.timeToFirstToken.observe((firstAt - ctx.receivedAt) / 1000);
        }
        batch = Math.max(batch, this.generating);
        streamed++;
        this.metrics.addCompletionTokens(1);
        ctx.onText?.(text);
      };
      let result = await generate(lease.item, p, { signal, onText });
      const next = p.continuation;
      if (next && result.stopTrigger === next.triggerText) {
        result = await this.continueAfterTrigger(lease.item, p, result, signal, onText, ctx.onText);
      }
      // Decode rate while generating (metrics/capacity.ts): tokens after the first, first to last.
      if (firstAt > 0)
        this.metrics.capacity.observe(
          result.completionTokens - 1,
          performance.now() - firstAt,
          batch,
          this.engine.info.parallel,
        );
      // Text chunks are not always one per token (stop strings, multi-byte characters): settle the count.
      this.metrics.addCompletionTokens(result.completionTokens - streamed);
      // Schema outputs are checked before the 200 (or, streamed, before the finish event); a text cut by
      // max_tokens is incomplete by definition and says so with finish_reason "length".
      if (p.checkOutput && result.finishReason === "stop") p.checkOutput(result.text);
      return { ...result, promptTokens: p.promptTokens };
    } catch (err) {
      throw deadline.reason(err);
    } finally {
      this.generating--;
      deadline.dispose();
      lease.release();
    }
  }

  /**
   * Tool calling's `auto` step two (tools/plan.ts): the model wrote the call opener's head, so the
   * same sequence goes on from there under the call grammar; its cache already holds the prompt and
   * the text so far. Under `none` (no grammar) the turn simply ends at the opener.
   */
  private async continueAfterTrigger(
    slot: Parameters<typeof generate>[0],
    p: PreparedGeneration,
    first: GenerateResult,
    signal: AbortSignal,
    onText: (text: string) => void,
    emit: ((text: string) => void) | undefined,
  ): Promise<GenerateResult> {
    const next = p.continuation;
    const left = p.maxTokens - first.completionTokens;
    if (!next?.grammar || left < 1) return first;
    // The trigger's text is part of the answer (the parser reads the call from it); it is not a new token.
    emit?.(next.triggerText);
    // With special parsing the trigger becomes its special token where the vocabulary has one.
    const tail = LlamaText([first.text, new SpecialTokensText(next.triggerText)]).tokenize(
      this.engine.model.tokenizer,
      "trimLeadingSpace",
    );
    const input = [...p.input, ...tail];
    const second = await generate(
      slot,
      {
        ...p,
        input,
        evaluated: [...p.evaluated, ...tail],
        maxTokens: left,
        grammar: next.grammar,
        stop: p.stop.filter((s) => !next.triggers.includes(s as LlamaText)),
        stopStrings: [],
        continuation: undefined,
      },
      { signal, onText },
    );
    return {
      text: first.text + next.triggerText + second.text,
      completionTokens: first.completionTokens + second.completionTokens,
      finishReason: second.finishReason,
    };
  }

  /** /v1/embeddings: one vector per input, run on the embedding context. */
  async embed(req: EmbeddingsRequest): Promise<Embeddings> {
    const result = await embedInputs(this.engine, req);
    this.metrics.promptTokens.inc(result.promptTokens);
    return result;
  }
}
