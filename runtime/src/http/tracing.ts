import { type GenAiSpanInfo, startInferenceSpan } from "@llm/telemetry";
import type { RequestHandler, Response } from "express";

const operationOf: Record<string, string> = {
  "/v1/chat/completions": "chat",
  "/v1/completions": "text_completion",
  "/v1/embeddings": "embeddings",
};

/**
 * One span per inference request, a child of the router's `traceparent`. A no-op unless
 * telemetry was set up (OTEL_EXPORTER_OTLP_ENDPOINT); handlers add usage with {@link recordGenAi}.
 */
export function tracing(): RequestHandler {
  return (req, res, next) => {
    const operation = req.method === "POST" ? operationOf[req.path] : undefined;
    if (!operation) return next();
    const span = startInferenceSpan({ operation, headers: req.headers, system: "llama_cpp" });
    res.on("close", () => {
      const info = (res.locals.genAi as GenAiSpanInfo | undefined) ?? {};
      span.end({ ...info, status: res.headersSent ? res.statusCode : 499 });
    });
    next();
  };
}

/** Adds what a handler learnt (model, tokens, finish reasons) to the request's span. */
export function recordGenAi(res: Response, info: GenAiSpanInfo): void {
  res.locals.genAi = { ...(res.locals.genAi as GenAiSpanInfo | undefined), ...info };
}
