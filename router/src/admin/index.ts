export * from "./provider-store.js";
export * from "./router.js";
export * from "./runtime.js";
