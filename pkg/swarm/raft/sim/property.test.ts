// Safety (election safety, log matching, leader completeness, state machine safety) and liveness
// after healing, over many random seeds. RAFT_SEEDS sets how many (default 10,000), RAFT_SEED_START
// where to start, RAFT_SEED replays one seed with a trace of its last events.

import { expect, test } from 'vitest';
import { PropertyFailure, runPropertySeed } from './property.js';

const FILE = 'pkg/swarm/raft/sim/property.test.ts';
const only = process.env.RAFT_SEED;
const count = Number(process.env.RAFT_SEEDS ?? 10_000);
const start = Number(process.env.RAFT_SEED_START ?? 1);

function explain(err: unknown): never {
  if (!(err instanceof PropertyFailure)) throw err;
  // Replay the same seed with tracing on: the run is deterministic, so it fails the same way.
  let trace: readonly string[] = err.trace;
  try {
    runPropertySeed(err.seed, { traceLimit: 400 });
  } catch (again) {
    if (again instanceof PropertyFailure) trace = again.trace;
  }
  throw new Error(
    `seed ${err.seed} failed: ${err.message}\n` +
      `options: ${JSON.stringify(err.options)}\n` +
      `replay: RAFT_SEED=${err.seed} npx vitest run --project unit ${FILE}\n` +
      `--- last trace lines ---\n${trace.join('\n')}`,
    { cause: err },
  );
}

test(`raft safety and liveness hold over ${only !== undefined ? `seed ${only}` : `${count} random seeds`}`, () => {
  const seeds = only !== undefined ? only.split(',').map(Number) : Array.from({ length: count }, (_, i) => start + i);
  const began = performance.now();
  let committed = 0;
  let elections = 0;
  for (const seed of seeds) {
    try {
      const result = runPropertySeed(seed);
      committed += result.committed;
      elections += result.leaders;
    } catch (err) {
      explain(err);
    }
  }
  const seconds = (performance.now() - began) / 1000;
  console.log(
    `raft property: ${seeds.length} seeds in ${seconds.toFixed(1)} s (${(seeds.length / seconds).toFixed(0)} seeds/s), ` +
      `${committed} entries applied, ${elections} leaders elected`,
  );
  // The runs must exercise something: elections and commits in (nearly) every seed.
  expect(elections).toBeGreaterThanOrEqual(seeds.length);
  expect(committed).toBeGreaterThan(seeds.length * 3);
}, 600_000);
