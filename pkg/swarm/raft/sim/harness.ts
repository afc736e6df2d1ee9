// Test helpers over SimCluster in the style of MIT 6.824's raft config (pure): find the one
// leader, agree on a value, count who committed an index, and run a scenario under a seed that
// is printed, with how to replay it, when the scenario fails.

import { SimCluster, type SimOptions } from './cluster.js';
import type { NodeId } from '../types.js';

export class ScenarioFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

function fail(message: string): never {
  throw new ScenarioFailure(message);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function command(value: string | number): Uint8Array {
  return encoder.encode(String(value));
}

export class Harness {
  readonly cluster: SimCluster;
  constructor(options: SimOptions) {
    this.cluster = new SimCluster(options);
  }

  get n(): number {
    return this.cluster.nodes.size;
  }

  /** The base election timeout in simulated ms. */
  get electionTimeoutMs(): number {
    return this.cluster.options.electionTick * this.cluster.options.tickMs;
  }

  sleep(ms: number): void {
    this.cluster.run(ms);
  }

  private reachable(id: NodeId): boolean {
    return this.cluster.node(id).up && this.cluster.isConnected(id);
  }

  /** Waits for exactly one leader among connected members in the latest term; returns it. */
  checkOneLeader(): NodeId {
    for (let iter = 0; iter < 10; iter++) {
      this.sleep(this.electionTimeoutMs * (1 + this.cluster.rng.float()));
      const byTerm = new Map<number, NodeId[]>();
      for (const { id, term } of this.cluster.leaders()) {
        if (!this.reachable(id)) continue;
        byTerm.set(term, [...(byTerm.get(term) ?? []), id]);
      }
      let lastTerm = -1;
      for (const [term, ids] of byTerm) {
        if (ids.length > 1) fail(`term ${term} has ${ids.length} (>1) leaders: ${ids.join(', ')}`);
        if (term > lastTerm) lastTerm = term;
      }
      if (byTerm.size > 0) return (byTerm.get(lastTerm) as NodeId[])[0];
    }
    fail('expected one leader, got none');
  }

  /** All connected members agree on the term; returns it. */
  checkTerms(): number {
    let term = -1;
    for (const id of this.cluster.ids()) {
      if (!this.reachable(id)) continue;
      const t = this.cluster.term(id);
      if (term === -1) term = t;
      else if (t !== term) fail(`servers disagree on term: ${term} vs ${t}`);
    }
    return term;
  }

  checkNoLeader(): void {
    for (const { id } of this.cluster.leaders()) {
      if (this.reachable(id)) fail(`expected no leader among connected servers, but ${id} claims to be leader`);
    }
  }

  /** How many members have applied `index`, and the value there. */
  nCommitted(index: number): { count: number; value: string | undefined } {
    const rec = this.cluster.checker.applied.get(index);
    let count = 0;
    for (const node of this.cluster.nodes.values()) if (node.up && node.appliedIndex >= index) count++;
    return { count, value: rec === undefined ? undefined : decoder.decode(rec.data) };
  }

  /**
   * Proposes `value` until some leader accepts it and at least `expected` members apply it; with
   * retry, re-proposes when a leader fails before committing. Returns the index.
   */
  one(value: string | number, expected: number, retry: boolean): number {
    const want = String(value);
    const t0 = this.cluster.now;
    let starts = 0;
    while (this.cluster.now - t0 < 10_000) {
      let index = -1;
      const ids = this.cluster.ids();
      for (let k = 0; k < ids.length; k++) {
        starts = (starts + 1) % ids.length;
        const id = ids[starts];
        if (!this.reachable(id)) continue;
        const at = this.cluster.propose(id, command(want));
        if (at !== undefined) {
          index = at.index;
          break;
        }
      }
      if (index !== -1) {
        const t1 = this.cluster.now;
        while (this.cluster.now - t1 < 2_000) {
          const { count, value: got } = this.nCommitted(index);
          if (count > 0 && count >= expected && got === want) return index;
          this.sleep(20);
        }
        if (!retry) fail(`one(${want}) failed to reach agreement of ${expected} at index ${index}`);
      } else {
        this.sleep(50);
      }
    }
    fail(`one(${want}) failed to reach agreement of ${expected} within 10 s`);
  }

  /** Waits until `n` members applied index; returns the value there. */
  wait(index: number, n: number, startTerm: number): string | undefined {
    let to = 10;
    for (let iters = 0; iters < 30; iters++) {
      const { count } = this.nCommitted(index);
      if (count >= n) break;
      this.sleep(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (const id of this.cluster.ids()) {
          if (this.cluster.node(id).up && this.cluster.term(id) > startTerm) return undefined;
        }
      }
    }
    const { count, value } = this.nCommitted(index);
    if (count < n) fail(`only ${count} decided for index ${index}; wanted ${n}`);
    return value;
  }

  /** Final checks every scenario ends with. */
  finish(): void {
    this.cluster.checkLogMatching();
  }
}

/** Seeds to run: `replay` (the RAFT_SEED environment variable, read by the test) or the defaults. */
export function scenarioSeeds(defaults: readonly number[], replay: string | undefined): number[] {
  const env = replay;
  if (env !== undefined && env !== '') return env.split(',').map((s) => Number(s));
  return [...defaults];
}

/**
 * Builds a harness for the seed and runs body on it; on failure rethrows with the seed, the command
 * that replays it, and the last trace lines of the simulation.
 */
export function runScenario(
  name: string,
  file: string,
  seed: number,
  options: Omit<SimOptions, 'seed'>,
  body: (h: Harness) => void,
): Harness {
  const harness = new Harness({ ...options, seed });
  try {
    body(harness);
    harness.finish();
    return harness;
  } catch (err) {
    const trace = harness.cluster.recentTrace().join('\n');
    const replay = `RAFT_SEED=${seed} npx vitest run --project unit ${file} -t "${name}"`;
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${name} failed with seed ${seed}: ${message}\nreplay: ${replay}\n--- last trace lines ---\n${trace}`, {
      cause: err,
    });
  }
}
