import { parseArgs } from "node:util";
import { loadProviders } from "./config/load.js";
import { runCompare } from "./run.js";

const USAGE = `usage: pnpm bench:compare --providers <file.yaml|json> --out <dir> [--requests N] [--concurrency N]

Hits every target in the providers file with the same streamed prompts and writes
<dir>/results.csv (one row per request), <dir>/summary.json (per-target aggregates and score)
and <dir>/report.html (self-contained charts). See examples/bench/providers.yaml.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      providers: { type: "string" },
      out: { type: "string" },
      requests: { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.providers || !values.out) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const config = await loadProviders(values.providers);
  // Command-line overrides go back through the schema bounds.
  const override = (v: string | undefined, name: string, max: number) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`--${name}: an integer in 1..${max}`);
    return n;
  };
  config.requests = override(values.requests, "requests", 10_000) ?? config.requests;
  config.concurrency = override(values.concurrency, "concurrency", 256) ?? config.concurrency;
  // Progress on stderr, so stdout stays the result table.
  const { summary, files } = await runCompare({
    config,
    outDir: values.out,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  for (const t of summary.targets) {
    console.log(
      `${t.target.padEnd(20)} success ${(t.successRate * 100).toFixed(1).padStart(5)}%  ` +
        `p50 ${String(t.latencyMs.p50 ?? "n/a").padStart(8)} ms  p95 ${String(t.latencyMs.p95 ?? "n/a").padStart(8)} ms  ` +
        `TTFT p50 ${String(t.ttftMs.p50 ?? "n/a").padStart(8)} ms  $/1K ${t.costPer1kTokens ?? "n/a"}  score ${t.score.total}${t.score.note ? ` (${t.score.note}: cost left out, not ranked)` : ""}`,
    );
  }
  const r = summary.ranking;
  console.log(
    `cheapest: ${r.cheapest ?? "none priced"}  best score: ${r.bestScore ?? "n/a"}` +
      (r.unpriced.length ? `  (unpriced, not ranked: ${r.unpriced.join(", ")})` : ""),
  );
  console.log(`wrote ${files.csv}, ${files.summary}, ${files.report}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
