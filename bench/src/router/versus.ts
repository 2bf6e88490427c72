import type { Pool } from "undici";
import { median } from "../stats/distribution.js";
import { type Samples, sequential, summarize } from "./load.js";

/** One side of a tree-against-tree comparison: a router process and a pool to it. */
export interface Side {
  name: string;
  pool: Pool;
  /** CPU seconds the router process has used so far. */
  cpu(): Promise<number>;
}

export interface VersusRound {
  /** Added p50 over the direct upstream (ms), per side. */
  addedP50: [number, number];
  /** Router CPU µs per request, per side. */
  cpuUs: [number, number];
}

export interface VersusResult {
  rounds: VersusRound[];
  /** b/a per round: median [min-max]. Above 1 means b adds more than a. */
  addedP50Ratio: { median: number; min: number; max: number };
  cpuRatio: { median: number; min: number; max: number };
}

const spread = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * Two routers (say the base commit and this tree) in front of the same upstream, measured
 * round by round, interleaved and in alternating order, so machine drift hits both alike:
 * each round sends `n` sequential requests direct, to `a` and to `b`, and books each side's
 * added p50 and CPU per request. The ratios are per round, so their spread is the noise.
 */
export async function versus(
  direct: Pool,
  a: Side,
  b: Side,
  rounds: number,
  n: number,
): Promise<VersusResult> {
  const out: VersusRound[] = [];
  for (let r = 0; r < rounds; r++) {
    const order: [Side, 0 | 1][] =
      r % 2 === 0
        ? [
            [a, 0],
            [b, 1],
          ]
        : [
            [b, 1],
            [a, 0],
          ];
    const d = summarize(await sequential(direct, n));
    const added: [number, number] = [0, 0];
    const cpu: [number, number] = [0, 0];
    for (const [side, i] of order) {
      const c0 = await side.cpu();
      const s: Samples = await sequential(side.pool, n);
      cpu[i] = (((await side.cpu()) - c0) / Math.max(1, s.ms.length)) * 1e6;
      added[i] = summarize(s).p50 - d.p50;
    }
    out.push({ addedP50: added, cpuUs: cpu });
  }
  return {
    rounds: out,
    addedP50Ratio: spread(out.map((r) => r.addedP50[1] / r.addedP50[0])),
    cpuRatio: spread(out.map((r) => r.cpuUs[1] / r.cpuUs[0])),
  };
}
