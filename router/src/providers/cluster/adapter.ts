import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type CompletionRequest,
  type EmbeddingsRequest,
  type EmbeddingsResponse,
  signRequest,
  type TextCompletion,
} from "@llm/contracts";
import { withPrefixKey } from "../../balancer/conversation-key.js";
import type { ClusterConfig } from "../../config/schema.js";
import { type ClientTls, createHttpClient } from "../shared/http.js";
import type { CallContext, ProviderAdapter } from "../types.js";
import { wireErrors } from "./wire-errors.js";
import { wireChunks } from "./wire-stream.js";

export interface OpenAIWireAdapterOptions {
  /** Base URL including the API version path, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  /** Target name for error messages. */
  label: string;
  headers?: Record<string, string>;
  sign?: (method: string, path: string, body: string) => Record<string, string>;
  /** Keep-alive connections to the upstream. Defaults to 128. */
  connections?: number;
  /**
   * Treat upstream 401/403 as the router's own misconfiguration (a wrong cluster secret):
   * reported as a retryable 502 so another target serves the client. Defaults to false.
   */
  authErrorsAreOurs?: boolean;
  /** Client certificate, key and CA (PEM) for mTLS to the upstream. */
  tls?: ClientTls;
}

/**
 * An adapter for any upstream that speaks OpenAI's wire format. Streams always ask for
 * `stream_options.include_usage` so the router can count streamed tokens.
 */
export function createOpenAIWireAdapter(opts: OpenAIWireAdapterOptions): ProviderAdapter {
  const http = createHttpClient({
    baseURL: opts.baseURL,
    headers: opts.headers,
    sign: opts.sign,
    tls: opts.tls,
    connections: opts.connections ?? 128,
    connectTimeoutMs: 5000,
    // The router's own abort signal carries the deadlines (first byte, idle, total).
    timeoutMs: 0,
    errors: wireErrors(opts.label, opts.authErrorsAreOurs ?? false),
  });
  const path = (sub: string) => http.basePath + sub;
  const postJson = <T>(sub: string, payload: unknown, ctx: CallContext) =>
    http.postJson<T>(path(sub), payload, ctx);
  const postStream = async <T>(
    sub: string,
    payload: unknown,
    ctx: CallContext,
  ): Promise<AsyncIterable<T>> => {
    const res = await http.postStream(path(sub), payload, ctx);
    return wireChunks<T>(res, opts.label, ctx.signal);
  };
  const withModel = <T extends { model: string }>(req: T, ctx: CallContext): T => ({
    ...req,
    model: ctx.upstreamModel,
  });
  // OpenAI rejects stream_options on a request that does not stream.
  const plain = <T extends { model: string; stream?: boolean | null; stream_options?: unknown }>(
    req: T,
    ctx: CallContext,
  ): T => {
    const { stream_options: _drop, ...rest } = req;
    return { ...rest, model: ctx.upstreamModel, stream: false } as T;
  };
  const streaming = <T extends { model: string }>(req: T, ctx: CallContext): T => ({
    ...req,
    model: ctx.upstreamModel,
    stream: true,
    stream_options: { include_usage: true },
  });
  return {
    chat: (req: ChatCompletionRequest, ctx) =>
      postJson<ChatCompletion>("/chat/completions", plain(req, ctx), ctx),
    chatStream: (req, ctx) => postStream<ChatCompletionChunk>("/chat/completions", streaming(req, ctx), ctx),
    completions: (req: CompletionRequest, ctx) =>
      postJson<TextCompletion>("/completions", plain(req, ctx), ctx),
    completionsStream: (req, ctx) => postStream<TextCompletion>("/completions", streaming(req, ctx), ctx),
    embed: (req: EmbeddingsRequest, ctx) =>
      postJson<EmbeddingsResponse>("/embeddings", withModel(req, ctx), ctx),
    close: () => http.close(),
  };
}

/**
 * The adapter for one of our cluster runtimes: OpenAI wire format under `<endpoint>/v1`,
 * each request HMAC-signed over the exact body bytes sent when `authType` is hmac, or over a
 * TLS connection with a client certificate when `authType` is mtls.
 */
export function createClusterAdapter(cluster: ClusterConfig): ProviderAdapter {
  const secret = cluster.authType === "hmac" ? cluster.sharedSecret : undefined;
  return withPrefixKeys(
    createOpenAIWireAdapter({
      baseURL: `${cluster.endpoint.replace(/\/+$/, "")}/v1`,
      label: cluster.name,
      sign: secret ? (method, path, body) => signRequest(secret, { method, path, body }) : undefined,
      authErrorsAreOurs: true,
      tls: clusterTls(cluster),
    }),
  );
}

/**
 * Sends the conversation key as `x-llm-prefix-key` on chat and completions, so a pool behind an
 * Ingress that hashes on it (charts/llm-runtime `ingress.prefixAffinity`) keeps each conversation
 * on one pod. The pool adapter (balancer/replica-pool.ts) sets it first; it is then passed on as
 * is. Embeddings have no conversation: a random key spreads them instead of hashing them all alike.
 */
function withPrefixKeys(a: ProviderAdapter): ProviderAdapter {
  return {
    ...a,
    chat: (req, ctx) => a.chat(req, withPrefixKey(ctx, req)),
    chatStream: (req, ctx) => a.chatStream(req, withPrefixKey(ctx, req)),
    completions:
      a.completions &&
      ((req, ctx) => a.completions?.(req, withPrefixKey(ctx, req)) as Promise<TextCompletion>),
    completionsStream:
      a.completionsStream &&
      ((req, ctx) =>
        a.completionsStream?.(req, withPrefixKey(ctx, req)) as Promise<AsyncIterable<TextCompletion>>),
    embed:
      a.embed &&
      ((req, ctx) =>
        a.embed?.(
          req,
          withPrefixKey(ctx, req, randomBytes(8).toString("hex")),
        ) as Promise<EmbeddingsResponse>),
  };
}

/**
 * Client certificate for `authType: mtls` when certFile/keyFile are set (read once, when the
 * config is applied). Without them, mTLS is expected to be done by a mesh sidecar.
 */
export function clusterTls(cluster: ClusterConfig): ClientTls | undefined {
  if (cluster.authType !== "mtls" || !cluster.certFile || !cluster.keyFile) return undefined;
  return {
    cert: readFileSync(cluster.certFile),
    key: readFileSync(cluster.keyFile),
    ca: cluster.caFile ? readFileSync(cluster.caFile) : undefined,
  };
}
