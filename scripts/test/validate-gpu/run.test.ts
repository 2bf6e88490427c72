import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { fakeKubectlDir } from "@llm/testing";
import { parseOptions } from "../../src/validate-gpu/args.js";
import type { CheckContext, CheckResult } from "../../src/validate-gpu/checks/context.js";
import { parseAutoscalerStatus } from "../../src/validate-gpu/checks/pool.js";
import { checkRuntimeHealth } from "../../src/validate-gpu/checks/runtime.js";
import { smokePodManifest } from "../../src/validate-gpu/checks/smoke-pod.js";
import { Kubectl } from "../../src/validate-gpu/kubectl.js";
import { exitCode, formatTable } from "../../src/validate-gpu/report.js";
import { validateGpu } from "../../src/validate-gpu/run.js";

const fakeDir = fakeKubectlDir;

/** A kubeconfig for the fake kubectl (validate-gpu refuses to run without one; see kubeconfig.test.ts). */
const KUBECONFIG = join(mkdtempSync(join(tmpdir(), "validate-gpu-kubeconfig-")), "config");
writeFileSync(
  KUBECONFIG,
  "apiVersion: v1\nkind: Config\ncurrent-context: fake\ncontexts:\n  - name: fake\n    context: {cluster: fake, user: fake}\n  - name: eks-dev\n    context: {cluster: fake, user: fake}\n",
);

interface Run {
  results: CheckResult[];
  log: string[];
  calls: string[][];
  stateDir: string;
}

