// Real-process raft: 3 and 5 member processes (dist/pkg/swarm/raft/cmd-node.js) on loopback over
// gRPC. SIGKILL the leader, SIGSTOP followers, partition a leader by blocking its transport: writes
// continue with a majority, a new leader is elected within 2 s of each loss (measured), no
// acknowledged write is lost, the history is linearizable, and a member restarted far behind
// catches up by snapshot. Timing: tick 50 ms, election timeout 10 ticks (0.5-1 s randomized) so
// that detection plus election fits the 2 s budget; production defaults are 100 ms and 10 ticks.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { checkLinearizable, kvModel } from '../pkg/swarm/raft/linearizability.js';
import { ProcessCluster } from '../pkg/swarm/raft/process-cluster.js';
import type { NodeId } from '../pkg/swarm/raft/types.js';
import { Workload } from './helpers/raft-workload.js';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const script = join(repo, 'dist', 'pkg', 'swarm', 'raft', 'cmd-node.js');
const ELECTION_BUDGET_MS = 2_000;

/** Compiles the raft package into dist/ when dist is missing or older than the sources. */
beforeAll(() => {
  const srcDir = join(repo, 'pkg', 'swarm', 'raft');
  const sources = readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const stale = sources.some((f) => {
    const out = join(repo, 'dist', 'pkg', 'swarm', 'raft', f.replace(/\.ts$/, '.js'));
    return !existsSync(out) || statSync(out).mtimeMs < statSync(join(srcDir, f)).mtimeMs;
  });
  if (!stale) return;
  // Only the raft package (it imports nothing else of ours), so others' work in progress cannot
  // break this build.
  execFileSync(
    'npx',
    ['tsc', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--lib', 'es2023', '--types', 'node',
      '--strict', '--skipLibCheck', '--esModuleInterop', '--sourceMap', '--outDir', 'dist', '--rootDir', '.', 'pkg/swarm/raft/cmd-node.ts'],
    { cwd: repo, stdio: 'pipe' },
  );
}, 120_000);

