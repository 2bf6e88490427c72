import { randomUUID } from "node:crypto";
import { completionRequest, HttpError, parseBody, type TextCompletion } from "@llm/contracts";
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

/** POST /v1/completions (legacy text completions); several prompts run one after another on one request. */
export function completions(deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(completionRequest, req.body);
    const service = requireService(deps.state);
    const prompts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
    if (body.stream && prompts.length > 1) {
      throw new HttpError(400, "Streaming supports a single prompt", {
        param: "prompt",
        code: "unsupported_parameter",
      });
    }
    // Validate every prompt before any work so a bad one does not waste a sequence.
    const prepared = prompts.map((p) => service.prepareCompletion(body, p));
    const id = `cmpl-${randomUUID()}`;
    const created = nowSeconds();
    const model = service.modelName;
    const signal = clientSignal(res);
    const echo = body.echo === true;

    if (!body.stream) {
      const choices: TextCompletion["choices"] = [];
      let promptTokens = 0;
      let completionTokens = 0;
      for (const [index, p] of prepared.entries()) {
        const r = await service.run(p, { signal, receivedAt: receivedAt(res) });
        choices.push({
          index,
          text: echo ? `${prompts[index]}${r.text}` : r.text,
          finish_reason: r.finishReason,
          logprobs: null,
        });
        promptTokens += r.promptTokens;
        completionTokens += r.completionTokens;
        recordGenAi(
          res,
          usageInfo(body.model, model, { promptTokens, completionTokens, finishReason: r.finishReason }),
        );
      }
      const response: TextCompletion = {
        id,
        object: "text_completion",
        created,
        model,
        choices,
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      };
      res.json(response);
      return;
    }

    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (text: string, finish: "stop" | "length" | null) => ({
      id,
      object: "text_completion",
      created,
      model,
      choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const first = prepared[0] as (typeof prepared)[0];
    try {
      const r = await service.run(first, {
        signal,
        receivedAt: receivedAt(res),
        onStart: () => {
          startSse(res);
          if (echo) sendEvent(res, chunk(prompts[0] ?? "", null));
        },
        onText: (text) => sendEvent(res, chunk(text, null)),
      });
      recordGenAi(res, usageInfo(body.model, model, r));
      sendEvent(res, chunk("", r.finishReason));
      if (includeUsage) {
        sendEvent(res, {
          id,
          object: "text_completion",
          created,
          model,
          choices: [],
          usage: {
            prompt_tokens: r.promptTokens,
            completion_tokens: r.completionTokens,
            total_tokens: r.promptTokens + r.completionTokens,
          },
        });
      }
      endSse(res);
    } catch (err) {
      if (!res.headersSent) throw err;
      sendEvent(res, toHttpError(err).toBody());
      endSse(res);
    }
  };
}
