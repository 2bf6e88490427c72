import { errorBody } from "@llm/contracts";
import type { ClusterConfig, RouterSettings } from "../config/schema.js";
import { CircuitBreaker } from "../health/breaker.js";
import type { CallContext, ProviderAdapter } from "../providers/types.js";
import { UpstreamError } from "../providers/types.js";
import type { ClusterLive } from "../targets/live.js";
import { conversationKey, withPrefixKey } from "./conversation-key.js";
import { type Balancer, createBalancer, type ReplicaLoad } from "./strategies.js";

/** One runtime replica of a pool target, with what the router knows of it. */
export class Replica {
  /** What the poller last learnt (the same shape as a one-replica target's). */
  live: ClusterLive = {};
  /** Requests this router has in flight here: the balancer's load. */
  inFlight = 0;

  constructor(
    readonly url: string,
    readonly adapter: ProviderAdapter,
    readonly breaker: CircuitBreaker,
  ) {}

  /** Polled up and ready (or not polled yet), and its circuit lets a request through. */
  get available(): boolean {
    const l = this.live;
    if (l.polledAt !== undefined && (!l.reachable || l.ready === false)) return false;
    return this.breaker.canPass();
  }
}

type AdapterFactory = (cluster: ClusterConfig) => ProviderAdapter;

const breakerOptions = (s: RouterSettings) => ({
  failureThreshold: s.circuitBreaker.failureThreshold,
  openDurationMs: s.circuitBreaker.openDuration,
  halfOpenRequests: s.circuitBreaker.halfOpenRequests,
});

/**
 * The replicas of one cluster target (`clusters[].endpoints`) and the adapter that spreads its
 * requests over them: the balancer picks a replica per request (the conversation key for
 * `prefix`), a replica that fails before answering (connect error, 5xx, 429 queue full) is
 * booked on its own breaker and the next pick is tried, so one dead replica costs a request
 * nothing while the poller takes it off the ring. The target's breaker and in-flight count stay
 * the pool's; its live figures are the aggregate (`aggregate`).
 */
export class ReplicaPool {
  readonly replicas: Replica[];
  readonly balancer: Balancer;
  readonly adapter: ProviderAdapter;

  constructor(cluster: ClusterConfig, settings: RouterSettings, factory: AdapterFactory, now?: () => number) {
    this.replicas = cluster.endpoints.map(
      (url) =>
        new Replica(
          url,
          factory({ ...cluster, endpoint: url, endpoints: [url] }),
          new CircuitBreaker(breakerOptions(settings), now),
        ),
    );
    this.balancer = createBalancer(
      cluster.balancer,
      this.replicas.map((r) => r.url),
      cluster.loadFactor,
    );
    this.adapter = this.createAdapter(cluster.name);
  }

  /** New breaker thresholds after a reload. */
  applySettings(settings: RouterSettings): void {
    for (const r of this.replicas) r.breaker.configure(breakerOptions(settings));
  }

  loads(): ReplicaLoad[] {
    return this.replicas.map((r) => ({
      id: r.url,
      inFlight: r.inFlight,
      queueDepth: r.live.queueDepth,
      slots: r.live.slots,
      available: r.available,
    }));
  }

  /** The replica for this key, skipping those already tried in this request. */
  pick(key: string | undefined, tried: ReadonlySet<Replica> = new Set()): Replica | undefined {
    const loads = this.loads().map((l, i) =>
      tried.has(this.replicas[i] as Replica) ? { ...l, available: false } : l,
    );
    const id = this.balancer.pick(key, loads);
    return this.replicas.find((r) => r.url === id);
  }

  /**
   * Calls `fn` on replicas in pick order until one answers. The replica's in-flight count is held
   * until `settle` says the answer is over (for streams: when the stream ends).
   */
  private async call<T>(
    label: string,
    body: unknown,
    ctx: CallContext,
    fn: (a: ProviderAdapter, ctx: CallContext) => Promise<T>,
    settle: (out: T, done: () => void) => T,
  ): Promise<T> {
    const key = conversationKey(body);
    const keyed = withPrefixKey(ctx, body, key);
    const tried = new Set<Replica>();
    let last: unknown;
    for (;;) {
      const r = this.pick(key, tried);
      if (!r) throw last ?? new UpstreamError(503, errorBody(503, `${label}: no replica is available`), true);
      // A half-open replica whose trial slot is taken: the next pick.
      if (!r.breaker.tryAcquire()) {
        tried.add(r);
        continue;
      }
      tried.add(r);
      r.inFlight++;
      let released = false;
      const done = () => {
        if (released) return;
        released = true;
        r.inFlight--;
      };
      try {
        const out = await fn(r.adapter, keyed);
        r.breaker.onSuccess();
        return settle(out, done);
      } catch (err) {
        done();
        // The router's own deadline or a client that left: not the replica's fault, no retry.
        if (ctx.signal.aborted || !(err instanceof UpstreamError) || !err.retryable) {
          r.breaker.release();
          throw err;
        }
        // 429 (queue full) is load, not a fault: try the next replica without tripping this one.
        if (err.status >= 500) r.breaker.onFailure();
        else r.breaker.release();
        last = err;
      }
    }
  }