let cluster: ProcessCluster | undefined;
let workload: Workload | undefined;
let root: string | undefined;
afterEach(async () => {
  await workload?.stop().catch(() => {});
  await cluster?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  cluster = undefined;
  workload = undefined;
  root = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A cluster CA and a certificate per member (SAN 127.0.0.1), made with openssl. */
function makeCertificates(dir: string, size: number): (id: NodeId) => { ca: string; cert: string; key: string } {
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=berth-raft-test-ca');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  for (let id = 1; id <= size; id++) {
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `n${id}.key`, '-out', `n${id}.csr`, '-subj', `/CN=raft-${id}`);
    run('x509', '-req', '-in', `n${id}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `n${id}.pem`, '-days', '2', '-extfile', 'ext.cnf');
  }
  return (id) => ({ ca: join(dir, 'ca.pem'), cert: join(dir, `n${id}.pem`), key: join(dir, `n${id}.key`) });
}

async function startCluster(size: number, opts: { tls?: boolean } = {}): Promise<ProcessCluster> {
  root = await mkdtemp(join(tmpdir(), `berth-raft-proc${size}-`));
  const tls = opts.tls === true ? makeCertificates(root, size) : undefined;
  cluster = await ProcessCluster.start({ size, root, tickMs: 50, electionTicks: 10, snapshotEntries: 300, snapshotKeep: 50, logLevel: 'info', script, tls });
  return cluster;
}

/** Measures from now until a leader other than the lost member(s) is elected. */
async function measureElection(c: ProcessCluster, lost: readonly NodeId[], minTerm: number, what: string): Promise<{ id: NodeId; term: number; ms: number }> {
  const started = performance.now();
  const leader = await c.waitLeader({ exclude: lost, minTerm, timeoutMs: 10_000, pollMs: 5 });
  const ms = performance.now() - started;
  console.log(`raft process: new leader ${leader.id} (term ${leader.term}) ${ms.toFixed(0)} ms after ${what}`);
  expect(ms, `election after ${what}`).toBeLessThan(ELECTION_BUDGET_MS);
  return { ...leader, ms };
}

/** Waits until the workload has more acknowledged writes than before (writes continue). */
async function expectProgress(w: Workload, atLeast: number, what: string, timeoutMs = 5_000): Promise<void> {
  const before = w.ackedCount;
  const deadline = Date.now() + timeoutMs;
  while (w.ackedCount < before + atLeast) {
    if (Date.now() > deadline) throw new Error(`writes stalled ${what}: ${w.ackedCount - before} acknowledged in ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function verify(c: ProcessCluster, w: Workload): Promise<void> {
  await w.stop();
  // Every member converges to the same state once everything is healed.
  const { id: leader } = await c.waitLeader();
  const target = (await c.status(leader))?.commit ?? 0;
  const deadline = Date.now() + 15_000;
  for (const id of c.members.keys()) {
    for (;;) {
      const s = await c.status(id);
      if (s !== undefined && s.applied >= target) break;
      if (Date.now() > deadline) throw new Error(`member ${id} did not catch up to ${target}`);
      await sleep(20);
    }
  }
  // No acknowledged write is lost: read each one back linearizably, and from every member's state.
  let checked = 0;
  for (const [key, value] of w.acked) {
    const r = await c.http(leader, 'GET', `/kv/${key}`);
    expect(r.body.value, `acknowledged write ${key}`).toBe(value);
    checked++;
  }
  const revisions = await Promise.all([...c.members.keys()].map(async (id) => (await c.http(id, 'GET', '/status')).body.revision));
  expect(new Set(revisions).size, `revisions ${revisions.join(',')}`).toBe(1);
  console.log(`raft process: ${checked} acknowledged writes verified, ${w.history.length} register operations, ${w.failures} failed attempts retried`);
  const result = checkLinearizable(kvModel, w.history);
  expect(result.ok, JSON.stringify(result)).toBe(true);
}

describe('raft over real processes', () => {
  test('3 members over mutual TLS: leader killed, follower stopped, leader partitioned, member restarted far behind', async () => {
    const c = await startCluster(3, { tls: true });
    const first = await c.waitLeader({ timeoutMs: 15_000 });
    const w = new Workload(c);
    workload = w;
    w.start({ writers: 2, registerClients: 2, keys: 3 });
    await expectProgress(w, 50, 'at start');

    // SIGKILL the leader: a new one within 2 s, and writes go on with 2 of 3.
    await c.signal(first.id, 'SIGKILL');
    const second = await measureElection(c, [first.id], first.term, 'SIGKILL of the leader');
    await expectProgress(w, 50, 'after the leader was killed');
    await c.launch(first.id, false);

    // SIGSTOP a follower: the other two carry on.
    const follower = [...c.members.keys()].find((id) => id !== second.id) as NodeId;
    await c.signal(follower, 'SIGSTOP');
    await expectProgress(w, 50, 'with a follower stopped');
    await c.signal(follower, 'SIGCONT');
    await expectProgress(w, 20, 'after SIGCONT');

    // Partition the leader by dropping its transport: the rest elect a new leader, the old one
    // steps down (check-quorum), writes go on.
    const beforePartition = await c.waitLeader();
    await c.http(beforePartition.id, 'POST', '/transport/block');
    const third = await measureElection(c, [beforePartition.id], beforePartition.term, 'partitioning the leader');
    await expectProgress(w, 50, 'with the old leader partitioned');
    const deposedDeadline = Date.now() + 3_000;
    while ((await c.status(beforePartition.id))?.role === 'leader') {
      if (Date.now() > deposedDeadline) throw new Error('partitioned leader did not step down');
      await sleep(20);
    }
    await c.http(beforePartition.id, 'POST', '/transport/unblock');

    // A member killed and restarted far behind (past several snapshots) catches up by snapshot.
    const laggard = [...c.members.keys()].find((id) => id !== third.id) as NodeId;
    const lagStatus = await c.status(laggard);
    await c.signal(laggard, 'SIGKILL');
    const leaderAtKill = (await c.status(third.id))?.applied ?? 0;
    const deadline = Date.now() + 30_000;
    while (((await c.status(third.id))?.snapshotIndex ?? 0) < Math.max(leaderAtKill, lagStatus?.applied ?? 0) + 400) {
      if (Date.now() > deadline) throw new Error('leader did not move two snapshots ahead in time');
      await sleep(50);
    }
    await c.launch(laggard, false);
    const catchUp = Date.now() + 15_000;
    for (;;) {
      const s = await c.status(laggard);
      const l = await c.status(third.id);
      if (s !== undefined && l !== undefined && s.applied >= leaderAtKill + 400) {
        expect(s.metrics.snapshotsInstalled).toBeGreaterThanOrEqual(1);
        break;
      }
      if (Date.now() > catchUp) throw new Error('restarted member did not catch up');
      await sleep(50);
    }
    await verify(c, w);
  }, 180_000);

  test('5 members: leader killed, two followers stopped, leader partitioned', async () => {
    const c = await startCluster(5);
    const first = await c.waitLeader({ timeoutMs: 15_000 });
    const w = new Workload(c);
    workload = w;
    w.start({ writers: 2, registerClients: 2, keys: 3 });
    await expectProgress(w, 50, 'at start');

    await c.signal(first.id, 'SIGKILL');
    const second = await measureElection(c, [first.id], first.term, 'SIGKILL of the leader (5 members)');
    await expectProgress(w, 50, 'after the leader was killed');
    await c.launch(first.id, false);

    // Two followers stopped at once: 3 of 5 remain, a majority.
    const stopped = [...c.members.keys()].filter((id) => id !== second.id).slice(0, 2);
    for (const id of stopped) await c.signal(id, 'SIGSTOP');
    await expectProgress(w, 50, 'with two followers stopped');
    for (const id of stopped) await c.signal(id, 'SIGCONT');

    const beforePartition = await c.waitLeader();
    await c.http(beforePartition.id, 'POST', '/transport/block');
    await measureElection(c, [beforePartition.id], beforePartition.term, 'partitioning the leader (5 members)');
    await expectProgress(w, 50, 'with the old leader partitioned');
    await c.http(beforePartition.id, 'POST', '/transport/unblock');
    await verify(c, w);
  }, 180_000);
});
