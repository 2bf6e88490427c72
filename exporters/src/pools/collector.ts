import type { Logger } from "pino";
import type { ExporterConfig, PoolConfig } from "../config/schema.js";
import { type KubeClient, type KubePod, labelSelector } from "../kubernetes/client.js";
import { type NodeInfo, nodeInfo } from "../kubernetes/node-info.js";
import { scrapeRuntime } from "../scrape/runtime-metrics.js";
import { CounterRates } from "./counter-rates.js";
import { type PoolSummary, type PoolThroughput, summarizePool } from "./summary.js";

/** Where a refresh failed; the `source` label of `llm_cluster_exporter_errors_total`. */
export type ErrorSource = "nodes" | "pods" | "scrape";

/** The Kubernetes reads the collector needs (KubeClient, or a stub). */
export type KubeReader = Pick<KubeClient, "listNodes" | "listPods">;

export interface CollectorDeps {
  config: ExporterConfig;
  /** Kubernetes API reader; required when `config.kubernetes.enabled`. */
  kube?: KubeReader;
  logger: Logger;
  /** Called once per failed lookup or scrape. */
  onError: (source: ErrorSource) => void;
  /** Called after every refresh with the new summaries. */
  onRefresh?: (summaries: PoolSummary[]) => void;
  /** Clock in milliseconds; tests pass a fake one. Defaults to Date.now. */
  now?: () => number;
}

interface Target {
  key: string;
  url: string;
  /** Pod readiness; undefined for static URLs (ready when the scrape answers). */
  ready?: boolean;
}

interface PoolState {
  nodes: NodeInfo[];
  targets: Target[];
}

/**
 * Refreshes every pool on a timer (never on the scrape path, so a slow API server cannot slow Prometheus)
 * and keeps the latest summaries. A refresh never throws: failures are counted and the previous data of
 * the failed source is kept and marked stale.
 */
