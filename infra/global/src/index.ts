import * as pulumi from "@pulumi/pulumi";
import { type GlobalConfig, loadGlobalConfig } from "./config.js";
import { CloudflareDns, type RouterOrigin } from "./dns/cloudflare-dns.js";
import { ClusterDns } from "./dns/cluster-dns.js";
import { routerConfigFor, routerConfigYaml } from "./router/router-config.js";
import { RouterDeployment } from "./router/router-deployment.js";
import { type CloudStackRef, readCloudStacks } from "./stacks/stack-outputs.js";

export { globalConfig, loadGlobalConfig } from "./config.js";
export { clusterHosts } from "./dns/cluster-dns.js";
export { routerConfigFor, routerConfigOptions, routerConfigYaml } from "./router/router-config.js";
export { ROUTER_CONFIG_KEY, ROUTER_CONFIG_SECRET, ROUTER_REDIS_SECRET } from "./router/router-deployment.js";
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
  /** DNS records of every cloud stack's pool and exporter hosts. */
  clusterDns: ClusterDns[];
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

  // Several replicas share rate limits, budgets, cached answers and pending demand only through
  // Redis; without it each replica counts alone and KEDA reads whichever replica it reaches.
  if (routerStackNames.length > 1 && !config.redisUrl)
    throw new Error(
      `llm-platform:redisUrl: required with ${routerStackNames.length} routerStacks: their replicas must share one state store`,
    );
  const redis = config.redisUrl
    ? { url: pulumi.secret(config.redisUrl) }
    : config.routerReplicas > 1
      ? "in-chart"
      : undefined;
  const extra = { ...config.routerExtra };
  const state = (extra.state ?? {}) as Record<string, unknown>;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the router resolves ${REDIS_URL} from its env
  if (redis && state.redis === undefined) extra.state = { ...state, redis: "${REDIS_URL}" };
  const effective = { ...config, routerExtra: extra };

  const routerConfig = pulumi
    .all(stacks.map((s) => s.outputs))
    .apply((outs) => routerConfigFor(outs, effective));
  const yaml = pulumi.secret(routerConfig.apply(routerConfigYaml));
  const scalingToken = pulumi.secret(
    pulumi.all(stacks.map((s) => s.outputs)).apply((outs) => sharedScalingToken(config.stacks, outs)),
  );
  const routerImage = config.routerImage
    ? pulumi.output(config.routerImage)
    : byName.get(routerStackNames[0]!)!.outputs.apply((o) => {
        if (!o.images?.router)
          throw new Error(
            `stack ${routerStackNames[0]} exports no images.router; build images there or set llm-platform:routerImage`,
          );
        return o.images.router;
      });

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
      image: routerImage,
      replicas: config.routerReplicas,
      scalingToken,
      redis,
    });
  });

  let dns: CloudflareDns | undefined;
  if (config.cloudflare) {
    const origins: RouterOrigin[] = routers.map((_r, i) => {
      const name = routerStackNames[i]!;
      // The router cluster's reserved ingress address (a cloud-stack output, known before any
      // Service exists); routerOrigins overrides it.
      const reserved = byName.get(name)!.outputs.apply((o) => {
        const address = o.ingressAddresses?.[0];
        if (!address)
          throw new Error(
            `stack ${name} exports no ingressAddresses; set llm-platform:routerOrigins.${name}`,
          );
        return address;
      });
      return { name: shortName(name), address: config.routerOrigins[name] ?? reserved };
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

  const clusterDns = config.cloudflare
    ? stacks.map(
        (s) =>
          new ClusterDns(`dns-${shortName(s.name)}`, {
            zoneId: config.cloudflare!.zoneId,
            stack: s.name,
            outputs: s.outputs,
          }),
      )
    : [];

  return {
    config,
    stacks,
    routers,
    dns,
    clusterDns,
    outputs: {
      routerUrl: pulumi.output(`https://${config.routerHostname}`),
      routerTargets: pulumi.unsecret(routerConfig.apply((c) => c.clusters.map((t) => t.name))),
      routerConfig: yaml,
      routerStacks: pulumi.output(routerStackNames),
    },
  };
}

/**
 * The bearer tokens the router accepts on `/scaling/*`, comma-separated (ROUTER_SCALING_TOKEN
 * takes a list): every cloud stack's KEDA sends its own stack's `scalingToken`, generated per
 * stack unless `llm-platform:scalingToken` sets one. Errors name the stacks, never a token.
 */
export function sharedScalingToken(names: string[], outputs: { scalingToken?: string }[]): string {
  const missing = names.filter((_, i) => !outputs[i]?.scalingToken);
  if (missing.length > 0)
    throw new Error(
      `stacks ${missing.join(", ")} export no scalingToken; KEDA there could not reach /scaling`,
    );
  const tokens = [...new Set(outputs.map((o) => o.scalingToken!.trim()))];
  const bad = names.filter((_, i) => /[,\s]/.test(outputs[i]!.scalingToken!.trim()));
  if (bad.length > 0)
    throw new Error(`stacks ${bad.join(", ")}: llm-platform:scalingToken must not contain commas or spaces`);
  return tokens.join(",");
}
