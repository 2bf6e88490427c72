import type { ChatCompletionRequest, CompletionRequest, EmbeddingsRequest, Usage } from "@llm/contracts";
import type { Response } from "express";
import type { AnswerCapture } from "../cache/answer-capture.js";
import type { InboundExchange, SseFrame } from "../inbound/shared/inbound-api.js";
import type { PolicyDecision } from "../policies/route.js";
import type { EndpointKind, RequestProfile } from "../routing/profile.js";
import type { Candidate } from "../routing/strategies.js";
import type { ClientSide } from "./abort.js";
import type { Outcome } from "./accounting.js";

export type AnyRequest = ChatCompletionRequest | CompletionRequest | EmbeddingsRequest;
/** A chat chunk, or an inbound API's stream item (ready `frames`; inbound/shared/inbound-api.ts). */
export type StreamChunk = { choices?: unknown[]; usage?: Usage | null; frames?: SseFrame[] };

/** Status code recorded for requests whose client went away (nginx's convention). */
export const CLIENT_CLOSED = 499;

/** One request on its way through the candidates. */
export interface AttemptInput {
  kind: EndpointKind;
  body: AnyRequest;
  /** An inbound API's exchange (`/v1/messages`, `/v1/responses`): it runs each attempt's call and translation. */
  exchange?: InboundExchange;
  profile: RequestProfile;
  candidates: Candidate[];
  /** Beyond the retry budget: tried only when the last attempt's verdict was `saturated`. */
  overflow?: Candidate;
  res: Response;
  client: ClientSide;
  propagate: Record<string, string>;
  outcome: Outcome;
  /** Where the response cache collects the answer to store (cache/answer-capture.ts); none: not stored. */
  capture?: AnswerCapture;
  /** The traffic policies' decision when the model is a group (split, fallback chain, group policy). */
  decision?: PolicyDecision;
  /** performance.now() when the request arrived, and the time spent waiting on upstreams since. */
  arrivedAt: number;
  upstreamMs: number;
}

/**
 * `x-router-overhead-ms`: the router's own share of the time so far (arrival to now, minus the
 * time spent waiting on upstreams), so clients can see what routing costs them.
 */
export function overheadMs(a: AttemptInput): string {
  return Math.max(0, performance.now() - a.arrivedAt - a.upstreamMs).toFixed(3);
}
