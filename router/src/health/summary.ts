import type { Target, TargetHealth } from "../targets/target.js";

export interface TargetHealthDetail {
  name: string;
  type: string;
  kind: "cluster" | "external";
  /** Configured region (what `x-router-region` matches); absent when unknown. */
  region?: string;
  status: TargetHealth;
  circuit: string;
  /** Amortized USD per 1K tokens (clusters: node $/h over capacity); what bills and thresholds use. */
  costPer1K: number | null;
  /** USD per 1K tokens one more request adds (0 on an always-on cluster with a free slot). */
  marginalCostPer1K: number | null;
  latencyEwmaMs: number | null;
  latencyP95Ms: number | null;
  inFlight: number;
  queueDepth?: number;
  /** Capacity throughput (tokens/s when busy) the amortized price divides by. */
  tokensPerSecond?: number;
  /** Tokens/s actually served over the last poll, idle time included (the old measured rate). */
  servedTokensPerSecond?: number;
  backend?: string;
  ready?: boolean;
  lastCheck?: string;
  lastError?: string;
  pendingDemand?: number;
  /** A pool target's replicas (`clusters[].endpoints`) and its balancer; the figures above are their sum. */
  balancer?: string;
  replicas?: ReplicaHealthDetail[];
}

/** One replica of a pool target, as its own poll and breaker see it. */
export interface ReplicaHealthDetail {
  url: string;
  available: boolean;
  circuit: string;
  inFlight: number;
  ready?: boolean;
  queueDepth?: number;
  lastError?: string;
}

export interface HealthSummary {
  status: "healthy" | "degraded" | "unhealthy";
  healthy_clusters: number;
  total_clusters: number;
  healthy_providers: number;
  total_providers: number;
  targets: TargetHealthDetail[];
  timestamp: string;
}

/**
 * Overall status: unhealthy when no enabled target can take traffic, degraded when some
 * target is unhealthy or degraded, else healthy. Cold (scaled-to-zero) pools are expected
 * and do not degrade the router, but they do not count as healthy clusters either.
 */
export function summarizeHealth(targets: readonly Target[], now: number): HealthSummary {
  const details: TargetHealthDetail[] = [];
  let healthyClusters = 0;
  let totalClusters = 0;
  let healthyProviders = 0;
  let totalProviders = 0;
  let usable = 0;
  let troubled = 0;
  for (const t of targets) {
    if (!t.enabled) continue;
    const status = t.health();
    const ok = status === "healthy" || status === "unknown";
    if (t.kind === "cluster") {
      totalClusters++;
      if (ok) healthyClusters++;
    } else {
      totalProviders++;
      if (ok) healthyProviders++;
    }
    if (ok || status === "degraded") usable++;
    if (status === "unhealthy" || status === "degraded") troubled++;
    const cost = t.costPer1K();
    const marginal = t.marginalCostPer1K();
    const d: TargetHealthDetail = {
      name: t.name,
      type: t.type,
      kind: t.kind,
      status,
      circuit: t.breaker.state,
      costPer1K: Number.isFinite(cost) ? cost : null,
      marginalCostPer1K: Number.isFinite(marginal) ? marginal : null,
      latencyEwmaMs: t.latency.ewma ?? null,
      latencyP95Ms: t.latency.p95() ?? null,
      inFlight: t.inFlight,
    };
    if (t.region) d.region = t.region;
    if (t.kind === "cluster") {
      const l = t.live;
      Object.assign(d, {
        queueDepth: l.queueDepth,
        tokensPerSecond: l.tokensPerSecond,
        servedTokensPerSecond: l.servedTokensPerSecond,
        backend: l.backend,
        ready: l.ready,
        lastCheck: l.polledAt ? new Date(l.polledAt).toISOString() : undefined,
        lastError: l.lastError,
        pendingDemand: t.cluster?.scaleToZero ? t.demand.current() : undefined,
      });
      if (t.replicas) {
        d.balancer = t.replicas.balancer.name;
        d.replicas = t.replicas.replicas.map((r) => ({
          url: r.url,
          available: r.available,
          circuit: r.breaker.state,
          inFlight: r.inFlight,
          ready: r.live.ready,
          queueDepth: r.live.queueDepth,
          lastError: r.live.lastError,
        }));
      }
    }
    details.push(d);
  }
  const status = usable === 0 ? "unhealthy" : troubled > 0 ? "degraded" : "healthy";
  return {
    status,
    healthy_clusters: healthyClusters,
    total_clusters: totalClusters,
    healthy_providers: healthyProviders,
    total_providers: totalProviders,
    targets: details,
    timestamp: new Date(now).toISOString(),
  };
}
