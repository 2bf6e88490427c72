import { type EmbeddingsResponse, embeddingsRequest, parseBody } from "@llm/contracts";
import type { RequestHandler } from "express";
import { type HandlerDeps, requireService } from "./context.js";

/** Little-endian float32 bytes, base64: OpenAI's `encoding_format: "base64"`. */
function toBase64(vector: readonly number[]): string {
  return Buffer.from(Float32Array.from(vector).buffer).toString("base64");
}

/** POST /v1/embeddings: string, string[] or token-id inputs. */
export function embeddings(deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(embeddingsRequest, req.body);
    const service = requireService(deps.state);
    const { vectors, promptTokens } = await service.embed(body);
    const base64 = body.encoding_format === "base64";
    const response: EmbeddingsResponse = {
      object: "list",
      data: vectors.map((v, index) => ({
        object: "embedding",
        index,
        embedding: base64 ? toBase64(v) : [...v],
      })),
      model: service.modelName,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
    res.json(response);
  };
}
