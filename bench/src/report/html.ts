import { CHART_SCRIPT } from "./chart-script.js";
import type { ChartSpec } from "./spec.js";

/** A table of already-formatted cells. */
export interface TableSpec {
  caption?: string;
  headers: string[];
  rows: (string | number)[][];
}

/** A headline figure shown as a card at the top. */
export interface Card {
  label: string;
  value: string;
  /** Optional small print under the value. */
  note?: string;
}

/** One report section: prose, cards, tables and charts in that order. */
export interface Section {
  title: string;
  /** Plain-text paragraphs (escaped). */
  paragraphs?: string[];
  cards?: Card[];
  tables?: TableSpec[];
  charts?: ChartSpec[];
}

/** Input of {@link renderReport}. */
export interface ReportInput {
  title: string;
  /** Line under the title (run parameters, date). */
  subtitle?: string;
  sections: Section[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string | number): string {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** JSON safe to embed inside a <script> element (no `</script>` or `<!--` can appear). */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#f9fafb;padding:20px 32px}header h1{margin:0;font-size:22px}
header p{margin:6px 0 0;color:#d1d5db;font-size:13px}main{padding:8px 32px 40px;max-width:1400px}
section{margin-top:24px}h2{font-size:18px;border-bottom:1px solid #e5e7eb;padding-bottom:6px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 16px;min-width:160px}
.card .label{font-size:12px;color:#6b7280}.card .value{font-size:22px;font-weight:600}.card .note{font-size:11px;color:#6b7280}
table{border-collapse:collapse;background:#fff;margin:12px 0;font-size:13px}caption{text-align:left;font-weight:600;padding:4px 0}
th,td{border:1px solid #e5e7eb;padding:6px 10px;text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f3f4f6}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}
figure{background:#fff;border:1px solid #e5e7eb;border-radius:8px;margin:0;padding:12px}figcaption{font-weight:600;font-size:14px;margin-bottom:6px}
figure svg{width:100%;height:auto}.legend{font-size:12px;display:flex;flex-wrap:wrap;gap:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
`;

function renderTable(t: TableSpec): string {
  const head = t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n");
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : "";
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function renderSection(s: Section): string {
  const parts = [`<section><h2>${escapeHtml(s.title)}</h2>`];
  for (const p of s.paragraphs ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
  if (s.cards?.length) {
    const cards = s.cards.map(
      (c) =>
        `<div class="card"><div class="label">${escapeHtml(c.label)}</div><div class="value">${escapeHtml(c.value)}</div>` +
        (c.note ? `<div class="note">${escapeHtml(c.note)}</div>` : "") +
        "</div>",
    );
    parts.push(`<div class="cards">${cards.join("")}</div>`);
  }
  for (const t of s.tables ?? []) parts.push(renderTable(t));
  if (s.charts?.length) {
    const figs = s.charts.map(
      (c) =>
        `<figure data-chart-id="${escapeHtml(c.id)}"><figcaption>${escapeHtml(c.title)}</figcaption></figure>`,
    );
    parts.push(`<div class="charts">${figs.join("")}</div>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

/**
 * Renders a self-contained HTML report: inline CSS, chart specs as embedded JSON and the inline
 * drawing script. It loads nothing from the network, so it opens from file:// anywhere.
 */
export function renderReport(input: ReportInput): string {
  const charts = input.sections.flatMap((s) => s.charts ?? []);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(input.title)}</h1>${input.subtitle ? `<p>${escapeHtml(input.subtitle)}</p>` : ""}</header>
<main>
${input.sections.map(renderSection).join("\n")}
</main>
<script type="application/json" id="chart-data">${jsonForScript(charts)}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`;
}
