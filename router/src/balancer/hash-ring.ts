import { createHash } from "node:crypto";

/**
 * Points per replica on the ring. More points spread keys more evenly (KubeAI's PrefixHash
 * `replication` plays this role); 100 keeps each replica's share within a few percent for the
 * handful of replicas a pool has, and a walk over the ring stays cheap.
 */
export const RING_POINTS_PER_REPLICA = 100;

/** 32-bit ring position of a string: the first 4 bytes of its SHA-256 (same on every process). */
export function ringPosition(s: string): number {
  return createHash("sha256").update(s).digest().readUInt32BE(0);
}

/** A conversation key (hex) as a ring position; any other string is hashed. */
export function keyPosition(key: string): number {
  return /^[0-9a-f]{8}/.test(key) ? Number.parseInt(key.slice(0, 8), 16) : ringPosition(key);
}

/**
 * A consistent-hash ring over replica ids (their URLs). Positions depend only on the ids, never
 * on their order or on the process, so every router replica maps a key to the same replica, and
 * removing a replica moves only the keys it held (to the next replica clockwise).
 */
export class HashRing {
  private readonly points: { at: number; id: string }[] = [];
  readonly ids: readonly string[];

  constructor(ids: readonly string[], pointsPerReplica = RING_POINTS_PER_REPLICA) {
    this.ids = [...new Set(ids)];
    for (const id of this.ids)
      for (let i = 0; i < pointsPerReplica; i++) this.points.push({ at: ringPosition(`${id}#${i}`), id });
    // Ties (vanishingly rare) break by id so the order is still the same everywhere.
    this.points.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Every replica once, in the order met walking clockwise from `position`. */
  walk(position: number): string[] {
    const n = this.points.length;
    if (n === 0) return [];
    // First point at or after the position (binary search), wrapping to the start.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.points[mid] as { at: number }).at < position) lo = mid + 1;
      else hi = mid;
    }
    const order: string[] = [];
    const seen = new Set<string>();
    for (let k = 0; k < n && order.length < this.ids.length; k++) {
      const id = (this.points[(lo + k) % n] as { id: string }).id;
      if (!seen.has(id)) {
        seen.add(id);
        order.push(id);
      }
    }
    return order;
  }
}

/**
 * CHWBL admission (Mirrokni et al., "Consistent Hashing with Bounded Loads"): a replica may take
 * one more request while its load after it stays within ceil(loadFactor x mean load after it).
 * KubeAI's chwblLoadOK compares against the mean without the ceiling; with the ceiling a pool
 * with one request in flight can still place the next one on an idle replica instead of falling
 * back to the overloaded first choice.
 */
export function withinBound(load: number, totalLoad: number, replicas: number, loadFactor: number): boolean {
  if (replicas <= 0) return false;
  return load + 1 <= Math.ceil((loadFactor * (totalLoad + 1)) / replicas);
}
