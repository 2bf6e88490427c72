import { errorBody } from "@llm/contracts";
import { AttemptTimeoutError, ClientClosedError } from "../../src/forward/abort.js";
import {
  type AttemptFailure,
  asAttemptError,
  classifyFailure,
  FAILURE_TABLE,
  failureOf,
} from "../../src/forward/failover.js";
import { UpstreamError } from "../../src/providers/types.js";

const f = (over: Partial<AttemptFailure>): AttemptFailure => ({
  phase: "before_first_byte",
  cause: "status",
  status: 500,
  code: null,
  ...over,
});

describe("the failure classification table", () => {
  // One case per row, in table order: [rule, failure, action, breaker effect].
  const table: [string, AttemptFailure, string, string][] = [
    ["client_gone", f({ cause: "client_gone", status: 499 }), "return_to_client", "neutral"],
    [
      "client_gone_mid_stream",
      f({ cause: "client_gone", status: 499, phase: "mid_stream" }),
      "return_to_client",
      "healthy",
    ],
    ["mid_stream", f({ phase: "mid_stream", status: 502 }), "return_to_client", "trip"],
    ["saturated", f({ status: 429, code: "queue_full", retryAfter: 1 }), "fail_over", "healthy"],
    ["rate_limited", f({ status: 429, retryAfter: 7 }), "fail_over", "healthy"],
    ["first_event", f({ phase: "first_event", status: 502 }), "fail_over", "trip"],
    ["context_window", f({ status: 400, code: "context_length_exceeded" }), "fall_back", "healthy"],
    ["content_policy", f({ status: 400, code: "content_filter" }), "fall_back", "healthy"],
    ["timeout", f({ cause: "timeout", status: 504, code: "upstream_timeout" }), "fail_over", "trip"],
    [
      "unreachable",
      f({ cause: "unreachable", status: 502, code: "upstream_unavailable" }),
      "fail_over",
      "trip",
    ],
    [
      "credentials_rejected",
      f({ cause: "credentials_rejected", status: 502, code: "upstream_auth_failed" }),
      "fail_over",
      "trip",
    ],
    ["request_timeout", f({ status: 408 }), "fail_over", "trip"],
    ["server_error", f({ status: 503, retryAfter: 30 }), "fail_over", "trip"],
    ["client_error", f({ status: 400, code: "invalid_value" }), "return_to_client", "healthy"],
  ];

  const rows = table.map(([rule, failure, action, breaker]) => [rule, action, breaker, failure] as const);

  it("has a test case for every row, in order", () => {
    expect(rows.map(([rule]) => rule)).toEqual(FAILURE_TABLE.map((r) => r.rule));
  });

  it.each(rows)("row %s: %s, breaker %s", (rule, action, breaker, failure) => {
    expect(classifyFailure(failure)).toMatchObject({ rule, action, breaker });
  });

  it("names the fallback condition on fall_back rows", () => {
    expect(classifyFailure(f({ status: 400, code: "context_length_exceeded" })).condition).toBe(
      "context_window",
    );
    expect(classifyFailure(f({ status: 400, code: "content_policy_violation" })).condition).toBe(
      "content_policy",
    );
  });

  it("fails over on every 5xx and returns every other 4xx, before the first byte", () => {
    for (const status of [500, 501, 502, 503, 504, 529])
      expect(classifyFailure(f({ status })).action).toBe("fail_over");
    for (const status of [400, 401, 403, 404, 409, 413, 422])
      expect(classifyFailure(f({ status })).action).toBe("return_to_client");
  });

  it("is extended by rows in front of it, not by changing the loop", () => {
    const retry429 = [
      {
        rule: "retry_429",
        when: (x: AttemptFailure) => x.status === 429,
        action: "retry_same" as const,
        breaker: "healthy" as const,
      },
      ...FAILURE_TABLE,
    ];
    expect(classifyFailure(f({ status: 429 }), retry429).rule).toBe("retry_429");
    expect(classifyFailure(f({ status: 500 }), retry429).rule).toBe("server_error");
  });
});

describe("the facts the table reads", () => {
  it("tells a gone client, a deadline, a refused connection and rejected credentials apart", () => {
    expect(failureOf(new ClientClosedError(), "first_event")).toEqual({
      phase: "first_event",
      cause: "client_gone",
      status: 499,
      code: null,
    });
    const timeout = asAttemptError(new AttemptTimeoutError("first_byte"), "a");
    expect(failureOf(timeout, "before_first_byte")).toMatchObject({ cause: "timeout", status: 504 });
    expect(timeout.message).toBe("upstream a timed out (first byte)");
    const refused = new UpstreamError(502, errorBody(502, "x", { code: "upstream_unreachable" }), true);
    expect(failureOf(refused, "before_first_byte").cause).toBe("unreachable");
    const creds = new UpstreamError(502, errorBody(502, "x", { code: "upstream_auth_failed" }), true);
    expect(failureOf(creds, "before_first_byte").cause).toBe("credentials_rejected");
    const limited = new UpstreamError(429, errorBody(429, "x"), true, 7);
    expect(failureOf(limited, "before_first_byte")).toMatchObject({
      cause: "status",
      status: 429,
      retryAfter: 7,
    });
  });

  it("turns anything unknown into a 502 the table fails over on", () => {
    const e = asAttemptError(new TypeError("boom"), "a");
    expect([e.status, (e as UpstreamError).body.error.code]).toEqual([502, "upstream_error"]);
  });
});
