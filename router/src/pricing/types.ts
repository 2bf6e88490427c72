/** List price of one external model, USD per 1M tokens, input and output priced separately. */
export interface ModelPrice {
  inputPer1M: number;
  outputPer1M: number;
}

/** Looks up the price of `model` at `provider` (openai, anthropic, gemini); undefined when unknown. */
export interface PriceTable {
  lookup(provider: string, model: string): ModelPrice | undefined;
}
