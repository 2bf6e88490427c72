import { type FakeServer, startFake } from "../http/fake-server.js";
import { sse } from "../http/sse.js";

/**
 * A fake Anthropic Messages API (`/v1/messages`, `/v1/messages/count_tokens`; every request is
 * kept in `received`, body and headers, so tests assert what was forwarded). It refuses requests without `x-api-key` / `anthropic-version`
 * (as the real one does) and answers with the real event sequence when `stream` is set.
 */
export function startFakeAnthropic(
  opts: {
    stopReason?: string;
    tool?: boolean;
    /** Name of the tool_use block (default get_weather). */
    toolName?: string;
    /** When set, the reply starts with a thinking block carrying this text. */
    thinking?: string;
    /** What `/v1/messages/count_tokens` answers as `input_tokens` (default 42). */
    countTokens?: number;
    /**
     * Refuse, as Anthropic does with thinking enabled, an assistant turn with tool_use that does not
     * start with a thinking block (docs.anthropic.com "Extended thinking", preserving thinking blocks).
     */
    requireThinkingOnToolUse?: boolean;
  } = {},
): Promise<FakeServer> {
  const toolName = opts.toolName ?? "get_weather";
  // Content blocks are numbered in order, so a leading thinking block shifts the others.
  const base = opts.thinking ? 1 : 0;
  return startFake((req, res) => {
    if (req.url === "/v1/messages/count_tokens" && req.headers["x-api-key"]) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ input_tokens: opts.countTokens ?? 42 }));
      return;
    }
    if (req.url !== "/v1/messages") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "no route" } }));
      return;
    }
    // Any dated version, as Anthropic accepts each it has published (the official SDK sends its own).
    const version = req.headers["anthropic-version"];
    if (!req.headers["x-api-key"] || typeof version !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(version)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "authentication_error", message: "bad key" } }));
      return;
    }
    const unsigned =
      opts.requireThinkingOnToolUse && req.body.thinking ? toolTurnWithoutThinking(req.body) : -1;
    if (unsigned >= 0) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          type: "error",
          error: {
            type: "invalid_request_error",
            message: `messages.${unsigned}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${(req.body.messages as { content: { type: string }[] }[])[unsigned]!.content[0]?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block.`,
          },
        }),
      );
      return;
    }
    const model = String(req.body.model);
    const stop = opts.stopReason ?? "end_turn";
    if (req.body.stream) {
      const frames: { event: string; data: unknown }[] = [
        {
          event: "message_start",
          data: {
            type: "message_start",
            message: {
              id: "msg_01",
              type: "message",
              role: "assistant",
              model,
              content: [],
              stop_reason: null,
              usage: { input_tokens: 12, output_tokens: 1 },
            },
          },
        },
        {
          event: "content_block_start",
          data: { type: "content_block_start", index: base, content_block: { type: "text", text: "" } },
        },
        { event: "ping", data: { type: "ping" } },
        {
          event: "content_block_delta",
          data: { type: "content_block_delta", index: base, delta: { type: "text_delta", text: "Hel" } },
        },
        {
          event: "content_block_delta",
          data: { type: "content_block_delta", index: base, delta: { type: "text_delta", text: "lo" } },
        },
        { event: "content_block_stop", data: { type: "content_block_stop", index: base } },
      ];
      if (opts.thinking)
        frames.splice(
          1,
          0,
          {
            event: "content_block_start",
            data: {
              type: "content_block_start",
              index: 0,
              content_block: { type: "thinking", thinking: "" },
            },
          },
          {
            event: "content_block_delta",
            data: {
              type: "content_block_delta",
              index: 0,
              delta: { type: "thinking_delta", thinking: opts.thinking },
            },
          },
          {
            event: "content_block_delta",
            data: {
              type: "content_block_delta",
              index: 0,
              delta: { type: "signature_delta", signature: "sig" },
            },
          },
          { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
        );
      if (opts.tool)
        frames.push(
          {
            event: "content_block_start",
            data: {
              type: "content_block_start",
              index: base + 1,
              content_block: { type: "tool_use", id: "toolu_1", name: toolName, input: {} },
            },
          },
          {
            event: "content_block_delta",
            data: {
              type: "content_block_delta",
              index: base + 1,
              delta: { type: "input_json_delta", partial_json: '{"city":"Oslo"}' },
            },
          },
          { event: "content_block_stop", data: { type: "content_block_stop", index: base + 1 } },
        );
      frames.push(
        {
          event: "message_delta",
          data: {
            type: "message_delta",
            delta: { stop_reason: stop, stop_sequence: null },
            usage: { output_tokens: 5 },
          },
        },
        { event: "message_stop", data: { type: "message_stop" } },
      );
      sse(res, frames);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "msg_01",
        type: "message",
        role: "assistant",
        model,
        content: [
          ...(opts.thinking ? [{ type: "thinking", thinking: opts.thinking, signature: "sig" }] : []),
          { type: "text", text: "Hello" },
          ...(opts.tool
            ? [{ type: "tool_use", id: "toolu_1", name: toolName, input: { city: "Oslo" } }]
            : []),
        ],
        stop_reason: stop,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 5 },
      }),
    );
  });
}

/** Index of an assistant message with tool_use whose first block is not thinking, else -1. */
function toolTurnWithoutThinking(body: Record<string, unknown>): number {
  const messages = (body.messages ?? []) as { role?: string; content?: { type?: string }[] | string }[];
  return messages.findIndex(
    (m) =>
      m.role === "assistant" &&
      Array.isArray(m.content) &&
      m.content.some((b) => b.type === "tool_use") &&
      !["thinking", "redacted_thinking"].includes(m.content[0]?.type ?? ""),
  );
}
