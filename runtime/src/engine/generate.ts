import type { LlamaGrammar, LlamaText, Token } from "node-llama-cpp";
import type { Slot } from "./engine.js";

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
  /** Client stop strings plus the chat template's end-of-turn triggers. */
  stop: (string | LlamaText)[];
  /** Grammar that constrains the output (response_format json). */
  grammar?: LlamaGrammar;
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
}

/** Runs one generation on a leased slot. */
export async function generate(
  slot: Slot,
  p: PreparedGeneration,
  control: GenerateControl,
): Promise<GenerateResult> {
  const meter = slot.sequence.tokenMeter;
  const before = meter.usedOutputTokens;
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
      signal: control.signal,
      stopOnAbortSignal: false,
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
      onTextChunk: control.onText,
    });
  } finally {
    slot.barrier?.end(slot.sequenceId);
    await slot.decodeAhead?.end(slot.sequenceId);
  }
  // Logit-producing evaluations on this sequence = tokens the model generated (stop-string tokens included).
  const completionTokens = Math.max(0, meter.usedOutputTokens - before);
  return {
    text: res.response,
    completionTokens: Math.min(completionTokens, p.maxTokens),
    finishReason: res.metadata.stopReason === "maxTokens" ? "length" : "stop",
  };
}
