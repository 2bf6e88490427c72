/** The one Pulumi project of this repository (root Pulumi.yaml); config keys live under it. */
export const PROJECT = "llm-platform";

/** Clouds that have a cluster program (the router-config `local` cloud has none). */
export type ClusterCloud = "aws" | "gcp" | "azure";

/**
 * Name of a cloud's Kubernetes cluster: `llm-<stack>`, lowercased and cut to 40 characters
 * because EKS, GKE and AKS each cap cluster names (100, 40 and 63) and the tightest one wins.
 */
export function clusterNameFor(stack: string): string {
  const safe = `llm-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .replace(/-+/g, "-");
  return safe.slice(0, 40).replace(/-$/, "");
}

/** Logical resource name `<prefix>-<part>` used for every child resource of a stack. */
export function resourceName(prefix: string, ...parts: string[]): string {
  return [prefix, ...parts].filter((p) => p.length > 0).join("-");
}

export interface TagArgs {
  /** Cloud the stack runs in. */
  cloud: ClusterCloud | "global";
  /** Pulumi stack name, e.g. `aws-dev`. */
  stack: string;
  /** Environment label from config (`dev`, `prod`). */
  environment: string;
}

/**
 * Tags (AWS, Azure) / labels (GCP) every resource carries, so cost reports can be grouped by
 * project, stack and environment. GCP label values only allow `[a-z0-9_-]`, hence the scrub.
 */
export function commonTags(args: TagArgs): Record<string, string> {
  const clean = (v: string) => v.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
  return {
    project: PROJECT,
    cloud: clean(args.cloud),
    stack: clean(args.stack),
    environment: clean(args.environment),
    "managed-by": "pulumi",
  };
}
