import type { ChatCompletionChunk, Usage } from "@llm/contracts";
import type { ChunkTranslator, SseFrame } from "../shared/inbound-api.js";
import { functionCallItem } from "./from-chat.js";
import {
  type FunctionCallItem,
  newItemId,
  type OutputItem,
  type OutputMessage,
  type ReasoningItem,
  type ResponseObject,
  type ResponsesTurn,
  responseShell,
  responseUsage,
  statusOf,
} from "./response-object.js";

/** A chat stream delta, with the fields translations add beyond OpenAI's (`reasoning_content`). */
interface Delta {
  content?: string | null;
  reasoning_content?: string | null;
  tool_calls?: { index?: number; id?: string; function?: { name?: string; arguments?: string } }[];
}

/**
 * Turns one attempt's chat stream into the Responses API's typed events, in the order and with
 * the fields OpenAI sends them (openai-node 6.30 ResponseStreamEvent and lib/responses/
 * ResponseStream.ts, whose accumulator builds `finalResponse()` from exactly these):
 * `response.created`, `response.in_progress`; per output item `response.output_item.added`,
 * for text and reasoning `response.content_part.added`, the deltas
 * (`response.output_text.delta`, `response.reasoning_text.delta`,
 * `response.function_call_arguments.delta`), their `.done`, `response.content_part.done`,
 * `response.output_item.done`; then `response.completed` (or `response.incomplete` when the
 * answer hit `max_output_tokens`). Every event carries `sequence_number`, from 0.
 */
export class ResponsesStreamTranslator implements ChunkTranslator {
  private seq = 0;
  private started = false;
  private readonly output: OutputItem[] = [];
  /** The item receiving text or reasoning deltas now (only one is open at a time). */
  private open?: { item: OutputMessage | ReasoningItem; index: number; text: string };
  /** Function calls by their chat stream `index`. */
  private readonly calls = new Map<number, { item: FunctionCallItem; index: number; done: boolean }>();
  private finish: string | null = null;
  /** The final Response object, once `end` wrote it (for storage). */
  final?: ResponseObject;

  constructor(
    private readonly turn: ResponsesTurn,
    private readonly model: string,
  ) {}

  private frame(type: string, fields: object): SseFrame {
    return { event: type, data: JSON.stringify({ type, sequence_number: this.seq++, ...fields }) };
  }

  private start(out: SseFrame[]): void {
    if (this.started) return;
    this.started = true;
    const shell = responseShell(this.turn, this.model, "in_progress");
    out.push(this.frame("response.created", { response: shell }));
    out.push(this.frame("response.in_progress", { response: shell }));
  }

  private add(item: OutputItem, out: SseFrame[]): number {
    const index = this.output.length;
    this.output.push(item);
    // The added item is a snapshot: the client's accumulator fills it from the deltas.
    out.push(this.frame("response.output_item.added", { output_index: index, item: structuredClone(item) }));
    return index;
  }

  /** Opens a message or reasoning item and its one content part. */
  private openText(kind: "message" | "reasoning", out: SseFrame[]): NonNullable<typeof this.open> {
    if (this.open && this.open.item.type === kind) return this.open;
    this.closeText(out);
    const item: OutputMessage | ReasoningItem =
      kind === "message"
        ? { type: "message", id: newItemId("msg"), status: "in_progress", role: "assistant", content: [] }
        : { type: "reasoning", id: newItemId("rs"), summary: [], content: [] };
    const index = this.add(item, out);
    const part =
      kind === "message"
        ? { type: "output_text", text: "", annotations: [], logprobs: [] }
        : { type: "reasoning_text", text: "" };
    out.push(
      this.frame("response.content_part.added", {
        item_id: item.id,
        output_index: index,
        content_index: 0,
        part,
      }),
    );
    this.open = { item, index, text: "" };
    return this.open;
  }

  private closeText(out: SseFrame[]): void {
    const o = this.open;
    if (!o) return;
    this.open = undefined;
    const ids = { item_id: o.item.id, output_index: o.index, content_index: 0 };
    if (o.item.type === "message") {
      const part = { type: "output_text" as const, text: o.text, annotations: [], logprobs: [] };
      out.push(this.frame("response.output_text.done", { ...ids, text: o.text, logprobs: [] }));
      out.push(this.frame("response.content_part.done", { ...ids, part }));
      o.item.content = [part];
      o.item.status = "completed";
    } else {
      const part = { type: "reasoning_text" as const, text: o.text };
      out.push(this.frame("response.reasoning_text.done", { ...ids, text: o.text }));
      out.push(this.frame("response.content_part.done", { ...ids, part }));
      o.item.content = [part];
    }
    out.push(this.frame("response.output_item.done", { output_index: o.index, item: o.item }));
  }

