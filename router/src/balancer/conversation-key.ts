import { createHash } from "node:crypto";
import type { ChatCompletionRequest, CompletionRequest } from "@llm/contracts";

/**
 * Characters of each head part (tools, each leading system/developer message, the first user
 * message) that go into the key. KubeAI's PrefixHash hashes the first `prefixCharLength` (100)
 * characters of the prompt; we bound each part instead, so a long shared system prompt or tool
 * list does not make every conversation behind it the same key, and hashing stays O(bound).
 */
export const KEY_PART_CHARS = 1024;

/** The conversation key header the router sends to clusters (ingress-nginx `upstream-hash-by`). */
export const PREFIX_KEY_HEADER = "x-llm-prefix-key";

const text = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : JSON.stringify(v));

/**
 * The stable head of a chat: the leading system/developer messages and the first user message
 * (with tools and model), which every later turn of the same conversation resends unchanged,
 * while the tail grows. What comes after the first user message is never part of the head.
 */
function chatHead(req: ChatCompletionRequest): string[] {
  const parts = [text(req.model), text(req.tools).slice(0, KEY_PART_CHARS)];
  for (const m of req.messages) {
    parts.push(`${m.role}:${text(m.content).slice(0, KEY_PART_CHARS)}`);
    if (m.role === "user") break;
    // A conversation that starts with something else (assistant, tool) keeps only its first message.
    if (m.role !== "system" && m.role !== "developer") break;
  }
  return parts;
}

/**
 * The conversation key: 16 hex characters of SHA-256 over the request's stable head, the same
 * on every turn of one conversation and, being content-derived, on every router replica. A
 * function of the internal chat body, so Messages and Responses requests (translated to it)
 * get the same key as chat. Completions hash the prompt's first KEY_PART_CHARS characters.
 * Undefined for bodies with no prompt (embeddings): the balancer picks the least-loaded replica.
 */
export function conversationKey(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as Partial<ChatCompletionRequest & CompletionRequest>;
  let parts: string[];
  if (Array.isArray(b.messages) && b.messages.length > 0) parts = chatHead(b as ChatCompletionRequest);
  else if (typeof b.prompt === "string") parts = [text(b.model), b.prompt.slice(0, KEY_PART_CHARS)];
  else if (Array.isArray(b.prompt)) parts = [text(b.model), text(b.prompt[0]).slice(0, KEY_PART_CHARS)];
  else return undefined;
  // NUL separates parts so moving text between them changes the key.
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

/** The minimal call context shape (providers/types.ts CallContext) this file needs. */
interface KeyedContext {
  readonly signal: AbortSignal;
  readonly abort?: unknown;
  upstreamModel: string;
  headers?: Record<string, string>;
}

/**
 * `ctx` with `x-llm-prefix-key` added to its upstream headers (unless already there), or `ctx`
 * itself for bodies without a key. `signal` stays a getter: the router's context creates its
 * AbortController lazily, and reading it here would create one on every call.
 */
export function withPrefixKey<C extends KeyedContext>(ctx: C, body: unknown, known?: string): C {
  if (ctx.headers?.[PREFIX_KEY_HEADER] !== undefined) return ctx;
  const key = known ?? conversationKey(body);
  if (key === undefined) return ctx;
  const headers = { ...ctx.headers, [PREFIX_KEY_HEADER]: key };
  return Object.create(ctx, { headers: { value: headers, enumerable: true } }) as C;
}
