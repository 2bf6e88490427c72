/**
 * POST /v1/tokenize: the prompt tokens a request would cost here, rendered exactly as it would be
 * (chat template, tools documented the template's way, BOS counted), without generating. The
 * router's `/v1/messages/count_tokens` asks this for cluster targets. Body: a chat-completions body
 * (`messages`, optional `tools`/`tool_choice`; `model` optional) or `{"prompt": "..."}`; answer
 * `{"model", "prompt_tokens"}`, the same count `usage.prompt_tokens` would report.
 */
import { chatCompletionRequest, parseBody } from "@llm/contracts";
import type { RequestHandler } from "express";
import { z } from "zod";
import { renderChat } from "../../inference/prompt.js";
import { toolRequestOf } from "../../inference/tools/choice.js";
import { availableFunctions } from "../../inference/tools/plan.js";
import { type HandlerDeps, requireService } from "./context.js";

const promptBody = z.object({ model: z.string().optional(), prompt: z.string() }).strict();

export function tokenize(deps: HandlerDeps): RequestHandler {
  return (req, res) => {
    const service = requireService(deps.state);
    const { engine } = service;
    const raw = (req.body ?? {}) as Record<string, unknown>;
    let tokens: number;
    if (typeof raw === "object" && raw !== null && "prompt" in raw) {
      const body = parseBody(promptBody, raw);
      tokens = engine.completionInput(
        engine.model.tokenize(body.prompt, false, "trimLeadingSpace"),
      ).promptTokens;
    } else {
      // `model` is optional here: this process serves one model.
      const body = parseBody(chatCompletionRequest, { model: service.modelName, ...raw });
      const tools = toolRequestOf(body);
      const rendered = renderChat(
        engine.chatWrapper,
        engine.model,
        body.messages,
        tools && availableFunctions(tools),
      );
      tokens = engine.completionInput(rendered.tokens).promptTokens;
    }
    res.json({ model: service.modelName, prompt_tokens: tokens });
  };
}
