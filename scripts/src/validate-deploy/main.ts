/**
 * pnpm validate-deploy [--stack <name>] [--mode helm|argocd] [--root <dir>] [--json]
 * Runs each shipped stack's Pulumi program under mocks in both deploy modes, renders what each
 * mode deploys, and checks that stacks, charts, overlays and router config agree. Prints
 * `PASS|FAIL|SKIP <check> <stack> <mode> <detail>` per (check, stack, mode); exits 1 on a FAIL.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { checkerRoot } from "./program/run-program.js";
import { formatLine, validateDeploy } from "./run.js";

const { values } = parseArgs({
  options: {
    stack: { type: "string", multiple: true },
    mode: { type: "string", multiple: true },
    root: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

try {
  const modes = values.mode?.map((m) => {
    if (m !== "helm" && m !== "argocd") throw new Error(`--mode must be helm or argocd, not ${m}`);
    return m;
  });
  const { results, ok } = await validateDeploy({
    root: resolve(values.root ?? checkerRoot),
    stacks: values.stack,
    modes,
  });
  process.stdout.write(
    values.json ? `${JSON.stringify(results, null, 2)}\n` : `${results.map(formatLine).join("\n")}\n`,
  );
  process.exit(ok ? 0 : 1);
} catch (e) {
  process.stderr.write(`validate-deploy: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
}
