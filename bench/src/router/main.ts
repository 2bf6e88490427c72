import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { freePort } from "@llm/testing";
import { median } from "../stats/distribution.js";
import { CACHEABLE_BODY, fixedRate, makePool, maxThroughput, sequential, summarize } from "./load.js";
import { startRouterProcess, startUpstream } from "./processes.js";
import { versus } from "./versus.js";

/**
 * pnpm bench:router — the router's overhead against a fast fake upstream on loopback:
 * added latency (router minus direct) sequentially and at fixed rates, and max throughput
 * through the router vs direct, and what a response-cache hit adds against the direct upstream
 * (the same request at temperature 0, answered by the router's exact cache after its first miss).
 * The upstream, the router and this load generator are three processes, as in production; on a
 * 2-core machine they share the cores.
 */
const { values } = parseArgs({
  options: {
    sequential: { type: "string" },
    seconds: { type: "string" },
    rates: { type: "string" },
    concurrency: { type: "string" },
    json: { type: "string" },
    /** Another checkout (e.g. a git worktree of the base commit): its router is measured against this one. */
    base: { type: "string" },
    rounds: { type: "string" },
  },
});
const SEQ = Number(values.sequential ?? 2000);
const SECONDS = Number(values.seconds ?? 4);
const RATES = (values.rates ?? "500,1000").split(",").map(Number);
const CONCURRENCY = Number(values.concurrency ?? 64);

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
  } catch {
    return Number.NaN;
  }
}

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "-");

