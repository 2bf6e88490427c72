import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request, Response } from "express";
import type { ForwardDeps } from "../forward/context.js";
import { forward } from "../forward/forward.js";
import type { EndpointKind } from "../routing/profile.js";
import { readJsonBody } from "./body.js";
import { sendError } from "./errors.js";
import { stampResponse } from "./request-id.js";

/** The inference endpoints (all POST), by path: OpenAI's, and the inbound APIs on the same pipeline. */
export const INFERENCE_PATHS: ReadonlyMap<string, EndpointKind> = new Map<string, EndpointKind>([
  ["/v1/chat/completions", "chat"],
  ["/v1/completions", "completions"],
  ["/v1/embeddings", "embeddings"],
  // Inbound APIs translated to chat (router/src/inbound/shared/inbound-api.ts).
  ["/v1/messages", "messages"],
]);

/** Serves one inference request of `kind`. */
export type InferenceEndpoint = (kind: EndpointKind, req: IncomingMessage, res: ServerResponse) => void;

/**
 * The one path of an inference request, whether it comes straight from the server's listener
 * or through the express app: stamp the common headers, read the JSON body (bounded by
 * `bodyLimit`), forward, and map any refusal to the path's error shape. Only node's request and
 * response APIs are used, so express's per-request machinery is never needed on this path.
 */
export function createInferenceEndpoint(deps: ForwardDeps, bodyLimit: number): InferenceEndpoint {
  return (kind, req, res) => {
    stampResponse(req, res);
    readJsonBody(req, bodyLimit)
      .then((body) => {
        (req as IncomingMessage & { body?: unknown }).body = body;
        return forward(deps, kind, req as Request, res as Response);
      })
      .catch((err: unknown) => sendError(res, err, deps.logger));
  };
}
