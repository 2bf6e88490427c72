/** One sample of Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?\s*$/;

function parseValue(raw: string): number {
  if (raw === "+Inf") return Number.POSITIVE_INFINITY;
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

/** Parses `a="x",b="y\"z"` (with the format's escapes) into a map. */
function parseLabels(raw: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  for (let m = re.exec(raw); m !== null; m = re.exec(raw)) {
    labels[m[1]!] = m[2]!.replace(/\\(n|\\|")/g, (_, c: string) => (c === "n" ? "\n" : c));
    if (re.lastIndex >= raw.length) break;
  }
  return labels;
}

/** Parses Prometheus text format (0.0.4); comments and malformed lines are skipped. */
export function parsePromText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = sampleLine.exec(trimmed);
    if (!m) continue;
    const value = parseValue(m[4]!);
    if (Number.isNaN(value)) continue;
    samples.push({ name: m[1]!, labels: m[3] ? parseLabels(m[3]) : {}, value });
  }
  return samples;
}

/** Sum of every series of `name` (a runtime may label by model); undefined when the metric is absent. */
export function sumOf(samples: Sample[], name: string): number | undefined {
  let found = false;
  let sum = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    found = true;
    sum += s.value;
  }
  return found ? sum : undefined;
}
