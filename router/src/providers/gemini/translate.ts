import { randomBytes } from "node:crypto";
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  contentText,
  type FinishReason,
  requestedMaxTokens,
  type ToolCall,
  type Usage,
} from "@llm/contracts";

/**
 * Gemini `Part` shapes we send and read. Any part may carry a `thoughtSignature` (Gemini 2.5/3
 * thinking models), which must go back on the same part next turn
 * (ai.google.dev/gemini-api/docs/thought-signatures).
 */
export type GeminiPart = (
  | { text: string }
  | { inlineData: { mimeType: string; data: string } }
  | { fileData: { fileUri: string; mimeType?: string } }
  | { functionCall: { name: string; args?: unknown } }
  | { functionResponse: { name: string; response: unknown } }
) & { thoughtSignature?: string; thought?: boolean };

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
  generationConfig?: Record<string, unknown>;
  tools?: { functionDeclarations: { name: string; description?: string; parameters?: unknown }[] }[];
  toolConfig?: { functionCallingConfig: GeminiFunctionCallingConfig };
}

export interface GeminiFunctionCallingConfig {
  mode: "AUTO" | "ANY" | "NONE";
  allowedFunctionNames?: string[];
}

export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  /** Prompt tokens served from cached content (part of promptTokenCount). */
  cachedContentTokenCount?: number;
}

export interface GeminiResponse {
  candidates?: { index?: number; content?: { parts?: GeminiPart[] }; finishReason?: string }[];
  usageMetadata?: GeminiUsage;
  responseId?: string;
  modelVersion?: string;
}

function imagePart(url: string): GeminiPart {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { inlineData: { mimeType: m[1]!, data: m[2]! } };
  return { fileData: { fileUri: url } };
}

// OpenAPI-subset schemas: Gemini rejects these JSON Schema keywords in responseSchema.
const unsupportedSchemaKeys = new Set(["additionalProperties", "$schema", "strict", "$id", "$defs", "title"]);
function sanitizeSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(sanitizeSchema);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) if (!unsupportedSchemaKeys.has(k)) out[k] = sanitizeSchema(v);
  return out;
}

/**
 * reasoning_effort -> thinkingBudget: Google's own OpenAI-compatibility layer maps low/medium/high to
 * 1K/8K/24K thinking tokens (ai.google.dev/gemini-api/docs/openai, "reasoning_effort"); 24576 is the
 * 2.5 Flash maximum and 512 sits inside both Flash (0..24576) and Pro (128..32768) ranges
 * (ai.google.dev/gemini-api/docs/thinking). includeThoughts returns thought summaries as `thought` parts.
 */
const THINKING_BUDGET = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const;

/**
 * OpenAI chat request -> Gemini generateContent body: system/developer messages become
 * `systemInstruction`, assistant becomes `model`, tool results become functionResponse parts
 * (named by the assistant call they answer), same-role turns are merged, and sampling options
 * go to `generationConfig` (JSON response formats set responseMimeType/responseSchema).
 * An assistant call's thought signature goes back on its functionCall part: the one the client
 * sent in Google's `extra_content.google.thought_signature`, else the one kept in `signatures`
 * (call id -> signature, from the state store).
 */
