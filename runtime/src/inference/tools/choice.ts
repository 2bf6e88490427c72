/** `tools` + `tool_choice` + `parallel_tool_calls` of a chat request, checked and resolved to what decoding does. */
import { type ChatCompletionRequest, type ChatTool, HttpError } from "@llm/contracts";

export interface ToolRequest {
  tools: readonly ChatTool[];
  /**
   * `none`: the model may not call (generation stops if it starts a call); `auto`: free text until the
   * format's call opener appears, then the call grammar; `forced`: the call grammar from the first
   * token (`required`, or one named function).
   */
  mode: "none" | "auto" | "forced";
  /** Indexes into `tools` a call may name. */
  allowed: readonly number[];
  /** Several calls in one turn (unless `parallel_tool_calls: false`). */
  parallel: boolean;
}

/** Resolves the request's tool fields, or undefined when it offers none; 400 naming the field on bad input. */
export function toolRequestOf(req: ChatCompletionRequest): ToolRequest | undefined {
  const tools = req.tools ?? [];
  const choice = req.tool_choice;
  if (tools.length === 0) {
    if (choice !== undefined && choice !== "none" && choice !== "auto")
      throw new HttpError(400, "tool_choice requires tools", { param: "tool_choice", code: "invalid_value" });
    return undefined;
  }
  const seen = new Map<string, number>();
  tools.forEach((t, i) => {
    if (seen.has(t.function.name)) {
      throw new HttpError(400, `Duplicate function name '${t.function.name}'`, {
        param: `tools.${i}.function.name`,
        code: "invalid_value",
      });
    }
    seen.set(t.function.name, i);
  });
  const parallel = req.parallel_tool_calls !== false;
  const all = tools.map((_, i) => i);
  if (choice === undefined || choice === "auto") return { tools, mode: "auto", allowed: all, parallel };
  if (choice === "none") return { tools, mode: "none", allowed: all, parallel };
  if (choice === "required") return { tools, mode: "forced", allowed: all, parallel };
  const index = seen.get(choice.function.name);
  if (index === undefined) {
    throw new HttpError(400, `tool_choice names '${choice.function.name}', which is not in tools`, {
      param: "tool_choice.function.name",
      code: "invalid_value",
    });
  }
  // A named function is one call of that function (as OpenAI answers it).
  return { tools, mode: "forced", allowed: [index], parallel: false };
}
