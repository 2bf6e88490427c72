/**
 * One chat or text-completion answer of the fake OpenAI server: validates the fields it reads,
 * draws the reply, waits as the reply says, and writes it as JSON or as OpenAI's SSE sequence.
 */
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { errorBody } from "@llm/contracts";
import { z } from "zod";
import { type Received, sendJson } from "../http/fake-server.js";
import { sseFrame } from "../http/sse.js";
import type { FakeMode, FakeToolCall } from "./options.js";
import type { Reply, ReplyInput } from "./replies.js";

/** Fields of a generation request the fake looks at; the rest passes (routers add their own). */
const generationBody = z
  .object({
    model: z.string().min(1),
    messages: z
      .array(z.object({ content: z.unknown() }).loose())
      .min(1)
      .optional(),
    prompt: z.unknown().optional(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).loose().nullish(),
    tools: z.array(z.unknown()).nullish(),
    tool_choice: z.unknown().optional(),
  })
  .loose();

/** What a generation needs from its server. */
export interface GenerationContext {
  /** Server name, in error messages. */
  name: string;
  /** Reported model; undefined: the request's. */
  model?: string;
  roleChunk: "separate" | "first-piece";
  /** Function calls answered when the request lists tools (options.ts `toolCalls`). */
  toolCalls?: FakeToolCall[];
  /** Reasoning text answered as `reasoning_content`. */
  reasoning?: string;
  /** Multiplies reply delays. */
  scale: number;
  reply(input: ReplyInput): Reply;
  /** Current fault mode (read per piece: `die-mid-stream`). */
  mode(): FakeMode;
  /** Request id for replies without `x-bench-request-id`. */
  nextId(): string;
  /** Counts a validated generation request. */
  counted(): void;
  /** Counts answered completion tokens. */
  answered(tokens: number): void;
}

function contentLength(content: unknown): number {
  if (typeof content === "string") return content.length;
  if (Array.isArray(content)) {
    return content.reduce((n: number, p) => n + (typeof p?.text === "string" ? p.text.length : 0), 0);
  }
  return 0;
}

export async function generate(
  ctx: GenerationContext,
  route: "chat" | "completion",
  rec: Received,
  res: ServerResponse,
): Promise<void> {
  const parsed = generationBody.safeParse(rec.body);
  const chat = route === "chat";
  if (!parsed.success || (chat && !parsed.data.messages)) {
    const issue = parsed.success ? { message: "required", path: ["messages"] } : parsed.error.issues[0];
    const param = issue?.path.join(".") || null;
    return sendJson(res, 400, errorBody(400, issue?.message ?? "invalid request", { param }));
  }
  const body = parsed.data;
  const messages = body.messages ?? [];
  ctx.counted();
  const r = ctx.reply({
    kind: route,
    text: chat ? messages[messages.length - 1]?.content : body.prompt,
    promptChars: chat ? messages.map((m) => contentLength(m.content)) : [contentLength(body.prompt)],
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    requestId: String(rec.headers["x-bench-request-id"] ?? ctx.nextId()),
  });
  const head = { id: r.id, created: r.created, model: ctx.model ?? body.model };
  const calls =
    chat && ctx.toolCalls && body.tools?.length && body.tool_choice !== "none"
      ? ctx.toolCalls.map((c, i) => ({ id: c.id ?? `call_${i}`, type: "function", function: c }))
      : undefined;
  if (calls) {
    r.finishReason = "tool_calls";
    r.pieces = [];
  }
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  if (r.firstMs > 0) await sleep(r.firstMs * ctx.scale);
  if (r.fail) return sendJson(res, 503, errorBody(503, `${ctx.name} is overloaded`, { code: "overloaded" }));
  if (!body.stream) {
    if (r.gapsMs) await sleep(r.gapsMs.reduce((a, b) => a + b, 0) * ctx.scale);
    ctx.answered(r.usage.completion_tokens);
    const text = r.pieces.join("");
    const finish_reason = r.finishReason;
    const message = {
      role: "assistant",
      content: calls ? null : text,
      ...(calls
        ? {
            tool_calls: calls.map((c) => ({
              ...c,
              function: { name: c.function.name, arguments: c.function.arguments },
            })),
          }
        : {}),
      ...(ctx.reasoning ? { reasoning_content: ctx.reasoning } : {}),
    };
    return sendJson(
      res,
      200,
      chat
        ? {
            ...head,
            object: "chat.completion",
            choices: [{ index: 0, message, finish_reason }],
            usage: r.usage,
          }
        : {
            ...head,
            object: "text_completion",
            choices: [{ index: 0, text, finish_reason, logprobs: null }],
            usage: r.usage,
          },
    );
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const object = chat ? "chat.completion.chunk" : "text_completion";
  const send = (choices: unknown[], extra: object = {}) =>
    res.write(sseFrame({ data: { ...head, object, choices, ...extra } }));
  const roleOnFirst = ctx.roleChunk === "first-piece";
  const choice = (text: string, finish: string | null, first = false) =>
    chat
      ? {
          index: 0,
          delta: finish
            ? {}
            : first && roleOnFirst
              ? { role: "assistant", content: text }
              : { content: text },
          finish_reason: finish,
        }
      : { index: 0, text, finish_reason: finish, logprobs: null };
  // As OpenAI streams: a role-only first chunk (chat), one chunk per piece, a finish chunk, the
  // usage chunk when asked for, then [DONE].
  if (chat && !roleOnFirst) {
    send([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
  }
  if (chat && ctx.reasoning)
    send([{ index: 0, delta: { reasoning_content: ctx.reasoning }, finish_reason: null }]);
  // Tool calls stream as OpenAI's do: a header delta (id, type, name), then argument fragments.
  for (const [index, c] of (calls ?? []).entries()) {
    const args = c.function.arguments;
    const half = Math.ceil(args.length / 2);
    send([
      {
        index: 0,
        delta: {
          tool_calls: [
            { index, id: c.id, type: "function", function: { name: c.function.name, arguments: "" } },
          ],
        },
        finish_reason: null,
      },
    ]);
    for (const part of [args.slice(0, half), args.slice(half)])
      if (part)
        send([
          {
            index: 0,
            delta: { tool_calls: [{ index, function: { arguments: part } }] },
            finish_reason: null,
          },
        ]);
  }
  for (const [i, text] of r.pieces.entries()) {
    if (i > 0) await (r.gapsMs ? sleep(r.gapsMs[i]! * ctx.scale) : new Promise((go) => setImmediate(go)));
    // After the wait, so the first piece has left before the connection drops.
    if (ctx.mode() === "die-mid-stream" && i === 1) {
      res.destroy();
      return;
    }
    if (closed) return;
    send([choice(text, null, i === 0)]);
    ctx.answered(1);
  }
  send([choice("", r.finishReason)]);
  if (body.stream_options?.include_usage) send([], { usage: r.usage });
  res.end(sseFrame({ data: "[DONE]" }));
}
