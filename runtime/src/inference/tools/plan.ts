/**
 * Tool calling for one chat request: which functions the template documents, and how decoding
 * is constrained (see choice.ts for the modes). `forced` decodes the call grammar from the first
 * token. `auto` and `none` decode freely with the format's call opener as a stop trigger: under
 * `none` the turn ends there; under `auto` the same sequence continues (its cache holds everything
 * so far) under the call grammar, which is llama-server's "lazy grammar" done in two steps.
 */
import { HttpError } from "@llm/contracts";
import { type ChatModelFunctions, type LlamaGrammar, LlamaText, SpecialTokensText } from "node-llama-cpp";
import type { CallSyntax } from "../../engine/call-syntax.js";
import type { Engine } from "../../engine/engine.js";
import type { GrammarCache, SchemaGrammar } from "../grammar.js";
import { checkJsonOutput } from "../schema/index.js";
import type { ToolRequest } from "./choice.js";
import { callGrammar } from "./grammar.js";
import { parseToolOutput } from "./parser.js";

/** What decoding needs beyond the plain chat path. */
export interface ToolDecoding {
  /** forced: the call grammar from the first token. */
  grammar?: LlamaGrammar;
  /** auto / none: the stop trigger that starts a call, and (auto) the grammar for the rest. */
  trigger?: { texts: LlamaText[]; plain: string; continuation?: LlamaGrammar };
}

export interface ToolPlan {
  syntax: CallSyntax;
  request: ToolRequest;
  decoding: ToolDecoding;
  /** Throws the client-facing error when a finished output's call is not valid for its function. */
  check(text: string): void;
}

const EMPTY_PARAMETERS = { type: "object", properties: {} };

/** The functions as the template documents them (name, description, JSON-schema parameters). */
export function availableFunctions(req: ToolRequest): ChatModelFunctions {
  const out: Record<string, { description?: string; params?: never }> = {};
  for (const t of req.tools) {
    out[t.function.name] = {
      description: t.function.description,
      params: (t.function.parameters ?? EMPTY_PARAMETERS) as never,
    };
  }
  return out;
}

/**
 * Where a call starts, as a stop trigger: the opener's first special piece (Mistral `[TOOL_CALLS]`),
 * or its leading tag (`<tool_call>` of `<tool_call>\n{"name": "`: the model may space the JSON after
 * it differently, and the grammar writes the rest exactly), else the whole opener. It is matched both
 * as text and as special tokens, since a model may write a tag as its token or as characters.
 */
function splitOpener(engine: Engine): {
  triggers: LlamaText[];
  triggerPlain: string;
  rest: string;
  plain: string;
} {
  const f = engine.chatWrapper.settings.functions;
  const opener = LlamaText([f.parallelism?.call.sectionPrefix ?? "", f.call.prefix]);
  const plain = engine.callSyntax.sectionPrefix + engine.callSyntax.prefix;
  const first = opener.values.find((v) => v !== "");
  let head = first instanceof SpecialTokensText && plain.startsWith(first.value) ? first.value : plain;
  const tag = head.startsWith("<") ? head.indexOf(">") : -1;
  if (tag > 0 && tag < head.length - 1) head = head.slice(0, tag + 1);
  const triggers = [LlamaText(head), LlamaText(new SpecialTokensText(head))];
  return { triggers, triggerPlain: head, rest: plain.slice(head.length), plain };
}

export async function planTools(engine: Engine, grammars: GrammarCache, req: ToolRequest): Promise<ToolPlan> {
  const syntax = engine.callSyntax;
  // Every tool's schema is compiled (and refused with a 400 naming it) even when the choice allows only one.
  const schemas: SchemaGrammar[] = await Promise.all(
    req.tools.map((t, i) =>
      grammars.forSchema(t.function.parameters ?? EMPTY_PARAMETERS, {
        strict: t.function.strict === true,
        param: `tools.${i}.function.parameters`,
      }),
    ),
  );
  const functions = req.allowed.map((i) => ({
    name: req.tools[i]?.function.name ?? "",
    arguments: schemas[i]?.grammar.grammar ?? "",
  }));
  const key = (lead: string) =>
    JSON.stringify([lead, req.parallel, functions.map((f) => [f.name, f.arguments])]);
  const build = (lead: string) =>
    grammars.forGbnf(key(lead), async () => callGrammar(syntax, functions, { lead, parallel: req.parallel }));

  const { triggers, triggerPlain, rest, plain } = splitOpener(engine);
  let decoding: ToolDecoding;
  if (req.mode === "forced") decoding = { grammar: await build(plain) };
  else if (req.mode === "auto")
    decoding = { trigger: { texts: triggers, plain: triggerPlain, continuation: await build(rest) } };
  else decoding = { trigger: { texts: triggers, plain: triggerPlain } };

  const byName = new Map(req.tools.map((t, i) => [t.function.name, i] as const));
  const check = (text: string) => {
    for (const call of parseToolOutput(syntax, text).calls) {
      const i = byName.get(call.name);
      const schema = i === undefined ? undefined : schemas[i];
      if (i === undefined || !schema || !req.allowed.includes(i)) {
        throw new HttpError(500, `The model called '${call.name}', which the request does not allow`, {
          code: "tool_call_invalid",
        });
      }
      checkJsonOutput(schema.compiled, call.arguments, `tools.${i}.function.parameters`);
    }
  };
  return { syntax, request: req, decoding, check };
}
