import { HttpError } from "@llm/contracts";

/** The request fields this runtime cannot honour, on chat and text completions alike. */
export interface UnsupportedFields {
  n?: number | null;
  logit_bias?: Record<string, number> | null;
  /** Chat only. */
  tools?: readonly unknown[];
  /** Text completions only. */
  suffix?: string | null;
  /** A boolean on chat, a count on text completions; either way truthy asks for them. */
  logprobs?: boolean | number | null;
}

/** One row per field, checked in this order: the first one a request uses is the one named. */
const RULES: readonly {
  param: keyof UnsupportedFields;
  used: (r: UnsupportedFields) => boolean;
  message: string;
}[] = [
  {
    param: "n",
    used: (r) => r.n != null && r.n > 1,
    message: "n > 1 is not supported; send one request per choice",
  },
  {
    param: "logit_bias",
    used: (r) => r.logit_bias != null && Object.keys(r.logit_bias).length > 0,
    message: "logit_bias is not supported by this runtime",
  },
  {
    param: "tools",
    used: (r) => r.tools != null && r.tools.length > 0,
    message: "tools are not supported by this runtime",
  },
  {
    param: "suffix",
    used: (r) => Boolean(r.suffix),
    message: "suffix (infill) is not supported by this runtime",
  },
  {
    param: "logprobs",
    used: (r) => Boolean(r.logprobs),
    message: "logprobs are not supported by this runtime",
  },
];

/** Rejects (400 unsupported_parameter, naming the field) features this runtime does not implement. */
export function rejectUnsupported(req: UnsupportedFields): void {
  for (const rule of RULES) {
    if (rule.used(req))
      throw new HttpError(400, rule.message, { param: rule.param, code: "unsupported_parameter" });
  }
}
