import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** One router instance reachable from the internet. */
export interface RouterOrigin {
  /** Short name (the stack's), used in pool and origin names. */
  name: string;
  /** IP address or host name of the cluster's ingress load balancer. */
  address: pulumi.Input<string>;
}

export interface CloudflareDnsArgs {
  /** Zone id of the router host name. */
  zoneId: string;
  /** Account id (pools and monitors); required with loadBalancer. */
  accountId?: string;
  /** Public host name of the router. */
  hostname: string;
  /** Router instances. */
  origins: RouterOrigin[];
  /** Health-checked load balancer across origins (true) or one DNS record for the first origin (false). */
  loadBalancer: boolean;
  /** Proxy through Cloudflare. */
  proxied: boolean;
  /** Pool steering policy. */
  steeringPolicy: string;
  /** Email notified when a pool goes unhealthy. */
  notificationEmail?: string;
}

const isIp = (a: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a) || a.includes(":");

/**
 * Public DNS for the router. Without load balancing: one A/CNAME record to the first origin.
 * With it: a monitor probing `GET /health` over HTTPS (Host: the router host name), one pool
 * per router cluster, and a load balancer on the host name failing over between pools.
 */
export class CloudflareDns extends pulumi.ComponentResource {
  readonly record?: cloudflare.DnsRecord;
  readonly monitor?: cloudflare.LoadBalancerMonitor;
  readonly pools: cloudflare.LoadBalancerPool[] = [];
  readonly loadBalancer?: cloudflare.LoadBalancer;

  constructor(name: string, args: CloudflareDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("llm:global:CloudflareDns", name, {}, opts);
    const parent = { parent: this };
    if (args.origins.length === 0) throw new Error("CloudflareDns needs at least one router origin");

    if (!args.loadBalancer) {
      const first = pulumi.output(args.origins[0]!.address);
      this.record = new cloudflare.DnsRecord(
        `${name}-router`,
        {
          zoneId: args.zoneId,
          name: args.hostname,
          type: first.apply((a) => (isIp(a) ? "A" : "CNAME")),
          content: first,
          proxied: args.proxied,
          // ttl 1 means "automatic", the only value Cloudflare accepts for proxied records.
          ttl: args.proxied ? 1 : 300,
          comment: "LLM router (managed by the llm-platform global stack)",
        },
        parent,
      );
      this.registerOutputs({ hostname: args.hostname });
      return;
    }

    if (!args.accountId) throw new Error("accountId is required for a Cloudflare load balancer");
    this.monitor = new cloudflare.LoadBalancerMonitor(
      `${name}-health`,
      {
        accountId: args.accountId,
        type: "https",
        method: "GET",
        path: "/health",
        expectedCodes: "200",
        header: { Host: [args.hostname] },
        interval: 60,
        timeout: 5,
        retries: 2,
        description: "LLM router /health",
      },
      parent,
    );
    for (const origin of args.origins) {
      this.pools.push(
        new cloudflare.LoadBalancerPool(
          `${name}-${origin.name}`,
          {
            accountId: args.accountId,
            name: `llm-router-${origin.name}`.replace(/[^a-zA-Z0-9-_]/g, "-"),
            monitor: this.monitor.id,
            origins: [
              {
                name: origin.name,
                address: origin.address,
                enabled: true,
                header: { hosts: [args.hostname] },
              },
            ],
            notificationEmail: args.notificationEmail,
          },
          parent,
        ),
      );
    }
    this.loadBalancer = new cloudflare.LoadBalancer(
      `${name}-router`,
      {
        zoneId: args.zoneId,
        name: args.hostname,
        defaultPools: this.pools.map((p) => p.id),
        fallbackPool: this.pools[0]!.id,
        steeringPolicy: args.steeringPolicy,
        proxied: args.proxied,
        description: "LLM router across clusters (managed by the llm-platform global stack)",
      },
      parent,
    );
    this.registerOutputs({ hostname: args.hostname });
  }
}
