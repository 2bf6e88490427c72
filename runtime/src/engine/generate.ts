import type { LlamaGrammar, LlamaText, Token } from "node-llama-cpp";
import type { Slot } from "./engine.js";
import { StopStringMatcher } from "./stop-strings.js";

/** A validated request turned into engine input, ready to run once a slot is free. */
export interface PreparedGeneration {
  /** Prompt tokens without the BOS that LlamaCompletion prepends (see Engine.completionInput). */
  input: Token[];
  /** The prompt exactly as the sequence will hold it (BOS included), for cache affinity. */
  evaluated: Token[];
  /** Prompt tokens as counted for usage and metrics (`evaluated.length`). */
  promptTokens: number;
  /** Hard cap on generated tokens, already fitted to the context. */
  maxTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  /** The chat template's end-of-turn triggers (node-llama-cpp matches these on tokens). */
  stop: (string | LlamaText)[];
  /** Client stop strings, matched on the decoded text (see StopStringMatcher); empty = none. */
  stopStrings?: string[];
  /** Grammar that constrains the output (response_format json). */
  grammar?: LlamaGrammar;
  /** Checks a finished (not truncated) text against the response format's schema; throws the client's error. */
  checkOutput?: (text: string) => void;
  /**
   * A second step on the same sequence when generation stops on `trigger` (tool calling's `auto`:
   * free text until the call opener, then the call grammar). Without `grammar` the trigger just ends
   * the turn (`tool_choice: "none"`). See InferenceService.run.
   */
  continuation?: { triggers: LlamaText[]; triggerText: string; grammar?: LlamaGrammar };
  /** presence/frequency penalties mapped to node-llama-cpp's repeat penalty; undefined = off. */
  penalties?: { presencePenalty?: number; frequencyPenalty?: number };
}

/** How one run is driven: its abort signal and where its text goes. */
export interface GenerateControl {
  /** Aborts generation at once (client gone, timeout, shutdown); generate() then rejects with its reason. */
  signal: AbortSignal;
  /** Called with each piece of text as soon as it is final (stop strings held back). */
  onText?: (text: string) => void;
}

export interface GenerateResult {
  text: string;
  completionTokens: number;
  finishReason: "stop" | "length";
  /** The custom stop trigger that ended generation, as text (special tokens rendered). */
  stopTrigger?: string;
}

/** Runs one generation on a leased slot. */
export async function generate(
  slot: Slot,
  p: PreparedGeneration,
  control: GenerateControl,
): Promise<GenerateResult> {
  const meter = slot.sequence.tokenMeter;
  const before = meter.usedOutputTokens;
  // Only requests with stop strings pay for the matcher and a second signal; the common path is as before.
  const matcher =
    p.stopStrings && p.stopStrings.length > 0
      ? new StopStringMatcher(p.stopStrings, control.onText)
      : undefined;
  const stopper = matcher ? new AbortController() : undefined;
  const onTextChunk =
    matcher && stopper
      ? (text: string) => {
          if (matcher.push(text)) stopper.abort();
        }
      : control.onText;
  await slot.decodeAhead?.begin(slot.sequenceId, p.maxTokens);
  slot.barrier?.begin(slot.sequenceId);
  let res: Awaited<ReturnType<typeof slot.completion.generateCompletionWithMeta>>;
  try {
    res = await slot.completion.generateCompletionWithMeta(p.input, {
      maxTokens: p.maxTokens,
      temperature: p.temperature,
      topP: p.topP,
      seed: p.seed,
      grammar: p.grammar,
      customStopTriggers: p.stop.length > 0 ? p.stop : undefined,
      signal: stopper ? AbortSignal.any([control.signal, stopper.signal]) : control.signal,
      // A matched stop string aborts `stopper`: LlamaCompletion then returns after that token instead of throwing.
      stopOnAbortSignal: stopper !== undefined,
      // The request was sized to fit, so the context never needs shifting (shifting would silently drop the prompt's start).
      disableContextShift: true,
      contextShiftSize: 0,
      repeatPenalty: p.penalties
        ? {
            lastTokens: 64,
            penalty: 1,
            presencePenalty: p.penalties.presencePenalty,
            frequencyPenalty: p.penalties.frequencyPenalty,
          }
        : false,
      onTextChunk,
    });
  } finally {
    slot.barrier?.end(slot.sequenceId);
    await slot.decodeAhead?.end(slot.sequenceId);
  }
  if (matcher) {
    if (control.signal.aborted) throw control.signal.reason;
    if (!matcher.stopped) matcher.flush();
  }
  // Logit-producing evaluations on this sequence = tokens the model generated (stop-string tokens included).
  const completionTokens = Math.max(0, meter.usedOutputTokens - before);
  const meta = res.metadata;
  const stopTrigger =
    meta.stopReason === "customStopTrigger" && !matcher?.stopped
      ? meta.customStopTrigger
          .map((t) => (typeof t === "string" ? t : slot.sequence.model.detokenize([t], true)))
          .join("")
      : undefined;
  return {
    stopTrigger,
    text: matcher?.stopped ? matcher.text : res.response,
    completionTokens: Math.min(completionTokens, p.maxTokens),
    finishReason: res.metadata.stopReason === "maxTokens" && !matcher?.stopped ? "length" : "stop",
  };
}
