import type { TokenPrice } from "@llm/contracts";
import type { ReplicaPool } from "../balancer/replica-pool.js";
import type { ClusterConfig, ExternalProviderConfig, RouterSettings } from "../config/schema.js";
import { CircuitBreaker } from "../health/breaker.js";
import { LatencyTracker } from "../health/latency.js";
import { type CacheTokens, cacheAwareCostUsd, withCacheRates } from "../pricing/cache-pricing.js";
import { clusterCostPer1K, marginalCostPer1K } from "../pricing/cluster-cost.js";
import { egressCostUsd } from "../pricing/egress.js";
import { CHARS_PER_TOKEN } from "../pricing/estimate.js";
import { priceRequest } from "../pricing/table.js";
import type { ModelPrice, PriceTable } from "../pricing/types.js";
import type { ProviderAdapter } from "../providers/types.js";
import { PendingDemand } from "../scaling/demand.js";
import type { ClusterLive } from "./live.js";

export type TargetKind = "cluster" | "external";
export type TargetHealth = "healthy" | "degraded" | "unhealthy" | "cold" | "unknown";

/** The model to send upstream for a requested one; `exact` is false when it is a fallback substitute. */
export interface ModelMatch {
  upstream: string;
  exact: boolean;
}

/** Model names that mean "whatever this target serves by default". */
const AUTO_MODELS = new Set(["auto", "default"]);

/** One place requests can go: a cluster pool's runtime or an external provider, with its live state. */
export class Target {
  readonly name: string;
  readonly kind: TargetKind;
  /** Adapter type: cluster, openai, anthropic, gemini. */
  readonly type: string;
  /** What the config declares (catalog -> stack outputs -> router config): the prior before a poll. */
  readonly declaredCapabilities: ReadonlySet<string>;
  readonly contextLength: number;
  readonly breaker: CircuitBreaker;
  readonly latency = new LatencyTracker();
  readonly demand: PendingDemand;
  live: ClusterLive = {};
  /**
   * A cluster listing several `endpoints`: its replicas (each polled, with its own breaker and
   * in-flight count) and the balancer that picks one per request; `adapter` is the pool's.
   * `live` is then the aggregate of the replicas' polls (ReplicaPool.aggregate).
   */
  replicas?: ReplicaPool;
  /** Requests using this target right now (reload closes a retired adapter once this is 0). */
  inFlight = 0;
  private retired = false;
  private readonly aliases = new Map<string, string>();

  constructor(
    readonly spec:
      | { kind: "cluster"; cluster: ClusterConfig }
      | { kind: "external"; provider: ExternalProviderConfig },
    readonly adapter: ProviderAdapter,
    private settings: RouterSettings,
    private readonly prices: PriceTable,
    now: () => number = Date.now,
  ) {
    this.kind = spec.kind;
    const cb = settings.circuitBreaker;
    this.breaker = new CircuitBreaker(
      {
        failureThreshold: cb.failureThreshold,
        openDurationMs: cb.openDuration,
        halfOpenRequests: cb.halfOpenRequests,
      },
      now,
    );
    this.demand = new PendingDemand(settings.pendingDemandHalfLife, now);
    if (spec.kind === "cluster") {
      this.name = spec.cluster.name;
      this.type = "cluster";
      this.declaredCapabilities = new Set(spec.cluster.capabilities);
      this.contextLength = spec.cluster.contextLength;
      for (const m of spec.cluster.models) this.aliases.set(m, m);
    } else {
      this.name = spec.provider.name;
      this.type = spec.provider.type;
      this.declaredCapabilities = new Set(spec.provider.capabilities);
      this.contextLength = spec.provider.contextLength;
      for (const a of spec.provider.models) this.aliases.set(a.name, a.upstream);
      // A client may also name the upstream model itself.
      for (const a of spec.provider.models)
        if (!this.aliases.has(a.upstream)) this.aliases.set(a.upstream, a.upstream);
      if (spec.provider.defaultModel)
        this.aliases.set(spec.provider.defaultModel, spec.provider.defaultModel);
    }
  }

  private reported?: { from: readonly string[]; set: ReadonlySet<string> };

  /**
   * What requests may use here: for a cluster, what its runtime reported on the last successful
   * health poll (its model's chat template decides `tools`); before any such poll, or for a cold
   * scale-to-zero pool that never answered, the declared set, so a tool request can still wake it.
   */
  get capabilities(): ReadonlySet<string> {
    const from = this.kind === "cluster" ? this.live.capabilities : undefined;
    if (!from) return this.declaredCapabilities;
    if (this.reported?.from !== from) this.reported = { from, set: new Set(from) };
    return this.reported.set;
  }

