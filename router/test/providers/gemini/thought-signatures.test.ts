import type { ChatCompletionChunk, ChatCompletionRequest } from "@llm/contracts";
import { type FakeServer, startFakeGemini } from "@llm/testing";
import OpenAI from "openai";
import { createGeminiAdapter } from "../../../src/providers/gemini/index.js";
import type { CallContext } from "../../../src/providers/types.js";
import { UpstreamError } from "../../../src/providers/types.js";
import { MemoryKeyValue } from "../../../src/state/memory-key-value.js";
import { listen, post } from "../../helpers/router.js";

const KEY = "AIzaFAKEKEY0123456789";
const tools: ChatCompletionRequest["tools"] = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
];
const call = (city: string, thoughtSignature?: string) => ({
  functionCall: { name: "get_weather", args: { city } },
  ...(thoughtSignature ? { thoughtSignature } : {}),
});
// Gemini signs only the first of parallel calls (ai.google.dev/gemini-api/docs/thought-signatures).
const signedParallel = [call("Oslo", "sig-oslo"), call("Rome")];

/** A call context whose state is `store` seen as tenant `tenant`, as the router's attempt builds it. */
function ctxFor(store: MemoryKeyValue | undefined, tenant = "acme"): CallContext {
  return {
    signal: new AbortController().signal,
    upstreamModel: "gemini-3-pro-preview",
    state: store?.namespace(tenant),
  };
}

type Calls = { id: string; function: { name: string; arguments: string } }[];

/** The second turn an OpenAI client sends: the calls as it got them (no extra_content kept), and their results. */
function secondTurn(calls: Calls): ChatCompletionRequest {
  return {
    model: "g",
    tools,
    messages: [
      { role: "user", content: "weather in Oslo and Rome?" },
      {
        role: "assistant",
        content: null,
        tool_calls: calls.map((c) => ({ id: c.id, type: "function" as const, function: c.function })),
      },
      ...calls.map((c) => ({ role: "tool" as const, tool_call_id: c.id, content: "sunny" })),
    ],
  };
}

