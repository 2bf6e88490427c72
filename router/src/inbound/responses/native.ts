import type { Usage } from "@llm/contracts";
import { nativeResponsesOf } from "../../providers/openai/index.js";
import type { CallContext } from "../../providers/types.js";
import type { Target } from "../../targets/target.js";
import type { InboundAnswer, InboundStreamItem, NativeRoute, SseFrame } from "../shared/inbound-api.js";
import { chatUsageOf, type ResponseObject, type ResponsesTurn } from "./response-object.js";
import type { ResponsesInputItem } from "./schema.js";

/** A turn as a native target gets it: the client's fields and the whole conversation as `input`. */
export interface NativeTurn extends ResponsesTurn {
  /** History and this request's input, as stored. */
  items: ResponsesInputItem[];
  /** Usage when the upstream reports none (prompt estimate, no output). */
  fallbackUsage: Usage;
}

/**
 * The items as OpenAI takes them with `store: false`: item ids refer to nothing stored upstream
 * (the router stores; the item may even come from another target), so messages, calls and call
 * outputs go without `id`; assistant messages go as plain text (EasyInputMessage); reasoning items
 * go only with their `encrypted_content` (that is how stateless reasoning continues at OpenAI),
 * a cluster's reasoning text is dropped.
 */
export function nativeInput(items: ResponsesInputItem[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (item.type === "reasoning") {
      if (item.encrypted_content) out.push(item);
      continue;
    }
    if (item.type === "function_call" || item.type === "function_call_output") {
      const { id: _, ...rest } = item;
      out.push(rest);
      continue;
    }
    const { id: _, status: _s, ...rest } = item;
    if (item.role === "assistant" && Array.isArray(item.content))
      out.push({
        ...rest,
        content: item.content
          .map((p) => (p.type === "refusal" ? p.refusal : "text" in p ? p.text : ""))
          .join(""),
      });
    else out.push(rest);
  }
  return out;
}

/**
 * The native request body: the client's fields but the router's own (storage, ids, metadata;
 * Codex's `client_metadata` is not an OpenAI API field and stays here too).
 */
export function nativeBody(turn: NativeTurn): Record<string, unknown> {
  const {
    previous_response_id: _p,
    metadata: _m,
    store: _s,
    stream: _st,
    background: _b,
    client_metadata: _c,
    ...rest
  } = turn.request;
  return { ...rest, input: nativeInput(turn.items) };
}

/** The upstream's Response as the router's: its `resp_` id, storage flag, chain and metadata. */
export function asRouterResponse(upstream: Record<string, unknown>, turn: ResponsesTurn): ResponseObject {
  return {
    ...(upstream as unknown as ResponseObject),
    id: turn.id,
    created_at: turn.createdAt,
    store: turn.store,
    previous_response_id: turn.request.previous_response_id ?? null,
    metadata: turn.request.metadata ?? {},
  };
}

/** What a native stream saw: the last sequence number written, and the final response. */
export interface NativeStreamState {
  lastSeq: number;
  final?: ResponseObject;
}

const FINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** OpenAI targets that speak the Responses API (providers/openai `nativeResponsesOf`). */
export function nativeRoute(state: NativeStreamState): NativeRoute<NativeTurn> {
  return {
    accepts: (t: Target) => nativeResponsesOf(t.adapter) !== undefined,
    async answer(t: Target, turn: NativeTurn, ctx: CallContext): Promise<InboundAnswer> {
      const upstream = await (
        nativeResponsesOf(t.adapter) as NonNullable<ReturnType<typeof nativeResponsesOf>>
      ).responses(nativeBody(turn), ctx);
      const body = asRouterResponse(upstream, turn);
      state.final = body;
      return { body, usage: chatUsageOf(body.usage) ?? turn.fallbackUsage };
    },
    async stream(t: Target, turn: NativeTurn, ctx: CallContext): Promise<AsyncIterable<InboundStreamItem>> {
      const native = nativeResponsesOf(t.adapter) as NonNullable<ReturnType<typeof nativeResponsesOf>>;
      const events = await native.responsesStream(nativeBody(turn), ctx);
      state.lastSeq = -1;
      state.final = undefined;
      return (async function* () {
        for await (const ev of events) {
          const data = ev.data;
          if (typeof data.sequence_number === "number") state.lastSeq = data.sequence_number;
          if (typeof data.response === "object" && data.response !== null)
            data.response = asRouterResponse(data.response as Record<string, unknown>, turn);
          const frames: SseFrame[] = [{ event: ev.type, data: JSON.stringify(data) }];
          if (FINAL.has(ev.type)) {
            state.final = data.response as ResponseObject;
            yield { frames, usage: chatUsageOf(state.final.usage) ?? turn.fallbackUsage };
          } else yield { frames };
        }
      })();
    },
  };
}