/** Runs validate-gpu in-process against the fake kubectl (found on PATH) for one scenario. */
async function runScenario(scenario: string, argv: string[] = []): Promise<Run> {
  const stateDir = mkdtempSync(join(tmpdir(), `validate-gpu-${scenario}-`));
  const log: string[] = [];
  const results = await validateGpu({
    opts: parseOptions(["--poll-ms", "20", ...argv]),
    env: {
      ...process.env,
      PATH: `${fakeDir}${delimiter}${process.env.PATH}`,
      FAKE_KUBECTL_SCENARIO: scenario,
      FAKE_KUBECTL_STATE: stateDir,
      KUBECONFIG,
    },
    log: (line) => log.push(line),
  });
  const calls = readFileSync(join(stateDir, "calls.log"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as string[]);
  return { results, log, calls, stateDir };
}

const statusOf = (run: Run) => Object.fromEntries(run.results.map((r) => [r.name, r.status]));
const detailOf = (run: Run, name: string) => run.results.find((r) => r.name === name)?.detail ?? "";
const smokePodDeleted = (run: Run) =>
  run.calls.some(
    (c) => c.includes("delete") && c.includes("pod") && c.some((a) => a.startsWith("validate-gpu-smoke-")),
  );

// Each fake kubectl call is a node process; run the scenarios side by side to keep the suite short.
const scenarios = {
  allPass: () => runScenario("all-pass", ["--context", "eks-dev"]),
  noPool: () => runScenario("no-gpu-pool"),
  wrongTaint: () => runScenario("wrong-taint", ["--skip-runtime"]),
  pluginUnhealthy: () => runScenario("plugin-unhealthy", ["--skip-completion"]),
  neverSchedules: () => runScenario("never-schedules", ["--timeout", "0.3", "--skip-runtime"]),
  cpuBackend: () => runScenario("cpu-backend", ["--cloud", "aws"]),
  outputsMinZero: () => runScenario("all-pass", ["--outputs", outputsFile(0), "--skip-runtime"]),
  outputsMinOne: () => runScenario("all-pass", ["--outputs", outputsFile(1)]),
};

/** A `pulumi stack output --json` file (secrets masked, as without --show-secrets) with a GPU pool min. */
function outputsFile(minNodes: number): string {
  const file = join(mkdtempSync(join(tmpdir(), "validate-gpu-outputs-")), "outputs.json");
  const pool = (instanceType: string, min: number) => ({
    endpoint: "https://gpu.aws.llm.example.com",
    instanceType,
    pricePerHour: { onDemand: 0.526, spot: 0.2104 },
    capacityType: "spot",
    minNodes: min,
    maxNodes: 2,
    capabilities: {
      models: ["llama-2-7b-chat-q4_k_m"],
      contextLength: 4096,
      features: [],
      accelerator: "nvidia-t4",
    },
  });
  writeFileSync(
    file,
    JSON.stringify({
      cloud: "aws",
      region: "us-east-1",
      clusterName: "llm-aws-dev",
      kubeconfig: "[secret]",
      authMode: "hmac",
      hmacSecret: "[secret]",
      pools: { cpu: pool("m6i.xlarge", 1), gpu: pool("g4dn.xlarge", minNodes) },
    }),
  );
  return file;
}
let runs: Record<keyof typeof scenarios, Run>;

beforeAll(async () => {
  const entries = await Promise.all(Object.entries(scenarios).map(async ([k, f]) => [k, await f()] as const));
  runs = Object.fromEntries(entries) as typeof runs;
});

describe("validate-gpu against a fake kubectl", () => {
  it("passes every check when the pool scales from zero and the CUDA runtime answers", () => {
    const run = runs.allPass;
    expect(run.results.map((r) => [r.name, r.status])).toEqual([
      ["gpu pool scales to zero", "pass"],
      ["gpu node taint", "pass"],
      ["nvidia device plugin", "pass"],
      ["cuda smoke pod", "pass"],
      ["nvidia.com/gpu allocatable", "pass"],
      ["runtime health (cuda)", "pass"],
      ["runtime completion", "pass"],
    ]);
    expect(exitCode(run.results)).toBe(0);
    expect(detailOf(run, "gpu pool scales to zero")).toContain("minSize=0 maxSize=2");
    expect(detailOf(run, "cuda smoke pod")).toContain("Tesla T4");
    expect(detailOf(run, "runtime completion")).toContain("HMAC-signed");
    // Every call went to the requested context, and the smoke pod was cleaned up.
    expect(run.calls.every((c) => c[0] === "--context" && c[1] === "eks-dev")).toBe(true);
    expect(smokePodDeleted(run)).toBe(true);
    // Progress shows the scale-from-zero story.
    expect(run.log.join("\n")).toMatch(/pod Pending, GPU nodes 0/);
    expect(run.log.join("\n")).toMatch(/TriggeredScaleUp/);
    expect(run.log.join("\n")).toMatch(/pod Succeeded, GPU nodes 1/);
  });

  it("fails on a cluster without a GPU pool and skips the rest instead of waiting", () => {
    const run = runs.noPool;
    expect(statusOf(run)["gpu pool scales to zero"]).toBe("fail");
    expect(detailOf(run, "gpu pool scales to zero")).toMatch(
      /no autoscaler node group matching "gpu".*--outputs/,
    );
    expect(run.results.slice(1).every((r) => r.status === "skip")).toBe(true);
    expect(run.calls.some((c) => c.includes("create"))).toBe(false);
    expect(exitCode(run.results)).toBe(1);
  });

  it("fails when the GPU node lacks the nvidia.com/gpu taint", () => {
    const run = runs.wrongTaint;
    expect(statusOf(run)["gpu node taint"]).toBe("fail");
    expect(detailOf(run, "gpu node taint")).toContain("lacks nvidia.com/gpu=true:NoSchedule (has none)");
    expect(statusOf(run)["runtime health (cuda)"]).toBe("skip");
    expect(exitCode(run.results)).toBe(1);
  });

  it("fails when the device plugin DaemonSet is not ready", () => {
    const run = runs.pluginUnhealthy;
    expect(statusOf(run)["nvidia device plugin"]).toBe("fail");
    expect(detailOf(run, "nvidia device plugin")).toContain("desired 1, ready 0");
    expect(statusOf(run)["runtime completion"]).toBe("skip");
    expect(exitCode(run.results)).toBe(1);
  });

  it("times out a smoke pod that never schedules, says why, and still deletes it", () => {
    const run = runs.neverSchedules;
    expect(statusOf(run)["cuda smoke pod"]).toBe("fail");
    expect(detailOf(run, "cuda smoke pod")).toMatch(
      /timed out after 0.3s with the pod Pending \(last event FailedScheduling/,
    );
    expect(statusOf(run)["nvidia.com/gpu allocatable"]).toBe("fail");
    expect(statusOf(run)["gpu node taint"]).toBe("fail");
    expect(smokePodDeleted(run)).toBe(true);
    expect(exitCode(run.results)).toBe(1);
  });

  it("fails when the GPU runtime reports the cpu backend", () => {
    const run = runs.cpuBackend;
    expect(statusOf(run)["runtime health (cuda)"]).toBe("fail");
    expect(detailOf(run, "runtime health (cuda)")).toContain("backend cpu");
    expect(statusOf(run)["cuda smoke pod"]).toBe("pass");
    expect(exitCode(run.results)).toBe(1);
  });
});

describe("validate-gpu with a stack outputs file", () => {
  it("reads the GPU pool's minNodes from the outputs instead of the autoscaler status", () => {
    const run = runs.outputsMinZero;
    expect(statusOf(run)["gpu pool scales to zero"]).toBe("pass");
    expect(detailOf(run, "gpu pool scales to zero")).toBe("stack outputs: minNodes=0 maxNodes=2 g4dn.xlarge");
    expect(run.calls.some((c) => c.includes("cluster-autoscaler-status"))).toBe(false);
    // The cloud came from the outputs file, not from node labels.
    expect(run.calls.some((c) => c.join(" ") === "get nodes -o json")).toBe(false);
    expect(exitCode(run.results)).toBe(0);
  });

  it("fails a GPU pool whose minNodes is not 0", () => {
    const run = runs.outputsMinOne;
    expect(statusOf(run)["gpu pool scales to zero"]).toBe("fail");
    expect(detailOf(run, "gpu pool scales to zero")).toContain("minNodes must be 0");
    expect(exitCode(run.results)).toBe(1);
  });
});

describe("validate-gpu runtime checks alone", () => {
  it("explains a runtime scaled to zero and does not try a completion", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "validate-gpu-cold-"));
    const env = { ...process.env, FAKE_KUBECTL_SCENARIO: "runtime-cold", FAKE_KUBECTL_STATE: stateDir };
    const ctx: CheckContext = {
      kubectl: new Kubectl(join(fakeDir, "kubectl"), undefined, env),
      opts: parseOptions([]),
      cloud: "aws",
      log: () => {},
      now: Date.now,
      sleep: async () => {},
    };
    const { result, model } = await checkRuntimeHealth(ctx);
    expect(result.status).toBe("fail");
    expect(result.detail).toMatch(/ServiceUnavailable.*may be scaled to zero/);
    expect(model).toBeUndefined();
  });
});

