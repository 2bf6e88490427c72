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
  /**
   * One piece of choice `index`'s text. Called per token: build the event and nothing more. An
   * array is several events (a tool-call parser may turn one piece into a content and a call delta).
   */
  delta(text: string, index: number): unknown;
  /** The event(s) carrying a choice's finish reason. */
  finish(reason: "stop" | "length", index: number): unknown;
  /** The usage-only event at the end (`stream_options.include_usage`); absent = not sent. */
  usage?: (usage: ReturnType<typeof usageOf>) => unknown;
}

/** Sends one event, each of an array's events, or nothing for undefined. */
function sendEvents(res: Response, events: unknown): void {
  if (events === undefined) return;
  if (Array.isArray(events)) for (const e of events) sendEvent(res, e);
  else sendEvent(res, events);
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
      onText: (index, text) => sendEvents(res, events.delta(text, index)),
      onDone: (index, r) => sendEvents(res, events.finish(r.finishReason, index)),
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
