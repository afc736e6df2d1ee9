// bench/raft property: the raft property test (pkg/swarm/raft/sim/property.ts) over many more seeds
// than CI runs, outside vitest: node dist/bench/raft/property.js --seeds=100000 [--start=1]
// Prints seeds/s; on a failure prints the seed, its options, the replay command and a trace.

import { parseArgs } from 'node:util';
import { PropertyFailure, runPropertySeed } from '../../pkg/swarm/raft/sim/property.js';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '100000' }, start: { type: 'string', default: '1' } } });
const count = Number(values.seeds);
const start = Number(values.start);
const began = performance.now();
let committed = 0;
for (let seed = start; seed < start + count; seed++) {
  try {
    committed += runPropertySeed(seed).committed;
  } catch (err) {
    if (!(err instanceof PropertyFailure)) throw err;
    let trace = err.trace;
    try {
      runPropertySeed(seed, { traceLimit: 400 });
    } catch (again) {
      if (again instanceof PropertyFailure) trace = again.trace;
    }
    process.stderr.write(
      `seed ${seed} failed: ${err.message}\noptions: ${JSON.stringify(err.options)}\n` +
        `replay: RAFT_SEED=${seed} npx vitest run --project unit pkg/swarm/raft/sim/property.test.ts\n${trace.join('\n')}\n`,
    );
    process.exit(1);
  }
  if ((seed - start + 1) % 10_000 === 0) {
    const s = (performance.now() - began) / 1000;
    process.stdout.write(`${seed - start + 1} seeds, ${s.toFixed(1)} s, ${((seed - start + 1) / s).toFixed(0)} seeds/s\n`);
  }
}
const seconds = (performance.now() - began) / 1000;
process.stdout.write(`raft property: ${count} seeds passed in ${seconds.toFixed(1)} s (${(count / seconds).toFixed(0)} seeds/s), ${committed} entries applied\n`);