export class Collector {
  private readonly state = new Map<string, PoolState>();
  private readonly rates = new CounterRates();
  /** Per pool: last throughput at or above the floor (prices idle pools in `last-busy` mode). */
  private readonly lastBusy = new Map<string, number>();
  private latest: PoolSummary[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly now: () => number;
  /** Epoch ms of the last completed refresh. */
  lastRefreshAt: number | undefined;

  constructor(private readonly deps: CollectorDeps) {
    this.now = deps.now ?? Date.now;
    if (deps.config.kubernetes.enabled && !deps.kube)
      throw new Error("kubernetes.enabled needs a kube client");
    this.latest = deps.config.pools.map((p) =>
      summarizePool(p.name, [], emptyThroughput, this.opts(p), true),
    );
  }

  /** The summaries of the last refresh, one per configured pool, in config order. */
  summaries(): PoolSummary[] {
    return this.latest;
  }

  /** Runs one refresh now (joins the one in flight, if any). */
  refresh(): Promise<void> {
    this.running ??= this.refreshOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Refreshes now and then every `refreshIntervalSeconds`, each run starting after the previous ended. */
  start(): void {
    const loop = async () => {
      await this.refresh();
      if (this.closed) return;
      this.timer = setTimeout(loop, this.deps.config.refreshIntervalSeconds * 1000);
      this.timer.unref();
    };
    void loop();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private opts(pool: PoolConfig) {
    const { idleThroughputFloor, tokenBasis, idleThroughput } = this.deps.config;
    const lastBusy = idleThroughput === "last-busy" ? this.lastBusy.get(pool.name) : undefined;
    return {
      idleThroughputFloor,
      tokenBasis,
      ...(pool.price ? { price: pool.price } : {}),
      ...(lastBusy !== undefined ? { lastBusyTokensPerSecond: lastBusy } : {}),
    };
  }

  private async refreshOnce(): Promise<void> {
    try {
      const summaries = await Promise.all(this.deps.config.pools.map((p) => this.refreshPool(p)));
      const live = new Set<string>();
      for (const s of this.state.values()) for (const t of s.targets) live.add(t.key);
      this.rates.retain(live);
      this.latest = summaries;
      this.lastRefreshAt = this.now();
      this.deps.onRefresh?.(summaries);
    } catch (err) {
      // Defensive: refreshPool handles its own failures; this keeps the loop alive on a bug.
      this.deps.logger.error({ err }, "refresh failed");
    }
  }

  private async refreshPool(pool: PoolConfig): Promise<PoolSummary> {
    const prev = this.state.get(pool.name) ?? { nodes: [], targets: [] };
    let stale = false;
    let nodes = prev.nodes;
    try {
      nodes = await this.nodesOf(pool);
    } catch (err) {
      stale = true;
      this.deps.onError("nodes");
      this.deps.logger.warn({ pool: pool.name, err: (err as Error).message }, "node lookup failed");
    }
    let targets = prev.targets;
    try {
      targets = await this.targetsOf(pool);
    } catch (err) {
      stale = true;
      this.deps.onError("pods");
      this.deps.logger.warn({ pool: pool.name, err: (err as Error).message }, "pod lookup failed");
    }
    this.state.set(pool.name, { nodes, targets });
    const throughput = await this.scrape(pool, targets);
    const summary = summarizePool(pool.name, nodes, throughput, this.opts(pool), stale);
    if (summary.tokensPerSecond >= this.deps.config.idleThroughputFloor)
      this.lastBusy.set(pool.name, summary.tokensPerSecond);
    if (summary.unpricedNodes > 0)
      this.deps.logger.warn(
        { pool: pool.name, instanceTypes: summary.instanceTypes },
        "nodes without a price: add pools[].price to the config",
      );
    return summary;
  }

  private async nodesOf(pool: PoolConfig): Promise<NodeInfo[]> {
    const { kubernetes, nodePoolLabel } = this.deps.config;
    if (!kubernetes.enabled || !this.deps.kube) {
      const s = pool.staticNodes;
      if (!s) return [];
      return Array.from({ length: s.count }, (_, i) => ({
        name: `${pool.name}-${i}`,
        instanceType: s.instanceType,
        capacityType: s.capacityType,
        zone: "local",
        gpus: 0,
        ready: true,
      }));
    }
    const selector = labelSelector(pool.nodeSelector ?? { [nodePoolLabel]: pool.name });
    return (await this.deps.kube.listNodes(selector)).map(nodeInfo);
  }

  private async targetsOf(pool: PoolConfig): Promise<Target[]> {
    const rt = pool.runtime;
    if (!rt) return [];
    if (rt.urls.length > 0) return rt.urls.map((url) => ({ key: url, url }));
    if (!rt.podSelector || !this.deps.kube) return [];
    const pods = await this.deps.kube.listPods(rt.namespace, labelSelector(rt.podSelector));
    return pods.filter(isScrapable).map((pod) => ({
      key: `${rt.namespace}/${pod.metadata?.name ?? pod.status?.podIP}`,
      url: `http://${hostOf(pod.status!.podIP!)}:${rt.port}${rt.path}`,
      ready: (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    }));
  }

  private async scrape(pool: PoolConfig, targets: Target[]): Promise<PoolThroughput> {
    const at = this.now();
    const results = await Promise.allSettled(
      targets.map((t) => scrapeRuntime(t.url, this.deps.config.scrapeTimeoutMs)),
    );
    const out: PoolThroughput = { ...emptyThroughput };
    results.forEach((r, i) => {
      const target = targets[i]!;
      if (target.ready) out.readyReplicas += 1;
      if (r.status === "rejected") {
        this.deps.onError("scrape");
        this.deps.logger.warn(
          { pool: pool.name, target: target.key, err: String(r.reason) },
          "scrape failed",
        );
        return;
      }
      if (target.ready === undefined) out.readyReplicas += 1;
      const reading = r.value;
      const rate = this.rates.observe(target.key, reading.completionTokens, reading.promptTokens, at);
      // Until a second scrape gives a real rate, trust the runtime's own speed gauge.
      out.completionTokensPerSecond += rate ? rate.completion : reading.tokensPerSecond;
      out.promptTokensPerSecond += rate ? rate.prompt : 0;
      out.queueDepth += reading.queueDepth;
      // Replicas are summed: the pool's capacity is what all of them produce busy together.
      if (reading.capacityTokensPerSecond !== undefined)
        out.capacityTokensPerSecond = (out.capacityTokensPerSecond ?? 0) + reading.capacityTokensPerSecond;
    });
    return out;
  }
}

const emptyThroughput: PoolThroughput = {
  completionTokensPerSecond: 0,
  promptTokensPerSecond: 0,
  queueDepth: 0,
  readyReplicas: 0,
};

function isScrapable(pod: KubePod): boolean {
  return pod.status?.phase === "Running" && typeof pod.status.podIP === "string" && pod.status.podIP !== "";
}

/** IPv6 pod IPs need brackets in a URL. */
function hostOf(ip: string): string {
  return ip.includes(":") ? `[${ip}]` : ip;
}
