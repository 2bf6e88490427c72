import type { Span } from "@opentelemetry/api";

/**
 * Attribute names from the OpenTelemetry GenAI semantic conventions (still "incubating" upstream,
 * so spelled out here rather than imported from an unstable entry point), plus the router's own.
 */
export const GenAiAttr = {
  operationName: "gen_ai.operation.name",
  system: "gen_ai.system",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  finishReasons: "gen_ai.response.finish_reasons",
  routerTarget: "llm.router.target",
  routerCostUsd: "llm.router.cost_usd",
} as const;

/** What one inference call knows about itself; every field is optional and set when known. */
export interface GenAiSpanInfo {
  /** `chat`, `text_completion` or `embeddings`. */
  operation?: "chat" | "text_completion" | "embeddings" | (string & {});
  /** Provider family (`openai`, `anthropic`, `llama_cpp`...). */
  system?: string;
  /** Model the client asked for. */
  requestModel?: string;
  /** Completion token cap the client asked for. */
  requestMaxTokens?: number;
  /** Model that answered. */
  responseModel?: string;
  /** Response id (`chatcmpl-...`). */
  responseId?: string;
  /** Prompt tokens billed. */
  inputTokens?: number;
  /** Completion tokens billed. */
  outputTokens?: number;
  /** One finish reason per choice. */
  finishReasons?: string[];
  /** Router target that served the request (`cluster:aws-use1`, `openai`...). */
  target?: string;
  /** Cost the router attributed to the request, in USD. */
  costUsd?: number;
}

/** Sets the `gen_ai.*` and `llm.router.*` attributes that are present in `info`; returns the span. */
export function setGenAiAttributes(span: Span, info: GenAiSpanInfo): Span {
  const pairs: [string, string | number | string[] | undefined][] = [
    [GenAiAttr.operationName, info.operation],
    [GenAiAttr.system, info.system],
    [GenAiAttr.requestModel, info.requestModel],
    [GenAiAttr.requestMaxTokens, info.requestMaxTokens],
    [GenAiAttr.responseModel, info.responseModel],
    [GenAiAttr.responseId, info.responseId],
    [GenAiAttr.inputTokens, info.inputTokens],
    [GenAiAttr.outputTokens, info.outputTokens],
    [GenAiAttr.finishReasons, info.finishReasons],
    [GenAiAttr.routerTarget, info.target],
    [GenAiAttr.routerCostUsd, info.costUsd],
  ];
  for (const [key, value] of pairs) {
    if (value === undefined) continue;
    if (typeof value === "number" && !Number.isFinite(value)) continue;
    span.setAttribute(key, value);
  }
  return span;
}

/** Conventional span name: `"{operation} {model}"`, e.g. `chat tinyllama`. */
export function genAiSpanName(operation: string, model?: string): string {
  return model ? `${operation} ${model}` : operation;
}
