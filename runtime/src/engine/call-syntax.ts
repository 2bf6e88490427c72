/**
 * A chat template's function-call syntax as plain text, read from node-llama-cpp's chat wrapper
 * settings (`settings.functions`): e.g. Qwen 2.5 / Hermes `<tool_call>\n{"name": "f", "arguments": {…}}\n</tool_call>`,
 * Llama 3.1 `<function=f>{…}</function>`, Mistral `[TOOL_CALLS][{"name": "f", "arguments": {…}}, …]`,
 * Functionary v3 `>>>f\n{…}`. The same text drives the decoding grammar (grammar.ts) and the parser
 * (parser.ts), so what the grammar makes the model write is exactly what the parser reads.
 */
import { type ChatWrapper, LlamaText, SpecialToken, SpecialTokensText } from "node-llama-cpp";

export interface CallSyntax {
  /** Before the first call of a turn (Mistral `[TOOL_CALLS][`); "" when calls are not grouped. */
  sectionPrefix: string;
  /** Before each call's name. */
  prefix: string;
  /** Between the name and the JSON arguments; `{{functionName}}` is replaced by the name. */
  paramsPrefix: string;
  /** After the JSON arguments, up to (not including) an end-of-generation token. */
  suffix: string;
  /** Between two calls of one turn. */
  betweenCalls: string;
  /** After the last call, up to an end-of-generation token. */
  sectionSuffix: string;
  /** The model may write one space before `prefix`. */
  optionalPrefixSpace: boolean;
  /** Several calls per turn are possible: the format has a section and the suffix does not end the turn. */
  parallel: boolean;
}

/** The text of a special-token piece before its first end-of-generation token, or undefined when it starts with one. */
export type EogCut = (special: string) => { text: string; ended: boolean };

type Part = string | LlamaText | undefined;

/** The text of one syntax part up to an end-of-generation token (which ends the model's turn, so no grammar can hold it). */
function partText(part: Part, cut: EogCut): { text: string; ended: boolean } {
  if (part === undefined) return { text: "", ended: false };
  let text = "";
  for (const v of LlamaText(part).values) {
    if (typeof v === "string") text += v;
    else if (v instanceof SpecialTokensText) {
      const c = cut(v.value);
      text += c.text;
      if (c.ended) return { text, ended: true };
    } else if (v instanceof SpecialToken) return { text, ended: true };
  }
  return { text, ended: false };
}

/** The wrapper's call syntax, with end-of-generation tokens found by `cut` (the model's tokenizer in production). */
export function callSyntaxOf(wrapper: ChatWrapper, cut: EogCut): CallSyntax {
  const f = wrapper.settings.functions;
  const suffix = partText(f.call.suffix, cut);
  const section = f.parallelism?.call;
  const sectionSuffix = partText(section?.sectionSuffix, cut);
  return {
    sectionPrefix: partText(section?.sectionPrefix, cut).text,
    prefix: partText(f.call.prefix, cut).text,
    paramsPrefix: partText(f.call.paramsPrefix, cut).text,
    suffix: suffix.text,
    betweenCalls: partText(section?.betweenCalls, cut).text,
    sectionSuffix: sectionSuffix.text,
    optionalPrefixSpace: f.call.optionalPrefixSpace,
    parallel: section !== undefined && !suffix.ended,
  };
}

/**
 * Wrappers whose models were trained on their function-call format. Any other wrapper (a generic
 * Jinja or ChatML template) gets node-llama-cpp's documented fallback syntax (`||call: f(…)`): calls
 * still decode under the grammar, as llama-server's "generic" format does, but the model never learnt
 * it, so the runtime does not advertise the `tools` capability for it.
 */
const NATIVE_TOOL_WRAPPERS = new Set([
  "Qwen",
  "Llama 3.1",
  "Llama 3.2 lightweight",
  "Mistral",
  "Functionary",
  "DeepSeek",
  "Seed",
]);

/** Whether the model's own template has a function-call format (reported as the `tools` capability). */
export function nativeToolSupport(wrapper: ChatWrapper): boolean {
  if (NATIVE_TOOL_WRAPPERS.has(wrapper.wrapperName)) return true;
  // node-llama-cpp's Jinja wrapper detects a template's own call syntax ("auto" function call
  // message template); when it found one, its settings differ from the generic fallback.
  return (
    wrapper.wrapperName === "JinjaTemplate" &&
    !LlamaText(wrapper.settings.functions.call.prefix).toString().includes("||call:")
  );
}