  get cluster(): ClusterConfig | undefined {
    return this.spec.kind === "cluster" ? this.spec.cluster : undefined;
  }

  get provider(): ExternalProviderConfig | undefined {
    return this.spec.kind === "external" ? this.spec.provider : undefined;
  }

  /** Region the target serves from, as configured; "" when unknown. */
  get region(): string {
    return this.spec.kind === "cluster" ? this.spec.cluster.region : this.spec.provider.region;
  }

  get enabled(): boolean {
    return this.spec.kind === "cluster" ? this.spec.cluster.enabled : this.spec.provider.enabled;
  }

  /** Names this target answers to (for /v1/models), mapped to what it sends upstream. */
  modelNames(): [string, string][] {
    return [...this.aliases.entries()];
  }

  /** Which upstream model serves `requested` here, or undefined when this target cannot serve it. */
  resolveModel(requested: string): ModelMatch | undefined {
    const hit = this.aliases.get(requested);
    if (hit) return { upstream: hit, exact: true };
    if (this.spec.kind === "cluster") {
      const models = this.spec.cluster.models;
      // A cluster listing no models (the Go project's config shape) serves whatever is asked.
      if (models.length === 0) return { upstream: requested, exact: true };
      return AUTO_MODELS.has(requested) ? { upstream: models[0] as string, exact: true } : undefined;
    }
    const p = this.spec.provider;
    // A provider's own catalogue (its price table) is served natively, so `gpt-4o` reaches OpenAI
    // without an alias but is never sent to Anthropic.
    if (this.priceOf(requested)) return { upstream: requested, exact: true };
    if (p.defaultModel && (AUTO_MODELS.has(requested) || p.fallbackForAnyModel))
      return { upstream: p.defaultModel, exact: AUTO_MODELS.has(requested) };
    return undefined;
  }

  /**
   * What this external would bill for `requested` (with its cache rates): one entry of the
   * all-external reference price (packages/contracts pricing/reference.ts). Undefined for clusters,
   * disabled targets, and models it cannot serve or has no price for.
   */
  referencePrice(requested: string): TokenPrice | undefined {
    if (this.cluster || !this.enabled) return undefined;
    const match = this.resolveModel(requested);
    const price = match && this.priceOf(match.upstream);
    return price ? withCacheRates(this.type, price) : undefined;
  }

  /** Config override first, then the price table for this provider type. */
  private priceOf(model: string): ModelPrice | undefined {
    const p = this.provider;
    if (!p) return undefined;
    const o = p.pricing[model];
    if (o) return { inputPer1M: o.input, outputPer1M: o.output };
    return this.prices.lookup(p.type, model);
  }

  /**
   * USD per 1K tokens, blended for externals as the mean of input and output prices. Clusters:
   * amortized at capacity (pricing/cluster-cost.ts), what thresholds compare and bills use.
   */
  costPer1K(upstreamModel?: string): number {
    const c = this.cluster;
    if (c) {
      const l = this.live;
      const prior = this.settings.assumedTokensPerSecond;
      // A runtime's own capacity gauge stands; a peak served rate only raises the prior.
      const capacity =
        l.capacitySource === "runtime" ? l.tokensPerSecond : Math.max(l.tokensPerSecond ?? 0, prior);
      return (
        this.settings.overheadFactor *
        clusterCostPer1K({
          exporterCostPer1K: l.exporterCostPer1K,
          costPerHour: c.costPerHour,
          capacityTokensPerSecond: capacity,
          assumedTokensPerSecond: prior,
        })
      );
    }
    const price = this.priceOf(upstreamModel ?? this.provider?.defaultModel ?? "");
    // An unpriced external model ranks as expensive rather than free.
    if (!price) return Number.POSITIVE_INFINITY;
    return (price.inputPer1M + price.outputPer1M) / 2 / 1000;
  }

  /**
   * USD per 1K tokens one more request adds: ~0 on an always-on pool with a free slot (its node
   * hours are paid anyway), the amortized figure once saturated or when it scales to zero;
   * externals: their price. Ranking only; bills use costPer1K.
   */
  marginalCostPer1K(upstreamModel?: string): number {
    const amortized = this.costPer1K(upstreamModel);
    const c = this.cluster;
    if (!c) return amortized;
    return marginalCostPer1K({
      amortizedPer1K: amortized,
      scaleToZero: c.scaleToZero,
      queueDepth: this.live.queueDepth,
    });
  }

