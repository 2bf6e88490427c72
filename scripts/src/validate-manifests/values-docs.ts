/**
 * Checks that a chart's values.yaml documents every key the bitnami way: a `## @param <path>
 * <description>` line for each key (or for an ancestor documented as a whole, e.g. `resources`),
 * and no `@param` for a key that does not exist (stale docs).
 */
import { parseDocument } from "yaml";

/** Keys of a values.yaml as dotted paths; a map is descended unless it is documented as a whole. */
function undocumented(value: unknown, prefix: string, documented: Set<string>, out: string[]): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (documented.has(path)) continue;
    const isMap = child !== null && typeof child === "object" && !Array.isArray(child);
    if (isMap && Object.keys(child as object).length > 0) undocumented(child, path, documented, out);
    else out.push(path);
  }
}

function exists(values: unknown, path: string): boolean {
  let cur: unknown = values;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object" || !(key in (cur as object))) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}

/** Problems with the `@param` documentation of a values.yaml text (empty when complete). */
export function checkValuesDocs(text: string): string[] {
  const doc = parseDocument(text);
  if (doc.errors.length) return [`values.yaml: YAML error: ${doc.errors[0]!.message}`];
  const values = doc.toJS() as unknown;
  const params = [...text.matchAll(/^\s*##\s*@param\s+(\S+)/gm)].map((m) => m[1]!);
  const documented = new Set(params);
  const missing: string[] = [];
  undocumented(values, "", documented, missing);
  return [
    ...missing.map((p) => `values.yaml: ${p} has no "## @param ${p} <description>" line`),
    ...params
      .filter((p) => !exists(values, p))
      .map((p) => `values.yaml: @param ${p} documents a key that does not exist`),
  ];
}
