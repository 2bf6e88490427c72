import type { RouterConfig } from "../config/schema.js";
import type { KeyValueStore } from "../state/key-value.js";
import { policiesOf } from "./compile.js";

/** The event bus's `experiment_end` event (events/schema.ts), as published here. */
export interface ExperimentEndEvent {
  type: "experiment_end";
  time: string;
  experiment: string;
  arms?: string[];
}

export interface ExperimentClockOptions {
  config: () => RouterConfig;
  publish: (event: ExperimentEndEvent) => void;
  /**
   * Where "already announced" is kept: the state store's key/value API, so with Redis one
   * replica announces an end and the others stay quiet.
   */
  kv: KeyValueStore;
  now?: () => number;
  /** How often ends are looked for. Defaults to 1s. */
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

/** Announces each experiment's end (`experiment_end`) once, shortly after its end time passes. */
export class ExperimentClock {
  private readonly timer: NodeJS.Timeout;
  private readonly seen = new Set<string>();
  private readonly startedAt: number;

  constructor(private readonly opts: ExperimentClockOptions) {
    this.startedAt = (opts.now ?? Date.now)();
    this.timer = setInterval(() => void this.tick(), opts.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** Looks for ended experiments now (the interval calls it; tests may too). */
  async tick(): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    for (const e of policiesOf(this.opts.config()).byName.values()) {
      // Only ends this process saw pass: a restart long after an end does not announce it again.
      if (!(e.end <= now && e.end > this.startedAt - 60_000) || this.seen.has(`${e.name}@${e.end}`)) continue;
      this.seen.add(`${e.name}@${e.end}`);
      try {
        const first = await this.opts.kv.set(`ended:${e.name}:${e.end}`, "1", {
          ttlMs: 7 * 86_400_000,
          ifAbsent: true,
        });
        if (!first) continue;
        this.opts.publish({
          type: "experiment_end",
          time: new Date(now).toISOString(),
          experiment: e.name,
          arms: e.arms.map((a) => a.name),
        });
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
