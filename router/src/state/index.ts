import { MemoryStateStore } from "./memory.js";
import { RedisStateStore } from "./redis.js";
import type { StateStore } from "./types.js";

export { MemoryStateStore } from "./memory.js";
export { type RedisStateOptions, RedisStateStore } from "./redis.js";
export type * from "./types.js";

/** Redis when `state.redis` is configured (limits shared by every replica), else in-memory (one replica). */
export function createStateStore(config?: { redis?: { url: string; keyPrefix?: string } }): StateStore {
  return config?.redis ? new RedisStateStore(config.redis) : new MemoryStateStore();
}
