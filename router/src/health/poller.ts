import { signRequest } from "@llm/contracts";
import type { Logger } from "pino";
import { Agent, request } from "undici";
import { clusterTls } from "../providers/cluster/adapter.js";
import type { Target } from "../targets/target.js";
import { type ExporterReading, readExporter, readPool } from "./exporter-reading.js";
import { applyRuntimeMetrics, readHealth } from "./runtime-reading.js";

/**
 * Where a runtime answers the poller. `v1`: the signed `/v1/health` and `/v1/metrics`, the only
 * paths its public Ingress routes. `root`: `/health` and `/metrics`, for runtimes that predate
 * them (and the @llm/testing fakes), found when `/v1/health` answers 404.
 */
type ProbePaths = "v1" | "root";
const PROBE_PATHS: Record<ProbePaths, { health: string; metrics: string }> = {
  v1: { health: "/v1/health", metrics: "/v1/metrics" },
  root: { health: "/health", metrics: "/metrics" },
};

interface Answer {
  status: number;
  text: string;
  contentType?: string;
}

export interface PollerOptions {
  /** Current targets (changes on reload). */
  targets: () => readonly Target[];
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Polls every cluster target's health and metrics (signed `/v1/health` and `/v1/metrics`, or
 * `/health` and `/metrics` on older runtimes) and its exporter (`/v1/pools` JSON or Prometheus
 * text) in the background at a fixed interval — never on the request path. External providers are never polled: a health
 * probe there would be a paid call, so their health is passive (request outcomes only).
 */
export class HealthPoller {
  private timer?: NodeJS.Timeout;
  private readonly agent = new Agent({ connections: 4, keepAliveTimeout: 10_000 });
  private readonly running = new Set<string>();
  private readonly tlsAgents = new Map<Target, Agent>();
  /** Which paths each runtime (a target, or one replica of a pool) answers, learnt once. */
  private readonly paths = new WeakMap<object, ProbePaths>();
  /** Targets whose signed probe was refused, warned about once. */
  private readonly refusedWarned = new WeakSet<Target>();
  /** Last exporter problem logged per target, so a poll every few seconds warns once per change. */
  private readonly exporterProblems = new Map<string, string>();
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

