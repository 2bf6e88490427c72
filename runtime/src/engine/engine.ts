import {
  type ChatWrapper,
  getLlama,
  type Llama,
  LlamaCompletion,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaEmbeddingContext,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
  type Token,
} from "node-llama-cpp";
import type { Logger } from "pino";
import { libuvPoolSize } from "../config/threads.js";
import type { RuntimeMetrics } from "../metrics/metrics.js";
import { DecodeBarrier, observingStrategy, SequenceOrder, sequenceIdOf } from "./batching.js";
import { type CallSyntax, callSyntaxOf, type EogCut, nativeToolSupport } from "./call-syntax.js";
import { DecodeAhead } from "./decode-ahead.js";
import { gpuBackendUnavailable, gpuShortfall, requiresGpu } from "./gpu-requirement.js";
import { slotAffinity } from "./slot-affinity.js";
import { type Lease, SlotPool } from "./slots.js";

export type GpuMode = "auto" | "off" | "cuda" | "vulkan";
export type Backend = "cpu" | "cuda" | "vulkan" | "metal";

export interface EngineOptions {
  /** GGUF file to load. */
  modelPath: string;
  /** Name reported in /v1/models, responses, /health and metrics. */
  modelName: string;
  /**
   * Backend choice: `auto` uses a GPU when one works and falls back to CPU; `off` forces CPU and never
   * probes GPUs; `cuda` / `vulkan` require that backend with at least one layer offloaded, or load fails.
   */
  gpu: GpuMode;
  /** Layers to offload (`auto` = as many as fit). Ignored on CPU. */
  gpuLayers: "auto" | "max" | number;
  /** Decode threads. */
  threads: number;
  /** Context tokens per sequence; undefined = min(2048, train context). */
  ctxSize?: number;
  /** Sequences in the shared context. */
  parallel: number;
  /** Engine batch size in tokens. */
  batchSize: number;
  /** Decode dispatch policy, see `lockstepSchedule`. */
  batching: "lockstep" | "engine";
  /** Order of sequences inside an engine batch, see `SequenceOrder`. */
  batchOrder: "sequence" | "arrival";
  /** Decode a lone sequence's sampled token before node-llama-cpp's per-token JavaScript, see DecodeAhead. */
  decodeAhead: boolean;
  /** Wait-queue capacity of the slot pool. */
  queueCapacity: number;
  metrics: RuntimeMetrics;
  logger: Logger;
}

/** What /health and the startup log report. */
export interface EngineInfo {
  model: string;
  modelPath: string;
  backend: Backend;
  /** The `--gpu` mode asked for (`cuda`/`vulkan` = GPU required). */
  gpuMode: GpuMode;
  /** Which llama.cpp binaries are loaded: node-llama-cpp's prebuilt ones or a local build (`npx node-llama-cpp source build`). */
  engineBuild: "prebuilt" | "localBuild";
  /** Layers offloaded to the GPU (0 on CPU). */
  gpuLayers: number;
  /** Layers the model has (the most that can be offloaded). */
  modelLayers: number;
  threads: number;
  /** libuv pool threads the decodes run on (1 is what keeps them on one OS thread; see libuvPoolSize). */
  uvThreadpoolSize: number;
  parallel: number;
  ctxSizePerSequence: number;
  ctxSizeTotal: number;
  trainContextSize: number;
  chatWrapper: string;
  /** What this model serves, from its chat template: `chat`, `completions`, `embeddings`, `json_schema`, and `tools` when the template has a call format. */
  capabilities: string[];
  loadSeconds: number;
}

const DEFAULT_CTX_SIZE = 2048;

/** One sequence of the shared context and the completion driver bound to it. */
export interface Slot {
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  sequenceId: number;
  /** Set when lockstep batching is on: generation joins it for its duration. */
  barrier?: DecodeBarrier;
  /** Set when decode-ahead is on: generation registers with it for its duration. */
  decodeAhead?: DecodeAhead;
}

/**
 * One loaded model and its one context of `parallel` sequences. Requests lease a sequence from
 * `slots`; because they share the context, node-llama-cpp decodes their tokens in shared batches.
 */
