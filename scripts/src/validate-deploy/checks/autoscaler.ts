/**
 * autoscaler: cluster-autoscaler (EKS only; GKE and AKS autoscale their pools themselves) is
 * installed in every mode, discovers the cluster the stack creates, assumes the IAM role the
 * stack creates, runs in the stack's region, and its image matches the cluster's Kubernetes
 * minor (cluster-autoscaler supports only its own minor: kubernetes/autoscaler README, "Releases").
 * The node groups' discovery tags name the same cluster.
 */
import { asRecord, at } from "../model/kube.js";
import type { DeploymentModel } from "../model/types.js";
import { type DeployCheck, skip, verdict } from "./types.js";

const ROLE_ARN = "eks.amazonaws.com/role-arn";
const TAG_PREFIX = "k8s.io/cluster-autoscaler/";

function eksChecks(m: DeploymentModel, problems: string[]): string {
  const clusterName = String(m.outputs.clusterName ?? "");
  const eks = m.resources.find((r) => r.type === "aws:eks/cluster:Cluster");
  const version = String(eks?.inputs.version ?? m.config["llm-platform:kubernetesVersion"] ?? "");
  const roles = m.resources.filter((r) => r.type === "aws:iam/role:Role" && /autoscaler/.test(r.name));
  // The mocks compute a role's ARN from its resource name (as AWS does from the role name).
  const roleArns = new Set([
    ...(typeof m.outputs.clusterAutoscalerRoleArn === "string" ? [m.outputs.clusterAutoscalerRoleArn] : []),
    ...roles.map((r) => `arn:aws:iam::123456789012:role/${r.name}`),
  ]);
  const installs = m.charts.filter((c) => c.chart === "cluster-autoscaler");
  if (installs.length === 0)
    problems.push("EKS node groups need cluster-autoscaler, and this mode installs none");
  for (const c of installs) {
    const where = `cluster-autoscaler (${c.origin.via} ${c.origin.name})`;
    const discovered = at(c.values, "autoDiscovery.clusterName");
    if (discovered !== clusterName)
      problems.push(`${where} discovers cluster ${String(discovered)}, but the stack creates ${clusterName}`);
    const arn = asRecord(at(c.values, "rbac.serviceAccount.annotations"))[ROLE_ARN];
    if (typeof arn !== "string" || !roleArns.has(arn))
      problems.push(
        `${where} assumes role ${String(arn)}, not the stack's ${[...roleArns].join(" / ") || "(none)"}`,
      );
    if (c.values.awsRegion !== m.outputs.region)
      problems.push(
        `${where} runs for region ${String(c.values.awsRegion)}, the cluster is in ${String(m.outputs.region)}`,
      );
    const tag = at(c.values, "image.tag");
    if (typeof tag !== "string" || !tag.startsWith(`v${version}.`))
      problems.push(
        `${where} image tag ${String(tag ?? "(chart default)")} is not pinned to Kubernetes ${version}`,
      );
  }
  for (const t of m.resources.filter((r) => r.type === "aws:autoscaling/tag:Tag")) {
    const key = String(at(t.inputs, "tag.key") ?? "");
    if (!key.startsWith(TAG_PREFIX)) continue;
    const rest = key.slice(TAG_PREFIX.length);
    if (rest === "enabled" || rest.startsWith("node-template/")) continue;
    if (rest !== clusterName)
      problems.push(`node group tag ${key} names cluster ${rest}, not ${clusterName}`);
  }
  return `cluster-autoscaler discovers ${clusterName} with the stack's role`;
}

export const autoscaler: DeployCheck = {
  name: "autoscaler",
  description: "autoscaler cluster names and role ARNs match the cluster the stack creates",
  run(m) {
    if (m.program === "global") return skip("the global stack creates no cluster");
    const problems: string[] = [];
    if (m.program === "aws") return verdict(problems, eksChecks(m, problems));
    for (const c of m.charts.filter((x) => x.chart === "cluster-autoscaler"))
      problems.push(
        `cluster-autoscaler (${c.origin.via} ${c.origin.name}) is installed, but ${m.program === "gcp" ? "GKE" : "AKS"} autoscales its pools itself`,
      );
    return verdict(
      problems,
      `${m.program === "gcp" ? "GKE" : "AKS"} autoscales natively; no cluster-autoscaler installed`,
    );
  },
};
