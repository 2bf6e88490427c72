import { rawJsonOf } from "../providers/raw-json.js";
import type { StreamCollector } from "./replay-format.js";

/**
 * What an attempt hands the response cache of the answer it wrote: the JSON answer, or each
 * stream event and then `completed()` once the stream ended well (before `[DONE]`). A stream that
 * fails or whose client leaves never completes, so it is never stored.
 */
export interface AnswerCapture {
  json(result: object): void;
  event(chunk: unknown): void;
  completed(): void;
}

/** Collects one request's answer for storing; `text()` is the answer once complete. */
export class Capture implements AnswerCapture {
  private answerText?: string;
  private done = false;

  constructor(private readonly collector?: StreamCollector) {}

  json(result: object): void {
    // The bytes the upstream sent, when it was an OpenAI-wire JSON answer: a hit serves them unchanged.
    this.answerText = rawJsonOf(result)?.toString("utf8") ?? JSON.stringify(result);
    this.done = true;
  }

  event(chunk: unknown): void {
    this.collector?.add(chunk);
  }

  completed(): void {
    this.done = true;
  }

  /** The complete answer as JSON text; undefined when the answer did not complete. */
  text(): string | undefined {
    if (!this.done) return undefined;
    if (this.answerText !== undefined) return this.answerText;
    const a = this.collector?.answer();
    return a ? JSON.stringify(a) : undefined;
  }
}