  /**
   * Polls every cluster now; resolves when all polls finished. The pools of one cluster share its
   * exporter, so each exporter URL is fetched once per round.
   */
  async pollAll(): Promise<void> {
    const exporters = new Map<string, Promise<ExporterReading | undefined>>();
    await Promise.all(
      this.opts.targets().map((t) => (t.kind === "cluster" ? this.poll(t, exporters) : undefined)),
    );
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

  private async get(
    url: string,
    dispatcher: Agent = this.agent,
    headers?: Record<string, string>,
  ): Promise<Answer> {
    const res = await request(url, {
      dispatcher,
      headers,
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    const type = res.headers["content-type"];
    return {
      status: res.statusCode,
      text: await res.body.text(),
      contentType: Array.isArray(type) ? type[0] : type,
    };
  }

  /**
   * GET on a target's runtime over its mTLS connection where it has one, HMAC-signed where it uses
   * HMAC: a fresh nonce per call (the runtime refuses a replayed one), over the exact request path,
   * timestamped by the wall clock (the runtime checks it against its own, never the router's test clock).
   */
  private runtimeGet(target: Target, url: string): Promise<Answer> {
    const cluster = target.cluster;
    let headers: Record<string, string> | undefined;
    if (cluster?.authType === "hmac" && cluster.sharedSecret) {
      const { pathname, search } = new URL(url);
      headers = signRequest(cluster.sharedSecret, { method: "GET", path: pathname + search, body: "" });
    }
    return this.get(url, this.dispatcherFor(target), headers);
  }

  /**
   * The runtime's health answer. `/v1/health` until it answers 404, then `/health` from then on, so
   * a steady poll costs one request whichever the runtime serves. A known `/health` that answers 404
   * (the runtime was upgraded behind an Ingress that routes only /v1) looks at `/v1` again next poll.
   * A refused signature (401/403: the runtime holds another secret) also tries `/health`: where that
   * is reachable (locally, in-cluster) it still says whether the runtime is up, and the request path
   * reports the credentials (a 502 naming the cluster); through a /v1-only Ingress the refusal stands.
   * `used` is the pair the answer came from; this poll reads metrics from the same pair.
   */
  private async fetchHealth(
    target: Target,
    base: string,
    runtime: object = target,
  ): Promise<{ res: Answer; used: ProbePaths }> {
    if (this.paths.get(runtime) === "root") {
      const res = await this.runtimeGet(target, base + PROBE_PATHS.root.health);
      if (res.status === 404) this.paths.delete(runtime);
      return { res, used: "root" };
    }
    const res = await this.runtimeGet(target, base + PROBE_PATHS.v1.health);
    if (res.status === 404) {
      this.paths.set(runtime, "root");
      return { res: await this.runtimeGet(target, base + PROBE_PATHS.root.health), used: "root" };
    }
    if (res.status === 401 || res.status === 403) {
      if (!this.refusedWarned.has(target)) {
        this.refusedWarned.add(target);
        this.opts.logger.warn(
          { target: target.name, status: res.status },
          "cluster refused the signed /v1/health: check its shared secret; trying /health",
        );
      }
      const root = await this.runtimeGet(target, base + PROBE_PATHS.root.health);
      if (root.status < 300) {
        this.paths.set(runtime, "root");
        return { res: root, used: "root" };
      }
      return { res, used: "v1" };
    }
    // Only a real answer settles it: a 5xx (a cold pool behind its Ingress) proves nothing.
    if (res.status < 300) this.paths.set(runtime, "v1");
    return { res, used: "v1" };
  }

  async poll(target: Target, exporters?: Map<string, Promise<ExporterReading | undefined>>): Promise<void> {
    const cluster = target.cluster;
    if (!cluster || this.running.has(target.name)) return;
    this.running.add(target.name);
    const live = { ...target.live };
    try {
      const pool = target.replicas;
      if (pool) {
        // Each replica polled on its own (a dead one leaves the ring); the target shows the sum.
        await Promise.all(
          pool.replicas.map(async (r) => {
            const own = { ...r.live };
            try {
              await this.probeRuntime(target, r.url, own, r);
            } finally {
              own.polledAt = this.now();
              r.live = own;
            }
          }),
        );
        Object.assign(live, pool.aggregate(this.now()));
      } else await this.probeRuntime(target, cluster.endpoint, live, target);
      if (cluster.exporterEndpoint) {
        const url = cluster.exporterEndpoint;
        let reading = exporters?.get(url);
        if (!reading) {
          reading = this.fetchExporter(url);
          exporters?.set(url, reading);
        }
        this.applyExporter(target, url, await reading, live);
      }
    } finally {
      live.polledAt = this.now();
      target.live = live;
      this.running.delete(target.name);
    }
  }

  /** One runtime's /health then /metrics into `live` (a one-replica target's, or one replica's). */
  private async probeRuntime(target: Target, endpoint: string, live: Target["live"], runtime: object) {
    const base = endpoint.replace(/\/+$/, "");
    let used: ProbePaths = "v1";
    try {
      const probed = await this.fetchHealth(target, base, runtime);
      used = probed.used;
      const health = probed.res;
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
      if (h.slots !== undefined) live.slots = h.slots;
      if (h.backend) live.backend = h.backend;
      // A loaded runtime knows what its model serves; a loading or cold one keeps the last known set.
      if (h.capabilities && health.status < 300 && live.ready) live.capabilities = h.capabilities;
      live.lastError = health.status < 300 ? undefined : `health HTTP ${health.status}`;
    } catch (err) {
      live.reachable = false;
      live.ready = undefined;
      live.lastError = (err as { code?: string }).code ?? (err as Error).name;
    }
    if (live.reachable) await this.pollMetrics(target, `${base}${PROBE_PATHS[used].metrics}`, live);
  }

  private async pollMetrics(target: Target, url: string, live: Target["live"]): Promise<void> {
    try {
      const res = await this.runtimeGet(target, url);
      if (res.status >= 300) return;
      applyRuntimeMetrics(res.text, live, this.now());
    } catch (err) {
      this.opts.logger.debug({ err: (err as Error).message }, "runtime metrics poll failed");
    }
  }

  /** The exporter's answer, parsed; undefined when it could not be fetched (the last figures stay). */
  private async fetchExporter(url: string): Promise<ExporterReading | undefined> {
    try {
      const res = await this.get(url);
      if (res.status >= 300) {
        this.opts.logger.debug({ url, status: res.status }, "exporter poll failed");
        return undefined;
      }
      return readExporter(url, res);
    } catch (err) {
      this.opts.logger.debug({ url, err: (err as Error).message }, "exporter poll failed");
      return undefined;
    }
  }

  private applyExporter(
    target: Target,
    url: string,
    reading: ExporterReading | undefined,
    live: Target["live"],
  ) {
    const cluster = target.cluster;
    if (!reading || !cluster) return;
    const pool = readPool(reading, { name: target.name, provider: cluster.provider, pool: cluster.pool });
    if (pool.problem) {
      // A wrong cluster or pool is config, a malformed answer the exporter's fault: say it once per change.
      if (this.exporterProblems.get(target.name) !== pool.problem)
        this.opts.logger.warn(
          { target: target.name, url, problem: pool.problem },
          "exporter answer not used",
        );
      this.exporterProblems.set(target.name, pool.problem);
      // A malformed answer is like a failed fetch (the last figures stay); a mismatch clears them.
      if (reading.format === "malformed") return;
    } else this.exporterProblems.delete(target.name);
    live.exporterCostPer1K = pool.costPer1K;
    live.readyReplicas = pool.readyReplicas;
  }

  async close(): Promise<void> {
    this.stop();
    for (const a of new Set(this.tlsAgents.values())) if (a !== this.agent) await a.close();
    await this.agent.close();
  }
}
