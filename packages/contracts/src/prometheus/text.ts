/**
 * The one parser of the Prometheus text exposition format (version 0.0.4, what prom-client and
 * every `/metrics` here serve), shared by the router's health poller and the exporter's runtime
 * scrape. Pure: text in, samples out. Format reference:
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** One sample line. */
export interface PrometheusSample {
  /** Metric name as written, e.g. `x_bucket` for a histogram bucket. */
  name: string;
  /**
   * The metric family: `x` for `x_bucket` / `x_sum` / `x_count` of a histogram or summary
   * declared by a `# TYPE x …` line before them; otherwise the name itself.
   */
  family: string;
  labels: Record<string, string>;
  /** The value; `NaN`, `+Inf` and `-Inf` are valid values of the format. */
  value: number;
  /** Milliseconds since the epoch, when the line carries a timestamp. */
  timestampMs?: number;
}

export interface PrometheusParseOptions {
  /** Keep only samples with these metric names (others are skipped before their labels are read). */
  names?: ReadonlySet<string>;
}

const SPACE = 32;
const TAB = 9;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58; // a-z A-Z _ :
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function skipSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length && (s.charCodeAt(j) === SPACE || s.charCodeAt(j) === TAB)) j++;
  return j;
}

function nameEnd(s: string, i: number): number {
  let j = i;
  while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
  return j;
}

/** Go's ParseFloat spellings of the special values, which Prometheus writes and reads. */
function parseValue(token: string): number {
  const lower = token.toLowerCase();
  if (lower === "+inf" || lower === "inf") return Number.POSITIVE_INFINITY;
  if (lower === "-inf") return Number.NEGATIVE_INFINITY;
  if (lower === "nan") return Number.NaN;
  // Number("") is 0 and Number(" 1") is 1: neither can reach here (tokens are non-empty, no spaces).
  return Number(token);
}

/**
 * Reads `{a="x",b="y\"z",}` starting at `i` (the `{`); returns the labels and the index after
 * `}`, or undefined when the label set is malformed. Values may hold `,`, `}`, `=` and the
 * escapes `\\`, `\"` and `\n`.
 */
function parseLabels(s: string, i: number): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let j = skipSpace(s, i + 1);
  while (j < s.length && s.charCodeAt(j) !== 125 /* } */) {
    if (!isNameStart(s.charCodeAt(j))) return undefined;
    const ne = nameEnd(s, j);
    const name = s.slice(j, ne);
    j = skipSpace(s, ne);
    if (s.charCodeAt(j) !== 61 /* = */) return undefined;
    j = skipSpace(s, j + 1);
    if (s.charCodeAt(j) !== 34 /* " */) return undefined;
    j++;
    let value = "";
    let from = j;
    for (;;) {
      if (j >= s.length) return undefined;
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c === 92 /* \ */) {
        const next = s[j + 1];
        value +=
          s.slice(from, j) + (next === "n" ? "\n" : next === "\\" || next === '"' ? next : `\\${next ?? ""}`);
        j += 2;
        from = j;
        continue;
      }
      j++;
    }
    labels[name] = value + s.slice(from, j);
    j = skipSpace(s, j + 1);
    if (s.charCodeAt(j) === 44 /* , */) j = skipSpace(s, j + 1);
    else if (s.charCodeAt(j) !== 125) return undefined;
  }
  return j < s.length ? { labels, end: j + 1 } : undefined;
}

/** The family of `name` given the `# TYPE` lines seen so far. */
function familyOf(name: string, types: Map<string, string>): string {
  if (types.has(name)) return name;
  for (const suffix of ["_bucket", "_sum", "_count", "_created"]) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = types.get(base);
    if (type === "histogram" || type === "summary" || (type === "counter" && suffix === "_created"))
      return base;
  }
  return name;
}

/** Parses one sample line (leading whitespace already skipped); undefined when malformed or unwanted. */
function parseSample(
  line: string,
  start: number,
  types: Map<string, string>,
  names: ReadonlySet<string> | undefined,
): PrometheusSample | undefined {
  if (!isNameStart(line.charCodeAt(start))) return undefined;
  const ne = nameEnd(line, start);
  const name = line.slice(start, ne);
  if (names && !names.has(name)) return undefined;
  let j = skipSpace(line, ne);
  let labels: Record<string, string> = {};
  if (line.charCodeAt(j) === 123 /* { */) {
    const parsed = parseLabels(line, j);
    if (!parsed) return undefined;
    labels = parsed.labels;
    j = skipSpace(line, parsed.end);
  } else if (j === ne) return undefined; // a name must be followed by labels or whitespace
  const rest = line
    .slice(j)
    .trim()
    .split(/[ \t]+/);
  if (rest.length < 1 || rest.length > 2 || rest[0] === "") return undefined;
  const value = parseValue(rest[0] as string);
  if (Number.isNaN(value) && (rest[0] as string).toLowerCase() !== "nan") return undefined;
  const sample: PrometheusSample = { name, family: familyOf(name, types), labels, value };
  if (rest.length === 2) {
    if (!/^-?\d+$/.test(rest[1] as string)) return undefined;
    sample.timestampMs = Number(rest[1]);
  }
  return sample;
}

/**
 * Parses Prometheus text exposition. `# HELP` and other comments are skipped, `# TYPE` lines
 * give histogram and summary samples their family; malformed lines are skipped (a scrape
 * keeps what it can read). LF and CRLF line ends are both accepted.
 */
export function parsePrometheusText(text: string, options: PrometheusParseOptions = {}): PrometheusSample[] {
  const out: PrometheusSample[] = [];
  const types = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const start = skipSpace(line, 0);
    if (start === line.length) continue;
    if (line.charCodeAt(start) === 35 /* # */) {
      const m = /^#[ \t]+TYPE[ \t]+([a-zA-Z_:][a-zA-Z0-9_:]*)[ \t]+(\w+)/.exec(line.slice(start));
      if (m) types.set(m[1] as string, m[2] as string);
      continue;
    }
    const sample = parseSample(line, start, types, options.names);
    if (sample) out.push(sample);
  }
  return out;
}

/**
 * Sum of the samples of metric `name` whose labels include `match`; undefined when there is
 * none. A NaN sample (a gauge with nothing to report) counts as absent, so one replica without
 * a figure does not turn a pool's sum into NaN.
 */
export function sumSamples(
  samples: readonly PrometheusSample[],
  name: string,
  match: Record<string, string> = {},
): number | undefined {
  let found = false;
  let sum = 0;
  const wanted = Object.entries(match);
  for (const s of samples) {
    if (s.name !== name || Number.isNaN(s.value)) continue;
    if (wanted.some(([k, v]) => s.labels[k] !== v)) continue;
    found = true;
    sum += s.value;
  }
  return found ? sum : undefined;
}
