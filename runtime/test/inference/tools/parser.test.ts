import {
  type ChatWrapper,
  FunctionaryChatWrapper,
  Llama3_1ChatWrapper,
  Llama3_2LightweightChatWrapper,
  MistralChatWrapper,
  QwenChatWrapper,
} from "node-llama-cpp";
import { type CallSyntax, callSyntaxOf, type EogCut } from "../../../src/engine/call-syntax.js";
import { parseToolOutput, ToolCallStream } from "../../../src/inference/tools/parser.js";

/** End-of-generation pieces of these formats (the model's tokenizer decides this in production). */
const EOG = ["<|im_end|>", "<|eot_id|>", "<|eom_id|>"];
const cut: EogCut = (special) => {
  const at = Math.min(...EOG.map((e) => special.indexOf(e)).filter((i) => i >= 0), special.length);
  return { text: special.slice(0, at), ended: at < special.length };
};
const syntaxOf = (w: ChatWrapper): CallSyntax => callSyntaxOf(w, cut);

let ids = 0;
const makeId = () => `call_${++ids}`;

/**
 * Real-shaped outputs of each format (the text the model writes; an end-of-generation token is not
 * part of it), as llama.cpp's server parses them (common/chat.cpp: Hermes 2 Pro / Qwen 2.5,
 * Llama 3.x, Mistral Nemo, Functionary v3).
 */
const CASES: {
  format: string;
  wrapper: ChatWrapper;
  output: string;
  content: string;
  calls: [string, unknown][];
}[] = [
  {
    format: "Qwen 2.5 / Hermes",
    wrapper: new QwenChatWrapper(),
    output:
      'Let me look that up. <tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n' +
      '<tool_call>\n{"name": "get_time", "arguments": {"zone": "CET"}}\n</tool_call>',
    content: "Let me look that up.",
    calls: [
      ["get_weather", { city: "Paris" }],
      ["get_time", { zone: "CET" }],
    ],
  },
  {
    format: "Llama 3.1",
    wrapper: new Llama3_1ChatWrapper(),
    output: '<function=get_weather>{"city": "Paris", "units": ["c"]}</function>',
    content: "",
    calls: [["get_weather", { city: "Paris", units: ["c"] }]],
  },
  {
    format: "Llama 3.2 lightweight (JSON)",
    wrapper: new Llama3_2LightweightChatWrapper(),
    output: '{"name": "get_weather", "parameters": {"city": "Oslo"}}',
    content: "",
    calls: [["get_weather", { city: "Oslo" }]],
  },
  {
    format: "Mistral",
    wrapper: new MistralChatWrapper(),
    output:
      '[TOOL_CALLS][{"name": "get_weather", "arguments": {"city": "Rome"}}, {"name": "get_time", "arguments": {}}]',
    content: "",
    calls: [
      ["get_weather", { city: "Rome" }],
      ["get_time", {}],
    ],
  },
  {
    format: "Functionary v3",
    wrapper: new FunctionaryChatWrapper(),
    output: '>>>get_weather\n{"city": "Lima"}>>>get_time\n{"zone": "PET"}',
    content: "",
    calls: [
      ["get_weather", { city: "Lima" }],
      ["get_time", { zone: "PET" }],
    ],
  },
];

describe("tool-call parser, per format", () => {
  it.each(CASES)("$format: content and calls of a finished output", ({ wrapper, output, content, calls }) => {
    const parsed = parseToolOutput(syntaxOf(wrapper), output, makeId);
    expect(parsed.content).toBe(content);
    expect(parsed.calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual(calls);
    expect(new Set(parsed.calls.map((c) => c.id)).size).toBe(calls.length);
  });

  it.each(CASES)(
    "$format: streamed one character at a time gives the same calls, name before arguments",
    ({ wrapper, output, content, calls }) => {
      const stream = new ToolCallStream(syntaxOf(wrapper), makeId);
      const events = [...output].flatMap((ch) => stream.push(ch)).concat(stream.end());
      let text = "";
      const seen: { name: string; args: string }[] = [];
      for (const e of events) {
        if (e.type === "text") text += e.text;
        else if (e.type === "call") {
          expect(e.index).toBe(seen.length);
          seen.push({ name: e.name, args: "" });
        } else {
          const call = seen[e.index];
          if (!call) throw new Error(`arguments for call ${e.index} before its name`);
          call.args += e.text;
        }
      }
      expect(text).toBe(content);
      expect(seen.map((c) => [c.name, JSON.parse(c.args)])).toEqual(calls);
    },
  );
});

describe("tool-call parser, edge cases", () => {
  const qwen = syntaxOf(new QwenChatWrapper());

  it("a suffix inside an argument string does not end the call", () => {
    const out =
      '<tool_call>\n{"name": "echo", "arguments": {"text": "}\\n</tool_call> {\\"x\\": [1]}"}}\n</tool_call>';
    const { calls } = parseToolOutput(qwen, out, makeId);
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]?.arguments ?? "")).toEqual({ text: '}\n</tool_call> {"x": [1]}' });
  });

  it("plain text without a call is all content, including a partial opener at the end", () => {
    expect(parseToolOutput(qwen, "Hello <tool", makeId)).toEqual({ content: "Hello <tool", calls: [] });
  });

  it("holds back text that may become the opener until it is decided", () => {
    const stream = new ToolCallStream(qwen, makeId);
    expect(stream.push("Hi <tool_")).toEqual([{ type: "text", text: "Hi" }]);
    expect(stream.push("x")).toEqual([{ type: "text", text: " <tool_x" }]);
  });

  it("a call cut by max_tokens keeps the arguments written so far", () => {
    const { calls } = parseToolOutput(qwen, '<tool_call>\n{"name": "f", "arguments": {"a": "unfini', makeId);
    expect(calls).toEqual([{ id: expect.any(String), name: "f", arguments: '{"a": "unfini' }]);
  });
});
