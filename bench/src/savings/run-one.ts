import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { startRouter } from "@llm/router";
import pino from "pino";
import { request } from "undici";
import type { PriceBook } from "./analysis/cost.js";
import { type RunSummary, summariseRun } from "./analysis/summary.js";
import { startAutoscaler } from "./fleet/autoscaler.js";
import { startFleet } from "./fleet/fleet.js";
import { autoscalerTickMs, routerConfigFor, simMinutesToMs } from "./fleet/router-config.js";
import { type ReplayRecord, replayTrace } from "./replay/replay.js";
import type { SavingsScenario, StrategyName } from "./scenario/schema.js";
import type { TraceRequest } from "./trace/trace.js";

/** One replay to make. */
export interface RunSpec {
  run: string;
  strategy: StrategyName;
  description: string;
  /** False for the all-external baseline. */
  withClusters: boolean;
  /** Kill this cluster at fraction `at` of the trace. */
  kill?: { cluster: string; at: number };
}

/** A finished replay: the summary and every request's record. */
export interface RunResult {
  summary: RunSummary;
  records: ReplayRecord[];
}

async function routerCost(url: string): Promise<number | null> {
  try {
    const res = await request(`${url}/metrics`);
    const text = await res.body.text();
    let sum = 0;
    let seen = false;
    for (const line of text.split("\n")) {
      if (!line.startsWith("llm_router_cost_usd_total")) continue;
      const v = Number(line.slice(line.lastIndexOf(" ") + 1));
      if (Number.isFinite(v)) {
        sum += v;
        seen = true;
      }
    }
    return seen ? sum : 0;
  } catch {
    return null;
  }
}

/**
 * Replays the trace once through a fresh real router (`startRouter` from router/src) in front of
 * a fresh fake fleet, with the KEDA stand-in waking scale-to-zero pools on the router's signal.
 */
export async function runOne(
  s: SavingsScenario,
  trace: readonly TraceRequest[],
  spec: RunSpec,
  prices: PriceBook,
): Promise<RunResult> {
  const fleet = await startFleet(s);
  const config = routerConfigFor(s, fleet, spec.strategy, { withClusters: spec.withClusters });
  const running = await startRouter({ config, logger: pino({ level: "silent" }) });
  const pools = spec.withClusters ? fleet.clusters.filter((c) => c.spec.scaleToZero) : [];
  const autoscaler = startAutoscaler({
    routerURL: running.url,
    pools,
    coldStartMs: simMinutesToMs(s, Math.max(...pools.map((p) => p.spec.coldStartMinutes), 0)),
    scaleDownMs: simMinutesToMs(s, Math.min(...pools.map((p) => p.spec.scaleDownAfterMinutes), 30)),
    tickMs: autoscalerTickMs(s),
  });
  try {
    // Start from known cluster state: every cluster polled once (a cold pool reads as cold).
    const deadline = performance.now() + 5000;
    while (running.router.targets().some((t) => t.kind === "cluster" && t.live.polledAt === undefined)) {
      if (performance.now() > deadline) throw new Error("router never polled its clusters");
      await sleep(10);
    }
    const started = performance.now();
    const records = await replayTrace({
      routerURL: running.url,
      trace,
      maxInFlight: s.maxInFlight,
      coldPools: () => pools.filter((p) => autoscaler.isCold(p.spec.name)).map((p) => p.spec.name),
      events: spec.kill
        ? [
            {
              at: spec.kill.at,
              run: async () => {
                const victim = fleet.clusters.find((c) => c.spec.name === spec.kill?.cluster);
                if (!victim) return;
                victim.dead = true;
                await victim.server.kill();
              },
            },
          ]
        : [],
    });
    const realDurationMs = Math.max(s.durationMs, performance.now() - started);
    const history = autoscaler.stop();
    return {
      records,
      summary: summariseRun({
        run: spec.run,
        strategy: spec.strategy,
        description: spec.description,
        records,
        prices,
        pools: history,
        clusters: spec.withClusters ? s.clusters : [],
        externals: s.externals,
        realDurationMs,
        simulatedHours: (s.simulatedHours * realDurationMs) / s.durationMs,
        routerReportedCostUsd: await routerCost(running.url),
      }),
    };
  } finally {
    autoscaler.stop();
    await running.close();
    await fleet.close();
  }
}
