import {
  type ChatCompletion,
  type ChatCompletionChunk,
  chatCompletionRequest,
  parseBody,
} from "@llm/contracts";
import type { RequestHandler } from "express";
import { streamGeneration } from "../stream-generation.js";
import { recordGenAi } from "../tracing.js";
import { type HandlerDeps, startGeneration, usageInfo, usageOf } from "./context.js";

/** POST /v1/chat/completions, plain and streamed (SSE, OpenAI chunk format). */
export function chatCompletions(deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(chatCompletionRequest, req.body);
    const g = startGeneration(deps, res, "chatcmpl");
    const prepared = await g.service.prepareChat(body);
    const { id, created, model } = g;

    if (!body.stream) {
      const r = await g.service.run(prepared, g.run);
      recordGenAi(res, usageInfo(body.model, model, r));
      const response: ChatCompletion = {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: r.text, refusal: null },
            finish_reason: r.finishReason,
            logprobs: null,
          },
        ],
        usage: usageOf(r),
      };
      res.json(response);
      return;
    }

    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (
      delta: ChatCompletionChunk["choices"][0]["delta"],
      finish: ChatCompletionChunk["choices"][0]["finish_reason"],
    ) => {
      const c: ChatCompletionChunk = {
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      };
      if (includeUsage) c.usage = null;
      return c;
    };
    await streamGeneration(res, g, prepared, body.model, {
      opening: () => chunk({ role: "assistant", content: "" }, null),
      delta: (text) => chunk({ content: text }, null),
      finish: (reason) => chunk({}, reason),
      usage: includeUsage
        ? (usage) => ({ id, object: "chat.completion.chunk", created, model, choices: [], usage })
        : undefined,
    });
  };
}
