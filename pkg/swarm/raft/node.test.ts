import { mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { isRaftError } from './errors.js';
import { KvStateMachine } from './kv-state.js';
import { KvStore } from './kv.js';
import { RaftNode } from './node.js';
import { MemoryNetwork } from './transport.js';
import { Wal } from './wal.js';
import type { NodeId } from './types.js';

const logger = pino({ level: process.env.RAFT_LOG_LEVEL ?? 'silent' });

interface Member {
  node: RaftNode;
  kv: KvStore;
  machine: KvStateMachine;
  dir: string;
}

class TestCluster {
  readonly network = new MemoryNetwork();
  readonly members = new Map<NodeId, Member>();
  constructor(
    readonly root: string,
    readonly ids: NodeId[],
    readonly opts: { snapshotEntries?: number; snapshotKeepEntries?: number } = {},
  ) {}

  async start(id: NodeId, bootstrap = true): Promise<Member> {
    const machine = new KvStateMachine();
    const dir = join(this.root, `n${id}`);
    const node = await RaftNode.open({
      id,
      dataDir: dir,
      stateMachine: machine,
      transport: this.network.transport(id),
      logger,
      peers: new Map(this.ids.map((i) => [i, `mem-${i}`])),
      bootstrapVoters: bootstrap ? this.ids : undefined,
      tickMs: 10,
      electionTicks: 10,
      heartbeatTicks: 1,
      snapshotEntries: this.opts.snapshotEntries ?? 10_000,
      snapshotKeepEntries: this.opts.snapshotKeepEntries ?? 1_000,
    });
    await node.start();
    const member = { node, kv: new KvStore(node, machine), machine, dir };
    this.members.set(id, member);
    return member;
  }

  async stop(id: NodeId): Promise<void> {
    await this.members.get(id)?.node.close();
    this.members.delete(id);
  }

  async leader(timeoutMs = 5000): Promise<Member> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const leaders = [...this.members.values()].filter((m) => m.node.isLeader);
      if (leaders.length === 1) return leaders[0];
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no single leader elected');
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.members.keys()]) await this.stop(id);
  }
}

let cluster: TestCluster | undefined;
let root: string | undefined;
afterEach(async () => {
  await cluster?.closeAll();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  cluster = undefined;
  root = undefined;
});

async function newCluster(ids: NodeId[], opts?: ConstructorParameters<typeof TestCluster>[2]): Promise<TestCluster> {
  root = await mkdtemp(join(tmpdir(), 'berth-raft-node-'));
  cluster = new TestCluster(root, ids, opts);
  for (const id of ids) await cluster.start(id);
  return cluster;
}

