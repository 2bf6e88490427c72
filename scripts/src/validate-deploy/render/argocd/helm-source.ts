/**
 * The Helm values an Argo CD Application source applies, in Argo CD's order of precedence:
 * parameters > valuesObject > values > valueFiles > the chart's values.yaml
 * (https://argo-cd.readthedocs.io/en/stable/user-guide/helm/, checked 2026-12).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, normalize } from "node:path";
import { parse } from "yaml";
import { asArray, asRecord, isRecord } from "../../model/kube.js";

export interface HelmSourceValues {
  /** Absolute value files (resolved against the source path; `$ref/...` against the tree root). */
  valueFiles: string[];
  /** Value files that do not exist in this tree. */
  missingFiles: string[];
  /** values (parsed) then valuesObject, lowest first. */
  values: Record<string, unknown>[];
  /** Parameters as helm --set / --set-string pairs. */
  set: { name: string; value: string; forceString?: boolean }[];
}

/**
 * Argo CD drops keys whose value is null inside `valuesObject` (argo-cd #16312), so a
 * `key: null` meant to delete a chart default never reaches Helm: emulate that.
 */
export function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = dropNulls(x);
  return out;
}

export function helmSourceValues(
  helm: unknown,
  sourceDir: string | undefined,
  root: string,
): HelmSourceValues {
  const h = asRecord(helm);
  const out: HelmSourceValues = { valueFiles: [], missingFiles: [], values: [], set: [] };
  for (const f of asArray(h.valueFiles)) {
    if (typeof f !== "string") continue;
    // `$name/path` points into the source with `ref: name`; every source here is this repository.
    const file = f.startsWith("$")
      ? join(root, f.replace(/^\$[^/]+\//, ""))
      : normalize(join(sourceDir ?? root, f));
    if (existsSync(file)) out.valueFiles.push(file);
    else if (h.ignoreMissingValueFiles !== true) out.missingFiles.push(f);
  }
  if (typeof h.values === "string" && h.values.trim()) {
    const v = parse(h.values) as unknown;
    if (isRecord(v)) out.values.push(v);
  } else if (isRecord(h.values)) out.values.push(h.values);
  if (isRecord(h.valuesObject)) out.values.push(dropNulls(h.valuesObject) as Record<string, unknown>);
  for (const p of asArray(h.parameters))
    if (isRecord(p) && typeof p.name === "string")
      out.set.push({ name: p.name, value: String(p.value ?? ""), forceString: p.forceString === true });
  return out;
}

/** Deep merge, later wins; arrays are replaced (Helm's rule). */
export function mergeValues(...layers: Record<string, unknown>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const layer of layers)
    for (const [k, v] of Object.entries(layer))
      out[k] = isRecord(v) && isRecord(out[k]) ? mergeValues(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** Sets a Helm --set path (`a.b`, `a\.b` for a dotted key, `list[0].x`) in a values object. */
export function setPath(values: Record<string, unknown>, name: string, value: unknown): void {
  const keys = name.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, "."));
  let cur: Record<string, unknown> = values;
  keys.forEach((raw, i) => {
    const m = /^(.*)\[(\d+)\]$/.exec(raw);
    const key = m ? m[1]! : raw;
    const last = i === keys.length - 1;
    if (m) {
      if (!Array.isArray(cur[key])) cur[key] = [];
      const list = cur[key] as unknown[];
      const idx = Number(m[2]);
      if (last) list[idx] = value;
      else {
        if (!isRecord(list[idx])) list[idx] = {};
        cur = list[idx] as Record<string, unknown>;
      }
    } else if (last) cur[key] = value;
    else {
      if (!isRecord(cur[key])) cur[key] = {};
      cur = cur[key] as Record<string, unknown>;
    }
  });
}

/** The values an upstream chart receives (files readable here, inline values, parameters). */
export function upstreamValues(v: HelmSourceValues): Record<string, unknown> {
  const fromFiles = v.valueFiles.map((f) => asRecord(parse(readFileSync(f, "utf8"))));
  const merged = mergeValues(...fromFiles, ...v.values);
  for (const s of v.set) setPath(merged, s.name, s.forceString ? s.value : parseScalar(s.value));
  return merged;
}

function parseScalar(s: string): unknown {
  if (s === "true" || s === "false") return s === "true";
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}
