import type { BalancerName } from "@llm/contracts";
import { HashRing, keyPosition, withinBound } from "./hash-ring.js";

/** What a strategy sees of one replica at pick time. */
export interface ReplicaLoad {
  /** The replica's URL: its identity on the ring. */
  id: string;
  /** Requests this router has in flight there. */
  inFlight: number;
  /** Requests waiting in its queue at the last poll (undefined before one). */
  queueDepth?: number;
  /** Sequences it runs at once (its /health `slots.total`; undefined before a poll). */
  slots?: number;
  /** Health poll, readiness and breaker all allow a request now. */
  available: boolean;
}

/** Picks a replica for a request; undefined when none is available. */
export interface Balancer {
  readonly name: BalancerName;
  pick(key: string | undefined, replicas: readonly ReplicaLoad[]): string | undefined;
}

/** Fewest in flight, then shortest polled queue, then list order. */
function leastLoaded(replicas: readonly ReplicaLoad[]): string | undefined {
  let best: ReplicaLoad | undefined;
  for (const r of replicas) {
    if (!r.available) continue;
    if (
      !best ||
      r.inFlight < best.inFlight ||
      (r.inFlight === best.inFlight && (r.queueDepth ?? 0) < (best.queueDepth ?? 0))
    )
      best = r;
  }
  return best?.id;
}

/**
 * CHWBL on the conversation key: walk the ring from the key's position and take the first
 * available replica within the load bound, or with a free slot (in-flight below its polled slot
 * count: a deviation from the paper, whose bound alone would move a conversation off its replica
 * whenever another one is in flight there, though the replica runs both at once). Unavailable replicas are skipped, which is the same
 * as taking them off the ring: only their keys move. Load = in-flight requests from this router
 * (as KubeAI counts it); the bound is over the available replicas. No key: least-loaded.
 */
function prefix(ring: HashRing, loadFactor: number) {
  return (key: string | undefined, replicas: readonly ReplicaLoad[]): string | undefined => {
    if (key === undefined) return leastLoaded(replicas);
    const byId = new Map(replicas.map((r) => [r.id, r]));
    let total = 0;
    let count = 0;
    for (const r of replicas)
      if (r.available) {
        total += r.inFlight;
        count++;
      }
    let fallback: string | undefined;
    for (const id of ring.walk(keyPosition(key))) {
      const r = byId.get(id);
      if (!r?.available) continue;
      fallback ??= id;
      // A free slot costs the request no queueing: the bound only applies past the slots.
      if (
        (r.slots !== undefined && r.inFlight < r.slots) ||
        withinBound(r.inFlight, total, count, loadFactor)
      )
        return id;
    }
    return fallback;
  };
}

/** A strategy for one pool's replica URLs (fixed per config generation). */
export function createBalancer(name: BalancerName, ids: readonly string[], loadFactor: number): Balancer {
  if (name === "least-loaded") return { name, pick: (_key, replicas) => leastLoaded(replicas) };
  if (name === "round-robin") {
    let next = 0;
    return {
      name,
      pick(_key, replicas) {
        const up = replicas.filter((r) => r.available);
        if (up.length === 0) return undefined;
        const r = up[next % up.length] as ReplicaLoad;
        next = (next + 1) % 1_000_000;
        return r.id;
      },
    };
  }
  return { name, pick: prefix(new HashRing(ids), loadFactor) };
}
