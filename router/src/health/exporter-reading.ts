import { type PrometheusSample, parsePrometheusText, sumSamples } from "@llm/contracts";
import { z } from "zod";

const EXPORTER_METRICS = new Set(["llm_cluster_cost_per_1k_tokens", "llm_cluster_pool_ready_replicas"]);

/**
 * The fields the router uses from the exporter's `GET /v1/pools` (exporters/src/http/app.ts,
 * one PoolSummary per pool in exporters/src/pools/summary.ts). Loose: the exporter may add fields.
 * That path is the only one its Ingress exposes, so it is what a generated config points at.
 */
const exporterPools = z.looseObject({
  cluster: z.string().min(1),
  data: z.array(
    z.looseObject({
      pool: z.string().min(1),
      costPer1kTokens: z.number().nonnegative(),
      readyReplicas: z.number().int().nonnegative(),
    }),
  ),
});

/** What one exporter answer said, before it is matched to a target's pool. */
export type ExporterReading =
  | { format: "json"; cluster: string; pools: Map<string, PoolReading> }
  | { format: "prometheus"; samples: PrometheusSample[] }
  | { format: "malformed"; problem: string };

/** The exporter's figures for one pool; `problem` says why there are none. */
export interface PoolReading {
  costPer1K?: number;
  readyReplicas?: number;
  problem?: string;
}

/** The exporter's answer as the poller fetched it. */
export interface ExporterAnswer {
  text: string;
  contentType?: string;
}

/** JSON when the URL is the exporter's `/v1/pools` or the answer says it is JSON; else Prometheus text. */
export function isJsonExporter(url: string, contentType: string | undefined): boolean {
  let path = "";
  try {
    path = new URL(url).pathname.replace(/\/+$/, "");
  } catch {
    // The config schema only admits URLs; a bad one reads as Prometheus and finds nothing.
  }
  return path.endsWith("/v1/pools") || /\bjson\b/i.test(contentType ?? "");
}

/** Parses a 2xx exporter answer; a malformed JSON answer becomes `malformed`, never a throw. */
export function readExporter(url: string, answer: ExporterAnswer): ExporterReading {
  if (!isJsonExporter(url, answer.contentType))
    return { format: "prometheus", samples: parsePrometheusText(answer.text, { names: EXPORTER_METRICS }) };
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    return { format: "malformed", problem: "answer is not JSON" };
  }
  const parsed = exporterPools.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    return { format: "malformed", problem: `${where}: ${issue?.message ?? "invalid"}` };
  }
  const pools = new Map<string, PoolReading>();
  for (const p of parsed.data.data)
    pools.set(p.pool, { costPer1K: p.costPer1kTokens, readyReplicas: p.readyReplicas });
  return { format: "json", cluster: parsed.data.cluster, pools };
}

/** Who asks: a cluster target's name, cloud (`provider`) and pool. */
export interface PoolOwner {
  name: string;
  provider: string;
  pool: string;
}

/**
 * The cluster a generated target name carries (`<cloud>-<clusterName>-<pool>`, clusterTargetName in
 * @llm/contracts); undefined for a hand-picked name, which is matched by pool alone.
 */
function clusterInName(t: PoolOwner): string | undefined {
  const head = `${t.provider}-`;
  const tail = `-${t.pool}`;
  if (!t.provider || !t.name.startsWith(head) || !t.name.endsWith(tail)) return undefined;
  const middle = t.name.slice(head.length, t.name.length - tail.length);
  return middle.length > 0 ? middle : undefined;
}

/**
 * One pool's figures. Prometheus text: the pool's labelled series, else the unlabelled sum (as
 * before). JSON: the entry of the same pool, from the exporter of the target's own cluster: a
 * generated name whose cluster differs from the exporter's `cluster` reads nothing, since another
 * cluster's price would rank this target wrongly.
 */
export function readPool(reading: ExporterReading, owner: PoolOwner): PoolReading {
  if (reading.format === "malformed") return { problem: reading.problem };
  if (reading.format === "prometheus") {
    const { samples } = reading;
    const pool = owner.pool;
    return {
      costPer1K:
        sumSamples(samples, "llm_cluster_cost_per_1k_tokens", { pool }) ??
        sumSamples(samples, "llm_cluster_cost_per_1k_tokens"),
      readyReplicas:
        sumSamples(samples, "llm_cluster_pool_ready_replicas", { pool }) ??
        sumSamples(samples, "llm_cluster_pool_ready_replicas"),
    };
  }
  const expected = clusterInName(owner);
  if (expected !== undefined && expected !== reading.cluster)
    return { problem: `exporter reports cluster "${reading.cluster}", target belongs to "${expected}"` };
  const hit = reading.pools.get(owner.pool);
  if (!hit) {
    const known = [...reading.pools.keys()].join(", ") || "none";
    return { problem: `exporter has no pool "${owner.pool}" (pools: ${known})` };
  }
  return hit;
}
