/**
 * pins: every upstream chart version and every public image tag the mode deploys (rendered
 * images, and `image.tag` values given to upstream charts) has an entry in infra/pins.yaml
 * with the source where it was verified and the date. A pin without an entry fails.
 */
import { isRecord } from "../model/kube.js";
import type { DeploymentModel } from "../model/types.js";
import { imagesOf, splitImage, stackRegistries } from "./images.js";
import { PINS_FILE, type PinEntry } from "./pins-file.js";
import { type CheckContext, type DeployCheck, verdict } from "./types.js";

interface Pin {
  kind: "chart" | "image";
  name: string;
  version: string;
  /** Names an entry may use for it (chart name, repo URL/chart, image repository, its last segment). */
  names: string[];
  where: string;
}

/** `image: {repository, tag}` blocks inside upstream chart values. */
function valueImages(values: unknown, chart: string, where: string, out: Pin[]): void {
  if (!isRecord(values)) return;
  for (const [k, v] of Object.entries(values)) {
    if (k === "image" && isRecord(v) && (typeof v.tag === "string" || typeof v.tag === "number")) {
      const repo = String(v.repository ?? chart);
      out.push({
        kind: "image",
        name: repo,
        version: String(v.tag),
        names: [repo, repo.split("/").pop()!, chart],
        where,
      });
    } else valueImages(v, chart, where, out);
  }
}

export function pinsOf(m: DeploymentModel): Pin[] {
  const pins: Pin[] = [];
  for (const c of m.charts) {
    const where = `${c.origin.via} ${c.origin.name}`;
    pins.push({
      kind: "chart",
      name: c.chart,
      version: c.version,
      names: [c.chart, `${c.repo}/${c.chart}`],
      where,
    });
    valueImages(c.values, c.chart, where, pins);
  }
  const { prefixes } = stackRegistries(m);
  for (const { image, where } of imagesOf(m)) {
    const { repo, tag } = splitImage(image);
    if (!tag || prefixes.some((p) => repo === p || repo.startsWith(`${p}/`))) continue;
    const bare = repo.replace(/^docker\.io\/(library\/)?/, "");
    pins.push({
      kind: "image",
      name: repo,
      version: tag,
      names: [repo, bare, repo.split("/").pop()!],
      where,
    });
  }
  // One line per pinned thing, however many objects use it.
  return [...new Map(pins.map((p) => [`${p.kind}|${p.name}|${p.version}`, p])).values()];
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

function entryFor(pin: Pin, entries: PinEntry[]): { entry?: PinEntry; versions: string[] } {
  const named = entries.filter((e) =>
    e.aliases.some((a) => pin.names.includes(a) || a.endsWith(`/${pin.name}`)),
  );
  return { entry: named.find((e) => e.version === pin.version), versions: named.map((e) => e.version) };
}

export const pins: DeployCheck = {
  name: "pins",
  description: `every pinned chart version and image tag has an entry in ${PINS_FILE} with source and date`,
  run(m: DeploymentModel, ctx: CheckContext) {
    const list = pinsOf(m);
    const problems: string[] = [];
    const file = ctx.pins;
    for (const pin of list) {
      const what = `${pin.kind} ${pin.name} ${pin.version} (${pin.where})`;
      if ("missing" in file) {
        problems.push(`${what}: ${file.missing}`);
        continue;
      }
      const { entry, versions } = entryFor(pin, file.entries);
      if (!entry)
        problems.push(
          `${what} has no entry in ${PINS_FILE}${versions.length ? ` (entries pin ${versions.join(", ")})` : ""}`,
        );
      else if (!entry.source?.trim() || !entry.date || !DATE.test(entry.date))
        problems.push(`${what}: its ${PINS_FILE} entry lacks a source or a YYYY-MM-DD date`);
    }
    return verdict(problems, `${list.length} pin(s) listed in ${PINS_FILE} with source and date`);
  },
};
