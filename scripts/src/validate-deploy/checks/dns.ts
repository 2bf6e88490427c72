/**
 * dns: every public host name a router target (endpoint, exporterEndpoint), a KEDA trigger or an
 * Ingress uses has a DNS record (a record resource of the global or the cloud stack) or is
 * published by external-dns from that cluster (annotation, or external-dns watching Ingresses).
 * HTTP-01 needs the same: Let's Encrypt resolves the Ingress host before it issues.
 */
import { asArray, at, hostOf, isRecord, ofKind } from "../model/kube.js";
import type { DeploymentModel, PulumiResource } from "../model/types.js";
import { type CheckContext, type DeployCheck, verdict } from "./types.js";
import { routerTriggers } from "./workloads.js";

const EXTERNAL_DNS_HOSTNAME = "external-dns.alpha.kubernetes.io/hostname";

/** Names of DNS records a stack creates (Cloudflare, Route 53, Cloud DNS, Azure DNS). */
export function dnsRecordNames(resources: PulumiResource[]): string[] {
  const names: string[] = [];
  for (const r of resources) {
    const i = r.inputs;
    if (/^cloudflare:index\/(dnsRecord:DnsRecord|record:Record|loadBalancer:LoadBalancer)$/.test(r.type))
      names.push(String(i.name ?? ""));
    else if (r.type === "aws:route53/record:Record") names.push(String(i.name ?? ""));
    else if (r.type === "gcp:dns/recordSet:RecordSet") names.push(String(i.name ?? ""));
    else if (/^azure-native:(network|dns):RecordSet$/.test(r.type))
      names.push(`${String(i.relativeRecordSetName ?? "")}.${String(i.zoneName ?? "")}`);
  }
  return names.map((n) => n.replace(/\.$/, "").toLowerCase()).filter(Boolean);
}

/** A record name covers a host exactly, or as a one-label wildcard (`*.aws.llm.test`). */
const covers = (record: string, host: string) =>
  record === host ||
  (record.startsWith("*.") &&
    host.endsWith(record.slice(1)) &&
    !host.slice(0, host.length - record.length + 1).includes("."));

/** Hosts external-dns publishes from one cluster's objects. */
export function externalDnsHosts(m: DeploymentModel): string[] {
  const hosts: string[] = [];
  const ingresses = ofKind(m.objects, "Ingress");
  for (const i of ingresses) {
    const ann = i.obj.metadata.annotations?.[EXTERNAL_DNS_HOSTNAME];
    if (ann) hosts.push(...ann.split(",").map((h) => h.trim().toLowerCase()));
  }
  // external-dns with the ingress source (its chart's default sources are service and ingress).
  const watchesIngress = m.charts.some(
    (c) =>
      c.chart === "external-dns" &&
      (!Array.isArray(c.values.sources) || asArray(c.values.sources).includes("ingress")),
  );
  if (watchesIngress)
    for (const i of ingresses)
      for (const r of asArray(at(i.obj, "spec.rules")).filter(isRecord))
        if (typeof r.host === "string") hosts.push(r.host.toLowerCase());
  return hosts;
}

const isPublic = (host: string) =>
  !/\.svc(\.cluster\.local)?$/.test(host) &&
  host !== "localhost" &&
  !/^[\d.]+$/.test(host) &&
  host.includes(".");

/** The hosts a model uses, with where each comes from. */
function usedHosts(m: DeploymentModel): Map<string, string> {
  const hosts = new Map<string, string>();
  const add = (url: string | undefined, why: string, isUrl = true) => {
    const h = (isUrl ? url && hostOf(url) : url)?.toLowerCase();
    if (h && isPublic(h) && !hosts.has(h)) hosts.set(h, why);
  };
  for (const t of m.routerConfig?.clusters ?? []) {
    add(t.endpoint, `router target ${t.name}`);
    add(t.exporterEndpoint, `exporterEndpoint of ${t.name}`);
  }
  for (const t of routerTriggers(m.objects)) add(t.url, `ScaledObject ${t.object.obj.metadata.name}`);
  for (const i of ofKind(m.objects, "Ingress"))
    for (const r of asArray(at(i.obj, "spec.rules")).filter(isRecord))
      add(String(r.host ?? ""), `Ingress ${i.namespace}/${i.obj.metadata.name}`, false);
  return hosts;
}

export const dns: DeployCheck = {
  name: "dns",
  description: "every host a router target or Ingress uses has a DNS record or an external-dns annotation",
  run(m: DeploymentModel, ctx: CheckContext) {
    const global = ctx.world.find((w) => w.program === "global");
    // Records: this stack's, the global stack's (pool records), and any referenced stack's.
    const records = [m, ...m.peers, ...(global && global !== m ? [global] : [])].flatMap((x) =>
      dnsRecordNames(x.resources),
    );
    // external-dns runs per cluster: this one, or (global) the clusters it references.
    const published = [m, ...m.peers].flatMap(externalDnsHosts);
    const hosts = usedHosts(m);
    const problems: string[] = [];
    for (const [host, why] of hosts)
      if (!records.some((r) => covers(r, host)) && !published.includes(host))
        problems.push(`${host} (${why}) has no DNS record and no external-dns annotation`);
    return verdict(problems, `${hosts.size} host(s) have DNS`);
  },
};
