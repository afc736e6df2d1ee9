// Injected randomness for the pure core (pure): election timeouts are the only random choice raft
// makes, and they come from here so a simulator can replay a run from its seed.

export interface RandomSource {
  /** A uniformly distributed integer in [0, n). */
  int(n: number): number;
}

/** SplitMix32-style generator: small, fast, and good enough for timeouts and fault injection. */
export class SeededRandom implements RandomSource {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniformly distributed 32-bit unsigned integer. */
  next32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.next32() / 0x1_0000_0000) * n);
  }
  /** A float in [0, 1). */
  float(): number {
    return this.next32() / 0x1_0000_0000;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }
  /** A child generator with its own stream, so adding draws in one place does not shift another. */
  fork(): SeededRandom {
    return new SeededRandom(this.next32() ^ 0x5bd1e995);
  }
}
