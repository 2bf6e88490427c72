/**
 * The decoding grammar of a tool call: the template's call syntax (syntax.ts) around each allowed
 * function's name and its arguments' JSON-schema grammar (the schema-to-grammar module), so a call
 * can only name an offered function and its arguments can only be JSON of that function's schema.
 * This is llama-server's approach (github:ggml-org/llama.cpp common/chat.cpp builds a grammar per
 * format from the tools' schemas), written against node-llama-cpp's GBNF (grammars/README.md).
 */

import type { CallSyntax } from "../../engine/call-syntax.js";
import { embedGrammar, gbnfLiteral } from "./gbnf.js";

/** At most this many calls in one turn: a bound on what an untrained or looping model can emit. */
export const MAX_PARALLEL_CALLS = 8;

export interface FunctionGrammar {
  name: string;
  /** GBNF of the arguments (node-llama-cpp's JSON-schema grammar text, start rule `root`). */
  arguments: string;
}

export interface CallGrammarOptions {
  /** Literal text the output starts with: the whole opener when calling from the first token, the rest of it after a trigger. */
  lead: string;
  /** Allow up to MAX_PARALLEL_CALLS calls (the format must support it). */
  parallel: boolean;
}

function withName(template: string, name: string): string {
  return template.replaceAll("{{functionName}}", name);
}

/** The GBNF text of one turn of calls. */
export function callGrammar(
  syntax: CallSyntax,
  functions: readonly FunctionGrammar[],
  opts: CallGrammarOptions,
): string {
  if (functions.length === 0) throw new Error("a call grammar needs at least one function");
  const lines: string[] = [];
  const fnRules = functions.map((f, i) => {
    const args = `fn${i}-args-`;
    lines.push(embedGrammar(f.arguments, args));
    const parts = [gbnfLiteral(f.name), gbnfLiteral(withName(syntax.paramsPrefix, f.name)), `${args}root`];
    const suffix = withName(syntax.suffix, f.name);
    if (suffix) parts.push(gbnfLiteral(suffix));
    lines.push(`fn${i} ::= ${parts.join(" ")}`);
    return `fn${i}`;
  });
  lines.push(`call ::= ${fnRules.length === 1 ? fnRules[0] : `( ${fnRules.join(" | ")} )`}`);
  const head = opts.lead ? `${gbnfLiteral(opts.lead)} ` : "";
  const more =
    opts.parallel && syntax.parallel
      ? ` ( ${gbnfLiteral(syntax.betweenCalls + syntax.prefix)} call ){0,${MAX_PARALLEL_CALLS - 1}}`
      : "";
  const tail = syntax.sectionSuffix ? ` ${gbnfLiteral(syntax.sectionSuffix)}` : "";
  lines.unshift(`root ::= ${head}call${more}${tail}`);
  return lines.join("\n");
}