/** `--base <dir>`: this tree's router against another checkout's, interleaved round by round. */
async function mainVersus(baseRoot: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-router-"));
  const upstream = await startUpstream();
  const base = await startRouterProcess(baseRoot, await mkdtemp(join(dir, "base-")), upstream.url);
  const mine = await startRouterProcess(repoRoot, await mkdtemp(join(dir, "this-")), upstream.url);
  const direct = makePool(upstream.url);
  const sides = [base, mine].map((p, i) => ({
    name: i === 0 ? "base" : "this tree",
    pool: makePool(p.url),
    cpu: () => cpuSeconds(p.child.pid),
  }));
  try {
    for (const s of sides) await sequential(s.pool, 300);
    await sequential(direct, 300);
    const rounds = Number(values.rounds ?? 15);
    const r = await versus(direct, sides[0]!, sides[1]!, rounds, Math.max(100, Math.round(SEQ / rounds)));
    const fmtR = (x: { median: number; min: number; max: number }) =>
      `${fmt(x.median, 3)} [${fmt(x.min, 2)}-${fmt(x.max, 2)}]`;
    console.log(`router: this tree vs ${baseRoot}, ${rounds} interleaved rounds, ${cpus().length} CPUs`);
    console.log(`  added p50 ratio (this/base): ${fmtR(r.addedP50Ratio)}`);
    console.log(`  router CPU per request ratio (this/base): ${fmtR(r.cpuRatio)}`);
    const med = (i: 0 | 1, k: "addedP50" | "cpuUs") => fmt(median(r.rounds.map((x) => x[k][i])), 3);
    console.log(`  medians: added p50 base ${med(0, "addedP50")} ms, this ${med(1, "addedP50")} ms;`);
    console.log(`           CPU base ${med(0, "cpuUs")} µs/request, this ${med(1, "cpuUs")} µs/request`);
  } finally {
    await direct.close();
    for (const s of sides) await s.pool.close();
    await base.stop();
    await mine.stop();
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "bench-router-"));
  const upstream = await startUpstream();
  const router = await startRouterProcess(repoRoot, dir, upstream.url, { cache: true });
  const direct = makePool(upstream.url);
  const routed = makePool(router.url);
  const rows: string[][] = [];
  const results: Record<string, unknown> = {};
  try {
    // Warm both paths (JIT, keep-alive connections).
    await sequential(direct, 300);
    await sequential(routed, 300);

    const sd = summarize(await sequential(direct, SEQ));
    const sr = summarize(await sequential(routed, SEQ));
    results.sequential = { direct: sd, router: sr };
    rows.push([
      `sequential (${SEQ} req)`,
      fmt(sd.p50, 3),
      fmt(sr.p50, 3),
      fmt(sr.p50 - sd.p50, 3),
      fmt(sd.p99, 3),
      fmt(sr.p99, 3),
      fmt(sr.p99 - sd.p99, 3),
      `${sr.errors}`,
    ]);

    // Webhooks on, receiver dead (connection refused): every request's decision event is queued,
    // retried and dropped off the request path; the added latency should match the row above.
    const hookDir = await mkdtemp(join(dir, "webhooks-"));
    const hooked = await startRouterProcess(repoRoot, hookDir, upstream.url, {
      webhookUrl: `http://127.0.0.1:${await freePort()}/hooks`,
    });
    const hookedPool = makePool(hooked.url);
    try {
      await sequential(hookedPool, 300);
      const sw = summarize(await sequential(hookedPool, SEQ));
      results.webhooksDeadReceiver = { direct: sd, router: sw };
      rows.push([
        `webhooks on, dead receiver (${SEQ} req)`,
        fmt(sd.p50, 3),
        fmt(sw.p50, 3),
        fmt(sw.p50 - sd.p50, 3),
        fmt(sd.p99, 3),
        fmt(sw.p99, 3),
        fmt(sw.p99 - sd.p99, 3),
        `${sw.errors}`,
      ]);
    } finally {
      await hookedPool.close();
      await hooked.stop();
    }

    // Cache hits: the first request of the deterministic body is a miss, every later one a hit.
    await sequential(routed, 300, CACHEABLE_BODY);
    const probe = await routed.request({
      path: "/v1/chat/completions",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: CACHEABLE_BODY,
    });
    await probe.body.text();
    if (probe.headers["x-router-cache"] !== "hit")
      throw new Error(`expected a cache hit, got x-router-cache: ${String(probe.headers["x-router-cache"])}`);
    const dh = summarize(await sequential(direct, SEQ, CACHEABLE_BODY));
    const sh = summarize(await sequential(routed, SEQ, CACHEABLE_BODY));
    results.cacheHit = { direct: dh, router: sh };
    rows.push([
      `cache hits, sequential (${SEQ} req)`,
      fmt(dh.p50, 3),
      fmt(sh.p50, 3),
      fmt(sh.p50 - dh.p50, 3),
      fmt(dh.p99, 3),
      fmt(sh.p99, 3),
      fmt(sh.p99 - dh.p99, 3),
      `${sh.errors}`,
    ]);

    for (const rate of RATES) {
      const d = summarize(await fixedRate(direct, rate, SECONDS));
      const r = summarize(await fixedRate(routed, rate, SECONDS));
      results[`rate${rate}`] = { direct: d, router: r };
      rows.push([
        `${rate} req/s for ${SECONDS}s`,
        fmt(d.p50, 3),
        fmt(r.p50, 3),
        fmt(r.p50 - d.p50, 3),
        fmt(d.p99, 3),
        fmt(r.p99, 3),
        fmt(r.p99 - d.p99, 3),
        `${r.errors}`,
      ]);
    }

    const td = summarize(await maxThroughput(direct, CONCURRENCY, SECONDS));
    const cpu0 = await cpuSeconds(router.child.pid);
    const tr = summarize(await maxThroughput(routed, CONCURRENCY, SECONDS));
    // CPU time per request does not depend on how busy the machine is, unlike latency.
    const cpuPerRequestUs = (((await cpuSeconds(router.child.pid)) - cpu0) / tr.n) * 1e6;
    results.throughput = {
      direct: td,
      router: tr,
      ratio: tr.rps / td.rps,
      routerCpuPerRequestUs: cpuPerRequestUs,
    };

    const header = [
      "load",
      "direct p50",
      "router p50",
      "added p50",
      "direct p99",
      "router p99",
      "added p99",
      "errors",
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
    console.log(`router overhead vs direct upstream (ms), ${cpus().length} CPUs, node ${process.version}`);
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(
      `\nmax throughput (closed loop, ${CONCURRENCY} concurrent, ${SECONDS}s): direct ${fmt(td.rps, 0)} req/s, ` +
        `router ${fmt(tr.rps, 0)} req/s (${fmt((100 * tr.rps) / td.rps, 1)}% of direct), router errors ${tr.errors}, ` +
        `router CPU ${fmt(cpuPerRequestUs, 0)} µs/request`,
    );
    const out = values.json ?? join(repoRoot, "results/bench-router.json");
    await mkdir(dirname(out), { recursive: true });
    await writeFile(
      out,
      `${JSON.stringify({ date: new Date().toISOString(), cpus: cpus().length, ...results }, null, 2)}\n`,
    );
    console.log(`\nraw figures: ${out}`);
  } finally {
    await direct.close();
    await routed.close();
    await router.stop();
    await upstream.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

(values.base ? mainVersus(values.base) : main()).catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
