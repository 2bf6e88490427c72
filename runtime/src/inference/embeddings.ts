import { type EmbeddingsRequest, HttpError } from "@llm/contracts";
import type { Token } from "node-llama-cpp";
import type { Engine } from "../engine/engine.js";

export interface Embeddings {
  vectors: (readonly number[])[];
  promptTokens: number;
}

/** The inputs of a request as a list: one string, one token list, or a batch of either. */
function inputsOf(req: EmbeddingsRequest): { inputs: (string | Token[])[]; single: boolean } {
  if (typeof req.input === "string") return { inputs: [req.input], single: true };
  if (req.input.length > 0 && typeof req.input[0] === "number")
    return { inputs: [req.input as Token[]], single: true };
  return { inputs: req.input as (string | Token[])[], single: false };
}

/** /v1/embeddings: checks each input (400 naming it) and embeds them one at a time on the embedding context. */
export async function embedInputs(engine: Engine, req: EmbeddingsRequest): Promise<Embeddings> {
  const { inputs, single } = inputsOf(req);
  const ctx = engine.info.ctxSizePerSequence;
  const size = engine.model.embeddingVectorSize;
  if (req.dimensions !== undefined && req.dimensions !== size) {
    throw new HttpError(400, `dimensions must equal the model's embedding size (${size})`, {
      param: "dimensions",
      code: "unsupported_parameter",
    });
  }
  const vocabSize = engine.vocabSize;
  const vectors: (readonly number[])[] = [];
  let promptTokens = 0;
  for (const [i, input] of inputs.entries()) {
    const param = single ? "input" : `input.${i}`;
    if (input.length === 0)
      throw new HttpError(400, "Input must not be empty", { param, code: "invalid_input" });
    // Out-of-range token ids would index past the embedding table in native code.
    if (typeof input !== "string" && input.some((t) => t < 0 || t >= vocabSize)) {
      throw new HttpError(400, `Token ids must be between 0 and ${vocabSize - 1}`, {
        param,
        code: "invalid_input",
      });
    }
    const tokens = typeof input === "string" ? engine.model.tokenize(input) : input;
    if (tokens.length >= ctx) {
      throw new HttpError(
        400,
        `This model's maximum context length is ${ctx} tokens, however the input has ${tokens.length} tokens`,
        { param, code: "context_length_exceeded" },
      );
    }
    const { vector } = await engine.embed(tokens);
    vectors.push(vector);
    promptTokens += tokens.length;
  }
  return { vectors, promptTokens };
}
