// Histories recorded from the replicated KV store under faults (partitions, crashes, restarts,
// an unreliable network, snapshots) must be linearizable. RAFT_KV_SEEDS sets the number of seeds;
// RAFT_SEED replays one.

import { expect, test } from 'vitest';
import { KvStateMachine } from '../kv-state.js';
import { checkLinearizable, kvModel } from '../linearizability.js';
import { SeededRandom } from '../rand.js';
import { SimCluster, UNRELIABLE_NETWORK } from './cluster.js';
import { KvClients } from './kv-clients.js';

const FILE = 'pkg/swarm/raft/sim/kv-linearizability.test.ts';

function runKv(seed: number, staleReads: boolean): { ok: boolean; ops: number; completed: number; duplicates: number } {
  const cluster = new SimCluster({
    seed,
    voters: seed % 2 === 0 ? 3 : 5,
    network: seed % 3 === 0 ? UNRELIABLE_NETWORK : {},
    snapshotEvery: 25,
    snapshotKeep: 3,
    machine: () => new KvStateMachine(),
    traceLimit: 0,
  });
  const rng = new SeededRandom(seed ^ 0x1234567);
  const clients = new KvClients(cluster, rng.fork(), { clients: 5, keys: 3, timeoutMs: 150, thinkMs: 10, staleReads });
  clients.start();
  const ids = cluster.ids();
  for (let t = 0; t < 3000; t += 100) {
    const roll = rng.int(100);
    const victim = ids[rng.int(ids.length)];
    if (roll < 15) cluster.crash(victim);
    else if (roll < 40) cluster.restart(victim);
    else if (roll < 55) cluster.partition([ids.filter(() => rng.chance(0.4))]);
    else if (roll < 75) cluster.heal();
    cluster.run(100);
  }
  cluster.heal();
  for (const id of ids) if (!cluster.node(id).up) cluster.restart(id);
  cluster.run(1000);
  clients.stop();
  cluster.checkLogMatching();
  const duplicates = ids.reduce((n, id) => n + (cluster.node(id).machine as KvStateMachine).duplicates, 0);
  const result = checkLinearizable(kvModel, clients.history);
  return { ok: result.ok, ops: clients.history.length, completed: clients.completed, duplicates };
}

const seeds = process.env.RAFT_SEED
  ? process.env.RAFT_SEED.split(',').map(Number)
  : Array.from({ length: Number(process.env.RAFT_KV_SEEDS ?? 40) }, (_, i) => i + 1);

test(`KV histories under faults are linearizable (${seeds.length} seeds)`, () => {
  let completed = 0;
  for (const seed of seeds) {
    const r = runKv(seed, false);
    if (!r.ok) {
      throw new Error(`seed ${seed}: history of ${r.ops} operations is not linearizable\nreplay: RAFT_SEED=${seed} npx vitest run --project unit ${FILE}`);
    }
    completed += r.completed;
  }
  // Enough happened to make the check meaningful.
  expect(completed).toBeGreaterThan(seeds.length * 50);
}, 300_000);

test('the checker catches reads served from local state without read index', () => {
  // Same workload with a broken read path: some seed must produce a non-linearizable history.
  const caught = seeds.slice(0, 20).filter((seed) => !runKv(seed, true).ok);
  expect(caught.length).toBeGreaterThan(0);
}, 300_000);
