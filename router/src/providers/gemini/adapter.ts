import type { ChatCompletionChunk, EmbeddingsResponse } from "@llm/contracts";
import { networkError, upstreamError } from "../errors.js";
import { createHttpClient, type HttpOptions, joinUrl } from "../openai/http.js";
import { parseSse } from "../openai/sse.js";
import { type CallContext, type ProviderAdapter, UpstreamError } from "../types.js";
import {
  chunkChoices,
  fromGeminiResponse,
  type GeminiResponse,
  toGeminiRequest,
  usageOf,
} from "./translate.js";

export interface GeminiAdapterConfig extends HttpOptions {
  /** Sent as the `x-goog-api-key` header, never in the URL (URLs end up in proxy and access logs). */
  apiKey?: string;
  /** Defaults to `https://generativelanguage.googleapis.com` (the adapter appends `/v1beta/models/...`). */
  baseURL?: string;
  /** API version path segment. Defaults to `v1beta`. */
  apiVersion?: string;
}

/** Gemini generateContent / streamGenerateContent / batchEmbedContents behind the OpenAI interface. */
export function createGeminiAdapter(config: GeminiAdapterConfig = {}): ProviderAdapter {
  const provider = "gemini";
  const secrets = [config.apiKey];
  const http = createHttpClient(provider, config, secrets);
  const root = (config.baseURL ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
  // Accept a base URL that already ends in the version segment (as Google's docs print it).
  const base = /\/v\d+(alpha|beta)?\d*$/.test(root) ? root : joinUrl(root, config.apiVersion ?? "v1beta");
  // Gemini names models `models/<id>`; clients and configs often keep that prefix.
  const url = (model: string, method: string) =>
    `${base}/models/${encodeURIComponent(model.replace(/^models\//, ""))}:${method}`;
  const headers = (ctx: CallContext): Record<string, string> => ({
    ...ctx.headers,
    ...(config.apiKey ? { "x-goog-api-key": config.apiKey } : {}),
  });

  return {
    async chat(req, ctx) {
      const res = await http.postJson<GeminiResponse>(
        url(ctx.upstreamModel, "generateContent"),
        headers(ctx),
        toGeminiRequest(req),
        ctx.signal,
      );
      return fromGeminiResponse(res, res.modelVersion ?? ctx.upstreamModel);
    },
    async chatStream(req, ctx) {
      const res = await http.post(
        `${url(ctx.upstreamModel, "streamGenerateContent")}?alt=sse`,
        { ...headers(ctx), accept: "text/event-stream" },
        toGeminiRequest(req),
        ctx.signal,
      );
      const model = ctx.upstreamModel;
      return (async function* (): AsyncGenerator<ChatCompletionChunk> {
        const created = Math.floor(Date.now() / 1000);
        const first = new Set<number>();
        let id = `chatcmpl-gemini-${Date.now().toString(36)}`;
        let usage: GeminiResponse["usageMetadata"];
        try {
          for await (const ev of parseSse(res.body)) {
            let data: GeminiResponse & { error?: unknown };
            try {
              data = JSON.parse(ev.data);
            } catch {
              continue;
            }
            if (data.error) throw upstreamError({ provider, status: 200, body: data, secrets });
            if (data.responseId) id = `chatcmpl-${data.responseId}`;
            if (data.usageMetadata) usage = data.usageMetadata;
            const choices = chunkChoices(data, first);
            if (choices.length > 0) yield { id, object: "chat.completion.chunk", created, model, choices };
          }
          // Gemini has no [DONE]; its last event carries the usage, sent here as OpenAI's usage chunk.
          yield { id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(usage) };
        } catch (err) {
          throw networkError(provider, err, secrets);
        } finally {
          res.body.destroy();
        }
      })();
    },
    async embed(req, ctx): Promise<EmbeddingsResponse> {
      const inputs = typeof req.input === "string" ? [req.input] : req.input;
      if (!inputs.every((i): i is string => typeof i === "string"))
        throw new UpstreamError(
          400,
          {
            error: {
              message: "gemini: embeddings input must be text (token arrays are not supported)",
              type: "invalid_request_error",
              param: "input",
              code: "unsupported_input",
            },
          },
          false,
        );
      const model = `models/${ctx.upstreamModel.replace(/^models\//, "")}`;
      const res = await http.postJson<{ embeddings?: { values: number[] }[] }>(
        url(ctx.upstreamModel, "batchEmbedContents"),
        headers(ctx),
        {
          requests: inputs.map((text) => ({
            model,
            content: { parts: [{ text }] },
            ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}),
          })),
        },
        ctx.signal,
      );
      // Gemini does not report embedding token counts; ~4 characters per token is its documented rule of thumb.
      const tokens = inputs.reduce((n, s) => n + Math.ceil(s.length / 4), 0);
      return {
        object: "list",
        model: ctx.upstreamModel,
        data: (res.embeddings ?? []).map((e, index) => ({
          object: "embedding",
          index,
          // The openai SDKs ask for base64 by default: little-endian float32, as OpenAI sends it.
          embedding:
            req.encoding_format === "base64"
              ? Buffer.from(new Float32Array(e.values).buffer).toString("base64")
              : e.values,
        })),
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
    },
    close: () => http.close(),
  };
}

/** Registry factory: builds the adapter from an `externalProviders[]` entry. */
export function geminiFromConfig(p: {
  apiKey?: string;
  baseURL?: string;
  timeout?: number;
}): ProviderAdapter {
  return createGeminiAdapter({ apiKey: p.apiKey, baseURL: p.baseURL, timeoutMs: p.timeout });
}
