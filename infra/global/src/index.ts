import * as pulumi from "@pulumi/pulumi";
import { type GlobalConfig, loadGlobalConfig } from "./config.js";
import { CloudflareDns, type RouterOrigin } from "./dns/cloudflare-dns.js";
import { routerConfigFor, routerConfigYaml } from "./router/router-config.js";
import { RouterDeployment } from "./router/router-deployment.js";
import { type CloudStackRef, readCloudStacks } from "./stacks/stack-outputs.js";

export { globalConfig, loadGlobalConfig } from "./config.js";
export { routerConfigFor, routerConfigOptions, routerConfigYaml } from "./router/router-config.js";
export { ROUTER_CONFIG_KEY, ROUTER_CONFIG_SECRET } from "./router/router-deployment.js";
export { parseStackOutputs } from "./stacks/stack-outputs.js";

/** Outputs of the global stack. */
export interface GlobalOutputs {
  /** Public URL of the router. */
  routerUrl: pulumi.Output<string>;
  /** Names of the cluster targets in the router config (no secrets). */
  routerTargets: pulumi.Output<string[]>;
  /** The router config YAML (secret: it holds the clusters' HMAC keys). */
  routerConfig: pulumi.Output<string>;
  /** Stacks whose clusters run the router. */
  routerStacks: pulumi.Output<string[]>;
}

/** Everything the global program created. */
export interface GlobalStack {
  config: GlobalConfig;
  stacks: CloudStackRef[];
  routers: RouterDeployment[];
  dns?: CloudflareDns;
  outputs: GlobalOutputs;
}

/** `org/llm-platform/aws-dev` -> `aws-dev`. */
const shortName = (stack: string) => stack.split("/").pop()!;

/**
 * The global program: reads every cloud stack through a StackReference, builds the router
 * config with the shared `buildRouterConfig`, deploys charts/router with that config into the
 * chosen clusters, and puts Cloudflare DNS (or a health-checked load balancer) in front.
 */
export function deployGlobal(config: GlobalConfig = loadGlobalConfig()): GlobalStack {
  const routerStackNames = config.routerStacks ?? [config.stacks[0]!];
  const stacks = readCloudStacks(config.stacks);
  const extraRefs = readCloudStacks(routerStackNames.filter((n) => !config.stacks.includes(n)));
  const byName = new Map([...stacks, ...extraRefs].map((s) => [s.name, s]));

  const routerConfig = pulumi
    .all(stacks.map((s) => s.outputs))
    .apply((outs) => routerConfigFor(outs, config));
  const yaml = pulumi.secret(routerConfig.apply(routerConfigYaml));

  const routers = routerStackNames.map((name) => {
    const kubeconfig = byName.get(name)!.outputs.apply((o) => {
      if (!o.kubeconfig)
        throw new Error(`stack ${name} exports no kubeconfig; the router cannot be deployed there`);
      return o.kubeconfig;
    });
    return new RouterDeployment(`router-${shortName(name)}`, {
      kubeconfig: pulumi.secret(kubeconfig),
      configYaml: yaml,
      namespace: config.routerNamespace,
      hostname: config.routerHostname,
      authMode: config.routerAuthMode,
    });
  });

  let dns: CloudflareDns | undefined;
  if (config.cloudflare) {
    const origins: RouterOrigin[] = routers.map((r, i) => {
      const name = routerStackNames[i]!;
      return { name: shortName(name), address: config.routerOrigins[name] ?? r.ingressAddress() };
    });
    dns = new CloudflareDns("router-dns", {
      zoneId: config.cloudflare.zoneId,
      accountId: config.cloudflare.accountId,
      hostname: config.routerHostname,
      origins,
      loadBalancer: config.cloudflare.loadBalancer,
      proxied: config.cloudflare.proxied,
      steeringPolicy: config.cloudflare.steeringPolicy,
      notificationEmail: config.cloudflare.notificationEmail,
    });
  }

  return {
    config,
    stacks,
    routers,
    dns,
    outputs: {
      routerUrl: pulumi.output(`https://${config.routerHostname}`),
      routerTargets: pulumi.unsecret(routerConfig.apply((c) => c.clusters.map((t) => t.name))),
      routerConfig: yaml,
      routerStacks: pulumi.output(routerStackNames),
    },
  };
}