const expectedSecondTurn = [
  { role: "user", parts: [{ text: "weather in Oslo and Rome?" }] },
  { role: "model", parts: [call("Oslo", "sig-oslo"), call("Rome")] },
  {
    role: "user",
    parts: [
      { functionResponse: { name: "get_weather", response: { content: "sunny" } } },
      { functionResponse: { name: "get_weather", response: { content: "sunny" } } },
    ],
  },
];

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("Gemini thought signatures across turns", () => {
  let fake: FakeServer;
  afterEach(() => fake?.close());

  it("keeps the signature of an answer's call and sends it back on that functionCall part next turn", async () => {
    fake = await startFakeGemini({ parts: signedParallel, requireThoughtSignatures: true });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    const store = new MemoryKeyValue();
    try {
      const first = await g.chat(
        { model: "g", tools, messages: [{ role: "user", content: "weather in Oslo and Rome?" }] },
        ctxFor(store),
      );
      const calls = first.choices[0]!.message.tool_calls!;
      // Google's OpenAI-compatible field, on the call Gemini signed only.
      expect(calls.map((c) => c.extra_content)).toEqual([
        { google: { thought_signature: "sig-oslo" } },
        undefined,
      ]);
      expect(new Set(calls.map((c) => c.id)).size).toBe(2);

      await g.chat(secondTurn(calls), ctxFor(store));
      expect(fake.received[1]!.body.contents).toEqual(expectedSecondTurn);
    } finally {
      await g.close?.();
    }
  });

  it("never gives another tenant's call id the signature: the same ids from tenant b go without it (and Gemini 3 refuses)", async () => {
    fake = await startFakeGemini({ parts: signedParallel, requireThoughtSignatures: true });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    const store = new MemoryKeyValue();
    try {
      const first = await g.chat(
        { model: "g", tools, messages: [{ role: "user", content: "weather in Oslo and Rome?" }] },
        ctxFor(store, "a"),
      );
      const err = await g
        .chat(secondTurn(first.choices[0]!.message.tool_calls!), ctxFor(store, "b"))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect((err as UpstreamError).status).toBe(400);
      expect(fake.received[1]!.body.contents).toEqual([
        expectedSecondTurn[0],
        { role: "model", parts: [call("Oslo"), call("Rome")] },
        expectedSecondTurn[2],
      ]);
    } finally {
      await g.close?.();
    }
  });

  it("keeps the signatures of a streamed answer (first delta of the call carries extra_content)", async () => {
    fake = await startFakeGemini({
      requireThoughtSignatures: true,
      streamEvents: [
        { candidates: [{ index: 0, content: { role: "model", parts: [signedParallel[0]] } }] },
        {
          candidates: [
            { index: 0, content: { role: "model", parts: [signedParallel[1]] }, finishReason: "STOP" },
          ],
        },
      ],
    });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    const store = new MemoryKeyValue();
    try {
      const chunks = await collect<ChatCompletionChunk>(
        await g.chatStream(
          { model: "g", tools, messages: [{ role: "user", content: "weather in Oslo and Rome?" }] },
          ctxFor(store),
        ),
      );
      const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      expect(deltas.map((d) => d.extra_content)).toEqual([
        { google: { thought_signature: "sig-oslo" } },
        undefined,
      ]);
      const calls = deltas.map((d) => ({
        id: d.id!,
        function: { name: d.function.name!, arguments: d.function.arguments },
      }));
      await g.chat(secondTurn(calls), ctxFor(store));
      expect(fake.received[1]!.body.contents).toEqual(expectedSecondTurn);
    } finally {
      await g.close?.();
    }
  });

  it("sends the signature a client echoed in extra_content.google.thought_signature, with no state at all", async () => {
    fake = await startFakeGemini({ requireThoughtSignatures: true });
    const g = createGeminiAdapter({ apiKey: KEY, baseURL: fake.url });
    try {
      const req = secondTurn([
        { id: "call_x", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
      ]);
      const assistant = req.messages[1] as { tool_calls: Record<string, unknown>[] };
      assistant.tool_calls[0]!.extra_content = { google: { thought_signature: "sig-echoed" } };
      await g.chat(req, ctxFor(undefined));
      expect(fake.received[0]!.body.contents).toEqual([
        expectedSecondTurn[0],
        { role: "model", parts: [call("Oslo", "sig-echoed")] },
        { role: "user", parts: [expectedSecondTurn[2]!.parts[0]] },
      ]);
    } finally {
      await g.close?.();
    }
  });
});

describe("Gemini thought signatures through the router", () => {
  it("survive the official SDK's stream reassembly and the next turn, streamed from Gemini", async () => {
    const fake = await startFakeGemini({
      requireThoughtSignatures: true,
      streamEvents: [
        { candidates: [{ index: 0, content: { role: "model", parts: [signedParallel[0]] } }] },
        {
          candidates: [
            { index: 0, content: { role: "model", parts: [signedParallel[1]] }, finishReason: "STOP" },
          ],
        },
      ],
    });
    const router = await listen({
      server: { logLevel: "silent" },
      externalProviders: [
        { name: "ge", type: "gemini", apiKey: KEY, baseURL: fake.url, models: { g: "gemini-3-pro-preview" } },
      ],
    });
    const client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
    try {
      const final = await client.chat.completions
        .stream({ model: "g", tools, messages: [{ role: "user", content: "weather in Oslo and Rome?" }] })
        .finalChatCompletion();
      const calls = final.choices[0]!.message.tool_calls! as Calls;
      expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual([
        { city: "Oslo" },
        { city: "Rome" },
      ]);
      // The next turn as a plain request: the router's kept signature goes back on the first call.
      await client.chat.completions.create(
        secondTurn(calls) as OpenAI.ChatCompletionCreateParamsNonStreaming,
      );
      expect(fake.received[1]!.body.contents).toEqual(expectedSecondTurn);
    } finally {
      await router.close();
      await fake.close();
    }
  });

  it("are kept per tenant: tenant a's next turn gets them, tenant b sending a's call ids does not", async () => {
    const fake = await startFakeGemini({ parts: signedParallel, requireThoughtSignatures: true });
    const router = await listen({
      server: { logLevel: "silent" },
      tenants: [
        { id: "a", keys: [{ id: "a-1", key: "sk-tenant-a-0123456789abcdef" }] },
        { id: "b", keys: [{ id: "b-1", key: "sk-tenant-b-0123456789abcdef" }] },
      ],
      externalProviders: [
        { name: "ge", type: "gemini", apiKey: KEY, baseURL: fake.url, models: { g: "gemini-3-pro-preview" } },
      ],
    });
    const as = (tenant: string) => ({ authorization: `Bearer sk-tenant-${tenant}-0123456789abcdef` });
    try {
      const first = await post<{ choices: { message: { tool_calls: Calls } }[] }>(
        `${router.url}/v1/chat/completions`,
        { model: "g", tools, messages: [{ role: "user", content: "weather in Oslo and Rome?" }] },
        as("a"),
      );
      expect(first.res.status).toBe(200);
      const next = secondTurn(first.json.choices[0]!.message.tool_calls);

      const other = await post(`${router.url}/v1/chat/completions`, next, as("b"));
      expect(other.res.status).toBe(400);
      expect(fake.received[1]!.body.contents).toEqual([
        expectedSecondTurn[0],
        { role: "model", parts: [call("Oslo"), call("Rome")] },
        expectedSecondTurn[2],
      ]);

      const same = await post(`${router.url}/v1/chat/completions`, next, as("a"));
      expect(same.res.status).toBe(200);
      expect(fake.received[2]!.body.contents).toEqual(expectedSecondTurn);
    } finally {
      await router.close();
      await fake.close();
    }
  });
});
