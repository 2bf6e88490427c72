import type { StackOutputs } from "@llm/contracts";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** The public host names a cloud stack serves: every pool endpoint and the exporter endpoint. */
export function clusterHosts(out: StackOutputs): string[] {
  const urls = [out.pools.cpu.endpoint, out.pools.gpu?.endpoint, out.exporterEndpoint];
  return [...new Set(urls.filter((u): u is string => !!u).map((u) => new URL(u).hostname))];
}

export interface ClusterDnsArgs {
  /** Cloudflare zone holding the host names. */
  zoneId: string;
  /** Short stack name (resource names). */
  stack: string;
  /** The stack's validated outputs (endpoints, exporter endpoint, ingress addresses). */
  outputs: pulumi.Output<StackOutputs>;
}

/**
 * DNS for one cluster: an A record per host name the router targets or the exporter answers on,
 * pointing at the cluster's reserved ingress address. Not proxied: TLS terminates at ingress-nginx
 * with cert-manager's Let's Encrypt certificate, whose HTTP-01 challenge must reach ingress-nginx
 * on port 80 of exactly that address, and SSE streams must not be buffered by a proxy.
 * The host names come from the stack reference, so the records are declared once its outputs are
 * read (StackReference outputs are known at preview, so the plan still shows them).
 */
export class ClusterDns extends pulumi.ComponentResource {
  /** Host names with a record, once the outputs resolved. */
  readonly hosts: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:global:ClusterDns", name, {}, opts);
    this.hosts = args.outputs.apply((o) => {
      if (!o.ingressAddresses?.length)
        throw new Error(
          `stack ${args.stack} exports no ingressAddresses; its pool hosts cannot get DNS records`,
        );
      const hosts = clusterHosts(o);
      for (const host of hosts)
        new cloudflare.DnsRecord(
          `${name}-${host.replace(/[^a-z0-9-]/g, "-")}`,
          {
            zoneId: args.zoneId,
            name: host,
            type: "A",
            // Every reserved address reaches the same load balancer (AWS reserves one per AZ).
            content: o.ingressAddresses[0]!,
            proxied: false,
            ttl: 300,
            comment: `LLM cluster ${args.stack} (managed by the llm-platform global stack)`,
          },
          { parent: this },
        );
      return hosts;
    });
    this.registerOutputs({ hosts: this.hosts });
  }
}
