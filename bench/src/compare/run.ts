import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { FakeOpenAI } from "@llm/testing";
import { summarise } from "./analysis/aggregate.js";
import { rankTargets, scoreTargets } from "./analysis/score.js";
import type { ProvidersFile } from "./config/schema.js";
import { type RequestRecord, type RunnableTarget, runTarget } from "./load/runner.js";
import { startMockTarget } from "./mock/targets.js";
import { toCsv } from "./output/csv.js";
import { renderCompareReport } from "./output/report.js";
import { type CompareSummary, roundSummary } from "./output/summary.js";

/** Options of {@link runCompare}. */
export interface CompareOptions {
  /** Validated providers file. */
  config: ProvidersFile;
  /** Output folder; created if missing. */
  outDir: string;
  /** Environment for `apiKeyEnv` lookups. Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Scales mock delays (tests use < 1). Defaults to 1. */
  timeScale?: number;
  /** Clock for `startedAt`. Defaults to now. */
  now?: () => Date;
  /**
   * Progress lines while it runs (the CLI writes them to stderr): one at the start, then one per
   * target every tenth of its requests and when it is done. Defaults to none.
   */
  progress?: (line: string) => void;
}

/** Paths written by a run. */
export interface CompareOutput {
  summary: CompareSummary;
  records: RequestRecord[];
  files: { csv: string; summary: string; report: string };
}

/**
 * Runs the comparison: starts a local OpenAI-wire server per mock target, hits every target
 * concurrently with the fixed prompt set, then writes results.csv, summary.json and report.html.
 */
export async function runCompare(opts: CompareOptions): Promise<CompareOutput> {
  const { config } = opts;
  const env = opts.env ?? process.env;
  const mocks: FakeOpenAI[] = [];
  try {
    const runnable: RunnableTarget[] = [];
    for (const t of config.targets) {
      if (t.type === "mock") {
        const server = await startMockTarget(t, config.seed, opts.timeScale);
        mocks.push(server);
        runnable.push({ name: t.name, baseURL: server.baseURL, model: t.model, price: t.price });
      } else {
        const apiKey = t.apiKeyEnv ? env[t.apiKeyEnv] : undefined;
        if (t.apiKeyEnv && !apiKey) throw new Error(`targets.${t.name}.apiKeyEnv: ${t.apiKeyEnv} is not set`);
        runnable.push({
          name: t.name,
          baseURL: t.baseURL,
          model: t.model,
          apiKey,
          headers: t.headers,
          price: t.price,
        });
      }
    }
    const startedAt = (opts.now?.() ?? new Date()).toISOString();
    const t0 = performance.now();
    const every = Math.max(1, Math.ceil(config.requests / 10));
    opts.progress?.(
      `compare: ${runnable.length} target(s) × ${config.requests} requests, ${config.concurrency} in flight each`,
    );
    const perTarget = await Promise.all(
      runnable.map((t) => {
        let done = 0;
        let failed = 0;
        return runTarget(t, {
          requests: config.requests,
          concurrency: config.concurrency,
          maxTokens: config.maxTokens,
          timeoutMs: config.timeoutMs,
          onRecord: (r) => {
            done++;
            if (!r.ok) failed++;
            if (done % every === 0 || done === config.requests) {
              opts.progress?.(
                `compare: ${t.name} ${done}/${config.requests}${failed ? ` (${failed} failed)` : ""}` +
                  `${done === config.requests ? " done" : ""} ${((performance.now() - t0) / 1000).toFixed(1)} s`,
              );
            }
          },
        });
      }),
    );
    const summaries = config.targets.map((t, i) =>
      summarise(perTarget[i]!, {
        target: t.name,
        type: t.type,
        model: t.model,
        priced: t.price !== undefined,
      }),
    );
    const scores = scoreTargets(summaries, config.weights);
    const scored = summaries.map((s, i) => ({ ...s, score: scores[i]! }));
    const summary = roundSummary({
      run: {
        startedAt,
        seed: config.seed,
        requests: config.requests,
        concurrency: config.concurrency,
        maxTokens: config.maxTokens,
        weights: config.weights,
      },
      targets: scored,
      ranking: rankTargets(scored),
    });
    const records = perTarget.flat();
    await mkdir(opts.outDir, { recursive: true });
    const files = {
      csv: join(opts.outDir, "results.csv"),
      summary: join(opts.outDir, "summary.json"),
      report: join(opts.outDir, "report.html"),
    };
    await writeFile(files.csv, toCsv(records));
    await writeFile(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    await writeFile(files.report, renderCompareReport(summary, records));
    return { summary, records, files };
  } finally {
    await Promise.all(mocks.map((m) => m.close()));
  }
}
