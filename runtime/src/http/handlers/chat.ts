import { randomUUID } from "node:crypto";
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  chatCompletionRequest,
  parseBody,
} from "@llm/contracts";
import type { RequestHandler } from "express";
import { toHttpError } from "../errors.js";
import { endSse, sendEvent, startSse } from "../sse.js";
import { recordGenAi } from "../tracing.js";
import {
  clientSignal,
  type HandlerDeps,
  nowSeconds,
  receivedAt,
  requireService,
  usageInfo,
} from "./context.js";

/** POST /v1/chat/completions, plain and streamed (SSE, OpenAI chunk format). */
export function chatCompletions(deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(chatCompletionRequest, req.body);
    const service = requireService(deps.state);
    const prepared = await service.prepareChat(body);
    const id = `chatcmpl-${randomUUID()}`;
    const created = nowSeconds();
    const model = service.modelName;
    const signal = clientSignal(res);

    if (!body.stream) {
      const r = await service.run(prepared, { signal, receivedAt: receivedAt(res) });
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
        usage: {
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          total_tokens: r.promptTokens + r.completionTokens,
        },
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
    try {
      const r = await service.run(prepared, {
        signal,
        receivedAt: receivedAt(res),
        // Headers go out only once a sequence is leased, so a full queue is still a real HTTP 429.
        onStart: () => {
          startSse(res);
          sendEvent(res, chunk({ role: "assistant", content: "" }, null));
        },
        onText: (text) => sendEvent(res, chunk({ content: text }, null)),
      });
      recordGenAi(res, usageInfo(body.model, model, r));
      sendEvent(res, chunk({}, r.finishReason));
      if (includeUsage) {
        const usage = {
          prompt_tokens: r.promptTokens,
          completion_tokens: r.completionTokens,
          total_tokens: r.promptTokens + r.completionTokens,
        };
        sendEvent(res, { id, object: "chat.completion.chunk", created, model, choices: [], usage });
      }
      endSse(res);
    } catch (err) {
      if (!res.headersSent) throw err;
      // Mid-stream failure: OpenAI clients surface an `error` event; the stream still terminates cleanly.
      sendEvent(res, toHttpError(err).toBody());
      endSse(res);
    }
  };
}
