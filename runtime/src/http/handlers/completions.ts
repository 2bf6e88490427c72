import { completionRequest, HttpError, parseBody, type TextCompletion } from "@llm/contracts";
import type { RequestHandler } from "express";
import { choiceCount, runChoices } from "../../inference/choices.js";
import { streamGeneration } from "../stream-generation.js";
import { recordGenAi } from "../tracing.js";
import { type HandlerDeps, startGeneration, usageInfo, usageOf } from "./context.js";

/** POST /v1/completions (legacy text completions); several prompts run one after another on one request. */
export function completions(deps: HandlerDeps): RequestHandler {
  return async (req, res) => {
    const body = parseBody(completionRequest, req.body);
    const g = startGeneration(deps, res, "cmpl");
    const prompts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
    if (body.stream && prompts.length > 1) {
      throw new HttpError(400, "Streaming supports a single prompt", {
        param: "prompt",
        code: "unsupported_parameter",
      });
    }
    const n = choiceCount(body.n, g.service.engine.info.parallel);
    // Validate every prompt before any work so a bad one does not waste a sequence.
    const prepared = prompts.map((p) => g.service.prepareCompletion(body, p));
    const { id, created, model } = g;
    const echo = body.echo === true;

    if (!body.stream) {
      const choices: TextCompletion["choices"] = [];
      let promptTokens = 0;
      let completionTokens = 0;
      for (const [promptIndex, p] of prepared.entries()) {
        // OpenAI numbers choices prompt by prompt: prompt k's choices are k*n .. k*n+n-1.
        const results = await runChoices(g.service, p, n, g.run);
        for (const [i, r] of results.entries()) {
          choices.push({
            index: promptIndex * n + i,
            text: echo ? `${prompts[promptIndex]}${r.text}` : r.text,
            finish_reason: r.finishReason,
            logprobs: null,
          });
          completionTokens += r.completionTokens;
        }
        promptTokens += results[0]?.promptTokens ?? 0;
        const finishReason = results[0]?.finishReason ?? null;
        recordGenAi(res, usageInfo(body.model, model, { promptTokens, completionTokens, finishReason }));
      }
      const response: TextCompletion = {
        id,
        object: "text_completion",
        created,
        model,
        choices,
        usage: usageOf({ promptTokens, completionTokens }),
      };
      res.json(response);
      return;
    }

    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (text: string, finish: "stop" | "length" | null, index: number) => ({
      id,
      object: "text_completion",
      created,
      model,
      choices: [{ index, text, finish_reason: finish, logprobs: null }],
      ...(includeUsage ? { usage: null } : {}),
    });
    await streamGeneration(
      res,
      g,
      prepared[0] as (typeof prepared)[0],
      body.model,
      {
        opening: (index) => (echo ? chunk(prompts[0] ?? "", null, index) : undefined),
        delta: (text, index) => chunk(text, null, index),
        finish: (reason, index) => chunk("", reason, index),
        usage: includeUsage
          ? (usage) => ({ id, object: "text_completion", created, model, choices: [], usage })
          : undefined,
      },
      n,
    );
  };
}
