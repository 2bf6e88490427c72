import type { KeyValueStore } from "../state/key-value.js";

/** How long a shared last-use stamp lives (unused keys show `lastUsedAt: null` after that). */
const STAMP_TTL_MS = 400 * 86_400_000;

/**
 * When each key was last accepted. In memory on every request (one Map.set); copied to the shared
 * store at most once a minute per key, so `GET /admin/keys` on any replica sees recent use without
 * a write per request.
 */
export class KeyUsage {
  private readonly local = new Map<string, number>();
  private readonly written = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly kv?: KeyValueStore,
  ) {}

  /** Called by the guard on every accepted key; never throws, never waits. */
  touch(keyId: string): void {
    const t = this.now();
    this.local.set(keyId, t);
    if (!this.kv || (this.written.get(keyId) ?? 0) > t - 60_000) return;
    this.written.set(keyId, t);
    this.kv.set(`lastUsed:${keyId}`, String(t), { ttlMs: STAMP_TTL_MS }).catch(() => undefined);
  }

  /** Last use per key id (epoch ms), the newest of this replica's and the shared stamp. */
  async lastUsed(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const id of ids) {
      const t = this.local.get(id);
      if (t !== undefined) out.set(id, t);
    }
    if (this.kv && ids.length > 0) {
      const shared = await this.kv.getMany(ids.map((id) => `lastUsed:${id}`)).catch(() => []);
      ids.forEach((id, i) => {
        const v = Number(shared[i]);
        if (Number.isFinite(v) && v > (out.get(id) ?? 0)) out.set(id, v);
      });
    }
    return out;
  }
}
