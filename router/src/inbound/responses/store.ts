import type { KeyValueStore } from "../../state/key-value.js";
import type { ResponseObject } from "./response-object.js";
import type { ResponsesInputItem } from "./schema.js";

/**
 * One stored response: the answer as the client got it, and the conversation items it was
 * generated from (the previous response's conversation and output, then this request's input),
 * so `previous_response_id` can rebuild the whole conversation on any target.
 */
export interface StoredResponse {
  response: ResponseObject;
  /** Input items of the turn, history included (instructions are per request and not kept, as at OpenAI). */
  input: ResponsesInputItem[];
}

/** What a store write reports. */
export type StoreResult = "stored" | "too_large";

/**
 * Stored responses of one tenant, in the state store's key/value API (memory, or Redis that every
 * replica shares) under `responses:<tenant>:`, so a response id from another tenant is simply
 * absent (404), never readable. Every entry has the configured TTL.
 */
export class ResponseStore {
  private readonly kv: KeyValueStore;

  constructor(
    kv: KeyValueStore,
    tenantId: string,
    private readonly ttlMs: number,
    private readonly maxBytes: number,
  ) {
    this.kv = kv.namespace("responses", tenantId);
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const text = await this.kv.get(id);
    return text === undefined ? undefined : (JSON.parse(text) as StoredResponse);
  }

  /** Stores `entry` under its response id; a value over the bound is not stored (the answer still goes out). */
  async put(entry: StoredResponse): Promise<StoreResult> {
    const text = JSON.stringify(entry);
    if (Buffer.byteLength(text, "utf8") > this.maxBytes) return "too_large";
    await this.kv.set(entry.response.id, text, { ttlMs: this.ttlMs });
    return "stored";
  }

  delete(id: string): Promise<boolean> {
    return this.kv.delete(id);
  }
}