  private closeCall(c: { item: FunctionCallItem; index: number; done: boolean }, out: SseFrame[]): void {
    if (c.done) return;
    c.done = true;
    c.item.status = "completed";
    out.push(
      this.frame("response.function_call_arguments.done", {
        item_id: c.item.id,
        output_index: c.index,
        name: c.item.name,
        arguments: c.item.arguments,
      }),
    );
    out.push(this.frame("response.output_item.done", { output_index: c.index, item: c.item }));
  }

  chunk(c: ChatCompletionChunk): SseFrame[] {
    const out: SseFrame[] = [];
    this.start(out);
    const choice = c.choices?.[0];
    if (!choice) return out;
    const d = (choice.delta ?? {}) as Delta;
    if (d.reasoning_content) {
      const o = this.openText("reasoning", out);
      o.text += d.reasoning_content;
      const ids = { item_id: o.item.id, output_index: o.index, content_index: 0 };
      out.push(this.frame("response.reasoning_text.delta", { ...ids, delta: d.reasoning_content }));
    }
    if (d.content) {
      const o = this.openText("message", out);
      o.text += d.content;
      const ids = { item_id: o.item.id, output_index: o.index, content_index: 0 };
      out.push(this.frame("response.output_text.delta", { ...ids, delta: d.content, logprobs: [] }));
    }
    for (const [k, tc] of (d.tool_calls ?? []).entries()) {
      const key = tc.index ?? k;
      let call = this.calls.get(key);
      if (!call) {
        this.closeText(out);
        // A new call ends the one before it (OpenAI streams calls one after another).
        for (const prev of this.calls.values()) this.closeCall(prev, out);
        const item = { ...functionCallItem(tc.id, tc.function?.name, ""), status: "in_progress" as const };
        call = { item, index: this.add(item, out), done: false };
        this.calls.set(key, call);
      } else if (tc.function?.name && !call.item.name) call.item.name = tc.function.name;
      const piece = tc.function?.arguments;
      if (piece) {
        call.item.arguments += piece;
        out.push(
          this.frame("response.function_call_arguments.delta", {
            item_id: call.item.id,
            output_index: call.index,
            delta: piece,
          }),
        );
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  end(usage: Usage): SseFrame[] {
    const out: SseFrame[] = [];
    this.start(out);
    this.closeText(out);
    for (const c of this.calls.values()) this.closeCall(c, out);
    if (this.output.length === 0) {
      // An empty answer is still one (empty) message, as the JSON path gives.
      this.openText("message", out);
      this.closeText(out);
    }
    const { status, incomplete_details } = statusOf(this.finish);
    const response: ResponseObject = {
      ...responseShell(this.turn, this.model, status),
      incomplete_details,
      output: this.output,
      usage: responseUsage(usage),
    };
    this.final = response;
    out.push(this.frame(status === "completed" ? "response.completed" : "response.incomplete", { response }));
    return out;
  }

  /**
   * The frames ending the stream after a failure past its first byte: `response.failed` (its
   * response carries `error`, so clients that read it, Codex among them, see why) and the
   * `error` event (`code`, `message`, `param`; ResponseErrorEvent).
   */
  failed(code: string, message: string, param: string | null): SseFrame[] {
    const out: SseFrame[] = [];
    this.start(out);
    // The item cut short keeps what it had, marked incomplete (no closing events: it never finished).
    const o = this.open;
    if (o?.item.type === "message") {
      o.item.content = [{ type: "output_text", text: o.text, annotations: [], logprobs: [] }];
      o.item.status = "incomplete";
    } else if (o) o.item.content = [{ type: "reasoning_text", text: o.text }];
    for (const c of this.calls.values()) if (!c.done) c.item.status = "incomplete";
    const response: ResponseObject = {
      ...responseShell(this.turn, this.model, "failed"),
      error: { code, message },
      output: this.output,
    };
    out.push(this.frame("response.failed", { response }));
    out.push(this.frame("error", { code, message, param }));
    return out;
  }
}
