/**
 * A kustomize source as Argo CD builds it: the Application's `spec.source.kustomize` options
 * (patches, components, images, namespace, name prefix/suffix, common labels/annotations) are
 * added to the kustomization in a scratch copy of the tree (Argo CD edits its own checkout the
 * same way, with `kustomize edit`), then `kubectl kustomize` builds it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { asArray, asRecord, isRecord } from "../../model/kube.js";
import { kustomize, type Rendered } from "../tools.js";

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export const kustomizationFile = (dir: string): string | undefined =>
  KUSTOMIZATION_FILES.map((f) => join(dir, f)).find(existsSync);

/** `name=newName:tag`, `name:tag`, `name@sha256:...` -> a kustomization `images` entry. */
function imageEntry(spec: string): Record<string, string> {
  const [left, right] = spec.includes("=") ? spec.split("=", 2) : [undefined, spec];
  const target = right!;
  const digestAt = target.indexOf("@");
  const tagAt = target.lastIndexOf(":");
  const hasTag = tagAt > target.lastIndexOf("/");
  const image = digestAt >= 0 ? target.slice(0, digestAt) : hasTag ? target.slice(0, tagAt) : target;
  const entry: Record<string, string> = { name: left ?? image };
  if (left && image !== left) entry.newName = image;
  if (digestAt >= 0) entry.digest = target.slice(digestAt + 1);
  else if (hasTag) entry.newTag = target.slice(tagAt + 1);
  return entry;
}

function withOptions(k: Record<string, unknown>, options: Record<string, unknown>): Record<string, unknown> {
  const out = { ...k };
  const append = (key: string, items: unknown[]) => {
    if (items.length) out[key] = [...asArray(out[key]), ...items];
  };
  append("patches", asArray(options.patches));
  append("components", asArray(options.components));
  append(
    "images",
    asArray(options.images).flatMap((i) => (typeof i === "string" ? [imageEntry(i)] : [])),
  );
  if (typeof options.namespace === "string" && options.namespace) out.namespace = options.namespace;
  if (typeof options.namePrefix === "string") out.namePrefix = options.namePrefix;
  if (typeof options.nameSuffix === "string") out.nameSuffix = options.nameSuffix;
  if (isRecord(options.commonLabels))
    out.commonLabels = { ...asRecord(out.commonLabels), ...options.commonLabels };
  if (isRecord(options.commonAnnotations))
    out.commonAnnotations = { ...asRecord(out.commonAnnotations), ...options.commonAnnotations };
  append(
    "replicas",
    asArray(options.replicas).filter((r) => isRecord(r)),
  );
  return out;
}

/** Builds `<root>/<path>` with the Application's kustomize options applied. */
export async function buildKustomizeSource(root: string, path: string, options: unknown): Promise<Rendered> {
  const opts = asRecord(options);
  if (Object.keys(opts).length === 0) return kustomize(join(root, path));
  const scratch = mkdtempSync(join(tmpdir(), "vd-kustomize-"));
  try {
    // Overlays reach up into clusters/base and (for helmCharts) charts/: copy those and the path's top folder.
    const tops = new Set(["clusters", "charts", path.split("/")[0]!]);
    for (const top of tops)
      if (existsSync(join(root, top))) cpSync(join(root, top), join(scratch, top), { recursive: true });
    const file = kustomizationFile(join(scratch, path));
    if (!file) return { docs: [], error: `${path} has no kustomization file` };
    const k = asRecord(parse(readFileSync(file, "utf8")));
    writeFileSync(file, stringify(withOptions(k, opts)));
    return await kustomize(join(scratch, path));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
