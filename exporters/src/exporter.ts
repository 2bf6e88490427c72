import pino, { type Logger } from "pino";
import type { ExporterConfig } from "./config/schema.js";
import { createApp } from "./http/app.js";
import { KubeClient } from "./kubernetes/client.js";
import { ExporterMetrics } from "./metrics/exporter-metrics.js";
import { Collector, type KubeReader } from "./pools/collector.js";

export interface ExporterOptions {
  config: ExporterConfig;
  /** Logger; defaults to pino at `config.logLevel`. */
  logger?: Logger;
  /** Kubernetes reader; defaults to a KubeClient built from `config.kubernetes`. */
  kube?: KubeReader;
  /** Clock in ms for rate windows; defaults to Date.now. */
  now?: () => number;
}

/** Collector + metrics + app wired together; `close()` stops the refresh loop and the API client. */
export interface Exporter extends AsyncDisposable {
  app: ReturnType<typeof createApp>;
  collector: Collector;
  metrics: ExporterMetrics;
  close(): Promise<void>;
}

/** Builds the exporter without starting the loop or listening (call `collector.start()` / listen). */
export function createExporter(opts: ExporterOptions): Exporter {
  const { config } = opts;
  const logger = opts.logger ?? pino({ level: config.logLevel, name: "llm-exporter" });
  const metrics = new ExporterMetrics();
  const ownedKube = !opts.kube && config.kubernetes.enabled ? new KubeClient(config.kubernetes) : undefined;
  const now = opts.now ?? Date.now;
  const collector = new Collector({
    config,
    kube: opts.kube ?? ownedKube,
    logger,
    now,
    onError: (source) => metrics.countError(source),
    onRefresh: (summaries) => metrics.update(summaries, now()),
  });
  const app = createApp({
    cluster: config.cluster,
    metrics,
    summaries: () => collector.summaries(),
    lastRefreshAt: () => collector.lastRefreshAt,
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await collector.close();
      await ownedKube?.close();
    })();
    return closing;
  };
  return { app, collector, metrics, close, [Symbol.asyncDispose]: close };
}
