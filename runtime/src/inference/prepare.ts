/** Prompt preparation: OpenAI requests -> engine input that fits one sequence's context. */
import {
  type ChatCompletionRequest,
  type CompletionRequest,
  HttpError,
  requestedMaxTokens,
} from "@llm/contracts";
import type { Engine } from "../engine/engine.js";
import type { PreparedGeneration } from "../engine/generate.js";
import type { GrammarCache } from "./grammar.js";
import { renderChat } from "./prompt.js";
import { toolRequestOf } from "./tools/choice.js";
import { availableFunctions, planTools, type ToolPlan } from "./tools/plan.js";
import { rejectUnsupported } from "./unsupported.js";

type SamplingRequest = Pick<
  ChatCompletionRequest,
  "temperature" | "top_p" | "seed" | "stop" | "presence_penalty" | "frequency_penalty"
>;

/** Fits the request into one sequence's context or throws 400 context_length_exceeded. */
export function fitContext(
  ctx: number,
  promptTokens: number,
  requested: number | undefined,
  param: string,
): number {
  const available = ctx - promptTokens;
  if (available < 1 || (requested !== undefined && requested > available)) {
    const asked = requested === undefined ? "" : ` + ${requested} completion tokens`;
    throw new HttpError(
      400,
      `This model's maximum context length is ${ctx} tokens. However, you requested ${promptTokens} prompt tokens${asked}. Please reduce the length of the ${param} or of max_tokens.`,
      { param, code: "context_length_exceeded" },
    );
  }
  return requested ?? available;
}

function stopList(stop: SamplingRequest["stop"]): string[] {
  if (stop == null) return [];
  return (Array.isArray(stop) ? stop : [stop]).filter((s) => s.length > 0);
}

/** OpenAI penalties are in [-2, 2]; node-llama-cpp takes [0, 1], and negative (encouraging) ones are ignored. */
function penaltiesOf(req: SamplingRequest): PreparedGeneration["penalties"] {
  const p = req.presence_penalty ?? 0;
  const f = req.frequency_penalty ?? 0;
  if (p <= 0 && f <= 0) return undefined;
  return { presencePenalty: Math.max(0, p) / 2, frequencyPenalty: Math.max(0, f) / 2 };
}

/** The sampling fields both endpoints share, with OpenAI's defaults. */
function sampling(req: SamplingRequest) {
  return {
    temperature: req.temperature ?? 1,
    topP: req.top_p ?? undefined,
    seed: req.seed ?? undefined,
    penalties: penaltiesOf(req),
  };
}

/** A prepared chat generation and, when the request offers tools, how its calls are decoded and read. */
export type PreparedChat = PreparedGeneration & { tools?: ToolPlan };

/**
 * /v1/chat/completions: template-rendered messages (and the tools, documented the way the template
 * shows them), client stops plus the template's end-of-turn triggers.
 */
export async function prepareChat(
  engine: Engine,
  grammars: GrammarCache,
  req: ChatCompletionRequest,
): Promise<PreparedChat> {
  rejectUnsupported(req);
  const toolRequest = toolRequestOf(req);
  const { tokens, stopTriggers } = renderChat(
    engine.chatWrapper,
    engine.model,
    req.messages,
    toolRequest && availableFunctions(toolRequest),
  );
  const { input, promptTokens, evaluated } = engine.completionInput(tokens);
  const maxTokens = fitContext(
    engine.info.ctxSizePerSequence,
    promptTokens,
    requestedMaxTokens(req),
    "messages",
  );
  const tools = toolRequest && (await planTools(engine, grammars, toolRequest));
  // A forced call's grammar wins over response_format: the answer is a call, not a text.
  const constrained = tools?.decoding.grammar ? undefined : await grammars.forFormat(req.response_format);
  const trigger = tools?.decoding.trigger;
  return {
    input,
    evaluated,
    promptTokens,
    maxTokens,
    ...sampling(req),
    stop: trigger ? [...stopTriggers, ...trigger.texts] : stopTriggers,
    stopStrings: stopList(req.stop),
    grammar: tools?.decoding.grammar ?? constrained?.grammar,
    checkOutput: tools ? tools.check : constrained?.check,
    continuation: trigger && {
      triggers: trigger.texts,
      triggerText: trigger.plain,
      grammar: trigger.continuation,
    },
    tools,
  };
}

/** /v1/completions: one raw prompt, tokenized as is. */
export function prepareCompletion(
  engine: Engine,
  req: CompletionRequest,
  prompt: string,
): PreparedGeneration {
  rejectUnsupported(req);
  const tokens = engine.model.tokenize(prompt, false, "trimLeadingSpace");
  const { input, promptTokens, evaluated } = engine.completionInput(tokens);
  const maxTokens = fitContext(
    engine.info.ctxSizePerSequence,
    promptTokens,
    req.max_tokens ?? undefined,
    "prompt",
  );
  return {
    input,
    evaluated,
    promptTokens,
    // OpenAI's legacy completions default to 16 tokens; an unbounded default would surprise clients.
    maxTokens: req.max_tokens == null ? Math.min(16, maxTokens) : maxTokens,
    ...sampling(req),
    stop: [],
    stopStrings: stopList(req.stop),
  };
}
