import OpenAI from "openai";
import { type RuntimeHandle, startRuntime } from "../../src/index.js";
import { tinyModel } from "../helpers.js";

let rt: RuntimeHandle;
let client: OpenAI;
/** The greedy answer without stop strings, from which each test picks its stop string. */
let base = "";

const ask = { model: "tiny", prompt: "Once upon a time", max_tokens: 32, temperature: 0, seed: 7 };

beforeAll(async () => {
  rt = await startRuntime({ model: await tinyModel(), threads: 1, ctxSize: 256, parallel: 2 });
  client = new OpenAI({ baseURL: `${rt.url}/v1`, apiKey: "unused", maxRetries: 0 });
  base = (await client.completions.create(ask)).choices[0]?.text ?? "";
});
afterAll(() => rt.close());

/** Stop strings with spaces, taken from what this random model actually generates. */
function stopsWithSpaces(): [string, string][] {
  const space = base.indexOf(" ", 1);
  expect(space).toBeGreaterThan(0);
  const picks: [string, string][] = [[`a lone space`, " "]];
  // " thi"-like: a space and the characters after it; "n "-like: a character and the space after it.
  const lead = base.slice(space, space + 4);
  if (lead.length === 4) picks.push(["a leading space", lead]);
  picks.push(["a trailing space", base.slice(space - 1, space + 1)]);
  return picks;
}

describe("stop strings with spaces (matched on the decoded text)", () => {
  it("the greedy answer has spaces to stop on", () => {
    expect(base.trim()).toContain(" ");
  });

  it("stops before each stop string, with finish_reason stop, plain and streamed", async () => {
    for (const [what, stop] of stopsWithSpaces()) {
      const want = base.slice(0, base.indexOf(stop));
      const r = await client.completions.create({ ...ask, stop: [stop] });
      expect({ what, text: r.choices[0]?.text, finish: r.choices[0]?.finish_reason }).toEqual({
        what,
        text: want,
        finish: "stop",
      });
      const stream = await client.completions.create({ ...ask, stop: [stop], stream: true });
      let text = "";
      let finish: string | null = null;
      for await (const c of stream) {
        text += c.choices[0]?.text ?? "";
        finish = c.choices[0]?.finish_reason ?? finish;
      }
      expect({ what, text, finish }).toEqual({ what, text: want, finish: "stop" });
    }
  });

  it("chat honours a stop string with a space", async () => {
    const msgs = [{ role: "user" as const, content: "hi" }];
    const full = await client.chat.completions.create({
      model: "tiny",
      messages: msgs,
      max_tokens: 32,
      temperature: 0,
    });
    const content = full.choices[0]?.message.content ?? "";
    const space = content.indexOf(" ", 1);
    if (space < 1) return; // the template's answer has no inner space: nothing to stop on
    const stop = content.slice(space, space + 2);
    const r = await client.chat.completions.create({
      model: "tiny",
      messages: msgs,
      max_tokens: 32,
      temperature: 0,
      stop,
    });
    expect(r.choices[0]?.message.content).toBe(content.slice(0, content.indexOf(stop)));
    expect(r.choices[0]?.finish_reason).toBe("stop");
  });
});
