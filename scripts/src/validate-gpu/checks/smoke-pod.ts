import { randomBytes } from "node:crypto";
import { smokeTolerations } from "../cloud.js";
import { type CheckContext, type CheckResult, fail, gpuNodes, type KList, pass } from "./context.js";

export const SMOKE_CHECK = "cuda smoke pod";

interface Pod {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    containerStatuses?: Array<{ state?: { terminated?: { exitCode?: number; reason?: string } } }>;
  };
}

interface KEvent {
  metadata: { uid?: string; name?: string };
  reason?: string;
  message?: string;
  count?: number;
}

/** A pod that runs nvidia-smi once on the GPU pool and asks for exactly one GPU. */
export function smokePodManifest(name: string, ctx: Pick<CheckContext, "opts">): Record<string, unknown> {
  const { namespace, image, poolLabel, gpuPool, timeout } = ctx.opts;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { "app.kubernetes.io/name": "validate-gpu" } },
    spec: {
      restartPolicy: "Never",
      // The pod deletes itself server-side too if this process dies before its cleanup runs.
      activeDeadlineSeconds: Math.ceil(timeout) + 300,
      nodeSelector: { [poolLabel]: gpuPool },
      tolerations: smokeTolerations,
      containers: [
        {
          name: "nvidia-smi",
          image,
          command: ["nvidia-smi"],
          resources: { limits: { "nvidia.com/gpu": 1 } },
          // Meets the "restricted" Pod Security level a namespace may enforce; nvidia-smi needs no root
          // (the NVIDIA runtime exposes the device nodes world-readable in the container).
          securityContext: {
            allowPrivilegeEscalation: false,
            runAsNonRoot: true,
            runAsUser: 65534,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          },
        },
      ],
    },
  };
}

export interface SmokeOutcome {
  result: CheckResult;
  /** Node the pod ran on, when it was scheduled. */
  nodeName?: string;
}

/**
 * Launches the smoke pod, waits (with progress: phase, GPU node count, new events) for it to finish —
 * including the GPU pool scaling up from zero — then checks exit code 0 and an nvidia-smi table naming the
 * expected GPU. The pod is always deleted, whatever happened.
 */
export async function runSmokePod(ctx: CheckContext): Promise<SmokeOutcome> {
  const { kubectl, opts, log } = ctx;
  const name = `validate-gpu-smoke-${randomBytes(3).toString("hex")}`;
  const ns = opts.namespace;
  const started = ctx.now();
  const deadline = started + opts.timeout * 1000;
  let nodeName: string | undefined;
  try {
    await kubectl.run(["create", "-f", "-", "-o", "name"], JSON.stringify(smokePodManifest(name, ctx)));
    log(`smoke pod ${ns}/${name} created; waiting up to ${opts.timeout}s (scale from zero can take minutes)`);
    const seen = new Set<string>();
    let phase = "Unknown";
    let lastEvent = "";
    let pod: Pod = {};
    for (;;) {
      // One poll = three reads; run them side by side (each kubectl call is a round trip to the API).
      const [podNow, nodeCount, events] = await Promise.all([
        kubectl.json<Pod>(["get", "pod", name, "-n", ns, "-o", "json"]),
        gpuNodes(ctx).then(
          (n) => String(n.length),
          () => "?",
        ),
        kubectl
          .json<KList<KEvent>>([
            "get",
            "events",
            "-n",
            ns,
            "--field-selector",
            `involvedObject.name=${name}`,
            "-o",
            "json",
          ])
          .then(
            (l) => l.items,
            () => [] as KEvent[],
          ),
      ]);
      pod = podNow;
      phase = pod.status?.phase ?? "Unknown";
      nodeName = pod.spec?.nodeName ?? nodeName;
      const elapsed = Math.round((ctx.now() - started) / 1000);
      log(
        `[${String(elapsed).padStart(4)}s] pod ${phase}, GPU nodes ${nodeCount}${nodeName ? `, on ${nodeName}` : ""}`,
      );
      for (const e of events) {
        const key = `${e.metadata.uid ?? e.metadata.name}:${e.count ?? 1}`;
        if (seen.has(key)) continue;
        seen.add(key);
        lastEvent = `${e.reason}: ${e.message}`;
        log(`        event ${lastEvent}`);
      }
      if (phase === "Succeeded" || phase === "Failed") break;
      const left = deadline - ctx.now();
      if (left <= 0)
        return {
          result: fail(
            SMOKE_CHECK,
            `timed out after ${opts.timeout}s with the pod ${phase}${lastEvent ? ` (last event ${lastEvent})` : ""}`,
          ),
          ...(nodeName ? { nodeName } : {}),
        };
      await ctx.sleep(Math.min(opts.pollMs, left));
    }
    const logs = await kubectl
      .run(["logs", name, "-n", ns])
      .catch((err: Error) => `(no logs: ${err.message})`);
    const exitCode = pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
    const problems: string[] = [];
    if (exitCode !== 0) problems.push(`exit code ${exitCode ?? "unknown"}`);
    if (!/NVIDIA-SMI/.test(logs)) problems.push("no nvidia-smi table in the log");
    else if (!logs.includes(opts.expectGpu)) problems.push(`log does not name ${opts.expectGpu}`);
    // "|   0  Tesla T4    On  |   00000000:00:1E.0 Off |" -> "0 Tesla T4 On"
    const gpuLine = logs
      .split("\n")
      .find((l) => l.includes(opts.expectGpu))
      ?.split("|")
      .map((cell) => cell.replace(/\s+/g, " ").trim())
      .find((cell) => cell.includes(opts.expectGpu));
    const result = problems.length
      ? fail(SMOKE_CHECK, `${problems.join("; ")}: ${logs.trim().split("\n").slice(0, 3).join(" | ")}`)
      : pass(
          SMOKE_CHECK,
          `exit 0 on ${nodeName ?? "?"} after ${Math.round((ctx.now() - started) / 1000)}s: ${gpuLine ?? ""}`,
        );
    return { result, ...(nodeName ? { nodeName } : {}) };
  } catch (err) {
    return { result: fail(SMOKE_CHECK, (err as Error).message), ...(nodeName ? { nodeName } : {}) };
  } finally {
    await kubectl
      .run(["delete", "pod", name, "-n", ns, "--ignore-not-found", "--wait=false"])
      .then(() => log(`smoke pod ${ns}/${name} deleted`))
      .catch((err: Error) => log(`could not delete smoke pod ${ns}/${name}: ${err.message}`));
  }
}
