/**
 * Which install brings the CRDs of an API group, which custom resources an upstream chart
 * creates from its values, and the Argo CD settings that decide whether a CR may be applied
 * before its CRD exists.
 */
import { asRecord, isRecord } from "../model/kube.js";
import type { ChartInstall, DeploymentModel } from "../model/types.js";

/**
 * API groups and the upstream charts that install their CRDs, with the values that turn that
 * off (kube-prometheus-stack `crds.enabled`, cert-manager `crds.enabled` / legacy `installCRDs`,
 * keda `crds.install`, argo-cd `crds.install`; from each chart's values.yaml).
 */
const OWNERS: { groups: string[]; chart: string; installs: (values: Record<string, unknown>) => boolean }[] =
  [
    {
      groups: ["monitoring.coreos.com"],
      chart: "kube-prometheus-stack",
      installs: (v) => asRecord(v.crds).enabled !== false,
    },
    { groups: ["monitoring.coreos.com"], chart: "prometheus-operator-crds", installs: () => true },
    {
      groups: ["keda.sh", "eventing.keda.sh"],
      chart: "keda",
      installs: (v) => asRecord(v.crds).install !== false,
    },
    {
      groups: ["cert-manager.io", "acme.cert-manager.io"],
      chart: "cert-manager",
      // cert-manager installs no CRDs unless asked to.
      installs: (v) => asRecord(v.crds).enabled === true || v.installCRDs === true,
    },
    { groups: ["argoproj.io"], chart: "argo-cd", installs: (v) => asRecord(v.crds).install !== false },
    {
      groups: ["external-secrets.io", "generators.external-secrets.io"],
      chart: "external-secrets",
      installs: () => true,
    },
  ];

/** Chart installs in the model that bring the CRDs of `group`. */
export function ownersOf(m: DeploymentModel, group: string): ChartInstall[] {
  return m.charts.filter((c) =>
    OWNERS.some((o) => o.chart === c.chart && o.groups.includes(group) && o.installs(c.values)),
  );
}

/**
 * API groups of the custom resources an upstream chart creates, inferred from its values: every
 * `serviceMonitor` / `podMonitor` / `prometheusRule(s)` block with `enabled: true` (the
 * convention of ingress-nginx, cert-manager, keda, argo-cd, prometheus-adapter) is a
 * monitoring.coreos.com object.
 */
export function inferredGroups(c: ChartInstall): string[] {
  const groups = new Set<string>();
  const walk = (v: unknown) => {
    if (!isRecord(v)) return;
    for (const [k, x] of Object.entries(v)) {
      if (/^(serviceMonitor|servicemonitor|podMonitor|podmonitor|prometheusRule|prometheusRules)$/.test(k)) {
        const r = asRecord(x);
        if (r.enabled === true || r.create === true) groups.add("monitoring.coreos.com");
      }
      walk(x);
    }
  };
  walk(c.values);
  return [...groups];
}

/** Seconds in an Argo CD duration (`10s`, `5m`, `1h`, or a number of seconds). */
export function seconds(v: unknown, fallback: number): number {
  if (typeof v === "number") return v;
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(String(v ?? ""));
  if (!m) return fallback;
  return Number(m[1]) * (m[2] === "h" ? 3600 : m[2] === "m" ? 60 : 1);
}

/**
 * Total wait of an Application's sync retries: sum over `limit` tries of
 * min(duration * factor^i, maxDuration); Argo CD's defaults are 5s, 2 and 3m
 * (argo-cd docs, "Automated Sync Policy" / `retry.backoff`). A negative limit retries forever.
 */
export function retryBudgetSeconds(retry: unknown): number {
  const r = asRecord(retry);
  const limit = Number(r.limit ?? 0);
  if (limit < 0) return Number.POSITIVE_INFINITY;
  const b = asRecord(r.backoff);
  const duration = seconds(b.duration, 5);
  const factor = Number(b.factor ?? 2);
  const max = seconds(b.maxDuration, 180);
  let total = 0;
  for (let i = 0; i < limit; i++) total += Math.min(duration * factor ** i, max);
  return total;
}

/**
 * Whether the argo-cd install restores health assessment of Applications (removed in Argo CD
 * 1.8; without it a parent's sync waves do not wait for child Applications). The documented
 * key is `resource.customizations.health.argoproj.io_Application` in argocd-cm
 * (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app).
 */
export function applicationHealthRestored(m: DeploymentModel): boolean {
  const key = "resource.customizations.health.argoproj.io_Application";
  const cms = [
    ...m.charts.filter((c) => c.chart === "argo-cd").map((c) => asRecord(asRecord(c.values.configs).cm)),
    ...m.objects
      .filter((o) => o.obj.kind === "ConfigMap" && o.obj.metadata.name === "argocd-cm")
      .map((o) => asRecord(o.obj.data)),
  ];
  return cms.some(
    (cm) =>
      (typeof cm[key] === "string" && String(cm[key]).trim() !== "") ||
      (typeof cm["resource.customizations"] === "string" &&
        /argoproj\.io\/Application:\s*\n\s*health\.lua/.test(String(cm["resource.customizations"]))),
  );
}
