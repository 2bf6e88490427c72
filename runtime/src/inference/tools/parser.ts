/**
 * Reads tool calls out of a model's raw output, incrementally, in the call syntax of its template
 * (syntax.ts). Text before the first call is content; each call is announced once its name is
 * complete, then its JSON arguments stream as they are written, the way OpenAI streams
 * `delta.tool_calls` (id and name first, `arguments` fragments after). The end of the arguments is
 * found by JSON nesting, not by the suffix, so an argument string that contains the suffix text
 * cannot end a call early.
 */
import { randomBytes } from "node:crypto";
import type { CallSyntax } from "../../engine/call-syntax.js";

export type ToolOutputEvent =
  | { type: "text"; text: string }
  | { type: "call"; index: number; id: string; name: string }
  | { type: "arguments"; index: number; text: string };

/** An OpenAI-style call id: `call_` and 24 random alphanumerics. */
export function newCallId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let id = "call_";
  for (const b of randomBytes(24)) id += alphabet[b % alphabet.length];
  return id;
}

/** The length of the longest suffix of `text` that is a proper prefix of `marker` (what may still become it). */
function partialMatch(text: string, marker: string): number {
  for (let n = Math.min(text.length, marker.length - 1); n > 0; n--) {
    if (marker.startsWith(text.slice(text.length - n))) return n;
  }
  return 0;
}

type State = "text" | "name" | "arguments" | "after";

export class ToolCallStream {
  private buffer = "";
  private state: State = "text";
  private calls = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private readonly opener: string;
  private readonly nameEnd: string;

  constructor(
    private readonly syntax: CallSyntax,
    private readonly makeId: () => string = newCallId,
  ) {
    this.opener = syntax.sectionPrefix + syntax.prefix;
    // A params prefix may repeat the name (`{{functionName}}`): the name ends where its literal head does.
    this.nameEnd = syntax.paramsPrefix.split("{{functionName}}")[0] ?? "";
  }

  /** How many calls have been announced so far. */
  get callCount(): number {
    return this.calls;
  }

  push(text: string): ToolOutputEvent[] {
    this.buffer += text;
    const events: ToolOutputEvent[] = [];
    for (;;) {
      const { length } = this.buffer;
      const state = this.state;
      this.step(events, false);
      if (this.buffer.length === length && this.state === state) return events;
    }
  }

  /** The output ended: content held back (a possible call opener that never completed) is released. */
  end(): ToolOutputEvent[] {
    const events: ToolOutputEvent[] = [];
    this.step(events, true);
    if (this.state === "text" && this.buffer.length > 0) {
      events.push({ type: "text", text: this.buffer });
      this.buffer = "";
    }
    return events;
  }

  private step(events: ToolOutputEvent[], final: boolean): void {
    if (this.state === "text") this.readText(events, final);
    else if (this.state === "name") this.readName(events);
    else if (this.state === "arguments") this.readArguments(events);
    else this.readAfter();
  }

  private readText(events: ToolOutputEvent[], final: boolean): void {
    const at = this.opener === "" ? -1 : this.buffer.indexOf(this.opener);
    if (at >= 0) {
      let content = this.buffer.slice(0, at);
      if (this.syntax.optionalPrefixSpace) content = content.replace(/\s+$/, "");
      if (content) events.push({ type: "text", text: content });
      this.buffer = this.buffer.slice(at + this.opener.length);
      this.state = "name";
      return;
    }
    if (final) return;
    // Hold back what may still become the opener, and trailing whitespace that would precede it.
    let keep = partialMatch(this.buffer, this.opener);
    const head = this.buffer.slice(0, this.buffer.length - keep);
    const trimmed = head.replace(/\s+$/, "");
    keep += head.length - trimmed.length;
    if (trimmed) events.push({ type: "text", text: trimmed });
    this.buffer = this.buffer.slice(this.buffer.length - keep);
  }

  private readName(events: ToolOutputEvent[]): void {
    const at = this.nameEnd === "" ? -1 : this.buffer.indexOf(this.nameEnd);
    if (at < 0) return;
    const name = this.buffer.slice(0, at).trim();
    this.buffer = this.buffer.slice(at + this.nameEnd.length);
    events.push({ type: "call", index: this.calls, id: this.makeId(), name });
    this.state = "arguments";
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.started = false;
  }

  private readArguments(events: ToolOutputEvent[]): void {
    let i = 0;
    let from = -1;
    let done = false;
    for (; i < this.buffer.length && !done; i++) {
      const ch = this.buffer[i] as string;
      if (!this.started) {
        // Whatever the params prefix still holds (a repeated name, a newline) comes before the JSON.
        if (ch !== "{" && ch !== "[") continue;
        this.started = true;
        from = i;
      } else if (from < 0) from = i;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === "\\") this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') this.inString = true;
      else if (ch === "{" || ch === "[") this.depth++;
      else if (ch === "}" || ch === "]") {
        this.depth--;
        if (this.depth === 0) done = true;
      }
    }
    if (from >= 0 && i > from)
      events.push({ type: "arguments", index: this.calls, text: this.buffer.slice(from, i) });
    this.buffer = this.buffer.slice(i);
    if (done) {
      this.calls++;
      this.state = "after";
    }
  }

  /** After a call: its suffix, then the next call's prefix or the end of the section (dropped). */
  private readAfter(): void {
    const at = this.buffer.indexOf(this.syntax.prefix);
    if (at >= 0) {
      this.buffer = this.buffer.slice(at + this.syntax.prefix.length);
      this.state = "name";
      return;
    }
    this.buffer = this.buffer.slice(this.buffer.length - partialMatch(this.buffer, this.syntax.prefix));
  }
}

/** A finished output split into content and calls (the non-streamed answer). */
export function parseToolOutput(
  syntax: CallSyntax,
  text: string,
  makeId?: () => string,
): { content: string; calls: { id: string; name: string; arguments: string }[] } {
  const stream = new ToolCallStream(syntax, makeId);
  let content = "";
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const e of [...stream.push(text), ...stream.end()]) {
    if (e.type === "text") content += e.text;
    else if (e.type === "call") calls.push({ id: e.id, name: e.name, arguments: "" });
    else {
      const call = calls[e.index];
      if (call) call.arguments += e.text;
    }
  }
  return { content, calls };
}
