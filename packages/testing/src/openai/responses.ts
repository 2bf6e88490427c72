/**
 * The fake OpenAI server's `POST /v1/responses` (OpenAI's Responses API): echoes the last user
 * text (`echo: <text>`) as one `message` item, as JSON or as the typed event stream, so a router
 * test can assert what a native pass-through sent (the request is recorded in `received` like any
 * other). Shapes follow openai-node 6.30 src/resources/responses/responses.ts (Response,
 * ResponseStreamEvent).
 */
import type { ServerResponse } from "node:http";
import { type Received, sendJson } from "../http/fake-server.js";
import { sse } from "../http/sse.js";

/** What the fake answers with: the model it reports (undefined: the request's) and an id counter. */
export interface FakeResponsesContext {
  model?: string;
  nextId(): string;
}

/** The text of the last user message of a Responses `input` (a string, or items with parts). */
function lastUserText(input: unknown): string {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return "";
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as { role?: unknown; content?: unknown };
    if (item?.role !== "user") continue;
    if (typeof item.content === "string") return item.content;
    if (Array.isArray(item.content))
      return item.content
        .map((p: { text?: unknown }) => (typeof p?.text === "string" ? p.text : ""))
        .join("");
  }
  return "";
}

export function answerResponses(ctx: FakeResponsesContext, rec: Received, res: ServerResponse): void {
  const body = rec.body;
  const n = ctx.nextId();
  const text = `echo: ${lastUserText(body.input)}`;
  const model = ctx.model ?? String(body.model);
  const message = {
    type: "message",
    id: `msg_upstream_${n}`,
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text, annotations: [], logprobs: [] }],
  };
  const usage = {
    input_tokens: 9,
    input_tokens_details: { cached_tokens: 4 },
    output_tokens: 3,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 12,
  };
  const response = (status: string, output: unknown[], u: unknown) => ({
    id: `resp_upstream_${n}`,
    object: "response",
    created_at: 1,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    model,
    output,
    parallel_tool_calls: true,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: 1,
    usage: u,
  });
  if (body.stream !== true) {
    sendJson(res, 200, response("completed", [message], usage));
    return;
  }
  let seq = 0;
  const ev = (type: string, fields: object) => ({
    event: type,
    data: { type, sequence_number: seq++, ...fields },
  });
  const ids = { item_id: message.id, output_index: 0, content_index: 0 };
  const part = { type: "output_text", text: "", annotations: [], logprobs: [] };
  sse(res, [
    ev("response.created", { response: response("in_progress", [], null) }),
    ev("response.in_progress", { response: response("in_progress", [], null) }),
    ev("response.output_item.added", {
      output_index: 0,
      item: { ...message, status: "in_progress", content: [] },
    }),
    ev("response.content_part.added", { ...ids, part }),
    ev("response.output_text.delta", { ...ids, delta: text, logprobs: [] }),
    ev("response.output_text.done", { ...ids, text, logprobs: [] }),
    ev("response.content_part.done", { ...ids, part: { ...part, text } }),
    ev("response.output_item.done", { output_index: 0, item: message }),
    ev("response.completed", { response: response("completed", [message], usage) }),
  ]);
}
