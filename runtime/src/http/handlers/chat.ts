import {
  type ChatCompletion,
  type ChatCompletionChunk,
  chatCompletionRequest,
  parseBody,
} from "@llm/contracts";
import type { RequestHandler } from "express";
import { choiceCount, choicesUsage, runChoices } from "../../inference/choices.js";
import { streamGeneration } from "../stream-generation.js";
import { recordGenAi } from "../tracing.js";
import { ToolDeltaStream, toolCallMessage } from "./chat-tool-calls.js";
import { type HandlerDeps, startGeneration, usageInfo, usageOf } from "./context.js";

/** POST /v1/chat/completions, plain and streamed (SSE, OpenAI chunk format). */
export function chatCompletions(deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(chatCompletionRequest, req.body);
    const g = startGeneration(deps, res, "chatcmpl");
    const n = choiceCount(body.n, g.service.engine.info.parallel);
    const prepared = await g.service.prepareChat(body);
    const { id, created, model } = g;

    if (!body.stream) {
      const results = await runChoices(g.service, prepared, n, g.run);
      const usage = choicesUsage(results);
      const finishReason = results[0]?.finishReason ?? null;
      recordGenAi(res, usageInfo(body.model, model, { ...usage, finishReason }));
      const response: ChatCompletion = {
        id,
        object: "chat.completion",
        created,
        model,
        choices: results.map((r, index) => {
          if (!prepared.tools) {
            return {
              index,
              message: { role: "assistant", content: r.text, refusal: null },
              finish_reason: r.finishReason,
              logprobs: null,
            };
          }
          const { message, finishReason, calls } = toolCallMessage(prepared.tools, r.text, r.finishReason);
          deps.metrics.toolCalls.inc(calls);
          return { index, message, finish_reason: finishReason, logprobs: null };
        }),
        usage: usageOf(usage),
      };
      res.json(response);
      return;
    }

    const includeUsage = body.stream_options?.include_usage === true;
    const { tools } = prepared;
    const toolStreams = tools && Array.from({ length: n }, () => new ToolDeltaStream(tools));
    const chunk = (
      delta: ChatCompletionChunk["choices"][0]["delta"],
      finish: ChatCompletionChunk["choices"][0]["finish_reason"],
      index: number,
    ) => {
      const c: ChatCompletionChunk = {
        id,
        object: "chat.completion.chunk",
        created,
        model,
        choices: [{ index, delta, finish_reason: finish, logprobs: null }],
      };
      if (includeUsage) c.usage = null;
      return c;
    };
    await streamGeneration(
      res,
      g,
      prepared,
      body.model,
      {
        opening: (index) => chunk({ role: "assistant", content: "" }, null, index),
        delta: toolStreams
          ? (text, index) => toolStreams[index]?.push(text).map((d) => chunk(d, null, index))
          : (text, index) => chunk({ content: text }, null, index),
        finish: (reason, index) => {
          const stream = toolStreams?.[index];
          if (!stream) return chunk({}, reason, index);
          const end = stream.end(reason);
          deps.metrics.toolCalls.inc(end.calls);
          return [...end.deltas.map((d) => chunk(d, null, index)), chunk({}, end.finishReason, index)];
        },
        usage: includeUsage
          ? (usage) => ({ id, object: "chat.completion.chunk", created, model, choices: [], usage })
          : undefined,
      },
      n,
    );
  };
}
