import { HttpError } from "@llm/contracts";

/** The request fields this runtime cannot honour, on chat and text completions alike. */
export interface UnsupportedFields {
  logit_bias?: Record<string, number> | null;
  /** Text completions only. */
  suffix?: string | null;
  /** A boolean on chat, a count on text completions; either way truthy asks for them. */
  logprobs?: boolean | number | null;
  /** Chat only. */
  top_logprobs?: number | null;
}

/**
 * Why no logprobs (checked in node-llama-cpp 3.22.1's typings): the decode path, LlamaCompletion (which
 * carries lockstep batching and decode-ahead), exposes no token probabilities; only the low-level
 * `LlamaContextSequence.evaluateWithMetadata` does, as the full-vocabulary distribution *after*
 * sampling options per token, which is neither cheap nor OpenAI's logprobs.
 */
const LOGPROBS_MESSAGE =
  "logprobs are not supported by this runtime: its engine (node-llama-cpp's completion path) does not expose token probabilities";

/** One row per field, checked in this order: the first one a request uses is the one named. */
const RULES: readonly {
  param: keyof UnsupportedFields;
  used: (r: UnsupportedFields) => boolean;
  message: string;
}[] = [
  {
    param: "logit_bias",
    used: (r) => r.logit_bias != null && Object.keys(r.logit_bias).length > 0,
    message: "logit_bias is not supported by this runtime",
  },
  {
    param: "suffix",
    used: (r) => Boolean(r.suffix),
    message: "suffix (infill) is not supported by this runtime",
  },
  {
    param: "logprobs",
    used: (r) => Boolean(r.logprobs),
    message: LOGPROBS_MESSAGE,
  },
  {
    param: "top_logprobs",
    used: (r) => r.top_logprobs != null && r.top_logprobs > 0,
    message: LOGPROBS_MESSAGE,
  },
];

/** Rejects (400 unsupported_parameter, naming the field) features this runtime does not implement. */
export function rejectUnsupported(req: UnsupportedFields): void {
  for (const rule of RULES) {
    if (rule.used(req))
      throw new HttpError(400, rule.message, { param: rule.param, code: "unsupported_parameter" });
  }
}
