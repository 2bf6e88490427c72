export * from "./alerts.js";
export * from "./config.js";
export * from "./guard.js";
export { hashKey, presentedKey } from "./keys.js";
export type * from "./types.js";
