import Anthropic from "@anthropic-ai/sdk";
import { type FakeOpenAI, type FakeServer, startFakeAnthropic, startFakeOpenAI } from "@llm/testing";
import { config, listenWithAccess } from "../../helpers/router.js";
import {
  adaptiveTurn,
  CLAUDE_CODE_TOOLS,
  claudeCodeHeaders,
  firstTurn,
  secondTurn,
} from "./fixtures/claude-code.js";

const TOKEN = "sk-acme-tenant-key-0123456789";

/** Claude-Code-shaped requests (fixtures/claude-code.ts) replayed through the router. */
describe("Claude Code's requests through /v1/messages", () => {
  let up: FakeOpenAI;
  let an: FakeServer;
  let running: Awaited<ReturnType<typeof listenWithAccess>>["running"];

  beforeAll(async () => {
    up = await startFakeOpenAI({
      toolCalls: [
        { id: "call_ls", name: "Bash", arguments: '{"command":"ls src","description":"List files"}' },
      ],
      reasoning: "Listing is a Bash job.",
    });
    an = await startFakeAnthropic({ thinking: "Hmm.", tool: true, toolName: "Bash" });
    ({ running } = await listenWithAccess(
      config({
        router: { maxRetries: 0 },
        externalProviders: [
          // Claude Code asks for claude-* names: aliases map them to what each target serves.
          {
            name: "oa",
            type: "openai",
            apiKey: "sk-oa-000000000000",
            baseURL: `${up.url}/v1`,
            models: { "claude-sonnet-4-5-20250929": "gpt-4.1" },
            contextLength: 1_000_000,
          },
          {
            name: "an",
            type: "claude",
            apiKey: "sk-ant-0000000000",
            baseURL: an.url,
            models: { "claude-opus-4-5": "claude-opus-4-5" },
          },
        ],
        tenants: [{ id: "acme", keys: [{ id: "acme-1", key: TOKEN }] }],
      }),
    ));
  });
  afterEach(() => {
    up.received.length = 0;
    an.received.length = 0;
  });
  afterAll(async () => {
    await running.close();
    await up.close();
    await an.close();
  });

  const BETAS = [
    "claude-code-20250219",
    "interleaved-thinking-2025-05-14",
    "fine-grained-tool-streaming-2025-05-14",
  ];

  /**
   * Streams `body` as Claude Code does: the SDK's beta Messages (`?beta=true`, `anthropic-beta`),
   * a Bearer token, and the accumulated final message.
   */
  function finalMessage(body: object) {
    const client = new Anthropic({
      baseURL: running.url,
      apiKey: null,
      authToken: TOKEN,
      maxRetries: 0,
      defaultHeaders: { "x-app": "cli", "anthropic-dangerous-direct-browser-access": "true" },
    });
    const params = { ...body, betas: BETAS } as unknown as Parameters<typeof client.beta.messages.stream>[0];
    return client.beta.messages.stream(params).finalMessage();
  }

  it("translates a first turn (large cached system, tools, thinking, streaming) for an OpenAI-compatible target", async () => {
    const msg = await finalMessage(firstTurn("claude-sonnet-4-5-20250929"));
    expect(msg.stop_reason).toBe("tool_use");
    expect(msg.content.map((b) => b.type)).toEqual(["thinking", "tool_use"]);
    expect(msg.content[1]).toMatchObject({
      name: "Bash",
      input: { command: "ls src", description: "List files" },
    });

    const sent = up.received[0]!.body as {
      messages: { role: string; content: unknown }[];
      tools: { function: { name: string; parameters: unknown } }[];
    } & Record<string, unknown>;
    expect(sent).toMatchObject({
      model: "gpt-4.1",
      max_tokens: 32000,
      stream: true,
      temperature: 1,
      reasoning_effort: "high",
      user: expect.stringMatching(/^user_.*_session_/),
    });
    // The system blocks arrive as one system message, breakpoints dropped toward OpenAI.
    expect(sent.messages[0]!.role).toBe("system");
    expect(JSON.stringify(sent.messages[0]!.content)).toContain("You are Claude Code");
    expect(JSON.stringify(sent)).not.toContain("cache_control");
    expect(sent.tools.map((t) => t.function.name)).toEqual(CLAUDE_CODE_TOOLS.map((t) => t.name));
    expect(sent.tools[1]!.function.parameters).toEqual(CLAUDE_CODE_TOOLS[1]!.input_schema);
  });

  it("translates the next turn's thinking, tool_use and tool_result history", async () => {
    const msg = await finalMessage(secondTurn("claude-sonnet-4-5-20250929"));
    expect(msg.content.some((b) => b.type === "tool_use")).toBe(true);
    const sent = up.received[0]!.body as { messages: Record<string, unknown>[] };
    expect(sent.messages.slice(2)).toEqual([
      {
        role: "assistant",
        content: "I'll list them.",
        tool_calls: [
          {
            id: "toolu_01A",
            type: "function",
            function: { name: "Bash", arguments: '{"command":"ls src","description":"List files in src"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_01A", content: "index.ts\nserver.ts" },
      { role: "user", content: [{ type: "text", text: "now read index.ts" }] },
    ]);
  });

  it("accepts a newer client's adaptive thinking, effort, context editing and top-level breakpoint", async () => {
    const msg = await finalMessage(adaptiveTurn("claude-sonnet-4-5-20250929"));
    expect(msg.stop_reason).toBe("tool_use");
    expect(up.received[0]!.body.reasoning_effort).toBe("high");
  });

  it("passes every shape through unchanged to an Anthropic target, betas included", async () => {
    for (const body of [
      firstTurn("claude-opus-4-5"),
      secondTurn("claude-opus-4-5"),
      adaptiveTurn("claude-opus-4-5"),
    ]) {
      an.received.length = 0;
      const msg = await finalMessage(body);
      expect(msg.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
      expect(msg.content[0]).toMatchObject({ signature: "sig" });
      expect(an.received[0]!.body).toEqual(body);
      expect(an.received[0]!.url).toBe("/v1/messages");
      expect(an.received[0]!.headers["anthropic-beta"]).toBe(BETAS.join(","));
    }
  });

  it("counts a session's tokens (the estimate for an OpenAI target, tens of thousands of them)", async () => {
    const {
      stream: _s,
      max_tokens: _m,
      temperature: _t,
      metadata: _md,
      ...prompt
    } = firstTurn("claude-sonnet-4-5-20250929");
    const res = await fetch(`${running.url}/v1/messages/count_tokens?beta=true`, {
      method: "POST",
      headers: claudeCodeHeaders(TOKEN),
      body: JSON.stringify(prompt),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-router-token-count-source")).toBe("estimate");
    expect(((await res.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(5000);
  });
});
