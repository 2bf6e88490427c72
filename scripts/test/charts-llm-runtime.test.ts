import {
  at,
  helmTemplate,
  type Manifest,
  ofKind,
  validateManifests,
} from "../src/validate-manifests/index.js";

const chart = "charts/llm-runtime";
/** What a stack passes to a GPU release (router URL and target); the chart refuses GPU mode without them. */
const gpuStack = {
  "gpu.enabled": true,
  "autoscaling.keda.router.url": "https://router.llm.test",
  "autoscaling.keda.router.target": "aws-llm-aws-dev-gpu",
};
const stackValues = (file: string) => `scripts/src/validate-manifests/stack-values/${file}.yaml`;
const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const one = (docs: Manifest[], kind: string): Manifest => {
  const found = ofKind(docs, kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};
const container = (d: Manifest, i = 0) => at(d, `spec.template.spec.containers.${i}`);
const checksum = (docs: Manifest[]) =>
  at(one(docs, "Deployment"), "spec.template.metadata.annotations.checksum/config") as string;

describe("llm-runtime chart", () => {
  let cpu: Manifest[];
  let gpu: Manifest[];
  beforeAll(async () => {
    const [c, g] = await Promise.all([
      helmTemplate(chart, { release: "x" }),
      helmTemplate(chart, { release: "x", set: gpuStack }),
    ]);
    expect(c.error).toBe("");
    expect(g.error).toBe("");
    cpu = c.docs;
    gpu = g.docs;
  });

  it("renders valid objects in both variants", () => {
    expect(validateManifests(cpu)).toEqual([]);
    expect(validateManifests(gpu)).toEqual([]);
  });

  describe("GPU variant (gpu.enabled=true)", () => {
    it("runs the CUDA image with one nvidia.com/gpu and full offload, requiring CUDA (no silent CPU fallback)", () => {
      const c = container(one(gpu, "Deployment"));
      expect(at(c, "image")).toBe("ghcr.io/example-org/llm-runtime:0.1.0-cuda");
      expect(at(c, "resources.limits")).toMatchObject({ "nvidia.com/gpu": 1 });
      const args = at(c, "args") as string[];
      // `auto` fell back to CPU and still reported ready; `cuda` fails readiness and says why.
      expect(args.slice(args.indexOf("--gpu"), args.indexOf("--gpu") + 2)).toEqual(["--gpu", "cuda"]);
      expect(args.slice(args.indexOf("--gpu-layers"), args.indexOf("--gpu-layers") + 2)).toEqual([
        "--gpu-layers",
        "max",
      ]);
    });

    it("tolerates the GPU and AKS spot taints and selects the GPU pool", () => {
      const spec = at(one(gpu, "Deployment"), "spec.template.spec");
      expect(at(spec, "tolerations")).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }),
          expect.objectContaining({ key: "kubernetes.azure.com/scalesetpriority", value: "spot" }),
        ]),
      );
      expect(at(spec, "nodeSelector")).toEqual({ "llm.platform/pool": "gpu" });
    });

    it("scales to zero with a KEDA ScaledObject on router demand and queue depth, and has no HPA", () => {
      expect(ofKind(gpu, "HorizontalPodAutoscaler")).toHaveLength(0);
      const so = one(gpu, "ScaledObject");
      expect(at(so, "spec.minReplicaCount")).toBe(0);
      expect(at(so, "spec.scaleTargetRef.name")).toBe("x-llm-runtime");
      const triggers = at(so, "spec.triggers") as Manifest[];
      const api = triggers.find((t) => t.type === "metrics-api");
      expect(at(api, "metadata.url")).toMatch(/\/scaling\/[a-z0-9-]+$/);
      expect(at(api, "metadata.valueLocation")).toBe("pendingDemand");
      const prom = triggers.find((t) => t.type === "prometheus");
      expect(at(prom, "metadata.query")).toContain("llm_runtime_queue_depth");
      // KEDA owns the replica count; a fixed one would fight it.
      expect(at(one(gpu, "Deployment"), "spec.replicas")).toBeUndefined();
    });
  });

  describe("CPU variant (defaults)", () => {
    it("runs the CPU image with the GPU off and no GPU resources", () => {
      const c = container(one(cpu, "Deployment"));
      expect(at(c, "image")).toBe("ghcr.io/example-org/llm-runtime:0.1.0");
      expect(at(c, "resources.limits")).not.toHaveProperty("nvidia.com/gpu");
      expect(at(c, "args")).toEqual(expect.arrayContaining(["serve", "--gpu", "off", "--port", "8000"]));
      expect(ofKind(cpu, "ScaledObject")).toHaveLength(0);
    });

    it("autoscales with an HPA on CPU and the queue-depth Pods metric, never below one replica", () => {
      const hpa = one(cpu, "HorizontalPodAutoscaler");
      expect(at(hpa, "spec.minReplicas")).toBeGreaterThanOrEqual(1);
      const metrics = at(hpa, "spec.metrics") as Manifest[];
      expect(metrics.map((m) => m.type)).toEqual(["Resource", "Pods"]);
      expect(at(metrics[1], "pods.metric.name")).toBe("llm_runtime_queue_depth");
    });

    it("probes /ready at startup (long budget for model load) and for readiness, /health for liveness", () => {
      const c = container(one(cpu, "Deployment"));
      expect(at(c, "startupProbe.httpGet.path")).toBe("/ready");
      expect(at(c, "startupProbe.failureThreshold")).toBeGreaterThanOrEqual(60);
      expect(at(c, "readinessProbe.httpGet.path")).toBe("/ready");
      expect(at(c, "livenessProbe.httpGet.path")).toBe("/health");
    });

    it("runs non-root with a read-only root filesystem, no capabilities and RuntimeDefault seccomp", () => {
      const d = one(cpu, "Deployment");
      expect(at(d, "spec.template.spec.securityContext")).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      for (const path of ["spec.template.spec.containers.0", "spec.template.spec.initContainers.0"])
        expect(at(d, `${path}.securityContext`)).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        });
    });

    it("downloads the model in an init container with its sha256 into the cache the server reads", () => {
      const d = one(cpu, "Deployment");
      const init = at(d, "spec.template.spec.initContainers.0");
      const args = at(init, "args") as string[];
      expect(args[0]).toBe("download");
      expect(args).toEqual(expect.arrayContaining(["--sha256", "--out"]));
      const out = args[args.indexOf("--out") + 1];
      const serveArgs = at(container(d), "args") as string[];
      expect(serveArgs[serveArgs.indexOf("--model") + 1]).toBe(out);
    });

    it("reads the HMAC secret from a Secret, never from a literal", () => {
      const env = at(container(one(cpu, "Deployment")), "env") as Manifest[];
      const hmac = env.find((e) => e.name === "RUNTIME_HMAC_SECRET");
      expect(at(hmac, "valueFrom.secretKeyRef.name")).toBe("llm-cluster-auth");
      expect(hmac).not.toHaveProperty("value");
    });

    it("admits traffic only from the router/ingress namespaces and Prometheus", () => {
      const np = one(cpu, "NetworkPolicy");
      const namespaces = (at(np, "spec.ingress") as Manifest[]).flatMap((rule) =>
        (at(rule, "from") as Manifest[]).map(
          (f) =>
            (at(f, "namespaceSelector.matchLabels") as Record<string, string> | undefined)?.[
              "kubernetes.io/metadata.name"
            ],
        ),
      );
      // undefined: the same-namespace peer (podSelector {}), where the cost exporter runs.
      expect(namespaces.sort()).toEqual(["ingress-nginx", "llm-router", "monitoring", undefined]);
      expect(at(np, "spec.ingress.0.from.0")).toEqual({ podSelector: {} });
      expect(one(cpu, "ServiceMonitor")).toBeDefined();
      expect(one(cpu, "PodDisruptionBudget")).toBeDefined();
    });
  });

  it.each(["aws", "gcp", "azure"])(
    "%s GPU values point KEDA at the router target the stack passes (none hard-coded) and select the T4 pool",
    async (cloud) => {
      const file = `clusters/${cloud}/values/llm-runtime-gpu.yaml`;
      const [alone, stacked] = await Promise.all([
        helmTemplate(chart, { valueFiles: [file] }),
        helmTemplate(chart, { valueFiles: [file, stackValues("llm-runtime-gpu")] }),
      ]);
      // Without the stack's values the release must not render (it used to poll a target no router has).
      expect(alone.ok).toBe(false);
      expect(alone.error).toMatch(/ingress\.host|autoscaling\.keda\.router\.(url|target)/);
      expect(stacked.error).toBe("");
      const api = (at(one(stacked.docs, "ScaledObject"), "spec.triggers") as Manifest[])[0];
      expect(at(api, "metadata.url")).toBe("https://router.stack-values.test/scaling/aws-llm-aws-dev-gpu");
      expect(at(one(stacked.docs, "Deployment"), "spec.template.spec.nodeSelector")).toEqual({
        "llm.platform/pool": "gpu",
        "llm.platform/accelerator": "nvidia-t4",
      });
    },
  );

  describe("deploy path", () => {
    it("falls back to CPU only when gpu.required is false", async () => {
      const r = await helmTemplate(chart, { set: { ...gpuStack, "gpu.required": false } });
      expect(arg(at(container(one(r.docs, "Deployment")), "args") as string[], "--gpu")).toBe("auto");
    });

    it("KEDA reads the router's public /scaling with a bearer token from a Secret, and one stray request never wakes the pool", () => {
      const so = one(gpu, "ScaledObject");
      const api = (at(so, "spec.triggers") as Manifest[]).find((t) => t.type === "metrics-api");
      expect(at(api, "metadata.url")).toBe("https://router.llm.test/scaling/aws-llm-aws-dev-gpu");
      expect(at(api, "metadata.authMode")).toBe("bearer");
      const ta = one(gpu, "TriggerAuthentication");
      expect(at(api, "authenticationRef.name")).toBe(at(ta, "metadata.name"));
      expect(at(ta, "spec.secretTargetRef")).toEqual([
        { parameter: "token", name: "llm-router-scaling", key: "token" },
      ]);
      // One request adds 1 to the decaying demand; KEDA activates only above the threshold (strictly).
      expect(Number(at(api, "metadata.activationTargetValue"))).toBeGreaterThanOrEqual(1);
    });

    it("uses an existing TriggerAuthentication instead when authenticationRef names one", async () => {
      const r = await helmTemplate(chart, {
        set: { ...gpuStack, "autoscaling.keda.router.authenticationRef": "shared" },
      });
      expect(ofKind(r.docs, "TriggerAuthentication")).toHaveLength(0);
      const api = (at(one(r.docs, "ScaledObject"), "spec.triggers") as Manifest[])[0];
      expect(at(api, "authenticationRef.name")).toBe("shared");
    });

    it("has no in-cluster router default: GPU mode without the stack's router URL or target fails naming the key", async () => {
      const [noUrl, noTarget] = await Promise.all([
        helmTemplate(chart, { set: { ...gpuStack, "autoscaling.keda.router.url": "" } }),
        helmTemplate(chart, { set: { ...gpuStack, "autoscaling.keda.router.target": "" } }),
      ]);
      expect(noUrl.error).toContain("autoscaling.keda.router.url is required");
      expect(noTarget.error).toContain("autoscaling.keda.router.target is required");
    });

    it("routes only /v1 publicly (never /metrics or /), /health only when asked for, exactly", async () => {
      const [plain, health, root] = await Promise.all([
        helmTemplate(chart, { set: { "ingress.enabled": true, "ingress.host": "cpu.llm.test" } }),
        helmTemplate(chart, {
          set: { "ingress.enabled": true, "ingress.host": "cpu.llm.test", "ingress.exposeHealth": true },
        }),
        helmTemplate(chart, {
          set: { "ingress.enabled": true, "ingress.host": "cpu.llm.test", "ingress.path": "/" },
        }),
      ]);
      const paths = (docs: Manifest[]) =>
        (at(one(docs, "Ingress"), "spec.rules.0.http.paths") as Manifest[]).map((p) => [p.path, p.pathType]);
      expect(paths(plain.docs)).toEqual([["/v1", "Prefix"]]);
      expect(paths(health.docs)).toEqual([
        ["/v1", "Prefix"],
        ["/health", "Exact"],
      ]);
      expect(root.error).toContain("ingress.path");
    });

    it("passes --auth none exactly when auth.mode is not hmac, and then references no Secret", async () => {
      const none = await helmTemplate(chart, { set: { "auth.mode": "none" } });
      expect(none.error).toBe("");
      const d = one(none.docs, "Deployment");
      expect(arg(at(container(d), "args") as string[], "--auth")).toBe("none");
      expect(JSON.stringify(d)).not.toContain("secretKeyRef");
      expect(ofKind(none.docs, "Secret")).toHaveLength(0);
      expect(arg(at(container(one(cpu, "Deployment")), "args") as string[], "--auth")).toBe("hmac");
    });

    it("runs the compiled runtime (node dist), never TypeScript through tsx, in both containers", () => {
      const d = one(cpu, "Deployment");
      for (const path of ["spec.template.spec.containers.0", "spec.template.spec.initContainers.0"]) {
        expect(at(d, `${path}.command`)).toEqual(["node", "/app/runtime/dist/cli.js"]);
        expect(JSON.stringify(at(d, path))).not.toContain("tsx");
      }
    });

    it("runs a pushed image exactly by digest when the stack passes one, and rejects a malformed digest", async () => {
      const digest = `sha256:${"a".repeat(64)}`;
      const [cpuDigest, gpuDigest, bad] = await Promise.all([
        helmTemplate(chart, {
          set: { "image.registry": "r.test", "image.repository": "llm-runtime", "image.digest": digest },
        }),
        helmTemplate(chart, {
          set: {
            ...gpuStack,
            "image.registry": "",
            "image.repository": "r.test/llm-runtime-cuda",
            "image.digest": digest,
          },
        }),
        helmTemplate(chart, { set: { "image.digest": "latest" } }),
      ]);
      const images = (docs: Manifest[]) =>
        ["containers.0", "initContainers.0"].map((c) =>
          at(one(docs, "Deployment"), `spec.template.spec.${c}.image`),
        );
      expect(images(cpuDigest.docs)).toEqual([
        `r.test/llm-runtime@${digest}`,
        `r.test/llm-runtime@${digest}`,
      ]);
      expect(images(gpuDigest.docs)).toEqual([
        `r.test/llm-runtime-cuda@${digest}`,
        `r.test/llm-runtime-cuda@${digest}`,
      ]);
      expect(bad.error).toContain("image.digest");
    });

    it("keeps the model cache PVC in Argo CD mode too (Delete=false, Prune=false), not only for Helm", async () => {
      const r = await helmTemplate(chart, { set: { "modelCache.type": "pvc" } });
      const annotations = at(one(r.docs, "PersistentVolumeClaim"), "metadata.annotations") as Record<
        string,
        string
      >;
      expect(annotations["helm.sh/resource-policy"]).toBe("keep");
      expect(annotations["argocd.argoproj.io/sync-options"]?.split(",").sort()).toEqual([
        "Delete=false",
        "Prune=false",
      ]);
    });
  });

  it("changes the checksum/config annotation when the model or the secret changes, and only then", async () => {
    const [base, same, otherModel, otherSecret] = await Promise.all([
      helmTemplate(chart, { set: { "auth.existingSecret": "", "auth.secret": "s1-0123456789abcdef" } }),
      helmTemplate(chart, {
        set: { "auth.existingSecret": "", "auth.secret": "s1-0123456789abcdef", replicaCount: 3 },
      }),
      helmTemplate(chart, {
        set: { "auth.existingSecret": "", "auth.secret": "s1-0123456789abcdef", "model.file": "other.gguf" },
      }),
      helmTemplate(chart, { set: { "auth.existingSecret": "", "auth.secret": "s2-0123456789abcdef" } }),
    ]);
    expect(checksum(base.docs)).toMatch(/^[a-f0-9]{64}$/);
    expect(checksum(same.docs)).toBe(checksum(base.docs));
    expect(checksum(otherModel.docs)).not.toBe(checksum(base.docs));
    expect(checksum(otherSecret.docs)).not.toBe(checksum(base.docs));
  });

  it.each([
    [{ "autoscaling.hpa.minReplicas": 0 }, "autoscaling.hpa.minReplicas"],
    [{ "model.sha256": "abc" }, "model.sha256"],
    [{ "modelCache.type": "nfs" }, "modelCache.type"],
    [{ "gpu.count": 0 }, "gpu.count"],
  ])("rejects invalid values %j with a message naming %s", async (set, key) => {
    const r = await helmTemplate(chart, { set });
    expect(r.ok).toBe(false);
    expect(r.error).toContain(key);
  });
});
