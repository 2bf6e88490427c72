export * from "./ledger.js";
export * from "./metrics.js";
export * from "./totals.js";
export type * from "./types.js";
