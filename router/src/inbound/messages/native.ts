import type { Usage } from "@llm/contracts";
import { type AnthropicNative, anthropicNativeOf } from "../../providers/anthropic/native.js";
import { type AnthropicUsage, openAIUsage } from "../../providers/anthropic/translate.js";
import type { CallContext } from "../../providers/types.js";
import type { Target } from "../../targets/target.js";
import type { InboundStreamItem, NativeRoute } from "../shared/inbound-api.js";

/** One `/v1/messages` request as a native target gets it. */
export interface MessagesCall {
  /** The client's body exactly as it came (validated, never rewritten but for `model`). */
  raw: Record<string, unknown>;
  /** anthropic-beta / anthropic-version to send on (betas.ts nativeHeaders). */
  headers: Record<string, string>;
}

function nativeOf(target: Target): AnthropicNative {
  const n = anthropicNativeOf(target.adapter);
  if (!n) throw new Error(`${target.name} does not speak the Messages API`);
  return n;
}

/** The client's body with the target's model name (alias mapping), and nothing else changed. */
const bodyFor = (call: MessagesCall, ctx: CallContext) => ({ ...call.raw, model: ctx.upstreamModel });

/**
 * Anthropic targets get `/v1/messages` as it came: the body but for the model, the client's betas
 * and version, and the answer or events relayed unchanged (their usage read on the way for the
 * ledger, budgets and cost).
 */
export function nativeMessages<Req extends { call: MessagesCall }>(): NativeRoute<Req> {
  return {
    accepts: (target) => anthropicNativeOf(target.adapter) !== undefined,
    async answer(target, req, ctx) {
      const res = await nativeOf(target).messages(bodyFor(req.call, ctx), ctx, req.call.headers);
      return { body: res, usage: openAIUsage(res.usage ?? {}) };
    },
    async stream(target, req, ctx) {
      const events = await nativeOf(target).messagesStream(bodyFor(req.call, ctx), ctx, req.call.headers);
      return relay(events);
    },
  };
}

async function* relay(
  events: AsyncIterable<{ event?: string; data: string }>,
): AsyncGenerator<InboundStreamItem> {
  const usage: AnthropicUsage = {};
  let reported = false;
  for await (const ev of events) {
    let type = ev.event;
    let final: Usage | undefined;
    try {
      const data = JSON.parse(ev.data) as {
        type?: string;
        message?: { usage?: AnthropicUsage };
        usage?: AnthropicUsage;
      };
      type ??= data.type;
      if (data.type === "message_start") Object.assign(usage, data.message?.usage);
      else if (data.type === "message_delta") Object.assign(usage, data.usage);
      else if (data.type === "message_stop") final = openAIUsage(usage);
    } catch {
      // Not JSON: relayed all the same, it says nothing about usage.
    }
    const frames = [type === undefined ? { data: ev.data } : { event: type, data: ev.data }];
    if (final) reported = true;
    yield final ? { frames, usage: final } : { frames };
  }
  if (!reported) yield { frames: [], usage: openAIUsage(usage) };
}