describe("validate-gpu pieces", () => {
  it("asks for one GPU on the GPU pool with its tolerations and never restarts", () => {
    const pod = smokePodManifest("p", { opts: parseOptions([]) }) as {
      spec: {
        restartPolicy: string;
        nodeSelector: Record<string, string>;
        tolerations: Array<{ key: string }>;
        containers: Array<{
          image: string;
          command: string[];
          resources: { limits: Record<string, number> };
        }>;
      };
    };
    expect(pod.spec.restartPolicy).toBe("Never");
    expect(pod.spec.nodeSelector).toEqual({ "llm.platform/pool": "gpu" });
    expect(pod.spec.tolerations.map((t) => t.key)).toContain("nvidia.com/gpu");
    expect(pod.spec.containers[0]).toMatchObject({
      securityContext: {
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      },
    });
    expect(pod.spec.containers[0]).toMatchObject({
      image: "nvidia/cuda:12.4.1-base-ubuntu22.04",
      command: ["nvidia-smi"],
      resources: { limits: { "nvidia.com/gpu": 1 } },
    });
  });

  it("reads node group bounds from both cluster-autoscaler status layouts", () => {
    const text = [
      "Cluster-autoscaler status at 2024-05-01 10:00:00",
      "NodeGroups:",
      "  Name:        aks-gpu-12345678-vmss",
      "  Health:      Healthy (ready=0 unready=0 notStarted=0 longNotStarted=0 registered=0 longUnregistered=0 cloudProviderTarget=0 (minSize=0, maxSize=2))",
    ].join("\n");
    expect(parseAutoscalerStatus(text)).toEqual([{ name: "aks-gpu-12345678-vmss", minSize: 0, maxSize: 2 }]);
    expect(parseAutoscalerStatus("nodeGroups:\n- name: g\n  health: { minSize: 1, maxSize: 3 }\n")).toEqual([
      { name: "g", minSize: 1, maxSize: 3 },
    ]);
  });

  it("rejects bad flags naming them", () => {
    expect(() => parseOptions(["--cloud", "ibm"])).toThrow(/cloud/);
    expect(() => parseOptions(["--timeout", "soon"])).toThrow(/timeout/);
    expect(() => parseOptions(["--bogus"])).toThrow(/bogus/);
  });

  it("prints a table and the CLI exits 1 on a failure", async () => {
    expect(formatTable(runs.cpuBackend.results)).toMatch(/runtime health \(cuda\)\s+FAIL\s+backend cpu/);
    const stateDir = mkdtempSync(join(tmpdir(), "validate-gpu-cli-"));
    const run = promisify(execFile);
    const err = await run(
      process.execPath,
      ["--import", "tsx", "scripts/src/validate-gpu/main.ts", "--poll-ms", "20"],
      {
        env: {
          ...process.env,
          PATH: `${fakeDir}${delimiter}${process.env.PATH}`,
          FAKE_KUBECTL_SCENARIO: "no-gpu-pool",
          FAKE_KUBECTL_STATE: stateDir,
          KUBECONFIG,
        },
      },
    ).then(
      () => undefined,
      (e: { code: number; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/gpu pool scales to zero\s+FAIL/);
    expect(err?.stdout).toContain("1 check(s) failed");
  });
});
