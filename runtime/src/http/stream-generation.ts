import type { Response } from "express";
import type { PreparedGeneration } from "../inference/service.js";
import { toHttpError } from "./errors.js";
import { type GenerationContext, usageInfo, usageOf } from "./handlers/context.js";
import { endSse, sendEvent, startSse } from "./sse.js";
import { recordGenAi } from "./tracing.js";

/** The events of one endpoint's stream format (chat chunks, text completion chunks). */
export interface StreamEvents {
  /** Sent once a sequence is leased, before any token; undefined sends nothing. */
  opening(): unknown;
  /** One piece of generated text. Called per token: build the event and nothing more. */
  delta(text: string): unknown;
  /** The event carrying the finish reason. */
  finish(reason: "stop" | "length"): unknown;
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
): Promise<void> {
  try {
    const r = await g.service.run(prepared, {
      ...g.run,
      onStart: () => {
        startSse(res);
        const opening = events.opening();
        if (opening !== undefined) sendEvent(res, opening);
      },
      onText: (text) => sendEvent(res, events.delta(text)),
    });
    recordGenAi(res, usageInfo(requestModel, g.model, r));
    sendEvent(res, events.finish(r.finishReason));
    if (events.usage) sendEvent(res, events.usage(usageOf(r)));
    endSse(res);
  } catch (err) {
    if (!res.headersSent) throw err;
    // Mid-stream failure: OpenAI clients surface an `error` event; the stream still terminates cleanly.
    sendEvent(res, toHttpError(err).toBody());
    endSse(res);
  }
}
