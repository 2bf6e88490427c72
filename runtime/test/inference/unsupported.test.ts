import { HttpError } from "@llm/contracts";
import { rejectUnsupported, type UnsupportedFields } from "../../src/inference/unsupported.js";

function rejection(req: UnsupportedFields): HttpError | undefined {
  try {
    rejectUnsupported(req);
    return undefined;
  } catch (err) {
    return err as HttpError;
  }
}

describe("unsupported parameters", () => {
  it.each([
    [{ logit_bias: { "42": 1 } }, "logit_bias", "logit_bias is not supported by this runtime"],
    [{ suffix: "end" }, "suffix", "suffix (infill) is not supported by this runtime"],
    [{ logprobs: true }, "logprobs", "logprobs are not supported by this runtime"],
    [{ logprobs: 3 }, "logprobs", "logprobs are not supported by this runtime"],
    [{ top_logprobs: 2 }, "top_logprobs", "logprobs are not supported by this runtime"],
  ] as [UnsupportedFields, string, string][])("rejects %j with a 400 naming %s", (req, param, message) => {
    const err = rejection(req);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: 400, param, code: "unsupported_parameter" });
    // The message starts with what is refused and goes on to say why (e.g. an engine limitation).
    expect(err?.message.startsWith(message)).toBe(true);
  });

  it.each([
    [{}],
    [{ logit_bias: {}, suffix: "", logprobs: false }],
    [{ logit_bias: null, suffix: null, logprobs: 0 }],
  ] as [UnsupportedFields][])("accepts %j (defaults and empty values ask for nothing)", (req) => {
    expect(rejection(req)).toBeUndefined();
  });

  it("says why logprobs are refused: the engine gives no token probabilities", () => {
    expect(rejection({ logprobs: true })?.message).toContain("engine");
  });

  it("names the first field in the fixed order when several are used", () => {
    expect(rejection({ logprobs: true, logit_bias: { "1": 1 } })?.param).toBe("logit_bias");
    expect(rejection({ logprobs: 1, suffix: "x" })?.param).toBe("suffix");
  });
});
