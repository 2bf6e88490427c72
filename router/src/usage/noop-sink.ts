import type { UsageSink } from "./types.js";

/** Discards usage records (metrics still count tokens and cost); the ledger replaces it. */
export const noopUsageSink: UsageSink = { record: () => {} };
