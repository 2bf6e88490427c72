import { createHash } from "node:crypto";
import { type ChatCompletionRequest, contentText } from "@llm/contracts";

/**
 * The exact cache's key: tenant, endpoint, model and every field that changes the answer, in a
 * canonical form (keys sorted, nulls and OpenAI's defaults dropped), hashed. Fields that change
 * only how the answer travels or who asked (`stream`, `stream_options`, `user`, `metadata`,
 * `store`, `service_tier`) are left out, so a streamed and a non-streamed request share an entry.
 */

/** Fields that never change an answer's content. */
const TRANSPORT_FIELDS = new Set(["stream", "stream_options", "user", "metadata", "store", "service_tier"]);

/** OpenAI's documented defaults: sending them or leaving them out asks for the same answer. */
const DEFAULTS: Record<string, unknown> = {
  temperature: 1,
  top_p: 1,
  n: 1,
  presence_penalty: 0,
  frequency_penalty: 0,
  logprobs: false,
  parallel_tool_calls: true,
  echo: false,
  encoding_format: "float",
};

/** JSON with object keys sorted and undefined/null members dropped: one text per meaning. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const parts: string[] = [];
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || v === null) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(",")}}`;
}

/** The answer-changing fields of a request body, defaults and transport fields dropped. */
export function answerFields(body: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (TRANSPORT_FIELDS.has(k) || v === undefined || v === null) continue;
    if (k in DEFAULTS && DEFAULTS[k] === v) continue;
    out[k] = v;
  }
  // Chat's two caps mean one thing; max_completion_tokens wins when both are sent (as in OpenAI).
  if ("max_tokens" in out) {
    out.max_completion_tokens ??= out.max_tokens;
    delete out.max_tokens;
  }
  return out;
}

/** What identifies one cached answer, before hashing. */
export interface KeyParts {
  tenantId: string;
  /** Endpoint kind (`chat`, `completions`, `embeddings`, …). */
  endpoint: string;
  /** The model as requested: a model group's name when it is one. */
  model: string;
  /** The experiment arm the request was assigned (`<experiment>/<arm>`), so arms never share answers. */
  variant?: string;
  body: object;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/** The exact-cache key of a request. */
export function exactKeyOf(p: KeyParts): string {
  const fields = answerFields(p.body);
  delete fields.model;
  return sha256(canonicalJson([p.tenantId, p.endpoint, p.model, p.variant ?? "", fields]));
}

/**
 * The semantic cache's bucket: the exact key's parts with the last user message's text taken
 * out, so only requests alike in everything else (tenant, model, params, earlier turns) compare.
 */
export function bucketKeyOf(p: KeyParts): string {
  const fields = answerFields(p.body);
  delete fields.model;
  const messages = fields.messages;
  if (Array.isArray(messages)) {
    const i = lastUserIndex(messages as ChatCompletionRequest["messages"]);
    if (i >= 0) fields.messages = messages.map((m, j) => (j === i ? { role: "user", content: "" } : m));
  } else if (typeof fields.prompt === "string") fields.prompt = "";
  return sha256(canonicalJson(["semantic", p.tenantId, p.endpoint, p.model, p.variant ?? "", fields]));
}

function lastUserIndex(messages: ChatCompletionRequest["messages"]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === "user") return i;
  return -1;
}

/** The text the semantic cache embeds: the last user message (chat) or a single prompt (completions). */
export function lastUserText(body: object): string | undefined {
  const b = body as { messages?: ChatCompletionRequest["messages"]; prompt?: unknown };
  if (Array.isArray(b.messages)) {
    const m = b.messages[lastUserIndex(b.messages)];
    const text = m ? contentText(m.content as Parameters<typeof contentText>[0]) : "";
    return text.trim() ? text : undefined;
  }
  return typeof b.prompt === "string" && b.prompt.trim() ? b.prompt : undefined;
}

/**
 * Whether a request asks for a reproducible answer: temperature 0 or a `seed` (embeddings always
 * are). Only those are stored unless the tenant's config or the request opts in.
 */
export function isDeterministic(endpoint: string, body: object): boolean {
  if (endpoint === "embeddings") return true;
  const b = body as { temperature?: number | null; seed?: number | null };
  return b.temperature === 0 || (b.seed !== undefined && b.seed !== null);
}
