import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../apps/repo-paths.js";
import type { ClusterCloud } from "../naming/naming.js";

/** Plain values: what Helm and Argo CD's `valuesObject` take. */
export type Values = Record<string, unknown>;

const isMap = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Merges Helm values the way Helm merges `-f` files: maps merge key by key, lists and scalars
 * replace, and `null` removes a key (Helm's rule for deleting a default).
 */
export function mergeValues(...layers: (Values | undefined)[]): Values {
  const out: Values = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v === null) delete out[k];
      else if (isMap(v) && isMap(out[k])) out[k] = mergeValues(out[k] as Values, v);
      else if (isMap(v)) out[k] = mergeValues(v);
      else out[k] = v;
    }
  }
  return out;
}

function readYaml(file: string): Values {
  if (!existsSync(file)) return {};
  const doc = parse(readFileSync(file, "utf8")) as unknown;
  return isMap(doc) ? doc : {};
}

/**
 * The platform chart's values as Argo CD renders them for a cloud: charts/platform/values.yaml
 * with clusters/<cloud>/values/platform.yaml over it. Helm mode reads the same files, so an
 * upstream chart gets the same values whichever of the two installs it.
 */
export function platformChartValues(cloud: ClusterCloud, root: string = REPO_ROOT): Values {
  return mergeValues(
    readYaml(path.join(root, "charts", "platform", "values.yaml")),
    readYaml(path.join(root, "clusters", cloud, "values", "platform.yaml")),
  );
}

/** `components.<key>.values` of the platform chart for a cloud (empty when the key is absent). */
export function platformComponentValues(cloud: ClusterCloud, key: string, root: string = REPO_ROOT): Values {
  const components = platformChartValues(cloud, root).components;
  const component = isMap(components) ? components[key] : undefined;
  const values = isMap(component) ? component.values : undefined;
  return isMap(values) ? values : {};
}

/**
 * Values of the argo-cd release (clusters/base/argocd/values.yaml): the one source of Argo CD's
 * settings, Application health for app-of-apps sync waves among them, for both deploy modes.
 */
export function argoCdValues(root: string = REPO_ROOT): Values {
  return readYaml(path.join(root, "clusters", "base", "argocd", "values.yaml"));
}
