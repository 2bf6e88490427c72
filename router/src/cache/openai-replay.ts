import type { ChatCompletion, ChatCompletionChunk, TextCompletion, Usage } from "@llm/contracts";
import { asUsage } from "../forward/usage.js";
import { type ReplayEvent, registerReplayFormat, type StreamCollector } from "./replay-format.js";

/**
 * Replay formats of the OpenAI chat and text completions endpoints: a stored answer goes out as
 * the chunks OpenAI would send (role, content and tool calls, finish reason, the usage chunk when
 * `stream_options.include_usage` asked for it, then `[DONE]`), and a streamed miss is folded back
 * into the `chat.completion` / `text_completion` object its chunks describe.
 */

interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

interface ChoiceState {
  /** String fields of the deltas (content, reasoning_content, refusal …), concatenated. */
  text: Record<string, string>;
  toolCalls: Map<number, { id?: string; type: string; function: { name: string; arguments: string } }>;
  finish: string | null;
}

type ChunkHead = Pick<ChatCompletionChunk, "id" | "created" | "model"> & { system_fingerprint?: string };

function chatCollector(): StreamCollector {
  let head: ChunkHead | undefined;
  let usage: Usage | undefined;
  const choices = new Map<number, ChoiceState>();
  return {
    add(event) {
      const c = event as ChatCompletionChunk & { system_fingerprint?: string };
      head ??= { id: c.id, created: c.created, model: c.model, system_fingerprint: c.system_fingerprint };
      usage = asUsage(c.usage) ?? usage;
      for (const ch of c.choices ?? []) {
        const st: ChoiceState = choices.get(ch.index) ?? { text: {}, toolCalls: new Map(), finish: null };
        choices.set(ch.index, st);
        for (const [k, v] of Object.entries(ch.delta ?? {})) {
          if (k === "role" || typeof v !== "string") continue;
          st.text[k] = (st.text[k] ?? "") + v;
        }
        for (const raw of (ch.delta?.tool_calls ?? []) as ToolCallDelta[]) {
          const i = raw.index ?? 0;
          const tc = st.toolCalls.get(i) ?? { type: "function", function: { name: "", arguments: "" } };
          st.toolCalls.set(i, tc);
          if (raw.id) tc.id = raw.id;
          if (raw.type) tc.type = raw.type;
          tc.function.name += raw.function?.name ?? "";
          tc.function.arguments += raw.function?.arguments ?? "";
        }
        if (ch.finish_reason) st.finish = ch.finish_reason;
      }
    },
    answer() {
      if (!head || choices.size === 0) return undefined;
      // A chat.completion (ChatCompletion of @llm/contracts), built field by field from the chunks.
      const answer: Record<string, unknown> = {
        id: head.id,
        object: "chat.completion",
        created: head.created,
        model: head.model,
        choices: [...choices.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, st]) => ({
            index,
            message: {
              role: "assistant",
              ...st.text,
              content: st.text.content ?? null,
              ...(st.toolCalls.size
                ? { tool_calls: [...st.toolCalls.entries()].sort(([a], [b]) => a - b).map(([, t]) => t) }
                : {}),
            },
            finish_reason: st.finish,
          })),
        ...(usage ? { usage } : {}),
      };
      if (head.system_fingerprint) answer.system_fingerprint = head.system_fingerprint;
      return answer;
    },
  };
}

function* chatReplay(stored: object, opts: { includeUsage: boolean }): Iterable<ReplayEvent> {
  const a = stored as ChatCompletion & { system_fingerprint?: string };
  const base = {
    id: a.id,
    object: "chat.completion.chunk",
    created: a.created,
    model: a.model,
    ...(a.system_fingerprint ? { system_fingerprint: a.system_fingerprint } : {}),
  };
  const chunk = (choices: unknown[], usage?: Usage) => ({
    data: JSON.stringify({ ...base, choices, ...(usage ? { usage } : {}) }),
  });
  yield chunk(
    a.choices.map((c) => ({
      index: c.index,
      delta: { role: "assistant", content: "" },
      finish_reason: null,
    })),
  );
  for (const c of a.choices) {
    const {
      role: _role,
      tool_calls,
      ...fields
    } = c.message as ChatCompletion["choices"][number]["message"] & Record<string, unknown>;
    const delta: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) if (typeof v === "string" && v !== "") delta[k] = v;
    if (tool_calls?.length) delta.tool_calls = tool_calls.map((t, index) => ({ index, ...(t as object) }));
    if (Object.keys(delta).length) yield chunk([{ index: c.index, delta, finish_reason: null }]);
  }
  yield chunk(
    a.choices.map((c) => ({ index: c.index, delta: {}, finish_reason: c.finish_reason ?? "stop" })),
  );
  if (opts.includeUsage && a.usage) yield chunk([], a.usage);
  yield { data: "[DONE]" };
}

function completionsCollector(): StreamCollector {
  let head: Pick<TextCompletion, "id" | "created" | "model"> | undefined;
  let usage: Usage | undefined;
  const choices = new Map<number, { text: string; finish: string | null }>();
  return {
    add(event) {
      const c = event as TextCompletion;
      head ??= { id: c.id, created: c.created, model: c.model };
      usage = asUsage(c.usage) ?? usage;
      for (const ch of c.choices ?? []) {
        const st = choices.get(ch.index) ?? { text: "", finish: null };
        st.text += ch.text ?? "";
        if (ch.finish_reason) st.finish = ch.finish_reason;
        choices.set(ch.index, st);
      }
    },
    answer() {
      if (!head || choices.size === 0) return undefined;
      return {
        ...head,
        object: "text_completion",
        choices: [...choices.entries()]
          .sort(([a], [b]) => a - b)
          .map(([index, st]) => ({ index, text: st.text, finish_reason: st.finish, logprobs: null })),
        ...(usage ? { usage } : {}),
      };
    },
  };
}

function* completionsReplay(stored: object, opts: { includeUsage: boolean }): Iterable<ReplayEvent> {
  const a = stored as TextCompletion;
  const base = { id: a.id, object: "text_completion", created: a.created, model: a.model };
  for (const c of a.choices)
    yield {
      data: JSON.stringify({
        ...base,
        choices: [{ index: c.index, text: c.text, finish_reason: c.finish_reason ?? "stop", logprobs: null }],
      }),
    };
  if (opts.includeUsage && a.usage) yield { data: JSON.stringify({ ...base, choices: [], usage: a.usage }) };
  yield { data: "[DONE]" };
}

registerReplayFormat("chat", { collector: chatCollector, replay: chatReplay });
registerReplayFormat("completions", { collector: completionsCollector, replay: completionsReplay });
