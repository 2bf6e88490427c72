import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

/**
 * Ports the private control plane must reach on the nodes beyond GKE's own rule (443, 10250):
 * - 8443: ingress-nginx's admission webhook (`failurePolicy: Fail`: every Ingress create is
 *   rejected without it; kubernetes/ingress-nginx docs/deploy/index.md, GCE-GKE "private clusters");
 * - 6443: KEDA's metrics API server and prometheus-adapter (kedacore/charts 2.20.1
 *   `portHttpsTarget: 6443`, prometheus-adapter 5.3.0 `listenPort: 6443`; keda-docs
 *   troubleshooting/proxy-network.md: "in GKE private cluster add port 6443");
 * - 9443: KEDA's admission webhooks (chart 2.20.1: "Default is 9443").
 */
export const CONTROL_PLANE_PORTS = ["8443", "6443", "9443"] as const;

export interface ControlPlaneFirewallArgs {
  /** VPC network of the nodes. */
  network: pulumi.Input<string>;
  /** The control plane's /28 (`masterIpv4CidrBlock`). */
  masterCidr: string;
  /** Network tag of every node (set on both pools). */
  nodeTag: string;
}

/** Lets the private GKE control plane call webhooks and aggregated APIs on the nodes. */
export class ControlPlaneFirewall extends pulumi.ComponentResource {
  readonly rule: gcp.compute.Firewall;

  constructor(name: string, args: ControlPlaneFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:gcp:ControlPlaneFirewall", name, {}, opts);
    this.rule = new gcp.compute.Firewall(
      name,
      {
        network: args.network,
        direction: "INGRESS",
        sourceRanges: [args.masterCidr],
        targetTags: [args.nodeTag],
        allows: [{ protocol: "tcp", ports: [...CONTROL_PLANE_PORTS] }],
        description:
          "GKE control plane to webhooks and aggregated APIs (ingress-nginx, KEDA, prometheus-adapter)",
      },
      { parent: this },
    );
    this.registerOutputs({ rule: this.rule.name });
  }
}
