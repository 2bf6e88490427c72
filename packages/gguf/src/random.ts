/**
 * A small fast deterministic PRNG (mulberry32). Weights only need to be reproducible
 * from a seed, not statistically strong; 32-bit integer math keeps generation of a
 * 620 MB TinyLlama-shaped file to a few seconds.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Derives an independent stream, so each tensor's values depend only on (seed, tensor). */
  static derive(seed: number, stream: number): Random {
    // Mix the two with a 32-bit hash so neighbouring seeds give unrelated streams.
    let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(stream + 1, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x27d4eb2f);
    h ^= h >>> 15;
    return new Random(h);
  }

  /** Next uniform uint32. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Next uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }
}
