import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/**
 * Project roles of the node service account: exactly what GKE's "least privilege node service
 * account" guide lists (logs, metrics, metadata). Image pulls are granted on the one Artifact
 * Registry repository, not project-wide.
 */
export const NODE_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
] as const;

export interface ServiceAccountsArgs {
  /** Project id. */
  project: string;
  /** Short prefix for account ids (6-30 chars total, so keep it short). */
  prefix: string;
  /** Namespace of the exporter's Kubernetes service account. */
  exporterNamespace: string;
  /** Name of the exporter's Kubernetes service account. */
  exporterServiceAccount: string;
  /**
   * The cluster's Workload Identity pool (`cluster.workloadIdentityConfig.workloadPool`): the pool
   * exists only once the cluster does, so the binding must come from the cluster's output.
   */
  workloadPool: pulumi.Input<string>;
}

/**
 * The node service account (instead of the over-privileged Compute Engine default account) and
 * the cost exporter's Workload Identity binding: the Kubernetes service account
 * `<namespace>/<name>` may act as the `<prefix>-exporter` GCP service account.
 */
export class ServiceAccounts extends pulumi.ComponentResource {
  readonly nodes: gcp.serviceaccount.Account;
  readonly exporter: gcp.serviceaccount.Account;
  /** The Workload Identity member string of the exporter's Kubernetes service account. */
  readonly exporterMember: pulumi.Output<string>;

  constructor(name: string, args: ServiceAccountsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:ServiceAccounts", name, {}, opts);
    const parent = { parent: this };
    this.nodes = new gcp.serviceaccount.Account(
      `${name}-nodes`,
      { accountId: `${args.prefix}-nodes`.slice(0, 30), displayName: "LLM platform GKE nodes" },
      parent,
    );
    for (const role of NODE_ROLES) {
      new gcp.projects.IAMMember(
        `${name}-nodes-${role.split("/")[1]!.replace(/\./g, "-")}`,
        { project: args.project, role, member: pulumi.interpolate`serviceAccount:${this.nodes.email}` },
        parent,
      );
    }
    this.exporter = new gcp.serviceaccount.Account(
      `${name}-exporter`,
      {
        accountId: `${args.prefix}-exporter`.slice(0, 30),
        displayName: "LLM cost exporter (Workload Identity)",
      },
      parent,
    );
    // Built from the cluster's output, so the binding waits for the cluster: binding before the
    // pool exists fails with "Identity Pool does not exist" on a fresh project.
    this.exporterMember = pulumi.interpolate`serviceAccount:${args.workloadPool}[${args.exporterNamespace}/${args.exporterServiceAccount}]`;
    new gcp.serviceaccount.IAMMember(
      `${name}-exporter-wi`,
      {
        serviceAccountId: this.exporter.name,
        role: "roles/iam.workloadIdentityUser",
        member: this.exporterMember,
      },
      parent,
    );
    this.registerOutputs({ nodes: this.nodes.email, exporter: this.exporter.email });
  }
}
