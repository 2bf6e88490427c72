import { parseRetryAfter, retryDelaySeconds } from "../../../src/providers/shared/retry-after.js";

describe("the one Retry-After parser", () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);

  it.each([
    ["delta-seconds", { "retry-after": "20" }, 20],
    ["a fraction, rounded up so a client never retries early", { "retry-after": "1.5" }, 2],
    ["surrounding spaces", { "retry-after": " 7 " }, 7],
    ["an HTTP date", { "retry-after": new Date(now + 30_000).toUTCString() }, 30],
    ["a date already past, as zero", { "retry-after": new Date(now - 60_000).toUTCString() }, 0],
    [
      "OpenAI's retry-after-ms, preferred to retry-after",
      { "retry-after-ms": "1500", "retry-after": "9" },
      2,
    ],
    ["a repeated header's first value", { "retry-after": ["4", "8"] }, 4],
    ["garbage, as absent", { "retry-after": "soon" }, undefined],
    ["no header", {}, undefined],
  ])("reads %s", (_label, headers, seconds) => {
    expect(parseRetryAfter(headers, now)).toBe(seconds);
  });

  it("reads Gemini's RetryInfo retryDelay from an error's details", () => {
    expect(
      retryDelaySeconds([{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.2s" }]),
    ).toBe(2);
    expect(retryDelaySeconds([{ reason: "x" }, { retryDelay: "30s" }])).toBe(30);
    expect(retryDelaySeconds([{ retryDelay: "30" }])).toBeUndefined();
    expect(retryDelaySeconds(undefined)).toBeUndefined();
  });
});
