import type { Report } from "./validate.js";

/** Formats a report as a plain-text table (what, documents, result) followed by the failures' details. */
export function formatReport(report: Report): string {
  const rows = report.results.map((r) => [
    r.what,
    r.type === "reject" || r.type === "values-docs" ? "-" : String(r.documents),
    r.ok ? (r.type === "reject" ? "pass (rejected)" : "pass") : "FAIL",
  ]);
  const header = ["what", "documents", "result"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  const out = [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  const failed = report.results.filter((r) => !r.ok);
  for (const r of failed) {
    out.push("", `FAIL ${r.what}`);
    for (const p of r.problems) out.push(`  - ${p}`);
  }
  const passed = report.results.length - failed.length;
  out.push(
    "",
    `${passed}/${report.results.length} checks passed in ${(report.durationMs / 1000).toFixed(1)} s${report.ok ? "" : " - FAILED"}`,
  );
  return out.join("\n");
}
