/**
 * private-webhooks: on a private GKE cluster the control plane reaches nodes only on 443 and
 * 10250 unless a firewall rule allows more (GKE docs, "Adding firewall rules for specific use
 * cases"; ingress-nginx's and cert-manager's GKE notes). Every admission webhook and aggregated
 * API the mode installs must have its port allowed from the control-plane CIDR.
 * EKS (the cluster security group admits the control plane on every port) and AKS (konnectivity
 * tunnel) need no rule.
 */
import { asArray, asRecord, at, isRecord } from "../model/kube.js";
import type { ChartInstall, DeploymentModel } from "../model/types.js";
import { type DeployCheck, skip, verdict } from "./types.js";

/** Ports GKE's own firewall rule opens from the control plane to nodes. */
export const GKE_DEFAULT_PORTS = [443, 10250];

/**
 * Webhook / aggregated-API ports per upstream chart, with the values that change them:
 * ingress-nginx admission webhook `controller.admissionWebhooks.port` (8443); KEDA metrics API
 * server 6443 and admission webhooks 9443; prometheus-adapter `listenPort` (6443); cert-manager
 * webhook `webhook.securePort` (10250); the prometheus-operator webhook (10250).
 */
export function webhookPorts(c: ChartInstall): { port: number; what: string }[] {
  const v = c.values;
  switch (c.chart) {
    case "ingress-nginx":
      return asRecord(at(v, "controller.admissionWebhooks")).enabled === false
        ? []
        : [
            {
              port: Number(at(v, "controller.admissionWebhooks.port") ?? 8443),
              what: "ingress-nginx admission webhook",
            },
          ];
    case "keda":
      return [
        { port: 6443, what: "KEDA metrics API" },
        ...(asRecord(v.webhooks).enabled === false ? [] : [{ port: 9443, what: "KEDA admission webhooks" }]),
      ];
    case "prometheus-adapter":
      return [{ port: Number(v.listenPort ?? 6443), what: "prometheus-adapter metrics API" }];
    case "cert-manager":
      return [{ port: Number(at(v, "webhook.securePort") ?? 10250), what: "cert-manager webhook" }];
    case "kube-prometheus-stack":
      return [{ port: 10250, what: "prometheus-operator admission webhook" }];
    default:
      return [];
  }
}

/** tcp ports a GCP firewall rule allows (`"8443"`, `"6443-9443"`). */
function allowedPorts(rule: Record<string, unknown>): ((p: number) => boolean)[] {
  return asArray(rule.allows ?? rule.allowed)
    .filter(isRecord)
    .filter((a) => ["tcp", "all"].includes(String(a.protocol)))
    .flatMap((a) => {
      const ports = asArray(a.ports).map(String);
      if (ports.length === 0) return [() => true];
      return ports.map((p) => {
        const [lo, hi] = p.split("-").map(Number);
        return (x: number) => x >= lo! && x <= (hi ?? lo!);
      });
    });
}

export const privateWebhooks: DeployCheck = {
  name: "private-webhooks",
  description: "every webhook / aggregated API port is allowed from the control plane on private clusters",
  run(m: DeploymentModel) {
    if (m.program === "global") return skip("the global stack creates no cluster");
    if (m.program !== "gcp")
      return skip(
        m.program === "aws"
          ? "EKS: the cluster security group admits the control plane on every port"
          : "AKS: the control plane reaches nodes through its tunnel",
      );
    const clusters = m.resources.filter((r) => r.type === "gcp:container/cluster:Cluster");
    const priv = clusters.filter((c) => at(c.inputs, "privateClusterConfig.enablePrivateNodes") === true);
    if (priv.length === 0) return skip("GKE nodes are not private");
    const problems: string[] = [];
    const needed = m.charts.flatMap((c) =>
      webhookPorts(c).filter((p) => !GKE_DEFAULT_PORTS.includes(p.port)),
    );
    const rules = m.resources.filter((r) => r.type === "gcp:compute/firewall:Firewall");
    for (const c of priv) {
      const cidr = String(at(c.inputs, "privateClusterConfig.masterIpv4CidrBlock") ?? "");
      const fromMaster = rules.filter(
        (r) =>
          String(r.inputs.direction ?? "INGRESS") === "INGRESS" &&
          asArray(r.inputs.sourceRanges).map(String).includes(cidr),
      );
      for (const n of needed)
        if (!fromMaster.some((r) => allowedPorts(r.inputs).some((ok) => ok(n.port))))
          problems.push(
            `${n.what} listens on tcp ${n.port}, but no firewall rule allows it from the control plane ${cidr}`,
          );
    }
    const ports = [...new Set(needed.map((n) => n.port))].sort();
    return verdict(
      problems,
      `tcp ${ports.join(", ") || "(none beyond 443/10250)"} allowed from the control plane`,
    );
  },
};
