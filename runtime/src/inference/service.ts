import {
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
  HttpError,
  requestedMaxTokens,
} from "@llm/contracts";
import type { LlamaGrammar, LlamaText, Token } from "node-llama-cpp";
import type { Engine } from "../engine/engine.js";
import { type GenerateResult, generate } from "../engine/generate.js";
import type { RuntimeMetrics } from "../metrics/metrics.js";
import { ClientGoneError, timeoutError } from "./errors.js";
import { GrammarCache } from "./grammar.js";
import { renderChat } from "./prompt.js";

/** A validated request turned into engine input, ready to run once a slot is free. */
export interface PreparedGeneration {
  input: Token[];
  /** The prompt exactly as the sequence will hold it (BOS included), for cache affinity. */
  evaluated: Token[];
  promptTokens: number;
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stop: (string | LlamaText)[];
  grammar?: LlamaGrammar;
  penalties?: { presencePenalty?: number; frequencyPenalty?: number };
}

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

type SamplingRequest = Pick<
  ChatCompletionRequest,
  | "n"
  | "temperature"
  | "top_p"
  | "seed"
  | "stop"
  | "logit_bias"
  | "presence_penalty"
  | "frequency_penalty"
  | "max_tokens"
>;

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

function stopList(stop: SamplingRequest["stop"]): string[] {
  if (stop == null) return [];
  return (Array.isArray(stop) ? stop : [stop]).filter((s) => s.length > 0);
}

/** Rejects sampling features this runtime does not implement, naming the field. */
function checkSampling(req: SamplingRequest): void {
  if (req.n != null && req.n > 1) {
    throw new HttpError(400, "n > 1 is not supported; send one request per choice", {
      param: "n",
      code: "unsupported_parameter",
    });
  }
  if (req.logit_bias && Object.keys(req.logit_bias).length > 0) {
    throw new HttpError(400, "logit_bias is not supported by this runtime", {
      param: "logit_bias",
      code: "unsupported_parameter",
    });
  }
}

/** OpenAI penalties are in [-2, 2]; node-llama-cpp takes [0, 1], and negative (encouraging) ones are ignored. */
function penaltiesOf(req: SamplingRequest): PreparedGeneration["penalties"] {
  const p = req.presence_penalty ?? 0;
  const f = req.frequency_penalty ?? 0;
  if (p <= 0 && f <= 0) return undefined;
  return { presencePenalty: Math.max(0, p) / 2, frequencyPenalty: Math.max(0, f) / 2 };
}

