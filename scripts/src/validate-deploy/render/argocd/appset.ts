/**
 * ApplicationSet list generators, the one generator a Pulumi-written app-of-apps needs:
 * each element fills the template (`{{key}}` fasttemplate, or `{{ .key }}` with goTemplate).
 * https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-List/
 */
import { parse } from "yaml";
import { asArray, asRecord, isRecord } from "../../model/kube.js";
import type { KubeObject } from "../../model/types.js";

/** Flattens an element to dotted keys (`values.image` -> ...), as fasttemplate parameters are. */
function flatten(v: Record<string, unknown>, prefix = "", out: Record<string, unknown> = {}) {
  for (const [k, x] of Object.entries(v)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(x)) flatten(x, key, out);
    out[key] = x;
  }
  return out;
}

function fill(
  v: unknown,
  params: Record<string, unknown>,
  goTemplate: boolean,
  unknown: Set<string>,
): unknown {
  if (typeof v === "string") {
    const re = goTemplate ? /\{\{-?\s*\.([\w.-]+)\s*-?\}\}/g : /\{\{\s*([\w.-]+)\s*\}\}/g;
    // A whole-string placeholder keeps the parameter's type (goTemplate renders objects as YAML in practice).
    const whole = re.exec(v);
    re.lastIndex = 0;
    if (whole && whole[0] === v && whole[1]! in params && typeof params[whole[1]!] !== "string")
      return params[whole[1]!];
    const out = v.replace(re, (m, key: string) => {
      if (key in params) return String(params[key]);
      unknown.add(key);
      return m;
    });
    if (/\{\{/.test(out) && goTemplate) unknown.add(out);
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => fill(x, params, goTemplate, unknown));
  if (isRecord(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, params, goTemplate, unknown)]));
  return v;
}

/** Applications an ApplicationSet generates; problems name what could not be expanded. */
export function expandApplicationSet(appset: KubeObject): { apps: KubeObject[]; problems: string[] } {
  const spec = asRecord(appset.spec);
  const goTemplate = spec.goTemplate === true;
  const problems: string[] = [];
  const apps: KubeObject[] = [];
  for (const gen of asArray(spec.generators)) {
    const list = asRecord(asRecord(gen).list);
    if (!isRecord(asRecord(gen).list)) {
      problems.push(`ApplicationSet ${appset.metadata.name}: only list generators are rendered offline`);
      continue;
    }
    const elements = [
      ...asArray(list.elements),
      ...(typeof list.elementsYaml === "string" ? asArray(parse(list.elementsYaml)) : []),
    ].filter(isRecord);
    const template = isRecord(list.template) ? list.template : asRecord(spec.template);
    for (const el of elements) {
      const unknown = new Set<string>();
      const t = fill(template, flatten(el), goTemplate, unknown) as Record<string, unknown>;
      if (unknown.size)
        problems.push(`ApplicationSet ${appset.metadata.name}: unresolved ${[...unknown].join(", ")}`);
      const metadata = asRecord(t.metadata);
      apps.push({
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        ...t,
        metadata: {
          ...metadata,
          name: String(metadata.name ?? ""),
          namespace: appset.metadata.namespace ?? "argocd",
        },
      } as KubeObject);
    }
  }
  return { apps, problems };
}
