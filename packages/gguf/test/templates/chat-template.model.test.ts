/**
 * The default (qwen) template on a generated model, as node-llama-cpp 3.22 sees it: the chat
 * wrapper it resolves knows the `<tool_call>` syntax, renders tools into the system turn the way
 * Qwen2.5-Instruct was trained to see them, and the tags and turn markers are single tokens.
 * The runtime's tool calling is built on exactly these settings.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
  getLlama,
  JinjaTemplateChatWrapper,
  type Llama,
  type LlamaModel,
  LlamaText,
  resolveChatWrapper,
  type Token,
} from "node-llama-cpp";
import { generateGguf } from "../../src/index.js";

let dir: string;
let llama: Llama;
let model: LlamaModel;
/** Resolved once: resolving compares the template against every specialized wrapper (seconds). */
let wrapper: ChatWrapper;

const functions = {
  get_weather: {
    description: "Get the current weather in a city",
    params: { type: "object", properties: { city: { type: "string" } } },
  },
} as const satisfies ChatModelFunctions;
const history: ChatHistoryItem[] = [
  { type: "system", text: "You are a helpful assistant." },
  { type: "user", text: "What is the weather in Paris?" },
  { type: "model", response: [] },
];
// Settings hold strings or LlamaText (plain and special-token parts): compare them as text.
const text = (t: unknown) => LlamaText(t as string).toString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gen-gguf-template-"));
  llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
  const { path } = await generateGguf({ out: join(dir, "tiny.gguf") });
  model = await llama.loadModel({ modelPath: path });
  wrapper = resolveChatWrapper(model);
});
afterAll(async () => {
  await model?.dispose();
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe("the qwen chat template in node-llama-cpp", () => {
  it("resolves to the Jinja wrapper with the Hermes-style <tool_call> function syntax", () => {
    // QwenChatWrapper only takes qwen2/qwen3 architectures; a llama-architecture model with
    // this template gets the Jinja wrapper, which extracts the call syntax from the template.
    expect(wrapper).toBeInstanceOf(JinjaTemplateChatWrapper);
    expect(wrapper.wrapperName).toBe("JinjaTemplate");
    const fn = wrapper.settings.functions;
    expect(text(fn.call.prefix)).toBe('<tool_call>\n{"name": "');
    expect(text(fn.call.paramsPrefix)).toBe('", "arguments": ');
    expect(text(fn.call.suffix)).toBe("}\n</tool_call>");
    expect(text(fn.result.prefix)).toBe("\n<tool_response>\n");
    expect(text(fn.result.suffix)).toBe("\n</tool_response>");
    expect(fn.parallelism).toBeDefined();
    expect(text(fn.parallelism?.call.betweenCalls)).toBe("\n");
    expect(text(fn.parallelism?.call.sectionSuffix)).toBe("<|im_end|>\n<|im_start|>user");
    expect(text(fn.parallelism?.result?.sectionSuffix)).toBe("<|im_end|>\n<|im_start|>assistant\n");
  });

  it("renders the tools into the system turn as Qwen2.5's template does", () => {
    const { contextText } = wrapper.generateContextState({
      chatHistory: history,
      availableFunctions: functions,
    });
    const prompt = contextText.toString();
    expect(prompt.startsWith("<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n")).toBe(true);
    expect(prompt).toContain(
      '<tools>\n{"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city", ' +
        '"parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}\n</tools>',
    );
    expect(prompt).toContain(
      '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n',
    );
    expect(
      prompt.endsWith("<|im_start|>user\nWhat is the weather in Paris?<|im_end|>\n<|im_start|>assistant\n"),
    ).toBe(true);
    // The tools cost prompt tokens: the same history without them is much shorter.
    const bare = wrapper.generateContextState({ chatHistory: history }).contextText;
    expect(contextText.tokenize(model.tokenizer).length).toBeGreaterThan(
      bare.tokenize(model.tokenizer).length + 100,
    );
  });

  it("renders a call and its result back in the template's syntax", () => {
    const withCall: ChatHistoryItem[] = [
      ...history.slice(0, 2),
      {
        type: "model",
        response: [
          { type: "functionCall", name: "get_weather", params: { city: "Paris" }, result: "sunny, 21 C" },
        ],
      },
    ];
    const prompt = wrapper
      .generateContextState({ chatHistory: withCall, availableFunctions: functions })
      .contextText.toString();
    expect(prompt).toContain(
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>',
    );
    expect(prompt).toContain("<tool_response>\nsunny, 21 C\n</tool_response>");
  });

  it("tokenizes the tags and turn markers to one token each, <|im_end|> being EOS", () => {
    const ids = Object.fromEntries(
      [
        "<|im_start|>",
        "<|im_end|>",
        "<tool_call>",
        "</tool_call>",
        "<tool_response>",
        "</tool_response>",
      ].map((t) => {
        const tokens = model.tokenize(t, true);
        expect([t, tokens.length]).toEqual([t, 1]);
        return [t, tokens[0]];
      }),
    );
    expect(ids).toEqual({
      "<|im_start|>": 506,
      "<|im_end|>": 507,
      "<tool_call>": 508,
      "</tool_call>": 509,
      "<tool_response>": 510,
      "</tool_response>": 511,
    });
    expect(model.tokens.eos).toBe(507);
    expect(model.tokens.eosString).toBe("<|im_end|>");
    expect(model.tokens.bos).toBe(1);
    // The turn markers are CONTROL: text without special parsing stays text. The tool tags are
    // USER_DEFINED, as in Qwen2.5's GGUF: one token either way, detokenized as their text so a
    // generated call shows up in the output for the parser.
    expect(model.tokenize("<|im_end|>", false).length).toBeGreaterThan(1);
    expect(model.tokenize("<tool_call>", false)).toEqual([508]);
    expect(model.detokenize(model.tokenize("<tool_call>", true))).toBe("<tool_call>");
    expect(model.detokenize(model.tokenize("<|im_end|>", true))).toBe("");
    expect(model.detokenize(model.tokenize("<|im_end|>", true), true)).toBe("<|im_end|>");
    // node-llama-cpp's trigger for the call prefix therefore matches the tags as text: a
    // `<tool_call>` this model spells in character tokens under a grammar still starts a call.
    const special = (ids: number[]) => ids.map((t) => model.isSpecialToken(t as Token));
    expect(special([506, 507])).toEqual([true, true]);
    expect(special([508, 509, 510, 511])).toEqual([false, false, false, false]);
  });
});
