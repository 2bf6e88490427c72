import type { ChatCompletionChunk, EmbeddingsResponse } from "@llm/contracts";
import { providerErrors, streamFailure, upstreamError } from "../errors.js";
import { CallState } from "../shared/call-state.js";
import { createHttpClient, type HttpOptions, joinUrl, pathOf } from "../shared/http.js";
import { sseEvents } from "../shared/sse.js";
import { type CallContext, type ProviderAdapter, UpstreamError } from "../types.js";
import {
  chunkChoices,
  fromGeminiResponse,
  type GeminiResponse,
  newCallIdBase,
  signaturesOf,
  toGeminiRequest,
  unsignedCallIds,
  usageOf,
} from "./translate.js";

export interface GeminiAdapterConfig extends HttpOptions {
  /** Sent as the `x-goog-api-key` header, never in the URL (URLs end up in proxy and access logs). */
  apiKey?: string;
  /** Defaults to `https://generativelanguage.googleapis.com` (the adapter appends `/v1beta/models/...`). */
  baseURL?: string;
  /** API version path segment. Defaults to `v1beta`. */
  apiVersion?: string;
  /** How long a thought signature waits for the turn that sends its call back. Defaults to 24 h. */
  thoughtSignatureTtlMs?: number;
}

/**
 * Thought signatures kept per tenant, keyed by tool-call id: Gemini 3 refuses a function call sent
 * back without the signature it came with (4xx, ai.google.dev/gemini-api/docs/thought-signatures),
 * and OpenAI's format has no field for it; clients that echo Google's
 * `extra_content.google.thought_signature` need none of this.
 */
function signatureStore(ctx: CallContext, ttlMs?: number): CallState {
  return new CallState(ctx.state?.namespace("gemini", "thought-signatures"), ttlMs);
}

/** Gemini generateContent / streamGenerateContent / batchEmbedContents behind the OpenAI interface. */
export function createGeminiAdapter(config: GeminiAdapterConfig = {}): ProviderAdapter {
  const provider = "gemini";
  const secrets = [config.apiKey];
  const root = (config.baseURL ?? "https://generativelanguage.googleapis.com").replace(/\/+$/, "");
  const http = createHttpClient({
    ...config,
    baseURL: root,
    headers: config.apiKey ? { "x-goog-api-key": config.apiKey } : {},
    errors: providerErrors(provider, secrets),
  });
  // Accept a base URL that already ends in the version segment (as Google's docs print it).
  const base = /\/v\d+(alpha|beta)?\d*$/.test(root)
    ? pathOf(root)
    : joinUrl(pathOf(root), config.apiVersion ?? "v1beta");
  // Gemini names models `models/<id>`; clients and configs often keep that prefix.
  const url = (model: string, method: string) =>
    `${base}/models/${encodeURIComponent(model.replace(/^models\//, ""))}:${method}`;

  return {
    async chat(req, ctx) {
      const signatures = signatureStore(ctx, config.thoughtSignatureTtlMs);
      const res = await http.postJson<GeminiResponse>(
        url(ctx.upstreamModel, "generateContent"),
        toGeminiRequest(req, await signatures.load(unsignedCallIds(req))),
        ctx,
      );
      const answer = fromGeminiResponse(res, res.modelVersion ?? ctx.upstreamModel);
      await signatures.save(answer.choices.flatMap((c) => signaturesOf(c.message.tool_calls ?? [])));
      return answer;
    },
    async chatStream(req, ctx) {
      const signatures = signatureStore(ctx, config.thoughtSignatureTtlMs);
      const res = await http.postStream(
        `${url(ctx.upstreamModel, "streamGenerateContent")}?alt=sse`,
        toGeminiRequest(req, await signatures.load(unsignedCallIds(req))),
        ctx,
      );
      const model = ctx.upstreamModel;
      return (async function* (): AsyncGenerator<ChatCompletionChunk> {
        const created = Math.floor(Date.now() / 1000);
        const first = new Set<number>();
        const callCounts = new Map<number, number>();
        const idBase = newCallIdBase();
        const signed: [string, string][] = [];
        let id = `chatcmpl-gemini-${Date.now().toString(36)}`;
        let usage: GeminiResponse["usageMetadata"];
        try {
          for await (const ev of sseEvents(res.body)) {
            let data: GeminiResponse & { error?: unknown };
            try {
              data = JSON.parse(ev.data);
            } catch {
              continue;
            }
            if (data.error) throw upstreamError({ provider, status: 200, body: data, secrets });
            if (data.responseId) id = `chatcmpl-${data.responseId}`;
            if (data.usageMetadata) usage = data.usageMetadata;
            const choices = chunkChoices(data, first, callCounts, idBase);
            for (const c of choices) signed.push(...signaturesOf(c.delta.tool_calls ?? []));
            if (choices.length > 0) yield { id, object: "chat.completion.chunk", created, model, choices };
          }
          // Kept before the stream ends, so a client that answers the calls at once finds them.
          await signatures.save(signed);
          // Gemini has no [DONE]; its last event carries the usage, sent here as OpenAI's usage chunk.
          yield { id, object: "chat.completion.chunk", created, model, choices: [], usage: usageOf(usage) };
        } catch (err) {
          throw streamFailure(provider, err, ctx.signal, secrets);
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
        {
          requests: inputs.map((text) => ({
            model,
            content: { parts: [{ text }] },
            ...(req.dimensions ? { outputDimensionality: req.dimensions } : {}),
          })),
        },
        ctx,
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
  thoughtSignatureTtl?: unknown;
}): ProviderAdapter {
  return createGeminiAdapter({
    apiKey: p.apiKey,
    baseURL: p.baseURL,
    timeoutMs: p.timeout,
    // A passthrough field of the externalProviders[] entry, in milliseconds.
    thoughtSignatureTtlMs: typeof p.thoughtSignatureTtl === "number" ? p.thoughtSignatureTtl : undefined,
  });
}
