import type { RequestHandler } from "express";
import type { ForwardDeps } from "../forward/context.js";
import { forward } from "../forward/forward.js";
import type { EndpointKind } from "../routing/profile.js";

/** POST /v1/chat/completions, /v1/completions, /v1/embeddings: thin, all work is in forward(). */
export function inferenceHandler(deps: ForwardDeps, kind: EndpointKind): RequestHandler {
  return (req, res) => forward(deps, kind, req, res);
}