export function toGeminiRequest(
  req: ChatCompletionRequest,
  signatures: ReadonlyMap<string, string> = new Map(),
): GeminiRequest {
  const system: string[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  for (const msg of req.messages) {
    if (msg.role === "system" || msg.role === "developer") {
      system.push(contentText(msg.content));
      continue;
    }
    const parts: GeminiPart[] = [];
    if (msg.role === "tool") {
      parts.push({
        functionResponse: {
          name: callNames.get(msg.tool_call_id) ?? msg.tool_call_id,
          response: { content: contentText(msg.content) },
        },
      });
    } else if (typeof msg.content === "string") {
      if (msg.content.length > 0) parts.push({ text: msg.content });
    } else if (Array.isArray(msg.content)) {
      for (const p of msg.content)
        parts.push(p.type === "text" ? { text: p.text } : imagePart(p.image_url.url));
    }
    if (msg.role === "assistant")
      for (const call of msg.tool_calls ?? []) {
        callNames.set(call.id, call.function.name);
        let args: unknown = {};
        try {
          args = JSON.parse(call.function.arguments || "{}");
        } catch {
          args = {};
        }
        const signature = call.extra_content?.google?.thought_signature ?? signatures.get(call.id);
        parts.push({
          functionCall: { name: call.function.name, args },
          ...(signature ? { thoughtSignature: signature } : {}),
        });
      }
    if (parts.length === 0) continue;
    const role = msg.role === "assistant" ? "model" : "user";
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  const gen: Record<string, unknown> = {};
  const max = requestedMaxTokens(req);
  if (max != null) gen.maxOutputTokens = max;
  if (req.temperature != null) gen.temperature = req.temperature;
  if (req.top_p != null) gen.topP = req.top_p;
  if (req.stop != null) gen.stopSequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.n != null && req.n > 1) gen.candidateCount = req.n;
  if (req.seed != null) gen.seed = req.seed;
  if (req.presence_penalty != null) gen.presencePenalty = req.presence_penalty;
  if (req.frequency_penalty != null) gen.frequencyPenalty = req.frequency_penalty;
  if (req.reasoning_effort)
    gen.thinkingConfig = { thinkingBudget: THINKING_BUDGET[req.reasoning_effort], includeThoughts: true };
  if (req.response_format?.type === "json_object") gen.responseMimeType = "application/json";
  if (req.response_format?.type === "json_schema") {
    gen.responseMimeType = "application/json";
    if (req.response_format.json_schema.schema)
      gen.responseSchema = sanitizeSchema(req.response_format.json_schema.schema);
  }
  const out: GeminiRequest = { contents };
  const toolConfig = functionCallingConfig(req.tool_choice);
  if (toolConfig) out.toolConfig = { functionCallingConfig: toolConfig };
  if (system.length > 0) out.systemInstruction = { parts: [{ text: system.join("\n\n") }] };
  if (Object.keys(gen).length > 0) out.generationConfig = gen;
  if (req.tools?.length)
    out.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.function.name,
          description: t.function.description,
          parameters: t.function.parameters ? sanitizeSchema(t.function.parameters) : undefined,
        })),
      },
    ];
  return out;
}

/**
 * OpenAI `tool_choice` -> Gemini `functionCallingConfig` (ai.google.dev/gemini-api/docs/function-calling,
 * "Function calling modes"): auto -> AUTO, none -> NONE, required -> ANY, a named function -> ANY
 * restricted by `allowedFunctionNames`. Anything else is left to Gemini's default (AUTO).
 */
function functionCallingConfig(choice: unknown): GeminiFunctionCallingConfig | undefined {
  if (choice === "auto") return { mode: "AUTO" };
  if (choice === "none") return { mode: "NONE" };
  if (choice === "required") return { mode: "ANY" };
  const name = (choice as { function?: { name?: unknown } } | null)?.function?.name;
  if (typeof name === "string") return { mode: "ANY", allowedFunctionNames: [name] };
  return undefined;
}

/** Gemini finishReason -> OpenAI finish_reason. */
export function finishReason(reason: string | undefined): FinishReason | null {
  switch (reason) {
    case undefined:
    case "FINISH_REASON_UNSPECIFIED":
      return null;
    case "STOP":
      return "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content_filter";
    default:
      return "stop";
  }
}

export function usageOf(u: GeminiUsage | undefined): Usage {
  const prompt = u?.promptTokenCount ?? 0;
  // Thinking tokens are billed as output.
  const completion = (u?.candidatesTokenCount ?? 0) + (u?.thoughtsTokenCount ?? 0);
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u?.totalTokenCount ?? prompt + completion,
  };
  // Cached content travels on in OpenAI's shape, so accounting prices it at its own rate.
  if (u?.cachedContentTokenCount)
    Object.assign(usage, { prompt_tokens_details: { cached_tokens: u.cachedContentTokenCount } });
  return usage;
}

/**
 * A fresh prefix for the tool-call ids of one answer. Gemini calls have no ids, and the router
 * keys thought signatures by call id, so ids must not repeat across answers (`call_0_<name>`
 * would be every first call of every turn).
 */
