import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import OpenAI from "openai";
import { listen } from "../../helpers/router.js";

/** /v1/responses translated to chat for an OpenAI-compatible target (a baseURL that is not api.openai.com). */
describe("POST /v1/responses through the router (openai SDK as the client)", () => {
  let fake: FakeOpenAI;
  let router: Awaited<ReturnType<typeof listen>>;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI();
    router = await listen({
      externalProviders: [{ name: "compat", type: "openai", baseURL: fake.baseURL, models: ["small"] }],
    });
    client = new OpenAI({ baseURL: `${router.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });

  afterAll(async () => {
    await router.close();
    await fake.close();
  });

  beforeEach(() => {
    fake.received.length = 0;
  });

  it("answers responses.create with a Response whose output_text the SDK computes", async () => {
    const { data, response } = await client.responses
      .create({
        model: "small",
        input: "hi",
        instructions: "Be brief.",
        max_output_tokens: 50,
        temperature: 0.2,
      })
      .withResponse();
    expect(data.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(data.object).toBe("response");
    expect(data.status).toBe("completed");
    expect(data.output_text).toBe("echo: hi");
    expect(data.output).toEqual([
      {
        type: "message",
        id: expect.stringMatching(/^msg_/),
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "echo: hi", annotations: [], logprobs: [] }],
      },
    ]);
    expect(data.usage).toEqual({
      input_tokens: expect.any(Number),
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: expect.any(Number),
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: (data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0),
    });
    expect(data.instructions).toBe("Be brief.");
    expect(response.headers.get("x-router-target")).toBe("compat");
    // The translated wire format: instructions as the system message, max_output_tokens as max_tokens.
    expect(fake.received[0]?.path).toBe("/v1/chat/completions");
    expect(fake.received[0]?.body).toEqual({
      model: "small",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "hi" },
      ],
      max_tokens: 50,
      temperature: 0.2,
    });
  });

  it("streams the typed events with sequence numbers, and finalResponse() is the completed Response", async () => {
    const stream = client.responses.stream({ model: "small", input: [{ role: "user", content: "hello" }] });
    const types: string[] = [];
    const seqs: number[] = [];
    let text = "";
    stream.on("event", (e) => {
      types.push(e.type);
      seqs.push(e.sequence_number);
    });
    stream.on("response.output_text.delta", (e) => {
      text += e.delta;
    });
    const final = await stream.finalResponse();
    // The SDK adds `output_text` to create()'s answer only; a streamed one is read from its output.
    expect(final.output[0]).toMatchObject({
      type: "message",
      content: [{ type: "output_text", text: "echo: hello" }],
    });
    expect(text).toBe("echo: hello");
    expect(final.status).toBe("completed");
    expect(final.id).toMatch(/^resp_/);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    const deltas = types.filter((t) => t === "response.output_text.delta").length;
    expect(deltas).toBeGreaterThan(0);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(deltas).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(fake.received[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("stores the answer under its resp_ id: GET returns it, DELETE removes it, then GET is 404", async () => {
    const created = await client.responses.create({ model: "small", input: "keep me" });
    const got = await client.responses.retrieve(created.id);
    expect(got.id).toBe(created.id);
    expect(got.output_text).toBe("echo: keep me");
    await client.responses.delete(created.id);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({
      status: 404,
      error: { type: "not_found_error", code: "not_found" },
    });
  });

  it("keeps nothing with store: false (GET is 404) and answers store: false", async () => {
    const created = await client.responses.create({ model: "small", input: "forget me", store: false });
    expect((created as unknown as { store: boolean }).store).toBe(false);
    await expect(client.responses.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });
});