  private createAdapter(label: string): ProviderAdapter {
    const plain = <T>(out: T, done: () => void) => {
      done();
      return out;
    };
    const streamed = <T>(out: AsyncIterable<T>, done: () => void) => releasing(out, done);
    return {
      chat: (req, ctx) => this.call(label, req, ctx, (a, c) => a.chat(req, c), plain),
      chatStream: (req, ctx) => this.call(label, req, ctx, (a, c) => a.chatStream(req, c), streamed),
      completions: (req, ctx) =>
        this.call(label, req, ctx, (a, c) => required(a.completions, label).call(a, req, c), plain),
      completionsStream: (req, ctx) =>
        this.call(label, req, ctx, (a, c) => required(a.completionsStream, label).call(a, req, c), streamed),
      embed: (req, ctx) =>
        this.call(label, req, ctx, (a, c) => required(a.embed, label).call(a, req, c), plain),
      close: async () => {
        await Promise.all(this.replicas.map((r) => r.adapter.close?.()));
      },
    };
  }

  /**
   * The pool's figures for the target (what routing, pricing and /health read), from its
   * replicas' polls: reachable/ready when any replica is (the pool serves while one does); queue
   * depth, capacity and served tokens/s summed; the per-sequence decode rate the worst (lowest)
   * of the ready replicas; lastError naming the replicas that are down.
   */
  aggregate(polledAt: number): Partial<ClusterLive> {
    const polled = this.replicas.filter((r) => r.live.polledAt !== undefined);
    const up = polled.filter((r) => r.live.reachable && r.live.ready !== false);
    const sum = (pick: (l: ClusterLive) => number | undefined) => {
      const vals = polled.map((r) => pick(r.live)).filter((v): v is number => v !== undefined);
      return vals.length ? vals.reduce((a, b) => a + b, 0) : undefined;
    };
    const decode = up.map((r) => r.live.decodeTokensPerSecond).filter((v): v is number => v !== undefined);
    const down = polled.filter((r) => !up.includes(r));
    return {
      polledAt,
      // Replicas serve one model: the first ready replica's reported capabilities are the pool's.
      capabilities: up.find((r) => r.live.capabilities)?.live.capabilities,
      reachable: polled.some((r) => r.live.reachable),
      ready: up.length > 0 ? true : polled.some((r) => r.live.ready === false) ? false : undefined,
      queueDepth: sum((l) => l.queueDepth),
      slots: sum((l) => l.slots),
      tokensPerSecond: sum((l) => l.tokensPerSecond),
      capacitySource: polled.every((r) => r.live.capacitySource === "runtime")
        ? "runtime"
        : polled.some((r) => r.live.capacitySource)
          ? "peak"
          : undefined,
      decodeTokensPerSecond: decode.length ? Math.min(...decode) : undefined,
      servedTokensPerSecond: sum((l) => l.servedTokensPerSecond),
      backend: up[0]?.live.backend ?? polled[0]?.live.backend,
      lastError: down.length
        ? down.map((r) => `${r.url}: ${r.live.lastError ?? "not ready"}`).join("; ")
        : undefined,
    };
  }
}

function required<F>(fn: F | undefined, label: string): F {
  if (!fn)
    throw new UpstreamError(501, errorBody(501, `${label}: replica does not implement this endpoint`), true);
  return fn;
}

/** The stream as is, calling `done` once when it ends, fails or is closed early. */
function releasing<T>(src: AsyncIterable<T>, done: () => void): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = src[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const r = await it.next();
            if (r.done) done();
            return r;
          } catch (err) {
            done();
            throw err;
          }
        },
        async return(value?: unknown) {
          done();
          return it.return ? it.return(value) : { done: true, value: undefined as T };
        },
        async throw(err?: unknown) {
          done();
          if (it.throw) return it.throw(err);
          throw err;
        },
      };
    },
  };
}
