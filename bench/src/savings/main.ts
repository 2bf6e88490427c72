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
  const days = (h: number) => `${h.toFixed(1)} simulated hours`;
  console.log(
    `simulated duration: ${days(scenario.simulatedHours)} (${scenario.durationMs} ms real); ` +
      "total = node-hours of every pool over it (always-on: all of it; scale to zero: warm-up + warm) + external spend",
  );
  for (const r of report.runs) {
    const vs =
      r.totalSavingsVsReference === null
        ? ""
        : r.totalSavingsVsReference >= 0
          ? `  saved ${(r.totalSavingsVsReference * 100).toFixed(1)}%`
          : `  costs ${(r.totalCostUsd / r.referenceCostUsd).toFixed(1)}x all-external`;
    console.log(
      `${r.run.padEnd(16)} total $${r.totalCostUsd.toFixed(4)} (nodes $${r.nodeCostUsd.toFixed(4)} + external ` +
        `$${r.externalCostUsd.toFixed(4)}) vs all-external $${r.referenceCostUsd.toFixed(4)}${vs}  ` +
        `[token-attributed $${r.costUsd.toFixed(4)}]  p50 ${r.latencyMs.p50?.toFixed(0) ?? "n/a"} ms  ` +
        `p95 ${r.latencyMs.p95?.toFixed(0) ?? "n/a"} ms  failed ${r.failed}  cold starts ${r.coldStarts}` +
        (r.simulatedHours > scenario.simulatedHours + 1e-9 ? `  (${days(r.simulatedHours)})` : ""),
    );
  }
  const be = report.breakEven;
  const tok = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : `${(v / 1e3).toFixed(1)}K`);
  console.log(
    `trace volume ${tok(be.traceTokensPerDay)} tokens/day; all-external reference ` +
      `$${(be.referenceUsdPerToken * 1000).toFixed(5)}/1K tokens`,
  );
  console.log(
    `break-even fleet        ${be.fleetBreakEvenTokensPerDay === null ? "never up to twice its capacity" : `${tok(be.fleetBreakEvenTokensPerDay)} tokens/day`}` +
      " (all pools as deployed, always-on ones paid anyway)",
  );
  for (const p of be.pools) {
    console.log(
      `break-even ${p.name.padEnd(12)} ${p.breakEvenTokensPerDay === null ? p.note : `${tok(p.breakEvenTokensPerDay)} tokens/day`}` +
        ` (capacity ${tok(p.capacityTokensPerDay)}/day, fixed $${p.fixedUsdPerDay.toFixed(2)}/day)`,
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
