import { Pool } from "undici";
import { percentile } from "../stats/distribution.js";

export const BODY = JSON.stringify({
  model: "tiny",
  messages: [{ role: "user", content: "hi" }],
  max_tokens: 8,
});
/** BODY at temperature 0: deterministic, so the router's response cache (when on) answers it. */
export const CACHEABLE_BODY = JSON.stringify({ ...JSON.parse(BODY), temperature: 0 });
const PATH = "/v1/chat/completions";
const HEADERS = { "content-type": "application/json" };

/** Latency samples in ms plus failures. */
export interface Samples {
  ms: number[];
  errors: number;
  seconds: number;
}

export function summarize(s: Samples) {
  return {
    n: s.ms.length,
    errors: s.errors,
    p50: percentile(s.ms, 0.5) ?? Number.NaN,
    p99: percentile(s.ms, 0.99) ?? Number.NaN,
    rps: s.ms.length / s.seconds,
  };
}

async function once(pool: Pool, body = BODY): Promise<boolean> {
  const res = await pool.request({ path: PATH, method: "POST", headers: HEADERS, body });
  await res.body.text();
  return res.statusCode === 200;
}

export function makePool(url: string, connections = 64): Pool {
  return new Pool(url, { connections, keepAliveTimeout: 60_000, pipelining: 1 });
}

/** One request at a time: the router's added latency with no queueing anywhere. */
export async function sequential(pool: Pool, n: number, body = BODY): Promise<Samples> {
  const ms: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    if (await once(pool, body).catch(() => false)) ms.push(performance.now() - s);
    else errors++;
  }
  return { ms, errors, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Open-loop load at a fixed rate: requests are issued on schedule whether or not earlier ones
 * finished, and latency is measured from the scheduled time (no coordinated omission).
 */
export async function fixedRate(pool: Pool, rate: number, seconds: number): Promise<Samples> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const ms: number[] = [];
  let errors = 0;
  let sent = 0;
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      while (sent < due) {
        const scheduled = t0 + sent * interval;
        sent++;
        inflight.push(
          once(pool).then(
            (ok) => {
              if (ok) ms.push(performance.now() - scheduled);
              else errors++;
            },
            () => {
              errors++;
            },
          ),
        );
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  return { ms, errors, seconds: (performance.now() - t0) / 1000 };
}

/** Closed loop with `concurrency` workers for `seconds`: the most requests per second it sustains. */
export async function maxThroughput(pool: Pool, concurrency: number, seconds: number): Promise<Samples> {
  const ms: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        if (await once(pool).catch(() => false)) ms.push(performance.now() - s);
        else errors++;
      }
    }),
  );
  return { ms, errors, seconds: (performance.now() - t0) / 1000 };
}
