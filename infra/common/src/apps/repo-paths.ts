import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClusterCloud } from "../naming/naming.js";

/** Root of this repository, resolved from this module's location (infra/common/src/apps). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

/** Absolute path of one of this repo's charts, e.g. `charts/llm-runtime`. */
export function chartPath(chart: string, root: string = REPO_ROOT): string {
  return path.join(root, "charts", chart);
}

/** Values file the charts engineer keeps per cloud: `clusters/<cloud>/values/<file>.yaml`. */
export function valuesPath(
  cloud: ClusterCloud,
  file: "llm-runtime-cpu" | "llm-runtime-gpu" | "exporters" | "router",
  root: string = REPO_ROOT,
): string {
  return path.join(root, "clusters", cloud, "values", `${file}.yaml`);
}
