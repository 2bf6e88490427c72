import pLimit, { type LimitFunction } from "p-limit";

/** Runs at most `limit` tasks at once, in submission order (p-limit's queue). */
export class Limiter {
  private readonly limited: LimitFunction;

  constructor(limit: number) {
    this.limited = pLimit(limit);
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    return this.limited(task);
  }
}