  /** Estimated USD for a request of this size sent as `upstreamModel` (plus egress when configured). */
  estimateCost(upstreamModel: string, promptTokens: number, completionTokens: number): number {
    const egress = this.egressCost(promptTokens, completionTokens);
    if (this.cluster) return (this.costPer1K() * (promptTokens + completionTokens)) / 1000 + egress;
    const price = this.priceOf(upstreamModel);
    return price ? priceRequest(price, promptTokens, completionTokens) + egress : Number.POSITIVE_INFINITY;
  }

  /**
   * Cross-cloud transfer: the request leaves the router's cloud, the response leaves the
   * target's (external APIs count as `internet`). Bytes ~ 4 per token plus JSON framing.
   */
  private egressCost(promptTokens: number, completionTokens: number): number {
    const routerCloud = this.settings.cloud;
    if (!routerCloud) return 0;
    const targetCloud = this.cluster ? this.cluster.provider || routerCloud : "internet";
    return (
      egressCostUsd(routerCloud, targetCloud, promptTokens * CHARS_PER_TOKEN + 512) +
      egressCostUsd(targetCloud, routerCloud, completionTokens * CHARS_PER_TOKEN + 512)
    );
  }

  /**
   * USD of a finished request; 0 when an external model has no known price. An external's cache
   * reads/writes (from its usage) are priced at their own rates (pricing/cache-pricing.ts).
   */
  actualCost(
    upstreamModel: string,
    promptTokens: number,
    completionTokens: number,
    cache?: CacheTokens,
  ): number {
    const price =
      !this.cluster && (cache?.cacheReadTokens || cache?.cacheWriteTokens)
        ? this.priceOf(upstreamModel)
        : undefined;
    if (price)
      return (
        cacheAwareCostUsd(this.type, price, { promptTokens, completionTokens, ...cache }) +
        this.egressCost(promptTokens, completionTokens)
      );
    const cost = this.estimateCost(upstreamModel, promptTokens, completionTokens);
    return Number.isFinite(cost) ? cost : 0;
  }

  /**
   * Cold: a scale-to-zero pool with nothing running — unreachable, not ready, or the exporter
   * reports 0 ready replicas. Requests go elsewhere and raise pending demand instead.
   */
  isCold(): boolean {
    const c = this.cluster;
    if (!c?.scaleToZero) return false;
    const l = this.live;
    if (l.readyReplicas === 0) return true;
    if (l.polledAt === undefined) return false;
    return l.reachable === false || l.ready === false;
  }

  /** Whether routing may send a request here now (health poll and circuit both allow it). */
  isAvailable(): boolean {
    if (!this.enabled || this.isCold()) return false;
    if (
      this.cluster &&
      this.live.polledAt !== undefined &&
      (!this.live.reachable || this.live.ready === false)
    )
      return false;
    return this.breaker.canPass();
  }

  health(): TargetHealth {
    if (this.isCold()) return "cold";
    const breaker = this.breaker.state;
    if (breaker === "open") return "unhealthy";
    if (this.cluster) {
      if (this.live.polledAt === undefined) return breaker === "half-open" ? "degraded" : "unknown";
      if (!this.live.reachable || this.live.ready === false) return "unhealthy";
    }
    if (breaker === "half-open") return "degraded";
    if (
      this.cluster &&
      this.live.queueDepth !== undefined &&
      this.live.queueDepth > this.settings.maxQueueDepth
    )
      return "degraded";
    return "healthy";
  }

  /** Applies new router-wide settings (breaker thresholds, demand half-life) after a reload. */
  applySettings(settings: RouterSettings): void {
    this.settings = settings;
    const cb = settings.circuitBreaker;
    this.breaker.configure({
      failureThreshold: cb.failureThreshold,
      openDurationMs: cb.openDuration,
      halfOpenRequests: cb.halfOpenRequests,
    });
    this.demand.setHalfLife(settings.pendingDemandHalfLife);
    this.replicas?.applySettings(settings);
  }

  acquire(): void {
    this.inFlight++;
  }

  release(): void {
    this.inFlight--;
    if (this.retired && this.inFlight === 0) void this.adapter.close?.();
  }

  /** Stops using this target: its adapter closes when the last in-flight request ends. */
  retire(): void {
    this.retired = true;
    if (this.inFlight === 0) void this.adapter.close?.();
  }
}