/**
 * Turns OpenAI requests into engine work: validates what the schema cannot (context length,
 * unsupported features), leases a sequence, enforces the deadline and records token metrics.
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

  /** Fits the request into one sequence's context or throws 400 context_length_exceeded. */
  private fit(promptTokens: number, requested: number | undefined, param: string): number {
    const ctx = this.engine.info.ctxSizePerSequence;
    const available = ctx - promptTokens;
    if (available < 1 || (requested !== undefined && requested > available)) {
      const asked = requested === undefined ? "" : ` + ${requested} completion tokens`;
      throw new HttpError(
        400,
        `This model's maximum context length is ${ctx} tokens. However, you requested ${promptTokens} prompt tokens${asked}. Please reduce the length of the ${param} or of max_tokens.`,
        { param, code: "context_length_exceeded" },
      );
    }
    return requested ?? available;
  }

  async prepareChat(req: ChatCompletionRequest): Promise<PreparedGeneration> {
    checkSampling(req);
    if (req.tools && req.tools.length > 0) {
      throw new HttpError(400, "tools are not supported by this runtime", {
        param: "tools",
        code: "unsupported_parameter",
      });
    }
    if (req.logprobs) {
      throw new HttpError(400, "logprobs are not supported by this runtime", {
        param: "logprobs",
        code: "unsupported_parameter",
      });
    }
    const { tokens, stopTriggers } = renderChat(this.engine.chatWrapper, this.engine.model, req.messages);
    const { input, promptTokens, evaluated } = this.engine.completionInput(tokens);
    const maxTokens = this.fit(promptTokens, requestedMaxTokens(req), "messages");
    return {
      input,
      evaluated,
      promptTokens,
      maxTokens,
      temperature: req.temperature ?? 1,
      topP: req.top_p ?? undefined,
      seed: req.seed ?? undefined,
      stop: [...stopList(req.stop), ...stopTriggers],
      grammar: await this.grammars.forFormat(req.response_format),
      penalties: penaltiesOf(req),
    };
  }

  prepareCompletion(req: CompletionRequest, prompt: string): PreparedGeneration {
    checkSampling(req);
    if (req.suffix) {
      throw new HttpError(400, "suffix (infill) is not supported by this runtime", {
        param: "suffix",
        code: "unsupported_parameter",
      });
    }
    if (req.logprobs) {
      throw new HttpError(400, "logprobs are not supported by this runtime", {
        param: "logprobs",
        code: "unsupported_parameter",
      });
    }
    const tokens = this.engine.model.tokenize(prompt, false, "trimLeadingSpace");
    const { input, promptTokens, evaluated } = this.engine.completionInput(tokens);
    const maxTokens = this.fit(promptTokens, req.max_tokens ?? undefined, "prompt");
    return {
      input,
      evaluated,
      promptTokens,
      // OpenAI's legacy completions default to 16 tokens; an unbounded default would surprise clients.
      maxTokens: req.max_tokens == null ? Math.min(16, maxTokens) : maxTokens,
      temperature: req.temperature ?? 1,
      topP: req.top_p ?? undefined,
      seed: req.seed ?? undefined,
      stop: stopList(req.stop),
      penalties: penaltiesOf(req),
    };
  }

  /** Leases a sequence (queueing, 429 when full), generates under the deadline, records metrics. */
  async run(p: PreparedGeneration, ctx: RunContext): Promise<RunResult> {
    // One controller per request, fed by the client's signal and the deadline; the timer and the
    // listener are removed when the request ends so nothing lingers for the full timeout.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(timeoutError(this.opts.timeoutMs)), this.opts.timeoutMs);
    const onClientAbort = () => controller.abort(ctx.signal.reason ?? new ClientGoneError());
    if (ctx.signal.aborted) onClientAbort();
    else ctx.signal.addEventListener("abort", onClientAbort, { once: true });
    const signal = controller.signal;
    const cleanup = () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onClientAbort);
    };
    const reason = (err: unknown): unknown => (signal.aborted ? signal.reason : err);
    let lease: Awaited<ReturnType<Engine["slots"]["acquire"]>>;
    try {
      // Ties go to the lowest sequence id: busy ids stay contiguous, which keeps an engine batch one
      // llama.cpp micro-batch (see SequenceOrder). The fraction never outweighs one token of affinity.
      const parallel = this.engine.info.parallel;
      lease = await this.engine.slots.acquire(
        signal,
        (slot) => cacheAffinity(slot.sequence.contextTokens, p.evaluated) - slot.sequenceId / (parallel + 1),
      );
    } catch (err) {
      cleanup();
      throw reason(err);
    }
    try {
      ctx.onStart?.();
      this.metrics.promptTokens.inc(p.promptTokens);
      // LlamaCompletion keeps the common prefix of the sequence's state and always evaluates the last token.
      const reused = Math.min(
        commonPrefix(lease.item.sequence.contextTokens, p.evaluated),
        p.evaluated.length - 1,
      );
      this.metrics.promptCachedTokens.inc(Math.max(0, reused));
      let first = true;
      let streamed = 0;
      const result = await generate(lease.item, {
        ...p,
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
      throw reason(err);
    } finally {
      cleanup();
      lease.release();
    }
  }

  /** /v1/embeddings: one vector per input, run on the embedding context. */
  async embed(req: EmbeddingsRequest): Promise<{ vectors: (readonly number[])[]; promptTokens: number }> {
    const inputs: (string | Token[])[] =
      typeof req.input === "string"
        ? [req.input]
        : req.input.length > 0 && typeof req.input[0] === "number"
          ? [req.input as Token[]]
          : (req.input as (string | Token[])[]);
    const ctx = this.engine.info.ctxSizePerSequence;
    const size = this.engine.model.embeddingVectorSize;
    if (req.dimensions !== undefined && req.dimensions !== size) {
      throw new HttpError(400, `dimensions must equal the model's embedding size (${size})`, {
        param: "dimensions",
        code: "unsupported_parameter",
      });
    }
    const vocabSize = this.engine.vocabSize;
    const vectors: (readonly number[])[] = [];
    let promptTokens = 0;
    for (const [i, input] of inputs.entries()) {
      const single = typeof req.input === "string" || typeof req.input[0] === "number";
      const param = single ? "input" : `input.${i}`;
      if (input.length === 0)
        throw new HttpError(400, "Input must not be empty", { param, code: "invalid_input" });
      // Out-of-range token ids would index past the embedding table in native code.
      if (typeof input !== "string" && input.some((t) => t < 0 || t >= vocabSize)) {
        throw new HttpError(400, `Token ids must be between 0 and ${vocabSize - 1}`, {
          param,
          code: "invalid_input",
        });
      }
      const tokens = typeof input === "string" ? this.engine.model.tokenize(input) : input;
      if (tokens.length >= ctx) {
        throw new HttpError(
          400,
          `This model's maximum context length is ${ctx} tokens, however the input has ${tokens.length} tokens`,
          { param, code: "context_length_exceeded" },
        );
      }
      const { vector } = await this.engine.embed(tokens);
      vectors.push(vector);
      promptTokens += tokens.length;
    }
    this.metrics.promptTokens.inc(promptTokens);
    return { vectors, promptTokens };
  }
}
