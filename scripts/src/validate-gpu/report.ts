import type { CheckResult } from "./checks/context.js";

const mark = { pass: "PASS", fail: "FAIL", skip: "skip" } as const;

/** The pass/fail table printed at the end. */
export function formatTable(results: CheckResult[]): string {
  const w = Math.max(5, ...results.map((r) => r.name.length));
  const lines = [`${"check".padEnd(w)}  result  detail`, `${"-".repeat(w)}  ------  ${"-".repeat(40)}`];
  for (const r of results) lines.push(`${r.name.padEnd(w)}  ${mark[r.status].padEnd(6)}  ${r.detail}`);
  const failed = results.filter((r) => r.status === "fail").length;
  lines.push("", failed ? `${failed} check(s) failed` : "all checks passed");
  return lines.join("\n");
}

/** Exit code: 0 only when nothing failed. */
export function exitCode(results: CheckResult[]): number {
  return results.some((r) => r.status === "fail") ? 1 : 0;
}
