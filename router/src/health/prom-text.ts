/** One sample of Prometheus text exposition. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses the Prometheus text format (what prom-client serves), keeping only the metric
 * families in `wanted` when given. Comments, timestamps and malformed lines are skipped.
 */
export function parsePromText(text: string, wanted?: ReadonlySet<string>): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split("\n")) {
    if (line.length === 0 || line[0] === "#") continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    if (wanted && !wanted.has(name)) continue;
    const labels: Record<string, string> = {};
    if (m[2])
      for (const l of m[2].matchAll(LABEL)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, "$1");
    const raw = m[3] as string;
    const value =
      raw === "+Inf" ? Number.POSITIVE_INFINITY : raw === "-Inf" ? Number.NEGATIVE_INFINITY : Number(raw);
    if (!Number.isNaN(value) || raw === "NaN") out.push({ name, labels, value });
  }
  return out;
}

/** Sum of a metric's samples whose labels include `match`; undefined when none. */
export function promValue(
  samples: readonly PromSample[],
  name: string,
  match: Record<string, string> = {},
): number | undefined {
  let found = false;
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).some(([k, v]) => s.labels[k] !== v)) continue;
    found = true;
    sum += s.value;
  }
  return found ? sum : undefined;
}
