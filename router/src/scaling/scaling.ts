import { errorBody } from "@llm/contracts";
import { Router } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Generation } from "../forward/context.js";
import type { KeyValueStore } from "../state/key-value.js";
import type { Target } from "../targets/target.js";
import { registerColdGauge } from "./cold-gauge.js";
import { requireScalingToken, scalingTokenFromEnv } from "./scaling-auth.js";
import { SharedDemand } from "./shared-demand.js";

export interface ScalingOptions {
  current: () => Generation;
  /** The state store's key/value API; pending demand is shared through it. Absent: this replica's count only. */
  kv?: KeyValueStore;
  /** Registry of the router's /metrics (for `llm_router_target_cold`). */
  registry: Registry;
  now: () => number;
  logger: Logger;
  /** Environment for ROUTER_SCALING_TOKEN. Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** How often replicas exchange pending demand. Defaults to 1 s. */
  syncIntervalMs?: number;
}

export interface Scaling {
  /** `GET /scaling/:target`, behind the bearer token when one is configured. */
  router: Router;
  /** Stops the demand sync after pushing this replica's last adds (a restart then keeps them). */
  close(): Promise<void>;
}

/** Longest a /scaling request waits for the shared total before answering with this replica's view. */
const SYNC_WAIT_MS = 1000;

/** Scale-to-zero targets of the running config: the ones KEDA may ask about. */
function scaleToZeroTargets(gen: Generation): Target[] {
  return gen.targets.list.filter((t) => t.enabled && t.cluster?.scaleToZero);
}

/**
 * The wake-up signal for scale-to-zero pools: `GET /scaling/:target` answers
 * `{"target":"aws-gpu","pendingDemand":3.2,"cold":true,"ready":false}` for KEDA's metrics-api
 * scaler (`valueLocation: pendingDemand`, a GJSON path; KEDA accepts only HTTP 200 and a number
 * there). With a state store the number is the total over every replica, read from the store on
 * each request, so any replica behind the load balancer gives KEDA the same answer.
 */
export function createScaling(opts: ScalingOptions): Scaling {
  const token = scalingTokenFromEnv(opts.env);
  const shared = opts.kv
    ? new SharedDemand({
        kv: opts.kv,
        targets: () => scaleToZeroTargets(opts.current()),
        now: opts.now,
        logger: opts.logger,
        intervalMs: opts.syncIntervalMs,
      })
    : undefined;
  shared?.start();
  registerColdGauge(opts.registry, () => scaleToZeroTargets(opts.current()));

  const router = Router();
  // Every /scaling path, known target or not, so an unauthenticated caller cannot list target names.
  if (token) router.use("/scaling", requireScalingToken(token));
  router.get("/scaling/:target", async (req, res) => {
    const name = String(req.params.target);
    const t = opts.current().targets.byName.get(name);
    if (t?.kind !== "cluster") {
      res.status(404).json(errorBody(404, `Unknown cluster target "${name}"`, { code: "unknown_target" }));
      return;
    }
    if (shared && t.cluster?.scaleToZero) await shared.syncWithin(t, SYNC_WAIT_MS);
    res.json({
      target: t.name,
      pendingDemand: t.demand.current(),
      cold: t.isCold(),
      ready: t.live.ready ?? null,
    });
  });
  return {
    router,
    close: async () => {
      await shared?.close();
    },
  };
}
