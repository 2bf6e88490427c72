import { HttpError } from "@llm/contracts";
import { fitContext } from "../../src/inference/prepare.js";

describe("fitting a request into the context", () => {
  it("gives the rest of the context when max_tokens is absent, and what was asked when it fits", () => {
    expect(fitContext(2048, 48, undefined, "messages")).toBe(2000);
    expect(fitContext(2048, 48, 2000, "messages")).toBe(2000);
  });

  it.each([
    [2048, 2048, undefined, "requested 2048 prompt tokens. "],
    [2048, 48, 2001, "requested 48 prompt tokens + 2001 completion tokens."],
  ])(
    "ctx %d, prompt %d, max_tokens %s: 400 context_length_exceeded naming the field",
    (ctx, prompt, max, text) => {
      let err: unknown;
      try {
        fitContext(ctx, prompt, max, "prompt");
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HttpError);
      expect(err).toMatchObject({ status: 400, param: "prompt", code: "context_length_exceeded" });
      expect((err as Error).message).toContain(`maximum context length is ${ctx} tokens`);
      expect((err as Error).message).toContain(text);
      expect((err as Error).message).toContain("reduce the length of the prompt or of max_tokens");
    },
  );
});
