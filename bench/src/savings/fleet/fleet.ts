import { type FakeOpenAI, startFakeOpenAI } from "@llm/testing";
import type { FakeCluster, FakeExternal, SavingsScenario } from "../scenario/schema.js";

/** A running fake cluster pool. */
export interface ClusterFake {
  spec: FakeCluster;
  server: FakeOpenAI;
  /** Killed mid-trace (the failure run). */
  dead: boolean;
}

/** The fake fleet of one run: cluster runtimes and external providers, all on 127.0.0.1:0. */
export interface Fleet extends AsyncDisposable {
  clusters: ClusterFake[];
  externals: { spec: FakeExternal; server: FakeOpenAI }[];
  close(): Promise<void>;
}

/** Model name every fake cluster serves (the trace asks for `auto`). */
export const CLUSTER_MODEL = "llama-7b-q4";

/** Starts the fakes. Scale-to-zero clusters start cold (not ready), like a pool at zero replicas. */
export async function startFleet(s: SavingsScenario): Promise<Fleet> {
  const clusters: ClusterFake[] = [];
  const externals: Fleet["externals"] = [];
  const all: FakeOpenAI[] = [];
  try {
    for (const c of s.clusters) {
      // Real time per token is the pool's rate sped up; /metrics reports the unscaled rate the
      // router prices with, so $/1K is what that pool would cost.
      const perToken = 1000 / c.tokensPerSecond / s.speedup;
      const server = await startFakeOpenAI({
        name: c.name,
        model: CLUSTER_MODEL,
        seed: s.seed,
        ttftMs: c.ttftMs,
        perTokenMs: { median: perToken, p95: perToken * 1.3 },
        ready: !c.scaleToZero,
        // Capacity and decode rate are what the router prices with (amortized at capacity); the
        // older served-rate gauge stays for routers that predate them.
        metrics: () =>
          [
            "# TYPE llm_runtime_capacity_tokens_per_second gauge",
            `llm_runtime_capacity_tokens_per_second ${c.tokensPerSecond}`,
            "# TYPE llm_runtime_decode_tokens_per_second gauge",
            `llm_runtime_decode_tokens_per_second ${c.tokensPerSecond}`,
            "# TYPE llm_runtime_tokens_per_second gauge",
            `llm_runtime_tokens_per_second ${c.tokensPerSecond}`,
            "",
          ].join("\n"),
        record: false,
      });
      all.push(server);
      clusters.push({ spec: c, server, dead: false });
    }
    for (const e of s.externals) {
      const server = await startFakeOpenAI({
        name: e.name,
        model: e.model,
        seed: s.seed,
        ttftMs: e.ttftMs,
        perTokenMs: e.perTokenMs,
        errorRate: e.errorRate,
        apiKey: `sk-fake-${e.name}`,
        record: false,
      });
      all.push(server);
      externals.push({ spec: e, server });
    }
  } catch (err) {
    await Promise.all(all.map((f) => f.kill()));
    throw err;
  }
  const close = async () => {
    await Promise.all(all.map((f) => f.kill()));
  };
  return { clusters, externals, close, [Symbol.asyncDispose]: close };
}
