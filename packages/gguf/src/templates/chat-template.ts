/**
 * The chat templates a generated model can carry, with the special tokens each needs in
 * the vocabulary and the token that ends a turn (`tokenizer.ggml.eos_token_id`).
 */
import { TokenType } from "../format.js";
import { QWEN2_5_CHAT_TEMPLATE } from "./qwen2.5.js";
import { ZEPHYR_CHAT_TEMPLATE } from "./zephyr.js";

/** A token appended to the vocabulary, the way real models append their added tokens. */
export interface AddedToken {
  text: string;
  /**
   * CONTROL: parsed only with special-token parsing on and detokenized to nothing unless
   * asked for (the turn markers). USER_DEFINED: always parsed as one token and detokenized
   * as its text, so a call's `<tool_call>` shows up in the generated text for the parser.
   * This is how llama.cpp's convert_hf_to_gguf.py types Qwen2.5's added tokens
   * (`special: true` or `<|...|>` -> CONTROL, the others -> USER_DEFINED).
   */
  type: typeof TokenType.CONTROL | typeof TokenType.USER_DEFINED;
}

/** A chat template and what it needs from the vocabulary. */
export interface ChatTemplate {
  /** The Jinja text written to `tokenizer.chat_template`. */
  jinja: string;
  /** Tokens appended at the end of the vocabulary, in this order. */
  addedTokens: readonly AddedToken[];
  /** Text of the end-of-turn token; `</s>` or one of `addedTokens`. */
  eos: string;
  /** One line for `--help`. */
  description: string;
}

const control = (text: string): AddedToken => ({ text, type: TokenType.CONTROL });
const userDefined = (text: string): AddedToken => ({ text, type: TokenType.USER_DEFINED });

export const CHAT_TEMPLATES = {
  qwen: {
    jinja: QWEN2_5_CHAT_TEMPLATE,
    // Qwen2.5's own added tokens that its template writes (ids 151644-151645, 151657-151658
    // and 151665-151666 in the real vocabulary), in the same relative order.
    addedTokens: [
      control("<|im_start|>"),
      control("<|im_end|>"),
      userDefined("<tool_call>"),
      userDefined("</tool_call>"),
      userDefined("<tool_response>"),
      userDefined("</tool_response>"),
    ],
    eos: "<|im_end|>",
    description: "Qwen2.5-Instruct ChatML with tools (<tool_call>), EOS <|im_end|> (default)",
  },
  zephyr: {
    jinja: ZEPHYR_CHAT_TEMPLATE,
    addedTokens: [],
    eos: "</s>",
    description: "TinyLlama-1.1B-Chat's Zephyr template (<|user|>, <|assistant|>), no tools, EOS </s>",
  },
} as const satisfies Record<string, ChatTemplate>;

export type TemplateName = keyof typeof CHAT_TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(CHAT_TEMPLATES) as [TemplateName, ...TemplateName[]];
export const DEFAULT_TEMPLATE: TemplateName = "qwen";

/** The template named `name`, or an error naming the field and the known names. */
export function chatTemplate(name: string): ChatTemplate {
  if (!Object.hasOwn(CHAT_TEMPLATES, name)) {
    throw new Error(`template: unknown template ${name}; known: ${TEMPLATE_NAMES.join(", ")}`);
  }
  return CHAT_TEMPLATES[name as TemplateName];
}
