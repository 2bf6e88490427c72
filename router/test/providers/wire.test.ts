import { egressCostUsd } from "../../src/pricing/egress.js";
import { createPriceTable, priceRequest } from "../../src/pricing/table.js";
import { redact, upstreamError } from "../../src/providers/errors.js";
import { parseRetryAfter } from "../../src/providers/shared/retry-after.js";
import { sseEvents as parseSse } from "../../src/providers/shared/sse.js";
import { UpstreamError } from "../../src/providers/types.js";

async function* chunks(...parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p);
}

async function events(...parts: string[]) {
  const out = [];
  for await (const e of parseSse(chunks(...parts))) out.push(e);
  return out;
}

describe("SSE parsing", () => {
  it("handles frames split across chunks, CRLF, multi-line data, comments and event names", async () => {
    expect(
      await events(
        "event: ping\r\nda",
        'ta: {"a":1}\r\n\r\n: keep-alive\n\ndata: line1\ndata: line2\n',
        "\n",
        "data: last",
      ),
    ).toEqual([
      { event: "ping", data: '{"a":1}' },
      { event: undefined, data: "line1\nline2" },
      { event: undefined, data: "last" },
    ]);
  });

  it("does not split a multi-byte character cut between chunks", async () => {
    const bytes = new TextEncoder().encode("data: héllo\n\n");
    const cut = bytes.indexOf(0xc3) + 1;
    async function* split() {
      yield bytes.slice(0, cut);
      yield bytes.slice(cut);
    }
    const out = [];
    for await (const e of parseSse(split())) out.push(e.data);
    expect(out).toEqual(["héllo"]);
  });
});

describe("upstream error mapping", () => {
  it.each([
    [400, false, "invalid_request_error"],
    [401, false, "authentication_error"],
    [403, false, "permission_error"],
    [404, false, "not_found_error"],
    [413, false, "invalid_request_error"],
    [429, true, "rate_limit_error"],
    [500, true, "server_error"],
    [503, true, "server_error"],
    [529, true, "server_error"],
  ])("maps HTTP %i to retryable=%s with type %s", (status, retryable, type) => {
    const e = upstreamError({ provider: "p", status, body: "oops" });
    expect(e).toBeInstanceOf(UpstreamError);
    expect([e.retryable, e.body.error.type]).toEqual([retryable, type]);
    expect(e.status).toBe(status === 529 ? 503 : status);
  });

  it("maps an in-stream Anthropic error event by its type", () => {
    const e = upstreamError({
      provider: "anthropic",
      status: 200,
      body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    });
    expect([e.status, e.retryable, e.body.error.code]).toEqual([503, true, "overloaded"]);
  });

  it("parses Retry-After seconds, HTTP dates and retry-after-ms", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter({ "retry-after": "20" })).toBe(20);
    expect(parseRetryAfter({ "retry-after": new Date(now + 30_000).toUTCString() }, now)).toBe(30);
    expect(parseRetryAfter({ "retry-after-ms": "1500" })).toBe(2);
    expect(parseRetryAfter({})).toBeUndefined();
  });

  it("redacts the configured key and anything shaped like a provider key", () => {
    expect(
      redact("bad key my-custom-secret-1 and sk-abcdef123456 and AIzaSyA1234567890abc", [
        "my-custom-secret-1",
      ]),
    ).toBe("bad key [redacted] and [redacted] and [redacted]");
  });
});

describe("external price table", () => {
  const table = createPriceTable();
  it.each([
    ["openai", "gpt-4o-mini-2024-07-18", 0.15, 0.6],
    ["openai", "gpt-4o-2024-08-06", 2.5, 10],
    ["openai", "gpt-4.1-mini-2025-04-14", 0.4, 1.6],
    ["openai", "gpt-4.1-nano", 0.1, 0.4],
    ["openai", "gpt-4.1", 2, 8],
    ["anthropic", "claude-haiku-4-5-20251001", 1, 5],
    ["anthropic", "claude-3-5-haiku-20241022", 0.8, 4],
    ["anthropic", "claude-sonnet-4-5-20250929", 3, 15],
    ["anthropic", "claude-sonnet-4-20250514", 3, 15],
    ["gemini", "gemini-2.5-flash", 0.3, 2.5],
    ["gemini", "gemini-2.5-flash-lite", 0.1, 0.4],
    ["gemini", "gemini-2.5-pro", 1.25, 10],
    ["gemini", "gemini-2.0-flash-001", 0.1, 0.4],
  ])("prices %s %s at $%d/$%d per 1M", (provider, model, input, output) => {
    expect(table.lookup(provider, model)).toEqual({ inputPer1M: input, outputPer1M: output });
  });

  it("never prices a model under another provider", () => {
    expect(table.lookup("anthropic", "gpt-4o-mini")).toBeUndefined();
    expect(priceRequest({ inputPer1M: 1, outputPer1M: 5 }, 1_000_000, 200_000)).toBeCloseTo(2, 12);
  });
});

describe("cross-cloud egress", () => {
  it("is free within a cloud and charged at the source cloud's rate across clouds", () => {
    const gb = 1024 ** 3;
    expect(egressCostUsd("aws", "aws", 10 * gb)).toBe(0);
    expect(egressCostUsd("aws", "gcp", gb)).toBeCloseTo(0.09, 12);
    expect(egressCostUsd("gcp", "azure", 2 * gb)).toBeCloseTo(0.24, 12);
    expect(egressCostUsd("azure", "aws", gb)).toBeCloseTo(0.087, 12);
    expect(egressCostUsd("aws", "gcp", gb, { aws: 0.05 })).toBeCloseTo(0.05, 12);
    expect(egressCostUsd("aws", "gcp", 0)).toBe(0);
  });
});