export class Engine {
  private embeddingContext?: Promise<LlamaEmbeddingContext>;
  private embedLock: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly context: LlamaContext,
    readonly slots: SlotPool<Slot>,
    readonly chatWrapper: ChatWrapper,
    /** The template's function-call syntax as text (tool calling's grammar and parser). */
    readonly callSyntax: CallSyntax,
    readonly info: EngineInfo,
    private readonly opts: EngineOptions,
    readonly decodeAhead?: DecodeAhead,
  ) {}

  static async load(opts: EngineOptions): Promise<Engine> {
    const started = performance.now();
    const log = opts.logger;
    let llama: Llama;
    try {
      llama = await getLlama({
        gpu: opts.gpu === "off" ? false : opts.gpu,
        // Never compile llama.cpp at start-up: use the prebuilt binaries or fail.
        build: "never",
        skipDownload: true,
        maxThreads: opts.threads,
        progressLogs: false,
        logLevel: LlamaLogLevel.warn,
        logger: (level, message) => {
          const text = message.trim();
          if (!text) return;
          if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
            log.error({ llama: true }, text);
          else log.warn({ llama: true }, text);
        },
      });
    } catch (err) {
      // node-llama-cpp gives a bare NoBinaryFoundError when the named backend will not load.
      throw requiresGpu(opts.gpu) ? gpuBackendUnavailable(opts.gpu, err) : err;
    }
    const backend: Backend = llama.gpu === false ? "cpu" : llama.gpu;
    const model = await llama.loadModel({
      modelPath: opts.modelPath,
      gpuLayers: backend === "cpu" ? 0 : opts.gpuLayers,
    });
    const shortfall = gpuShortfall(opts.gpu, backend, model.gpuLayers);
    if (shortfall) {
      await model.dispose();
      await llama.dispose();
      throw new Error(shortfall);
    }
    if (opts.gpu === "auto" && backend === "cpu")
      log.info("--gpu auto: no usable GPU backend, running on CPU (--gpu cuda makes the GPU required)");
    const trainContextSize = model.trainContextSize;
    const ctxSize = opts.ctxSize ?? Math.min(DEFAULT_CTX_SIZE, trainContextSize);

    const order = opts.batchOrder === "sequence" ? new SequenceOrder() : undefined;
    const context = await model.createContext({
      sequences: opts.parallel,
      contextSize: ctxSize,
      batchSize: Math.max(opts.batchSize, opts.parallel),
      threads: opts.threads,
      failedCreationRemedy: false,
      batching: {
        // Lockstep: the barrier already gathers every stream's token, so the batch goes out in the same
        // microtask drain instead of a setImmediate later; the token's SSE write and the rest of its JS
        // then run while the engine decodes (measured: 0.2 ms less per token, single stream).
        dispatchSchedule: opts.batching === "lockstep" ? (dispatch) => queueMicrotask(dispatch) : "nextCycle",
        itemPrioritizationStrategy: observingStrategy((n) => opts.metrics.batchTokens.observe(n), order),
      },
    });
    if (order && !order.install(context)) {
      log.warn("batch ordering needs node-llama-cpp 3.22 internals; keeping arrival order");
    }
    let barrier: DecodeBarrier | undefined;
    if (opts.batching === "lockstep" && opts.parallel > 1) {
      barrier = new DecodeBarrier();
      if (!barrier.install(context)) {
        barrier = undefined;
        log.warn("lockstep batching needs node-llama-cpp 3.22 internals; falling back to engine batching");
      }
    }

    const items: Slot[] = [];
    for (let i = 0; i < opts.parallel; i++) {
      const sequence = context.getSequence();
      items.push({
        sequence,
        completion: new LlamaCompletion({ contextSequence: sequence }),
        sequenceId: sequenceIdOf(sequence) ?? i,
        barrier,
      });
    }

    let decodeAhead: DecodeAhead | undefined;
    // Sequences that need KV checkpoints (recurrent, hybrid, sliding-window) cannot take one cell back.
    if (opts.decodeAhead && items[0]?.sequence.needsCheckpoints === false) {
      decodeAhead = new DecodeAhead(model, (outcome) => opts.metrics.decodeAheadTokens.inc({ outcome }));
      if (decodeAhead.install(context)) for (const slot of items) slot.decodeAhead = decodeAhead;
      else {
        decodeAhead = undefined;
        log.warn("decode-ahead needs node-llama-cpp 3.22 internals; off");
      }
    }
    const slots = new SlotPool(items, {
      queueCapacity: opts.queueCapacity,
      onChange: (busy, waiting) => {
        opts.metrics.activeSequences.set(busy);
        opts.metrics.queueDepth.set(waiting);
        opts.metrics.slotUsage = { busy, total: items.length };
      },
    });
    // KV-cache use for the endpoint picker: tokens the sequences hold (cached prefixes of idle ones
    // included, as they occupy cells) over the context's cells, read at scrape time.
    const cells = context.contextSize * opts.parallel;
    opts.metrics.kvCacheUsage = () => items.reduce((n, slot) => n + slot.sequence.nextTokenIndex, 0) / cells;

    const chatWrapper = resolveChatWrapper(model);
    // End-of-generation tokens end a turn, so they are cut from the call syntax (no grammar can hold them).
    const cut: EogCut = (special) => {
      const tokens = model.tokenize(special, true);
      const at = tokens.findIndex((t) => model.isEogToken(t));
      if (at < 0) return { text: special, ended: false };
      return { text: model.detokenize(tokens.slice(0, at), true), ended: true };
    };
    const callSyntax = callSyntaxOf(chatWrapper, cut);
    const capabilities = ["chat", "completions", "embeddings", "streaming", "json_schema"];
    if (nativeToolSupport(chatWrapper)) capabilities.push("tools");
    const loadSeconds = (performance.now() - started) / 1000;
    const info: EngineInfo = {
      model: opts.modelName,
      modelPath: opts.modelPath,
      backend,
      gpuMode: opts.gpu,
      engineBuild: llama.buildType,
      gpuLayers: model.gpuLayers,
      modelLayers: model.fileInsights.totalLayers,
      threads: opts.threads,
      uvThreadpoolSize: libuvPoolSize(),
      parallel: opts.parallel,
      ctxSizePerSequence: context.contextSize,
      ctxSizeTotal: context.contextSize * opts.parallel,
      trainContextSize,
      chatWrapper: chatWrapper.wrapperName,
      capabilities,
      loadSeconds,
    };
    opts.metrics.modelLoadSeconds.set(loadSeconds);
    opts.metrics.backendInfo.set({ backend, model: opts.modelName, gpu_layers: String(model.gpuLayers) }, 1);
    return new Engine(llama, model, context, slots, chatWrapper, callSyntax, info, opts, decodeAhead);
  }

  /**
   * Leases the free sequence whose cached state best fits `prompt` (prompt-cache affinity), waiting
   * in the slot queue when all are busy; rejects with 429 when the queue is full or with the
   * signal's reason when it aborts first.
   */
  leaseSlot(prompt: readonly Token[], signal: AbortSignal): Promise<Lease<Slot>> {
    return this.slots.acquire(signal, slotAffinity(prompt, this.info.parallel));
  }

  /** Number of tokens in the vocabulary (token ids are 0..vocabSize-1). */
  get vocabSize(): number {
    return this.model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length ?? 0;
  }

  /**
   * Prompt tokens exactly as LlamaCompletion will evaluate them: it prepends BOS itself when the
   * vocabulary wants one, so a leading BOS from the chat template is dropped here and counted there.
   */
  completionInput(tokens: Token[]): { input: Token[]; promptTokens: number; evaluated: Token[] } {
    const bos = this.model.tokens.bos;
    const prepends = bos != null && this.model.tokens.shouldPrependBosToken;
    const input = prepends && tokens[0] === bos ? tokens.slice(1) : tokens;
    const evaluated = prepends && bos != null ? [bos, ...input] : input;
    return { input, promptTokens: evaluated.length, evaluated };
  }

  /**
   * Embeddings run on a separate embedding context, created on first use (most deployments never
   * call /v1/embeddings) and used one input at a time.
   */
  async embed(input: string | Token[]): Promise<{ vector: readonly number[]; tokens: number }> {
    this.embeddingContext ??= this.model.createEmbeddingContext({
      contextSize: this.info.ctxSizePerSequence,
      threads: this.opts.threads,
    });
    const ctx = await this.embeddingContext;
    const run = this.embedLock.then(async () => {
      const tokens = typeof input === "string" ? this.model.tokenize(input) : input;
      const embedding = await ctx.getEmbeddingFor(tokens);
      return { vector: embedding.vector, tokens: tokens.length };
    });
    this.embedLock = run.catch(() => undefined);
    return run;
  }

  /** Frees the context, model and native backend. */
  async close(): Promise<void> {
    this.slots.rejectWaiters(new Error("runtime is shutting down"));
    await this.decodeAhead?.drain();
    if (this.embeddingContext) await (await this.embeddingContext.catch(() => undefined))?.dispose();
    await this.context.dispose();
    await this.model.dispose();
    await this.llama.dispose();
  }
}
