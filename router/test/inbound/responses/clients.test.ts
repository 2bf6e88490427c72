import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import { listen } from "../../helpers/router.js";

/**
 * Request shapes the agent clients send, replayed through the router to both kinds of target.
 * Codex CLI: codex-rs/codex-api/src/common.rs `ResponsesApiRequest` (model, instructions, input of
 * ResponseItems, tools, tool_choice "auto", parallel_tool_calls, reasoning {effort, summary},
 * store false, stream true, include ["reasoning.encrypted_content"], prompt_cache_key, text
 * {verbosity}, client_metadata) with its `shell` function tool; OpenAI Agents SDK: function tools
 * with `strict: true`, `text.format`, `truncation`, `max_output_tokens`, `store`.
 */
const codexTurn = {
  model: "gpt-5-codex",
  instructions: "You are Codex, a coding agent. ".repeat(40),
  input: [
    {
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "<permissions>workspace-write</permissions>" }],
    },
    {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "<environment_context>cwd=/repo</environment_context>" }],
    },
    { type: "message", role: "user", content: [{ type: "input_text", text: "List the files." }] },
    {
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: "Run ls." }],
      content: null,
      encrypted_content: "gAAAAenc",
    },
    { type: "function_call", id: "fc_1", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_ls" },
    { type: "function_call_output", call_id: "call_ls", output: "README.md\nsrc" },
  ],
  tools: [
    {
      type: "function",
      name: "shell",
      description: "Runs a shell command and returns its output.",
      strict: false,
      parameters: {
        type: "object",
        properties: { command: { type: "array", items: { type: "string" } }, workdir: { type: "string" } },
        required: ["command"],
        additionalProperties: false,
      },
    },
  ],
  tool_choice: "auto",
  parallel_tool_calls: false,
  reasoning: { effort: "medium", summary: "auto" },
  store: false,
  stream: true,
  include: ["reasoning.encrypted_content"],
  prompt_cache_key: "0199a1f2-thread",
  text: { verbosity: "medium" },
  client_metadata: { "x-codex-installation-id": "abc" },
};

const agentsTurn = {
  model: "gpt-5-codex",
  instructions: "You are a helpful agent.",
  input: [{ role: "user", content: "Plan a trip." }],
  tools: [
    {
      type: "function",
      name: "search_flights",
      description: "Find flights",
      parameters: {
        type: "object",
        properties: { to: { type: "string" } },
        required: ["to"],
        additionalProperties: false,
      },
      strict: true,
    },
  ],
  text: { format: { type: "json_schema", name: "final_output", schema: { type: "object" }, strict: true } },
  truncation: "disabled",
  max_output_tokens: 512,
  store: true,
  stream: false,
  include: [],
};

describe("agent clients' request shapes through /v1/responses", () => {
  let compat: FakeOpenAI;
  let oa: FakeOpenAI;
  let translated: Awaited<ReturnType<typeof listen>>;
  let native: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    [compat, oa] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
    [translated, native] = await Promise.all([
      listen({
        externalProviders: [
          { name: "compat", type: "openai", baseURL: compat.baseURL, models: ["gpt-5-codex"] },
        ],
      }),
      listen({
        externalProviders: [
          {
            name: "oa",
            type: "openai",
            baseURL: oa.baseURL,
            responsesApi: "native",
            models: ["gpt-5-codex"],
          },
        ],
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([translated.close(), native.close()]);
    await Promise.all([compat.close(), oa.close()]);
  });

  const send = (url: string, body: object) =>
    fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("translates a Codex turn for a chat target: developer/user messages, the shell call and its output", async () => {
    const res = await send(translated.url, codexTurn);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("event: response.completed");
    const chat = compat.received.at(-1)?.body as Record<string, unknown>;
    expect(chat.messages).toEqual([
      { role: "system", content: codexTurn.instructions },
      { role: "developer", content: "<permissions>workspace-write</permissions>" },
      { role: "user", content: "<environment_context>cwd=/repo</environment_context>" },
      { role: "user", content: "List the files." },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_ls", type: "function", function: { name: "shell", arguments: '{"command":["ls"]}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_ls", content: "README.md\nsrc" },
    ]);
    expect(chat).toMatchObject({
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning_effort: "medium",
      stream: true,
    });
    for (const k of [
      "include",
      "prompt_cache_key",
      "text",
      "client_metadata",
      "store",
      "input",
      "instructions",
    ])
      expect(chat[k]).toBeUndefined();
  });

  it("passes a Codex turn to a native target as Codex sent it, minus ids, client_metadata and storage", async () => {
    const res = await send(native.url, codexTurn);
    expect(res.status).toBe(200);
    await res.text();
    const body = oa.received.at(-1)?.body as Record<string, unknown>;
    expect(body).toMatchObject({
      instructions: codexTurn.instructions,
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "0199a1f2-thread",
      reasoning: { effort: "medium", summary: "auto" },
      text: { verbosity: "medium" },
      store: false,
      stream: true,
    });
    expect(body.client_metadata).toBeUndefined();
    expect(body.input).toEqual([
      {
        type: "message",
        role: "developer",
        content: [{ type: "input_text", text: "<permissions>workspace-write</permissions>" }],
      },
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "<environment_context>cwd=/repo</environment_context>" }],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "List the files." }] },
      {
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: "Run ls." }],
        content: null,
        encrypted_content: "gAAAAenc",
      },
      { type: "function_call", name: "shell", arguments: '{"command":["ls"]}', call_id: "call_ls" },
      { type: "function_call_output", call_id: "call_ls", output: "README.md\nsrc" },
    ]);
  });

  it("translates an Agents SDK turn: strict function tools and its json_schema output type", async () => {
    const res = await send(translated.url, agentsTurn);
    expect(res.status).toBe(200);
    const chat = compat.received.at(-1)?.body as Record<string, unknown>;
    expect(chat).toMatchObject({
      max_tokens: 512,
      response_format: {
        type: "json_schema",
        json_schema: { name: "final_output", schema: { type: "object" }, strict: true },
      },
      tools: [{ type: "function", function: { name: "search_flights", strict: true } }],
    });
    expect(((await res.json()) as { id: string }).id).toMatch(/^resp_/);
  });
});
