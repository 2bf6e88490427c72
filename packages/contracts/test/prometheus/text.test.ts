import { parsePrometheusText, sumSamples } from "../../src/prometheus/text.js";

describe("Prometheus text parsing", () => {
  it("reads labels whose values hold escaped quotes, backslashes, newlines, commas and braces", () => {
    const [s] = parsePrometheusText('x{a="say \\"hi\\"",b="c:\\\\tmp",c="two\\nlines",d="1,2}={"} 1\n');
    expect(s?.labels).toEqual({ a: 'say "hi"', b: "c:\\tmp", c: "two\nlines", d: "1,2}={" });
    expect(s?.value).toBe(1);
  });

  it("accepts a trailing comma, spaces inside the braces, and an empty label set", () => {
    const samples = parsePrometheusText('x{ a = "1" , b="2", } 3\ny{} 4\nz 5');
    expect(samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ["x", { a: "1", b: "2" }, 3],
      ["y", {}, 4],
      ["z", {}, 5],
    ]);
  });

  it("skips HELP and other comments, blank lines and malformed lines, and takes CRLF line ends", () => {
    const text = [
      "# HELP x_total things, with a \\n in the docstring",
      "# TYPE x_total counter",
      "# a free comment",
      "",
      "   ",
      "x_total 3\r",
      "garbage line here {",
      'bad{a="unterminated} 1',
      "bad{a=1} 1",
      "bad 1 2 3",
      "bad 1 notatime",
      "bad notanumber",
      "9bad 1",
      "  x_total\t4",
    ].join("\n");
    expect(parsePrometheusText(text).map((s) => [s.name, s.value])).toEqual([
      ["x_total", 3],
      ["x_total", 4],
    ]);
  });

  it("reads NaN, +Inf, -Inf and exponents, and keeps timestamps in milliseconds", () => {
    const samples = parsePrometheusText(
      ["a NaN", "b +Inf", "c -Inf", "d 1.5e3 1700000000000", "e -2 -5", "f Inf"].join("\n"),
    );
    expect(Number.isNaN(samples[0]?.value)).toBe(true);
    expect(samples.slice(1).map((s) => s.value)).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1500,
      -2,
      Number.POSITIVE_INFINITY,
    ]);
    expect(samples[3]?.timestampMs).toBe(1_700_000_000_000);
    expect(samples[4]?.timestampMs).toBe(-5);
    expect(samples[0]?.timestampMs).toBeUndefined();
  });

  it("gives a histogram's _bucket, _sum and _count samples their family, with the +Inf bucket", () => {
    const text = [
      "# TYPE llm_router_request_duration_seconds histogram",
      'llm_router_request_duration_seconds_bucket{le="0.1",target="a"} 2',
      'llm_router_request_duration_seconds_bucket{le="+Inf",target="a"} 3',
      'llm_router_request_duration_seconds_sum{target="a"} 0.42',
      'llm_router_request_duration_seconds_count{target="a"} 3',
      "# TYPE rpc summary",
      'rpc{quantile="0.5"} 1',
      "rpc_count 7",
      "other_count 1",
    ].join("\n");
    const samples = parsePrometheusText(text);
    expect(samples.map((s) => s.family)).toEqual([
      "llm_router_request_duration_seconds",
      "llm_router_request_duration_seconds",
      "llm_router_request_duration_seconds",
      "llm_router_request_duration_seconds",
      "rpc",
      "rpc",
      "other_count",
    ]);
    expect(samples[1]?.labels.le).toBe("+Inf");
    expect(sumSamples(samples, "llm_router_request_duration_seconds_count", { target: "a" })).toBe(3);
  });

  it("keeps only the wanted metric names when asked", () => {
    const samples = parsePrometheusText('a 1\nb{x="y"} 2\nc 3', { names: new Set(["b", "c"]) });
    expect(samples.map((s) => s.name)).toEqual(["b", "c"]);
  });
});

describe("sumSamples", () => {
  const samples = parsePrometheusText(
    ['q{pool="gpu",m="a"} 1', 'q{pool="gpu",m="b"} 2', 'q{pool="cpu"} 4', 'q{pool="none"} NaN'].join("\n"),
  );

  it("sums a metric over the label sets that include the match", () => {
    expect(sumSamples(samples, "q")).toBe(7);
    expect(sumSamples(samples, "q", { pool: "gpu" })).toBe(3);
    expect(sumSamples(samples, "q", { pool: "gpu", m: "b" })).toBe(2);
  });

  it("is undefined for an absent metric, an unmatched label and a NaN-only match", () => {
    expect(sumSamples(samples, "missing")).toBeUndefined();
    expect(sumSamples(samples, "q", { pool: "tpu" })).toBeUndefined();
    expect(sumSamples(samples, "q", { pool: "none" })).toBeUndefined();
  });
});
