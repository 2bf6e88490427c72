import type { Response } from "express";
import { choicesUsage, runChoices } from "../inference/choices.js";
import type { PreparedGeneration } from "../inference/service.js";
import { toHttpError } from "./errors.js";
import { type GenerationContext, usageInfo, usageOf } from "./handlers/context.js";
import { endSse, sendEvent, startSse } from "./sse.js";
import { recordGenAi } from "./tracing.js";

/** The events of one endpoint's stream format (chat chunks, text completion chunks). */
export interface StreamEvents {
  /** Sent for each choice once the first sequence is leased, before any token; undefined sends nothing. */
  opening(index: number): unknown;
  /** One piece of choice `index`'s text. Called per token: build the event and nothing more. */
  delta(text: string, index: number): unknown;
  /** The event carrying a choice's finish reason. */
  finish(reason: "stop" | "length", index: number): unknown;
  /** The usage-only event at the end (`stream_options.include_usage`); absent = not sent. */
  usage?: (usage: ReturnType<typeof usageOf>) => unknown;
}

/**
 * Runs one prepared generation as an SSE stream: headers go out only once a sequence is leased, so
 * a full queue is still a real HTTP 429; a failure after that becomes an `error` event and the
 * stream still ends with `[DONE]`.
 */
export async function streamGeneration(
  res: Response,
  g: GenerationContext,
  prepared: PreparedGeneration,
  requestModel: string,
  events: StreamEvents,
  /** Choices (`n`), each streamed under its own `index`. */
  n = 1,
): Promise<void> {
  try {
    const results = await runChoices(g.service, prepared, n, g.run, {
      onStart: () => {
        startSse(res);
        for (let i = 0; i < n; i++) {
          const opening = events.opening(i);
          if (opening !== undefined) sendEvent(res, opening);
        }
      },
      onText: (index, text) => sendEvent(res, events.delta(text, index)),
      onDone: (index, r) => sendEvent(res, events.finish(r.finishReason, index)),
    });
    const usage = choicesUsage(results);
    recordGenAi(
      res,
      usageInfo(requestModel, g.model, { ...usage, finishReason: results[0]?.finishReason ?? null }),
    );
    if (events.usage) sendEvent(res, events.usage(usageOf(usage)));
    endSse(res);
  } catch (err) {
    if (!res.headersSent) throw err;
    // Mid-stream failure: OpenAI clients surface an `error` event; the stream still terminates cleanly.
    sendEvent(res, toHttpError(err).toBody());
    endSse(res);
  }
}
