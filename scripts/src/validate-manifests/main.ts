/**
 * pnpm validate-manifests [--filter <text>] [--json]
 * Renders every chart and overlay, validates every object offline, checks that invalid values
 * are rejected; prints a table and exits 1 on any failure.
 */
import { parseArgs } from "node:util";
import { formatReport } from "./table.js";
import { validateAll } from "./validate.js";

const { values } = parseArgs({
  options: {
    filter: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

try {
  const report = await validateAll({ filter: values.filter });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  process.exit(report.ok ? 0 : 1);
} catch (e) {
  process.stderr.write(`validate-manifests: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
