/**
 * images: every container image is one the stack pushes to its own registry (or takes from
 * its config when images are built elsewhere), or a public image pinned to a tag or digest;
 * and no placeholder (example-org, example.com, account 000000000000, changeme) is rendered
 * anywhere: objects, upstream chart values, router config.
 */
import { asArray, asRecord, containersOf, isRecord, podSpecOf, stringsIn } from "../model/kube.js";
import type { DeploymentModel } from "../model/types.js";
import { type DeployCheck, verdict } from "./types.js";

/** Placeholders the shipped files use; 000000000000 only as a whole account id (not inside a hash). */
export const PLACEHOLDERS = /example-org|example\.com|(^|[^0-9a-f])000000000000([^0-9a-f]|$)|changeme/i;

/** `repo[:tag][@digest]` split; the tag is after the last colon that follows the last slash. */
export function splitImage(image: string): { repo: string; tag?: string; digest?: string } {
  const [name, digest] = image.split("@", 2) as [string, string | undefined];
  const colon = name.lastIndexOf(":");
  const tagged = colon > name.lastIndexOf("/");
  return {
    repo: tagged ? name.slice(0, colon) : name,
    tag: tagged ? name.slice(colon + 1) : undefined,
    digest,
  };
}

/**
 * Registry prefixes the stack owns (outputs named *registry*), and what it builds with
 * @pulumi/docker-build: repositories (tags, or `exports[].registry.names` when pushing by
 * digest) and the digests the builds produced.
 */
export function stackRegistries(m: DeploymentModel): {
  prefixes: string[];
  built: string[];
  digests: string[];
} {
  const prefixes = new Set<string>();
  const walk = (v: unknown, key: string) => {
    if (typeof v === "string" && /registry/i.test(key) && /^[a-z0-9.-]+(:\d+)?\//i.test(`${v}/`))
      prefixes.add(v);
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) walk(x, /registry/i.test(key) ? key : k);
    else if (Array.isArray(v)) for (const x of v) walk(x, key);
  };
  const models = [m, ...m.peers];
  for (const x of models) walk(x.outputs, "");
  const built: string[] = [];
  const digests: string[] = [];
  for (const x of models)
    for (const r of x.resources.filter((r) => r.type === "docker-build:index:Image")) {
      const names = [
        ...asArray(r.inputs.tags),
        ...asArray(r.inputs.exports).flatMap((e) => asArray(asRecord(asRecord(e).registry).names)),
      ];
      for (const t of names) if (typeof t === "string") built.push(splitImage(t).repo);
      const digest = r.state?.digest;
      if (typeof digest === "string") digests.push(digest);
    }
  return { prefixes: [...prefixes].map((p) => p.replace(/\/+$/, "")), built, digests };
}

/** Images given in stack config (a stack that builds elsewhere names its images there). */
const configImages = (m: DeploymentModel) => stringsIn(m.config).filter((s) => /[/:@]/.test(s));

export function imagesOf(m: DeploymentModel): { image: string; where: string }[] {
  const out: { image: string; where: string }[] = [];
  for (const o of m.objects) {
    const pod = podSpecOf(o.obj);
    if (!pod) continue;
    for (const c of containersOf(pod))
      if (typeof c.image === "string")
        out.push({ image: c.image, where: `${o.obj.kind} ${o.namespace}/${o.obj.metadata.name}` });
  }
  return out;
}

/** Placeholders in everything the mode renders; one message per object, chart or config. */
export function placeholderHits(m: DeploymentModel): string[] {
  const hits: string[] = [];
  const scan = (what: string, v: unknown) => {
    const found = stringsIn(v).find((s) => PLACEHOLDERS.test(s));
    if (found)
      hits.push(`${what} contains ${JSON.stringify(found.length > 90 ? `${found.slice(0, 87)}...` : found)}`);
  };
  for (const o of m.objects)
    scan(
      `${o.obj.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.obj.metadata.name} (${o.origin.via} ${o.origin.name})`,
      o.obj,
    );
  for (const c of m.charts) scan(`values of chart ${c.chart} (${c.origin.via} ${c.origin.name})`, c.values);
  if (m.routerConfig) scan("the router config", m.routerConfig);
  return hits;
}

export const images: DeployCheck = {
  name: "images",
  description: "every image is pushed by the stack or a pinned public image; no placeholders are rendered",
  run(m) {
    const problems: string[] = [];
    const { prefixes, built, digests } = stackRegistries(m);
    const fromConfig = new Set(configImages(m));
    const list = imagesOf(m);
    for (const { image, where } of list) {
      const { repo, tag, digest } = splitImage(image);
      const own = prefixes.some((p) => repo === p || repo.startsWith(`${p}/`));
      if (own) {
        if (fromConfig.has(image)) continue;
        if (!built.includes(repo))
          problems.push(
            `${where} runs ${image} from the stack's registry, but nothing in the stack builds and pushes it`,
          );
        else if (digest ? !digests.includes(digest) : !tag || tag === "latest")
          problems.push(`${where} runs ${image}, not a digest the stack's build pushed`);
      } else if (fromConfig.has(image)) continue;
      else if (!digest && (!tag || tag === "latest"))
        problems.push(`${where} runs ${image}: not the stack's and not pinned to a tag or digest`);
    }
    problems.push(...placeholderHits(m));
    return verdict(problems, `${list.length} image(s) pushed by the stack or pinned; no placeholders`);
  },
};
