import { parsePrometheusText, sumSamples } from "@llm/contracts";
import type { Logger } from "pino";
import { Agent, request } from "undici";
import { clusterTls } from "../providers/cluster/adapter.js";
import type { Target } from "../targets/target.js";

const RUNTIME_METRICS = new Set([
  "llm_runtime_tokens_per_second",
  "llm_runtime_queue_depth",
  "llm_runtime_completion_tokens_total",
]);
const EXPORTER_METRICS = new Set(["llm_cluster_cost_per_1k_tokens", "llm_cluster_pool_ready_replicas"]);

export interface PollerOptions {
  /** Current targets (changes on reload). */
  targets: () => readonly Target[];
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
}

/** Reads the fields we use from a runtime's /health JSON, tolerating naming variants. */
function readHealth(body: unknown): { ready?: boolean; queueDepth?: number; backend?: string } {
  if (!body || typeof body !== "object") return {};
  const b = body as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const queue = b.queue && typeof b.queue === "object" ? (b.queue as Record<string, unknown>) : {};
  let ready: boolean | undefined;
  if (typeof b.ready === "boolean") ready = b.ready;
  else if (typeof b.status === "string") ready = ["ok", "healthy", "ready"].includes(b.status);
  return {
    ready,
    queueDepth: num(b.queueDepth) ?? num(b.queue_depth) ?? num(queue.depth) ?? num(queue.waiting),
    backend: typeof b.backend === "string" ? b.backend : undefined,
  };
}

/**
 * Polls every cluster target's /health and /metrics (and its exporter) in the background at a
 * fixed interval — never on the request path. External providers are never polled: a health
 * probe there would be a paid call, so their health is passive (request outcomes only).
 */
export class HealthPoller {
  private timer?: NodeJS.Timeout;
  private readonly agent = new Agent({ connections: 4, keepAliveTimeout: 10_000 });
  private readonly running = new Set<string>();
  private readonly tlsAgents = new Map<Target, Agent>();
  private readonly now: () => number;

  constructor(private opts: PollerOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    this.stop();
    void this.pollAll();
    this.timer = setInterval(() => void this.pollAll(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Changes the interval/timeout (after a reload) and restarts the timer. */
  configure(intervalMs: number, timeoutMs: number): void {
    const restart = this.timer !== undefined && intervalMs !== this.opts.intervalMs;
    this.opts = { ...this.opts, intervalMs, timeoutMs };
    if (restart) this.start();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Polls every cluster now; resolves when all polls finished. */
  async pollAll(): Promise<void> {
    await Promise.all(this.opts.targets().map((t) => (t.kind === "cluster" ? this.poll(t) : undefined)));
  }

  /** mTLS clusters need their client certificate on the probe connections too. */
  private dispatcherFor(target: Target): Agent {
    if (target.cluster?.authType !== "mtls") return this.agent;
    let agent = this.tlsAgents.get(target);
    if (agent === undefined) {
      const tls = clusterTls(target.cluster);
      agent = tls ? new Agent({ connections: 2, keepAliveTimeout: 10_000, connect: tls }) : this.agent;
      this.tlsAgents.set(target, agent);
    }
    return agent;
  }

  private async get(url: string, dispatcher: Agent = this.agent): Promise<{ status: number; text: string }> {
    const res = await request(url, {
      dispatcher,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  async poll(target: Target): Promise<void> {
    const cluster = target.cluster;
    if (!cluster || this.running.has(target.name)) return;
    this.running.add(target.name);
    const base = cluster.endpoint.replace(/\/+$/, "");
    const live = { ...target.live };
    try {
      try {
        const health = await this.get(`${base}/health`, this.dispatcherFor(target));
        let parsed: unknown;
        try {
          parsed = JSON.parse(health.text);
        } catch {
          parsed = undefined;
        }
        const h = readHealth(parsed);
        live.reachable = true;
        live.ready = h.ready ?? health.status < 300;
        if (h.queueDepth !== undefined) live.queueDepth = h.queueDepth;
        if (h.backend) live.backend = h.backend;
        live.lastError = health.status < 300 ? undefined : `health HTTP ${health.status}`;
      } catch (err) {
        live.reachable = false;
        live.ready = undefined;
        live.lastError = (err as { code?: string }).code ?? (err as Error).name;
      }
      if (live.reachable) await this.pollMetrics(`${base}/metrics`, live, this.dispatcherFor(target));
      if (cluster.exporterEndpoint) await this.pollExporter(cluster.exporterEndpoint, cluster.pool, live);
    } finally {
      live.polledAt = this.now();
      target.live = live;
      this.running.delete(target.name);
    }
  }

  private async pollMetrics(url: string, live: Target["live"], dispatcher: Agent): Promise<void> {
    try {
      const res = await this.get(url, dispatcher);
      if (res.status >= 300) return;
      const samples = parsePrometheusText(res.text, { names: RUNTIME_METRICS });
      const queue = sumSamples(samples, "llm_runtime_queue_depth");
      if (queue !== undefined) live.queueDepth = queue;
      const gauge = sumSamples(samples, "llm_runtime_tokens_per_second");
      const counter = sumSamples(samples, "llm_runtime_completion_tokens_total");
      const at = this.now();
      let rate: number | undefined;
      if (gauge !== undefined && gauge > 0) rate = gauge;
      else if (counter !== undefined && live.completionCounter && at > live.completionCounter.at) {
        const delta = counter - live.completionCounter.value;
        if (delta > 0) rate = (delta * 1000) / (at - live.completionCounter.at);
      }
      // Keep the last non-zero rate: an idle runtime decodes nothing, but its price per token has not changed.
      if (rate !== undefined) live.tokensPerSecond = rate;
      if (counter !== undefined) live.completionCounter = { value: counter, at };
    } catch (err) {
      this.opts.logger.debug({ err: (err as Error).message }, "runtime metrics poll failed");
    }
  }

  private async pollExporter(url: string, pool: string, live: Target["live"]): Promise<void> {
    try {
      const res = await this.get(url);
      if (res.status >= 300) return;
      const samples = parsePrometheusText(res.text, { names: EXPORTER_METRICS });
      const cost =
        sumSamples(samples, "llm_cluster_cost_per_1k_tokens", { pool }) ??
        sumSamples(samples, "llm_cluster_cost_per_1k_tokens");
      const replicas =
        sumSamples(samples, "llm_cluster_pool_ready_replicas", { pool }) ??
        sumSamples(samples, "llm_cluster_pool_ready_replicas");
      live.exporterCostPer1K = cost;
      live.readyReplicas = replicas;
    } catch (err) {
      this.opts.logger.debug({ err: (err as Error).message }, "exporter poll failed");
    }
  }

  async close(): Promise<void> {
    this.stop();
    for (const a of new Set(this.tlsAgents.values())) if (a !== this.agent) await a.close();
    await this.agent.close();
  }
}