async function until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('raft node runner', () => {
  test('elects a leader and replicates writes; every member applies them', async () => {
    const c = await newCluster([1, 2, 3]);
    const leader = await c.leader();
    for (let i = 0; i < 20; i++) await leader.kv.put(`k${i}`, `v${i}`);
    expect((await leader.kv.get('k7'))?.value).toBe('v7');
    await until(() => [...c.members.values()].every((m) => m.machine.get('k19')?.value === 'v19'));
  });

  test('writes through a follower are forwarded; linearizable reads on a follower see them', async () => {
    const c = await newCluster([1, 2, 3]);
    const leader = await c.leader();
    const follower = [...c.members.values()].find((m) => m !== leader) as Member;
    const result = await follower.kv.put('x', '1');
    expect(result.ok).toBe(true);
    await leader.kv.put('x', '2');
    // The follower may not have applied yet, but a linearizable read waits until it has.
    expect((await follower.kv.get('x'))?.value).toBe('2');
    const cas = await follower.kv.compareAndSwap('x', '2', '3');
    expect(cas).toMatchObject({ ok: true, previous: '2' });
    expect((await follower.kv.compareAndSwap('x', '2', '4')).ok).toBe(false);
  });

  test('a restarted member recovers its state from the WAL and snapshots', async () => {
    const c = await newCluster([1, 2, 3], { snapshotEntries: 50, snapshotKeepEntries: 10 });
    const leader = await c.leader();
    for (let i = 0; i < 120; i++) await leader.kv.put(`k${i % 30}`, `v${i}`);
    const victim = [...c.members.values()].find((m) => m !== leader) as Member;
    const id = victim.node.id;
    await until(() => victim.node.status().appliedIndex >= leader.node.status().appliedIndex);
    const appliedBefore = victim.node.status().appliedIndex;
    expect(victim.node.metrics.snapshotsTaken).toBeGreaterThan(0);
    await c.stop(id);
    const back = await c.start(id, false);
    // Restored from its own snapshot, then replays the log tail up to the commit index.
    expect(back.node.status().snapshotIndex).toBeGreaterThan(1);
    await until(() => back.node.status().appliedIndex >= appliedBefore);
    expect(back.machine.get('k29')?.value).toBe('v119');
  });

  test('a member whose WAL ends in a torn record recovers and catches up', async () => {
    const c = await newCluster([1, 2, 3]);
    const leader = await c.leader();
    for (let i = 0; i < 30; i++) await leader.kv.put(`k${i}`, `v${i}`);
    const victim = [...c.members.values()].find((m) => m !== leader) as Member;
    const id = victim.node.id;
    await until(() => victim.machine.get('k29')?.value === 'v29');
    await c.stop(id);
    // Cut the last segment mid-record, as a crash during a write would.
    const walDir = join(victim.dir, 'wal');
    const last = (await readdir(walDir)).filter((f) => f.endsWith('.wal')).sort().at(-1) as string;
    const size = (await stat(join(walDir, last))).size;
    await truncate(join(walDir, last), size - 7);
    for (let i = 30; i < 40; i++) await leader.kv.put(`k${i}`, `v${i}`);
    // Opening the WAL cuts the torn record (the node does the same when it starts).
    const { wal, contents } = await Wal.open(walDir);
    await wal.close();
    expect(contents.repairedBytes).toBeGreaterThan(0);
    const back = await c.start(id, false);
    await until(() => back.machine.get('k39')?.value === 'v39');
    expect(back.machine.get('k0')?.value).toBe('v0');
  });

  test('a member far behind catches up by snapshot', async () => {
    const c = await newCluster([1, 2, 3], { snapshotEntries: 40, snapshotKeepEntries: 5 });
    const leader = await c.leader();
    const lagger = [...c.members.values()].find((m) => m !== leader) as Member;
    c.network.block(lagger.node.id);
    for (let i = 0; i < 150; i++) await leader.kv.put(`k${i}`, `v${i}`);
    c.network.unblock(lagger.node.id);
    await until(() => lagger.machine.get('k149')?.value === 'v149', 10_000);
    expect(lagger.node.metrics.snapshotsInstalled).toBeGreaterThan(0);
  });

  test('a new leader is elected after the leader is cut off, and acknowledged writes survive', async () => {
    const c = await newCluster([1, 2, 3]);
    const old = await c.leader();
    for (let i = 0; i < 10; i++) await old.kv.put(`a${i}`, 'x');
    c.network.block(old.node.id);
    const started = Date.now();
    await until(() => [...c.members.values()].some((m) => m !== old && m.node.isLeader), 5000);
    const elapsed = Date.now() - started;
    // Election timeout is 10 ticks of 10 ms, randomized up to 2x, plus pre-vote and vote rounds
    // (about 0.2 s); the bound leaves room for a loaded CI machine.
    expect(elapsed).toBeLessThan(3000);
    const fresh = [...c.members.values()].find((m) => m !== old && m.node.isLeader) as Member;
    await fresh.kv.put('b', 'y');
    for (let i = 0; i < 10; i++) expect((await fresh.kv.get(`a${i}`))?.value).toBe('x');
    // The cut-off leader cannot confirm reads.
    await expect(old.kv.get('b', { timeoutMs: 300 })).rejects.toSatisfy((err: unknown) => isRaftError(err));
    c.network.unblock(old.node.id);
    await until(() => old.machine.get('b')?.value === 'y');
  });

  test('membership: a learner joins from an empty dir, is promoted, and a voter is removed', async () => {
    const c = await newCluster([1, 2, 3], { snapshotEntries: 20, snapshotKeepEntries: 2 });
    const leader = await c.leader();
    for (let i = 0; i < 50; i++) await leader.kv.put(`k${i}`, `v${i}`);
    const joiner = await c.start(4, false);
    await leader.node.proposeConfChange({ type: 'add_learner', nodeId: 4, context: new TextEncoder().encode('mem-4') });
    await until(() => joiner.machine.get('k49')?.value === 'v49', 10_000);
    await leader.node.proposeConfChange({ type: 'add_node', nodeId: 4, context: new Uint8Array(0) });
    const victim = [...c.members.values()].find((m) => m !== leader && m !== joiner) as Member;
    const cs = await leader.node.proposeConfChange({ type: 'remove_node', nodeId: victim.node.id, context: new Uint8Array(0) });
    expect(cs.voters).toContain(4);
    expect(cs.voters).not.toContain(victim.node.id);
    await c.stop(victim.node.id);
    await leader.kv.put('after', 'removal');
    await until(() => joiner.machine.get('after')?.value === 'removal');
  });

  test('close fails pending requests and is idempotent', async () => {
    const c = await newCluster([1]);
    const only = await c.leader();
    await only.kv.put('a', '1');
    await only.node.close();
    await only.node.close();
    await expect(only.node.propose(new Uint8Array([1]))).rejects.toSatisfy((err: unknown) => isRaftError(err, 'closed'));
  });
});