export function newCallIdBase(): string {
  return randomBytes(6).toString("hex");
}

/** The assistant tool-call ids of `req` whose thought signature the client did not send itself. */
export function unsignedCallIds(req: ChatCompletionRequest): string[] {
  const ids: string[] = [];
  for (const msg of req.messages)
    if (msg.role === "assistant")
      for (const call of msg.tool_calls ?? [])
        if (!call.extra_content?.google?.thought_signature) ids.push(call.id);
  return ids;
}

/** Call id -> thought signature of the calls in an answer's tool_calls (or stream deltas). */
export function signaturesOf(
  calls: readonly Partial<Pick<ToolCall, "id" | "extra_content">>[],
): [string, string][] {
  const out: [string, string][] = [];
  for (const c of calls) {
    const sig = c.extra_content?.google?.thought_signature;
    if (c.id && sig) out.push([c.id, sig]);
  }
  return out;
}

function textAndCalls(parts: GeminiPart[] | undefined, idBase: string, callBase = 0) {
  let text = "";
  let reasoning = "";
  const calls: (ToolCall & { index: number })[] = [];
  for (const p of parts ?? []) {
    if ("text" in p && p.thought) reasoning += p.text;
    else if ("text" in p) text += p.text;
    else if ("functionCall" in p) {
      const index = callBase + calls.length;
      calls.push({
        index,
        id: `call_${idBase}_${index}`,
        type: "function",
        function: { name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}) },
        // Google's own OpenAI layer hands the signature out here; clients that echo it need no state.
        ...(p.thoughtSignature
          ? { extra_content: { google: { thought_signature: p.thoughtSignature } } }
          : {}),
      });
    }
  }
  return { text, reasoning, calls };
}

export function fromGeminiResponse(
  res: GeminiResponse,
  model: string,
  idBase: string = newCallIdBase(),
): ChatCompletion {
  return {
    id: `chatcmpl-${res.responseId ?? Date.now().toString(36)}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: (res.candidates ?? []).map((c, i) => {
      const { text, reasoning, calls } = textAndCalls(c.content?.parts, `${idBase}${i}`);
      return {
        index: c.index ?? i,
        message: {
          role: "assistant" as const,
          content: text.length > 0 || calls.length === 0 ? text : null,
          ...(calls.length > 0 ? { tool_calls: calls.map(({ index: _i, ...call }) => call) } : {}),
          // Thought summaries travel as `reasoning_content`, as llama-server and LiteLLM send them.
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: calls.length > 0 ? "tool_calls" : finishReason(c.finishReason),
        logprobs: null,
      };
    }),
    usage: usageOf(res.usageMetadata),
  };
}

/**
 * Turns one streamed GenerateContentResponse into OpenAI chunk choices. Gemini streams parallel
 * calls in separate events, so `callCounts` (per candidate, across the stream) numbers them on:
 * each call gets its own OpenAI `index`, and a finish after any call is `tool_calls`.
 */
export function chunkChoices(
  res: GeminiResponse,
  first: Set<number>,
  callCounts: Map<number, number> = new Map(),
  idBase: string = newCallIdBase(),
): ChatCompletionChunk["choices"] {
  return (res.candidates ?? []).map((c, i) => {
    const index = c.index ?? i;
    const { text, reasoning, calls } = textAndCalls(
      c.content?.parts,
      `${idBase}${index}`,
      callCounts.get(index) ?? 0,
    );
    const seen = (callCounts.get(index) ?? 0) + calls.length;
    callCounts.set(index, seen);
    const delta: ChatCompletionChunk["choices"][number]["delta"] & { reasoning_content?: string } = {};
    if (!first.has(index)) {
      first.add(index);
      delta.role = "assistant";
    }
    if (reasoning) delta.reasoning_content = reasoning;
    if (text) delta.content = text;
    if (calls.length > 0) delta.tool_calls = calls;
    const fr = seen > 0 && c.finishReason ? "tool_calls" : finishReason(c.finishReason);
    return { index, delta, finish_reason: fr, logprobs: null };
  });
}
