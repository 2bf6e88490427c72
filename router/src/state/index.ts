export * from "./key-value.js";
export { MemoryStateStore } from "./memory.js";
export { MemoryKeyValue, type MemoryKeyValueOptions } from "./memory-key-value.js";
export { type RedisStateOptions, RedisStateStore } from "./redis.js";
export { RedisKeyValue, type RedisKeyValueOptions } from "./redis-key-value.js";
export type * from "./types.js";
