import {
  extractTraceContext,
  formatTraceparent,
  injectTraceContext,
  parseTraceparent,
} from "../../src/propagation/traceparent.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const PARENT = `00-${TRACE}-${SPAN}-01`;

/** What a request's headers turn into on the way downstream. */
const passOn = (headers: Record<string, string>) => injectTraceContext({}, extractTraceContext(headers));

describe("traceparent through OpenTelemetry's W3C propagator", () => {
  it.each([
    ["uppercase hex", `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ["version ff", `ff-${TRACE}-${SPAN}-01`],
    ["a one-digit flags field", `00-${TRACE}-${SPAN}-1`],
    ["a trailing dash in version 00", `00-${TRACE}-${SPAN}-01-`],
    ["non-hex flags", `00-${TRACE}-${SPAN}-0x`],
    ["an empty value", ""],
  ])("rejects %s, so nothing is passed on", (_label, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
    expect(passOn({ traceparent: value })).toEqual({});
  });

  it("accepts a later version with extra fields, and passes it on as version 00", () => {
    expect(parseTraceparent(`cc-${TRACE}-${SPAN}-01-extra`)).toMatchObject({ traceId: TRACE, spanId: SPAN });
    expect(passOn({ traceparent: `cc-${TRACE}-${SPAN}-01-extra` })).toEqual({ traceparent: PARENT });
  });

  it("keeps only the sampled flag, the one trace-context level 1 defines", () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-03`)?.traceFlags).toBe(1);
    expect(passOn({ traceparent: `00-${TRACE}-${SPAN}-ff` })).toEqual({ traceparent: PARENT });
    expect(passOn({ traceparent: `00-${TRACE}-${SPAN}-00` })).toEqual({
      traceparent: `00-${TRACE}-${SPAN}-00`,
    });
  });

  it("tolerates whitespace around the value and any header-name case", () => {
    expect(passOn({ traceparent: `  ${PARENT} ` })).toEqual({ traceparent: PARENT });
    expect(passOn({ TraceParent: PARENT })).toEqual({ traceparent: PARENT });
  });

  it("passes tracestate on in order and drops members that are not valid list members", () => {
    expect(passOn({ traceparent: PARENT, tracestate: "vendor=abc, bad key=1,other=1" })).toEqual({
      traceparent: PARENT,
      tracestate: "vendor=abc,other=1",
    });
    // A tracestate with no valid member is not sent at all (rather than as an empty header).
    expect(passOn({ traceparent: PARENT, tracestate: "bad key" })).toEqual({ traceparent: PARENT });
  });

  it("formats what it parses back to the same value", () => {
    const sc = parseTraceparent(PARENT, "a=1");
    expect(sc && formatTraceparent(sc)).toBe(PARENT);
    expect(sc?.isRemote).toBe(true);
    expect(sc?.traceState?.serialize()).toBe("a=1");
  });
});
