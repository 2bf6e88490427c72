import { parseArgs } from "node:util";
import { runSavings } from "./run.js";
import { loadScenario, parseScenario } from "./scenario/load.js";

const USAGE = `usage: pnpm bench:savings --out <dir> [--scenario <file.yaml>] [--seed N] [--requests N] [--duration-ms N]

Replays a seeded diurnal request trace through the real router against fake clusters and fake
external providers, once per strategy, against the all-external baseline and with a cluster dying
mid-trace. Writes <dir>/savings.json and <dir>/savings.html.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      scenario: { type: "string" },
      seed: { type: "string" },
      requests: { type: "string" },
      "duration-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.out) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const base = values.scenario ? await loadScenario(values.scenario) : parseScenario({});
  // Overrides go back through the schema so its bounds apply.
  const overrides: Record<string, number> = {};
  if (values.seed !== undefined) overrides.seed = Number(values.seed);
  if (values.requests !== undefined) overrides.requests = Number(values.requests);
  if (values["duration-ms"] !== undefined) overrides.durationMs = Number(values["duration-ms"]);
  const scenario = parseScenario({ ...base, ...overrides }, "command line");
  const started = Date.now();
  const { report } = await runSavings({ scenario, outDir: values.out, log: (l) => console.log(l) });
  for (const r of report.runs) {
    const saved = r.savingsVsBaseline === null ? "" : `  saved ${(r.savingsVsBaseline * 100).toFixed(1)}%`;
    console.log(
      `${r.run.padEnd(16)} cost $${r.costUsd.toFixed(4)}  $/1K ${r.costPer1kTokens?.toFixed(5) ?? "n/a"}  ` +
        `p50 ${r.latencyMs.p50?.toFixed(0) ?? "n/a"} ms  p95 ${r.latencyMs.p95?.toFixed(0) ?? "n/a"} ms  ` +
        `failed ${r.failed}  cold starts ${r.coldStarts}${saved}`,
    );
  }
  console.log(
    `wrote ${values.out}/savings.json and ${values.out}/savings.html in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
