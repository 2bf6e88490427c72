import {
  at,
  helmTemplate,
  type Manifest,
  ofKind,
  validateManifests,
} from "../src/validate-manifests/index.js";

const chart = "charts/router";
const tenantConfig = {
  server: { host: "0.0.0.0", port: 8080 },
  clusters: [],
  tenants: [{ name: "demo", apiKeys: ["sk-demo-not-a-real-key"] }],
};
const deployment = (docs: Manifest[]) => ofKind(docs, "Deployment", "r-router")[0];
const checksum = (docs: Manifest[]) =>
  at(deployment(docs), "spec.template.metadata.annotations.checksum/config");

describe("router chart", () => {
  it("refuses to render a config without tenants unless auth.mode is none", async () => {
    const [noTenants, open] = await Promise.all([
      helmTemplate(chart, {
        release: "r",
        set: { existingConfigSecret: "" },
        values: { config: { clusters: [] } },
      }),
      helmTemplate(chart, {
        release: "r",
        set: { existingConfigSecret: "", "auth.mode": "none" },
        values: { config: { clusters: [] } },
      }),
    ]);
    expect(noTenants.ok).toBe(false);
    expect(noTenants.error).toContain("config.tenants is empty");
    expect(noTenants.error).toContain("auth.mode: none");
    expect(open.error).toBe("");
    expect(deployment(open.docs)).toBeDefined();
  });

  it("renders the generated config into a Secret mounted at /etc/router/router.yaml", async () => {
    const r = await helmTemplate(chart, {
      release: "r",
      set: { existingConfigSecret: "" },
      values: { config: tenantConfig },
    });
    expect(r.error).toBe("");
    expect(validateManifests(r.docs)).toEqual([]);
    expect(ofKind(r.docs, "ConfigMap")).toHaveLength(0);
    const secret = ofKind(r.docs, "Secret", "r-router-config")[0];
    const yaml = Buffer.from(
      (at(secret, "data") as Record<string, string>)["router.yaml"]!,
      "base64",
    ).toString("utf8");
    expect(yaml).toContain("tenants:");
    const c = at(deployment(r.docs), "spec.template.spec.containers.0");
    expect(at(c, "args")).toEqual(["--config", "/etc/router/router.yaml"]);
    expect(at(deployment(r.docs), "spec.template.spec.volumes.0.secret.secretName")).toBe("r-router-config");
  });

  it("rolls the pods (checksum/config) when the config changes, and not otherwise", async () => {
    const changed = { ...tenantConfig, router: { routingStrategy: "cost" } };
    const [a, b, c] = await Promise.all([
      helmTemplate(chart, {
        release: "r",
        set: { existingConfigSecret: "" },
        values: { config: tenantConfig },
      }),
      helmTemplate(chart, {
        release: "r",
        set: { existingConfigSecret: "", "autoscaling.maxReplicas": 9 },
        values: { config: tenantConfig },
      }),
      helmTemplate(chart, { release: "r", set: { existingConfigSecret: "" }, values: { config: changed } }),
    ]);
    expect(checksum(a.docs)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum(b.docs)).toBe(checksum(a.docs));
    expect(checksum(c.docs)).not.toBe(checksum(a.docs));
  });

  it("takes provider keys from Secrets by reference, never as literals", async () => {
    const r = await helmTemplate(chart, { release: "r" });
    const env = at(deployment(r.docs), "spec.template.spec.containers.0.env") as Manifest[];
    const openai = env.find((e) => e.name === "OPENAI_API_KEY");
    expect(at(openai, "valueFrom.secretKeyRef")).toEqual({
      name: "llm-provider-keys",
      key: "openai",
      optional: true,
    });
    // Literal values only for what is no secret: the Redis URL of the in-chart Redis and the drain delay.
    expect(
      env.every((e) => !("value" in e) || ["REDIS_URL", "ROUTER_DRAIN_DELAY"].includes(String(e.name))),
    ).toBe(true);
  });

  it("ships HPA, PDB and ServiceMonitor, and an in-chart Redis whose pods the router Service never selects", async () => {
    const r = await helmTemplate(chart, { release: "r", set: { "redis.enabled": true } });
    expect(r.error).toBe("");
    for (const kind of ["HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor"])
      expect(ofKind(r.docs, kind)).toHaveLength(1);
    const redis = ofKind(r.docs, "Deployment", "r-router-redis")[0];
    const podLabels = at(redis, "spec.template.metadata.labels") as Record<string, string>;
    const routerSelector = at(ofKind(r.docs, "Service", "r-router")[0], "spec.selector") as Record<
      string,
      string
    >;
    expect(Object.entries(routerSelector).every(([k, v]) => podLabels[k] === v)).toBe(false);
    const env = at(deployment(r.docs), "spec.template.spec.containers.0.env") as Manifest[];
    expect(env.find((e) => e.name === "REDIS_URL")?.value).toBe("redis://r-router-redis:6379");
  });

  it("points an inline config at the configured Redis through the REDIS_URL reference unless it names one", async () => {
    const decode = (docs: Manifest[]) =>
      Buffer.from(
        (at(ofKind(docs, "Secret", "r-router-config")[0], "data") as Record<string, string>)["router.yaml"]!,
        "base64",
      ).toString("utf8");
    const [withRedis, own, none] = await Promise.all([
      helmTemplate(chart, {
        release: "r",
        set: { existingConfigSecret: "", "redis.enabled": true },
        values: { config: tenantConfig },
      }),
      helmTemplate(chart, {
        release: "r",
        set: { existingConfigSecret: "", "redis.enabled": false, "redis.url": "rediss://cache:6380" },
        values: { config: { ...tenantConfig, state: { redis: "rediss://other:6380" } } },
      }),
      // No Redis at all is only allowed for a single replica (the schema refuses more).
      helmTemplate(chart, {
        release: "r",
        set: {
          existingConfigSecret: "",
          "redis.enabled": false,
          "autoscaling.enabled": false,
          replicaCount: 1,
        },
        values: { config: tenantConfig },
      }),
    ]);
    // The router interpolates `${NAME}` references from its environment.
    expect(decode(withRedis.docs)).toContain("redis: $" + "{REDIS_URL}");
    expect(decode(own.docs)).toContain("redis: rediss://other:6380");
    expect(decode(none.docs)).not.toContain("redis");
  });

  describe("deploy path", () => {
    it("probes liveness on /livez (process alive) and readiness on /readyz, never /health (503 while upstreams are down)", async () => {
      const r = await helmTemplate(chart, { release: "r" });
      const c = at(deployment(r.docs), "spec.template.spec.containers.0");
      expect(at(c, "livenessProbe.httpGet.path")).toBe("/livez");
      expect(at(c, "readinessProbe.httpGet.path")).toBe("/readyz");
    });

    it("drains on SIGTERM for less than the grace period: ROUTER_DRAIN_DELAY from drainDelaySeconds", async () => {
      const r = await helmTemplate(chart, { release: "r" });
      const spec = at(deployment(r.docs), "spec.template.spec") as Manifest;
      const env = at(spec, "containers.0.env") as Manifest[];
      expect(env.find((e) => e.name === "ROUTER_DRAIN_DELAY")).toEqual({
        name: "ROUTER_DRAIN_DELAY",
        value: "5s",
      });
      expect(Number(at(spec, "terminationGracePeriodSeconds"))).toBeGreaterThan(5);
    });

    it("passes KEDA's bearer token as ROUTER_SCALING_TOKEN from a Secret", async () => {
      const r = await helmTemplate(chart, { release: "r" });
      const env = at(deployment(r.docs), "spec.template.spec.containers.0.env") as Manifest[];
      expect(env.find((e) => e.name === "ROUTER_SCALING_TOKEN")).toEqual({
        name: "ROUTER_SCALING_TOKEN",
        valueFrom: { secretKeyRef: { name: "llm-router-scaling", key: "token" } },
      });
    });

    it("routes only the API, /scaling and /health publicly: never /metrics, /admin or the whole host", async () => {
      const [ok, metrics, admin, root] = await Promise.all([
        helmTemplate(chart, {
          release: "r",
          set: { "ingress.enabled": true, "ingress.host": "router.llm.test" },
        }),
        ...["/metrics", "/admin", "/"].map((path) =>
          helmTemplate(chart, {
            release: "r",
            set: { "ingress.enabled": true, "ingress.host": "router.llm.test" },
            values: { "ingress.paths": ["/v1", path] },
          }),
        ),
      ]);
      expect(ok.error).toBe("");
      const paths = (at(ofKind(ok.docs, "Ingress")[0], "spec.rules.0.http.paths") as Manifest[]).map((p) => [
        p.path,
        p.pathType,
      ]);
      expect(paths).toEqual([
        ["/v1", "Prefix"],
        ["/scaling", "Prefix"],
        ["/health", "Exact"],
      ]);
      for (const refused of [metrics, admin, root]) expect(refused?.error).toContain("ingress.paths");
    });

    it("refuses more than one replica without a state store, and ships one (in-chart Redis) by default", async () => {
      const [fixed, hpa, single, byDefault] = await Promise.all([
        helmTemplate(chart, {
          release: "r",
          set: { "autoscaling.enabled": false, replicaCount: 2, "redis.enabled": false },
        }),
        helmTemplate(chart, { release: "r", set: { "redis.enabled": false } }),
        helmTemplate(chart, {
          release: "r",
          set: { "autoscaling.enabled": false, replicaCount: 1, "redis.enabled": false },
        }),
        helmTemplate(chart, { release: "r" }),
      ]);
      expect(fixed.error).toContain("redis");
      expect(hpa.error).toContain("redis");
      expect(single.error).toBe("");
      expect(ofKind(byDefault.docs, "Deployment", "r-router-redis")).toHaveLength(1);
      const external = await helmTemplate(chart, {
        release: "r",
        set: { "redis.enabled": false, "redis.existingSecret": "managed-redis" },
      });
      expect(external.error).toBe("");
    });

    it("runs the compiled router (node dist), never TypeScript through tsx, and a pushed image by digest", async () => {
      const digest = `sha256:${"b".repeat(64)}`;
      const [plain, pinned] = await Promise.all([
        helmTemplate(chart, { release: "r" }),
        helmTemplate(chart, {
          release: "r",
          set: { "image.registry": "r.test", "image.repository": "llm-router", "image.digest": digest },
        }),
      ]);
      const c = at(deployment(plain.docs), "spec.template.spec.containers.0");
      expect(at(c, "command")).toEqual(["/nodejs/bin/node", "/app/router/dist/cli.js"]);
      expect(JSON.stringify(c)).not.toContain("tsx");
      expect(at(deployment(pinned.docs), "spec.template.spec.containers.0.image")).toBe(
        `r.test/llm-router@${digest}`,
      );
    });
  });

  it.each([
    [{ "auth.mode": "open" }, "auth.mode"],
    [{ "autoscaling.minReplicas": 0 }, "autoscaling.minReplicas"],
    [{ "redis.url": "http://not-redis" }, "redis.url"],
  ])("rejects invalid values %j with a message naming %s", async (set, key) => {
    const r = await helmTemplate(chart, { release: "r", set });
    expect(r.ok).toBe(false);
    expect(r.error).toContain(key);
  });
});
