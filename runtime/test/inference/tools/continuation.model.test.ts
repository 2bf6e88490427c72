import { LlamaText } from "node-llama-cpp";
import { Engine } from "../../../src/engine/engine.js";
import { InferenceService } from "../../../src/inference/service.js";
import { parseToolOutput } from "../../../src/inference/tools/parser.js";
import { RuntimeMetrics } from "../../../src/metrics/metrics.js";
import { silentLogger, tinyModel } from "../../helpers.js";

/**
 * tool_choice "auto" is two steps on one sequence: free text until the call opener appears, then
 * the call grammar from there. Random weights never write the opener, so this drives the same
 * mechanism with a trigger they do write (the letter "e"): the first step stops on it, the second decodes a
 * complete call under the forced grammar, and the text, the stream and the token count all join up.
 */
let engine: Engine;
let service: InferenceService;

beforeAll(async () => {
  engine = await Engine.load({
    modelPath: await tinyModel(),
    modelName: "tiny",
    gpu: "off",
    gpuLayers: 0,
    threads: 1,
    ctxSize: 2048,
    parallel: 1,
    batchSize: 512,
    batching: "engine",
    batchOrder: "arrival",
    decodeAhead: false,
    queueCapacity: 4,
    metrics: new RuntimeMetrics(),
    logger: silentLogger,
  });
  service = new InferenceService(engine, new RuntimeMetrics(), { timeoutMs: 60_000 });
});
afterAll(() => engine.close());

const parameters = {
  type: "object",
  properties: { city: { type: "string", maxLength: 6 } },
  required: ["city"],
  additionalProperties: false,
};
const request = (tool_choice: "auto" | "required") => ({
  model: "tiny",
  max_tokens: 400,
  parallel_tool_calls: false,
  messages: [{ role: "user" as const, content: "Weather?" }],
  tools: [{ type: "function" as const, function: { name: "get_weather", parameters } }],
  tool_choice,
});

it("continues the same sequence under the call grammar once the trigger appears", async () => {
  const auto = await service.prepareChat(request("auto"));
  const forced = await service.prepareChat(request("required"));
  expect(auto.continuation?.grammar).toBeDefined();
  const trigger = LlamaText("e");
  const prepared = {
    ...auto,
    stop: [...auto.stop.filter((s) => !auto.continuation?.triggers.includes(s as LlamaText)), trigger],
    continuation: { triggers: [trigger], triggerText: "e", grammar: forced.grammar },
  };
  let continued = 0;
  for (const seed of [1, 2, 3, 4]) {
    let streamed = "";
    const r = await service.run(
      { ...prepared, seed },
      { signal: new AbortController().signal, receivedAt: performance.now(), onText: (t) => (streamed += t) },
    );
    // The client saw exactly the answer's text, trigger included.
    expect(streamed).toBe(r.text);
    const at = r.text.indexOf("e");
    if (at < 0) continue; // this seed never wrote the trigger
    continued++;
    const { content, calls } = parseToolOutput(engine.callSyntax, r.text);
    // Here the trigger is not part of the opener (the forced grammar writes all of it), so the
    // content runs up to and including it.
    expect(content).toBe(r.text.slice(0, at + 1));
    expect(calls.map((c) => c.name)).toEqual(["get_weather"]);
    expect(JSON.parse(calls[0]?.arguments ?? "")).toEqual({ city: expect.any(String) });
    expect(r.finishReason).toBe("stop");
    expect(r.completionTokens).toBeLessThanOrEqual(400);
    // Both steps' tokens are counted: the call alone is more than a dozen tokens.
    expect(r.completionTokens).toBeGreaterThan(12);
  }
  expect(continued).toBeGreaterThan(0);
});

it("auto triggers on the opener's tag and none stops there without a grammar", async () => {
  const auto = await service.prepareChat(request("auto"));
  expect(auto.continuation?.triggerText).toBe("<tool_call>");
  expect(auto.grammar).toBeUndefined();
  const none = await service.prepareChat({ ...request("auto"), tool_choice: "none" as never });
  expect(none.continuation).toEqual({
    triggers: expect.any(Array),
    triggerText: "<tool_call>",
    grammar: undefined,
  });
  const forced = await service.prepareChat(request("required"));
  expect(forced.continuation).toBeUndefined();
  expect(forced.grammar?.grammar).toContain('root ::= "<tool_call>\\n{\\"name\\": \\"" call');
});
