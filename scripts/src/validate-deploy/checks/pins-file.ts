/**
 * infra/pins.yaml: the checked-in list of pinned chart versions and image tags, each with the
 * place it was verified and the date. Read tolerantly: entries are objects in any top-level list
 * (`charts:`, `images:`, `pins:`) or the document itself when it is a list, with
 * name|chart|image|repository, version|tag, source|url and date|checked|verified fields.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { asArray, isRecord } from "../model/kube.js";

export const PINS_FILE = "infra/pins.yaml";

export interface PinEntry {
  /** Chart name, or image repository (`registry.k8s.io/autoscaling/cluster-autoscaler`). */
  name: string;
  /** Chart version or image tag. */
  version: string;
  source?: string;
  date?: string;
  /** Other names the entry carries (chart and image of one component). */
  aliases: string[];
}

export interface PinsFile {
  entries: PinEntry[];
}

const first = (o: Record<string, unknown>, keys: string[]): string | undefined => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === "string" || typeof v === "number") return String(v);
    // A YAML 1.1 reader turns an unquoted 2026-12-03 into a Date.
    if (v instanceof Date) return v.toISOString().slice(0, 10);
  }
  return undefined;
};

function entriesIn(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter(isRecord);
  if (!isRecord(v)) return [];
  return Object.values(v).flatMap((x) =>
    Array.isArray(x)
      ? x.filter(isRecord)
      : isRecord(x) && !("version" in x || "tag" in x)
        ? entriesIn(x)
        : [],
  );
}

export function parsePins(text: string): PinsFile {
  const entries: PinEntry[] = [];
  for (const e of entriesIn(parse(text))) {
    const names = ["name", "chart", "image", "repository", "repo"].flatMap((k) =>
      typeof e[k] === "string" ? [String(e[k])] : [],
    );
    const version = first(e, ["version", "tag"]);
    if (names.length === 0 || version === undefined) continue;
    entries.push({
      name: names[0]!,
      version: version.replace(/^"|"$/g, ""),
      source: first(e, ["source", "url", "verifiedAt", "checkedAt"]),
      date: first(e, ["date", "checked", "verified", "checkedOn", "verifiedOn"]),
      aliases: names,
    });
    for (const img of asArray(e.images).filter(isRecord)) {
      const n = first(img, ["image", "repository", "name"]);
      const t = first(img, ["tag", "version"]);
      if (n && t)
        entries.push({
          name: n,
          version: t,
          source: first(img, ["source", "url"]) ?? first(e, ["source", "url"]),
          date: first(img, ["date", "checked"]) ?? first(e, ["date", "checked", "verified"]),
          aliases: [n],
        });
    }
  }
  return { entries };
}

export function loadPins(root: string): PinsFile | { missing: string } {
  const file = join(root, PINS_FILE);
  if (!existsSync(file)) return { missing: `${PINS_FILE} does not exist` };
  try {
    return parsePins(readFileSync(file, "utf8"));
  } catch (e) {
    return { missing: `${PINS_FILE} does not parse: ${e instanceof Error ? e.message : String(e)}` };
  }
}
