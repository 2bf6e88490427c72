import type { ModelList } from "@llm/contracts";
import type { RequestHandler } from "express";
import type { HandlerDeps } from "./context.js";

/** GET /v1/models: the one model this process serves. */
export function models(deps: HandlerDeps, startedAt: number): RequestHandler {
  return (_req, res) => {
    const info = deps.state.engine?.info;
    const list: ModelList = {
      object: "list",
      data: [
        {
          id: info?.model ?? deps.state.modelName,
          object: "model",
          created: Math.floor(startedAt / 1000),
          owned_by: "llm-runtime",
          ready: deps.state.phase === "ready",
          ...(info
            ? {
                context_length: info.ctxSizePerSequence,
                backend: info.backend,
                capabilities: info.capabilities,
              }
            : {}),
        },
      ],
    };
    res.json(list);
  };
}
