import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { resolveServeConfig, type ServeConfig } from "../config/serve-config.js";
import { Engine } from "../engine/engine.js";
import { createApp } from "../http/app.js";
import { InferenceService } from "../inference/service.js";
import { createLogger } from "../logging.js";
import { RuntimeMetrics } from "../metrics/metrics.js";
import { resolveModel } from "../model-source/resolve.js";
import { RuntimeState } from "./state.js";

/** Options of the programmatic API (router end-to-end tests, benchmarks). */
export interface StartRuntimeOptions {
  /** GGUF path, catalog name or `gen://` URI. */
  model: string;
  /** Defaults to 0 (ephemeral). */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Parallel sequences. Defaults to 2. */
  parallel?: number;
  /** Decode threads. Defaults to the cores this process may use. */
  threads?: number;
  /** Context tokens per sequence. Defaults to min(2048, train context). */
  ctxSize?: number;
  /** Comma-separated HMAC secret(s); unset = auth off (allowed on a loopback host, or with `auth: "none"`). */
  hmacSecret?: string;
  /** `hmac` (needs hmacSecret) or `none`. Defaults to hmac with a secret, none without (see resolveAuth). */
  auth?: "hmac" | "none";
  /** Defaults to "off" here (tests), "auto" from the CLI; `cuda`/`vulkan` require the GPU (see EngineOptions.gpu). */
  gpu?: "off" | "auto" | "cuda" | "vulkan";
  /** Wait-queue capacity. Defaults to 32. */
  queueSize?: number;
  /** Per-request deadline in ms. Defaults to 120000. */
  timeoutMs?: number;
  /** Drain deadline used by close(). Defaults to 25000. */
  drainMs?: number;
  /** Decode dispatch policy. Defaults to lockstep. */
  batching?: "lockstep" | "engine";
  /** Order of sequences in an engine batch. Defaults to sequence. */
  batchOrder?: "sequence" | "arrival";
  decodeAhead?: "on" | "off";
  /** Defaults to "warn" (quiet in tests). */
  logLevel?: ServeConfig["logLevel"];
  /** Largest accepted body in bytes. Defaults to 4 MiB. */
  maxBodyBytes?: number;
}

export interface RuntimeHandle {
  /** `http://host:port`, no trailing slash. */
  url: string;
  port: number;
  state: RuntimeState;
  metrics: RuntimeMetrics;
  /**
   * Stops taking requests, lets in-flight ones finish within `drainMs`, cuts the rest, frees the
   * model. Resolves `{ drained }`: false when requests had to be cut.
   */
  close(drainMs?: number): Promise<{ drained: boolean }>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Listens first (so probes see /health 200 and /ready 503 while loading), then resolves the model,
 * loads it and marks the runtime ready. Resolves once ready; rejects (after closing) if loading fails.
 */
export async function serve(
  config: ServeConfig,
  opts: { logger?: Logger; startedAt?: number } = {},
): Promise<RuntimeHandle> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const metrics = new RuntimeMetrics();
  const state = new RuntimeState(config.modelName ?? config.model);
  const app = createApp({
    state,
    metrics,
    logger,
    hmacSecrets: config.auth === "hmac" ? config.hmacSecrets : [],
    maxBodyBytes: config.maxBodyBytes,
    startedAt: opts.startedAt,
  });
  const http = createServer(app);
  // Generation can take minutes; Node's default 5 min request timeout must not cut streams short.
  http.requestTimeout = 0;
  http.keepAliveTimeout = 65_000;
  const port = await listen(http, config.port, config.host);
  const displayHost = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${displayHost}:${port}`;
  if (config.auth === "none") {
    // Its own line, before the model loads, so nobody has to find it in a field of another log line.
    const why =
      config.hmacSecrets.length > 0
        ? "--auth none: RUNTIME_HMAC_SECRET is set but ignored"
        : "no RUNTIME_HMAC_SECRET";
    logger.warn(
      { auth: "none", host: config.host },
      `auth off (${why}): requests to ${url}/v1 are not authenticated`,
    );
  }

  const closeServer = () =>
    new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeIdleConnections();
    });

  try {
    const resolved = await resolveModel(config.model);
    const engine = await Engine.load({
      modelPath: resolved.path,
      modelName: config.modelName ?? resolved.name,
      gpu: config.gpu,
      gpuLayers: config.gpuLayers,
      threads: config.threads,
      ctxSize: config.ctxSize,
      parallel: config.parallel,
      batchSize: config.batchSize,
      batching: config.batching,
      batchOrder: config.batchOrder,
      decodeAhead: config.decodeAhead === "on",
      queueCapacity: config.queue,
      metrics,
      logger,
    });
    state.engine = engine;
    state.service = new InferenceService(engine, metrics, { timeoutMs: config.timeoutMs });
    state.phase = "ready";
    if (engine.info.uvThreadpoolSize !== 1)
      logger.warn(
        { uvThreadpoolSize: engine.info.uvThreadpoolSize },
        "UV_THREADPOOL_SIZE is not 1: decodes hop between OS threads, which slows multi-threaded CPU decoding (set UV_THREADPOOL_SIZE=1 in the environment before start)",
      );
    logger.info(
      {
        url,
        ...engine.info,
        queue: config.queue,
        timeoutMs: config.timeoutMs,
        auth: config.auth === "hmac" ? "hmac" : "off",
        batching: config.batching,
        batchOrder: config.batchOrder,
        decodeAhead: config.decodeAhead,
      },
      `model loaded: ${engine.info.parallel} sequences x ${engine.info.ctxSizePerSequence} tokens = ${engine.info.ctxSizeTotal} context tokens`,
    );
  } catch (err) {
    state.phase = "failed";
    state.failure = err instanceof Error ? err.message : String(err);
    http.closeAllConnections();
    await closeServer();
    throw err;
  }

  let closing: Promise<{ drained: boolean }> | undefined;
  const close = (drainMs = config.drainMs) => {
    closing ??= (async () => {
      state.phase = "draining";
      const serverClosed = closeServer();
      const drained = await state.waitIdle(drainMs);
      if (!drained)
        logger.warn({ inFlight: state.inFlight }, "drain deadline passed; cutting remaining requests");
      // Cutting the sockets aborts the remaining generations through their client signals.
      http.closeAllConnections();
      await serverClosed;
      await state.waitIdle(5_000);
      await state.engine?.close();
      return { drained };
    })();
    return closing;
  };
  return { url, port, state, metrics, close };
}

/** Programmatic start (in-process): validated like the CLI, quiet and CPU-only by default. */
export async function startRuntime(opts: StartRuntimeOptions): Promise<RuntimeHandle> {
  const config = resolveServeConfig({
    model: opts.model,
    port: opts.port ?? 0,
    host: opts.host ?? "127.0.0.1",
    parallel: opts.parallel,
    threads: opts.threads,
    ctxSize: opts.ctxSize,
    gpu: opts.gpu ?? "off",
    queue: opts.queueSize,
    timeoutMs: opts.timeoutMs,
    drainMs: opts.drainMs,
    batching: opts.batching,
    batchOrder: opts.batchOrder,
    decodeAhead: opts.decodeAhead,
    logLevel: opts.logLevel ?? "warn",
    maxBodyBytes: opts.maxBodyBytes,
    auth: opts.auth,
    hmacSecrets: (opts.hmacSecret ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  });
  return serve(config);
}
