// The classic raft scenarios (after MIT 6.824's raft tests), each run over a few seeds in the
// deterministic simulator. A failure prints its seed and the command that replays it.

import { describe, expect, test } from 'vitest';
import { UNRELIABLE_NETWORK, RELIABLE_NETWORK } from './cluster.js';
import { command, runScenario, scenarioSeeds, type Harness } from './harness.js';
import type { NodeId } from '../types.js';

const FILE = 'pkg/swarm/raft/sim/scenarios.test.ts';
const SEEDS = scenarioSeeds([1, 2, 3], process.env.RAFT_SEED);

function scenario(name: string, options: Parameters<typeof runScenario>[3], body: (h: Harness) => void): void {
  test(name, () => {
    for (const seed of SEEDS) runScenario(name, FILE, seed, options, body);
  });
}

/** Member ids are 1..n; these helpers do 6.824's (leader + k) % n arithmetic on them. */
function plus(h: Harness, id: NodeId, k: number): NodeId {
  return ((id - 1 + k) % h.n) + 1;
}

describe('election', () => {
  scenario('initial election', { voters: 3 }, (h) => {
    h.checkOneLeader();
    h.sleep(50);
    const term1 = h.checkTerms();
    expect(term1).toBeGreaterThanOrEqual(1);
    // With no failures, nobody should start a new election.
    h.sleep(2 * h.electionTimeoutMs);
    const term2 = h.checkTerms();
    expect(term2).toBe(term1);
    h.checkOneLeader();
  });

  scenario('re-election after leader loss', { voters: 3 }, (h) => {
    const leader1 = h.checkOneLeader();
    h.cluster.disconnect(leader1);
    h.checkOneLeader();
    // The old leader rejoining must not disturb the new one.
    h.cluster.connect(leader1);
    const leader2 = h.checkOneLeader();
    // No quorum: no leader.
    h.cluster.disconnect(leader2);
    h.cluster.disconnect(plus(h, leader2, 1));
    h.sleep(2 * h.electionTimeoutMs);
    h.checkNoLeader();
    h.cluster.connect(plus(h, leader2, 1));
    h.checkOneLeader();
    h.cluster.connect(leader2);
    h.checkOneLeader();
  });

  scenario('many elections under churn', { voters: 7 }, (h) => {
    h.checkOneLeader();
    for (let iter = 0; iter < 10; iter++) {
      const ids = [1, 2, 3].map(() => 1 + h.cluster.rng.int(7));
      for (const id of ids) h.cluster.disconnect(id);
      // Either the current leader is still alive or the remaining four elect one.
      h.checkOneLeader();
      for (const id of ids) h.cluster.connect(id);
    }
    h.checkOneLeader();
  });
});

describe('agreement', () => {
  scenario('basic agreement', { voters: 3 }, (h) => {
    h.checkOneLeader();
    let last = 0;
    for (let k = 1; k <= 3; k++) {
      const index = h.one(k * 100, 3, false);
      if (last > 0) expect(index).toBe(last + 1);
      expect(h.nCommitted(index).value).toBe(String(k * 100));
      last = index;
    }
  });

  scenario('agreement despite a follower failure', { voters: 3 }, (h) => {
    h.one(101, 3, false);
    const leader = h.checkOneLeader();
    h.cluster.disconnect(plus(h, leader, 1));
    h.one(102, 2, false);
    h.one(103, 2, false);
    h.sleep(h.electionTimeoutMs);
    h.one(104, 2, false);
    h.one(105, 2, false);
    h.cluster.connect(plus(h, leader, 1));
    h.one(106, 3, true);
    h.sleep(h.electionTimeoutMs);
    h.one(107, 3, true);
  });

  scenario('no agreement without a majority', { voters: 5 }, (h) => {
    h.one(10, 5, false);
    const leader = h.checkOneLeader();
    for (const k of [1, 2, 3]) h.cluster.disconnect(plus(h, leader, k));
    const at = h.cluster.propose(leader, command(20));
    expect(at).toBeDefined();
    h.sleep(2 * h.electionTimeoutMs);
    expect(h.nCommitted((at as { index: number }).index).count).toBe(0);
    for (const k of [1, 2, 3]) h.cluster.connect(plus(h, leader, k));
    // The disconnected majority may have elected a leader of its own; either way agreement resumes.
    const leader2 = h.checkOneLeader();
    const at2 = h.cluster.propose(leader2, command(30));
    expect(at2).toBeDefined();
    h.one(1000, 5, true);
  });

  scenario('concurrent proposals', { voters: 3 }, (h) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const leader = h.checkOneLeader();
      const first = h.cluster.propose(leader, command('start'));
      if (first === undefined) continue;
      const indexes: number[] = [];
      for (let k = 0; k < 5; k++) {
        const at = h.cluster.propose(leader, command(100 + k));
        if (at === undefined || at.term !== first.term) break;
        indexes.push(at.index);
      }
      if (indexes.length < 5) continue;
      const values = indexes.map((index) => h.wait(index, 3, first.term));
      if (values.some((v) => v === undefined)) continue; // term changed; try again
      expect(values.sort()).toEqual(['100', '101', '102', '103', '104']);
      return;
    }
    throw new Error('term changed too often');
  });

  scenario('rejoin of a partitioned leader', { voters: 3 }, (h) => {
    h.one(101, 3, true);
    const leader1 = h.checkOneLeader();
    h.cluster.disconnect(leader1);
    // The old leader accepts proposals it can never commit.
    for (const v of [102, 103, 104]) h.cluster.propose(leader1, command(v));
    h.one(103, 2, true);
    const leader2 = h.checkOneLeader();
    h.cluster.disconnect(leader2);
    h.cluster.connect(leader1);
    h.one(104, 2, true);
    h.cluster.connect(leader2);
    h.one(105, 3, true);
  });

  scenario('fast backup of divergent logs', { voters: 5 }, (h) => {
    h.one('first', 5, true);
    const leader1 = h.checkOneLeader();
    for (const k of [2, 3, 4]) h.cluster.disconnect(plus(h, leader1, k));
    // 50 entries on the minority side that will never commit.
    for (let k = 0; k < 50; k++) h.cluster.propose(leader1, command(`lost-a-${k}`));
    h.sleep(h.electionTimeoutMs / 2);
    h.cluster.disconnect(leader1);
    h.cluster.disconnect(plus(h, leader1, 1));
    for (const k of [2, 3, 4]) h.cluster.connect(plus(h, leader1, k));
    // 50 entries that commit on the new majority.
    for (let k = 0; k < 50; k++) h.one(`b-${k}`, 3, true);
    const leader2 = h.checkOneLeader();
    let other = plus(h, leader1, 2);
    if (leader2 === other) other = plus(h, leader2, 1);
    h.cluster.disconnect(other);
    // 50 more on leader2's side that will not commit.
    for (let k = 0; k < 50; k++) h.cluster.propose(leader2, command(`lost-c-${k}`));
    h.sleep(h.electionTimeoutMs / 2);
    for (const id of h.cluster.ids()) h.cluster.disconnect(id);
    h.cluster.connect(leader1);
    h.cluster.connect(plus(h, leader1, 1));
    h.cluster.connect(other);
    // The old minority now has to back up over 50 conflicting entries of an old term.
    const rejectsBefore = countRejections(h);
    for (let k = 0; k < 50; k++) h.one(`d-${k}`, 3, true);
    for (const id of h.cluster.ids()) h.cluster.connect(id);
    h.one('last', 5, true);
    // Backing up by term (not one entry per round trip) keeps rejections far below 50 per follower.
    expect(countRejections(h) - rejectsBefore).toBeLessThan(40);
  });
});

function countRejections(h: Harness): number {
  return h.cluster.rejectedAppends;
}

describe('rpc counts', () => {
  scenario('RPC count bounds', { voters: 3 }, (h) => {
    h.checkOneLeader();
    // An election costs a pre-vote and a vote round plus the first append: a handful of messages.
    const electionMessages = h.cluster.totalSent;
    expect(electionMessages).toBeLessThan(30 + 4 * heartbeatMessages(h, 3 * h.electionTimeoutMs));
    let success = false;
    for (let attempt = 0; attempt < 5 && !success; attempt++) {
      const leader = h.checkOneLeader();
      const before = h.cluster.totalSent;
      const start = h.cluster.now;
      const first = h.cluster.propose(leader, command(1));
      if (first === undefined) continue;
      const iters = 10;
      const indexes: number[] = [];
      for (let k = 1; k <= iters; k++) {
        const at = h.cluster.propose(leader, command(100 + k));
        if (at === undefined || at.term !== first.term) break;
        indexes.push(at.index);
      }
      if (indexes.length < iters) continue;
      if (indexes.some((index) => h.wait(index, 3, first.term) === undefined)) continue;
      const elapsed = h.cluster.now - start;
      const used = h.cluster.totalSent - before;
      // Per follower, each entry costs at most an append carrying it and one carrying the new
      // commit index, each answered; heartbeats come on top.
      expect(used).toBeLessThanOrEqual((iters + 1 + 3) * 4 * (h.n - 1) + heartbeatMessages(h, elapsed));
      success = true;
    }
    expect(success).toBe(true);
    const before = h.cluster.totalSent;
    h.sleep(1000);
    // Idle: heartbeats and their answers only.
    expect(h.cluster.totalSent - before).toBeLessThanOrEqual(heartbeatMessages(h, 1000) + 4);
  });
});

/** Heartbeats plus responses a 3-member leader sends over ms, with slack for one extra round. */
function heartbeatMessages(h: Harness, ms: number): number {
  const interval = h.cluster.options.heartbeatTick * h.cluster.options.tickMs;
  return (Math.ceil(ms / interval) + 1) * 2 * (h.n - 1);
}

describe('persistence', () => {
  scenario('persistence across crashes: whole cluster and leader restarts', { voters: 3 }, (h) => {
    h.one(11, 3, true);
    for (const id of h.cluster.ids()) h.cluster.restart(id);
    h.one(12, 3, true);
    const leader1 = h.checkOneLeader();
    h.cluster.restart(leader1);
    h.one(13, 3, true);
    const leader2 = h.checkOneLeader();
    h.cluster.disconnect(leader2);
    h.one(14, 2, true);
    h.cluster.restart(leader2);
    h.cluster.connect(leader2);
    h.wait(4 + 2, 3, -1); // the bootstrap snapshot is index 1, then term-1 leader entry, then 11..14
    const i3 = plus(h, h.checkOneLeader(), 1);
    h.cluster.disconnect(i3);
    h.one(15, 2, true);
    h.cluster.restart(i3);
    h.cluster.connect(i3);
    h.one(16, 3, true);
  });

  scenario('persistence across crashes: minority and majority restarts', { voters: 5 }, (h) => {
    let index = 1;
    for (let iters = 0; iters < 5; iters++) {
      h.one(10 + index++, 5, true);
      const leader1 = h.checkOneLeader();
      h.cluster.disconnect(plus(h, leader1, 1));
      h.cluster.disconnect(plus(h, leader1, 2));
      h.one(10 + index++, 3, true);
      for (const k of [0, 3, 4]) h.cluster.disconnect(plus(h, leader1, k));
      for (const k of [1, 2]) {
        h.cluster.restart(plus(h, leader1, k));
        h.cluster.connect(plus(h, leader1, k));
      }
      h.sleep(h.electionTimeoutMs);
      h.cluster.restart(plus(h, leader1, 3));
      h.cluster.connect(plus(h, leader1, 3));
      h.one(10 + index++, 3, true);
      h.cluster.connect(plus(h, leader1, 4));
      h.cluster.connect(leader1);
    }
    h.one(1000, 5, true);
  });

  scenario('persistence across crashes: partitioned leader and follower crash', { voters: 3 }, (h) => {
    h.one(101, 3, false);
    const leader = h.checkOneLeader();
    h.cluster.disconnect(plus(h, leader, 2));
    h.one(102, 2, false);
    h.cluster.crash(leader);
    h.cluster.crash(plus(h, leader, 1));
    h.cluster.connect(plus(h, leader, 2));
    h.cluster.restart(leader);
    h.one(103, 2, true);
    h.cluster.restart(plus(h, leader, 1));
    h.one(104, 3, true);
  });
});

describe('figure 8', () => {
  scenario('figure 8: leaders crash with uncommitted entries', { voters: 5 }, (h) => {
    h.one('x', 1, true);
    let nup = h.n;
    for (let iters = 0; iters < 300; iters++) {
      let leader = -1;
      for (const id of h.cluster.ids()) {
        if (h.cluster.node(id).up && h.cluster.propose(id, command(`f8-${iters}`)) !== undefined) leader = id;
      }
      if (h.cluster.rng.int(1000) < 100) h.sleep(h.cluster.rng.int(h.electionTimeoutMs / 2));
      else h.sleep(h.cluster.rng.int(13));
      if (leader !== -1) {
        h.cluster.crash(leader);
        nup--;
      }
      if (nup < 3) {
        const s = 1 + h.cluster.rng.int(h.n);
        if (!h.cluster.node(s).up) {
          h.cluster.restart(s);
          nup++;
        }
      }
    }
    for (const id of h.cluster.ids()) if (!h.cluster.node(id).up) h.cluster.restart(id);
    h.one('final', h.n, true);
  });

  scenario('figure 8 with an unreliable network', { voters: 5, network: UNRELIABLE_NETWORK }, (h) => {
    h.one('x', 1, true);
    let nup = h.n;
    for (let iters = 0; iters < 300; iters++) {
      if (iters === 200) h.cluster.setNetwork({ longDelayRate: 0.2, longDelayMax: 2000 });
      let leader = -1;
      for (const id of h.cluster.ids()) {
        if (h.cluster.isConnected(id) && h.cluster.propose(id, command(`f8u-${iters}`)) !== undefined) leader = id;
      }
      if (h.cluster.rng.int(1000) < 100) h.sleep(h.cluster.rng.int(h.electionTimeoutMs / 2));
      else h.sleep(h.cluster.rng.int(13));
      if (leader !== -1 && h.cluster.rng.int(1000) < h.electionTimeoutMs / 2) {
        h.cluster.disconnect(leader);
        nup--;
      }
      if (nup < 3) {
        const s = 1 + h.cluster.rng.int(h.n);
        if (!h.cluster.isConnected(s)) {
          h.cluster.connect(s);
          nup++;
        }
      }
    }
    h.cluster.setNetwork(RELIABLE_NETWORK);
    for (const id of h.cluster.ids()) h.cluster.connect(id);
    h.one('final', h.n, true);
  });
});

describe('churn', () => {
  for (const unreliable of [false, true]) {
    const name = unreliable ? 'unreliable churn' : 'reliable churn';
    scenario(name, { voters: 5, network: unreliable ? UNRELIABLE_NETWORK : RELIABLE_NETWORK, snapshotEvery: 20 }, (h) => {
      // Clients keep proposing on whoever accepts while members crash, restart and disconnect.
      const proposed = new Set<string>();
      let seq = 0;
      const client = (): void => {
        for (const id of h.cluster.ids()) {
          const value = `c-${seq}`;
          if (h.cluster.propose(id, command(value)) !== undefined) {
            proposed.add(value);
            seq++;
          }
        }
        h.cluster.schedule(h.cluster.rng.int(30), client);
      };
      client();
      const live = (): NodeId[] => h.cluster.ids().filter((id) => h.cluster.node(id).up && h.cluster.isConnected(id));
      for (let iters = 0; iters < 60; iters++) {
        const roll = h.cluster.rng.int(1000);
        const victim = 1 + h.cluster.rng.int(h.n);
        if (live().length < 3 && !live().includes(victim)) {
          // Repair half the time a majority is missing, so the run alternates outages and progress.
          if (roll < 500) {
            if (!h.cluster.node(victim).up) h.cluster.restart(victim);
            h.cluster.connect(victim);
          }
        } else if (roll < 200) h.cluster.disconnect(victim);
        else if (roll < 500) h.cluster.connect(victim);
        else if (roll < 650) h.cluster.crash(victim);
        else if (!h.cluster.node(victim).up) h.cluster.restart(victim);
        h.sleep(h.electionTimeoutMs * 0.7);
      }
      h.cluster.setNetwork(RELIABLE_NETWORK);
      for (const id of h.cluster.ids()) {
        if (!h.cluster.node(id).up) h.cluster.restart(id);
        h.cluster.connect(id);
      }
      h.sleep(h.electionTimeoutMs);
      const last = h.one(`final-${name}`, h.n, true);
      // Every committed value was really proposed, and the log made progress under churn.
      let committed = 0;
      for (let i = 2; i <= last; i++) {
        const v = h.nCommitted(i).value;
        if (v === undefined || v === '') continue;
        expect(v.startsWith('c-') || v.startsWith('final')).toBe(true);
        if (v.startsWith('c-')) expect(proposed.has(v)).toBe(true);
        committed++;
      }
      // Progress under churn (outages with no majority can be long; the seed decides).
      expect(committed).toBeGreaterThan(0);
    });
  }
});

describe('snapshots', () => {
  scenario('snapshot install to a lagging follower', { voters: 3, snapshotEvery: 10, snapshotKeep: 2 }, (h) => {
    h.one('start', 3, true);
    const leader = h.checkOneLeader();
    const lagger = plus(h, leader, 1);
    h.cluster.disconnect(lagger);
    for (let k = 0; k < 60; k++) h.one(`s-${k}`, 2, true);
    expect(h.cluster.node(h.checkOneLeader()).storage.firstIndex()).toBeGreaterThan(10);
    h.cluster.connect(lagger);
    h.one('caught-up', 3, true);
    expect(h.cluster.node(lagger).snapshotsInstalled).toBeGreaterThan(0);
  });

  scenario('snapshot install under an unreliable network', { voters: 3, snapshotEvery: 10, snapshotKeep: 2, network: UNRELIABLE_NETWORK }, (h) => {
    h.one('start', 3, true);
    for (let round = 0; round < 5; round++) {
      const lagger = 1 + h.cluster.rng.int(h.n);
      h.cluster.disconnect(lagger);
      for (let k = 0; k < 25; k++) h.one(`u-${round}-${k}`, 2, true);
      h.cluster.connect(lagger);
      h.one(`round-${round}`, 3, true);
    }
  });

  scenario('snapshot after crash', { voters: 3, snapshotEvery: 10, snapshotKeep: 2 }, (h) => {
    h.one('start', 3, true);
    for (let round = 0; round < 6; round++) {
      const victim = round % 2 === 0 ? h.checkOneLeader() : 1 + h.cluster.rng.int(h.n);
      for (let k = 0; k < 15; k++) h.one(`sc-${round}-${k}`, 3, true);
      h.cluster.crash(victim);
      for (let k = 0; k < 15; k++) h.one(`sd-${round}-${k}`, 2, true);
      // The member restarts from its own snapshot plus log, then catches up (by snapshot if needed).
      h.cluster.restart(victim);
      const node = h.cluster.node(victim);
      expect(node.appliedIndex).toBe(node.storage.snapshot().metadata.index);
      h.one(`sr-${round}`, 3, true);
    }
  });
});

describe('membership', () => {
  scenario('membership changes while partitioned', { voters: 3, snapshotEvery: 15, snapshotKeep: 3 }, (h) => {
    const context = new Uint8Array(0);
    h.one('start', 3, true);
    const proposeChange = (type: 'add_node' | 'add_learner' | 'remove_node', nodeId: NodeId): void => {
      // Retry until some leader accepts the change and every reachable member applied it.
      for (let attempt = 0; attempt < 50; attempt++) {
        const leader = h.checkOneLeader();
        const at = h.cluster.proposeConfChange(leader, { type, nodeId, context });
        if (at !== undefined && h.wait(at.index, 2, -1) !== undefined) {
          h.sleep(50);
          return;
        }
        h.sleep(100);
      }
      throw new Error(`conf change ${type} ${nodeId} never applied`);
    };
    // A new member joins as a learner, catches up by snapshot, is promoted.
    h.cluster.addEmptyNode(4);
    proposeChange('add_learner', 4);
    for (let k = 0; k < 20; k++) h.one(`m1-${k}`, 3, true);
    proposeChange('add_node', 4);
    expect(h.cluster.node(4).raw?.raft.tracker.voters.has(4)).toBe(true);
    // Partition the leader away with one follower: the other side (2 of 4) cannot commit.
    const leader = h.checkOneLeader();
    const buddy = leader === 1 ? 2 : 1;
    const rest = h.cluster.ids().filter((id) => id !== leader && id !== buddy);
    h.cluster.partition([[leader, buddy], rest]);
    const at = h.cluster.propose(leader, command('split'));
    h.sleep(3 * h.electionTimeoutMs);
    if (at !== undefined) expect(h.nCommitted(at.index).value === 'split' && h.nCommitted(at.index).count >= 1).toBe(false);
    h.cluster.heal();
    h.one('healed', 4, true);
    // Remove a voter while another member is partitioned away; the 3 remaining still have quorum.
    const victim = rest[0];
    const isolated = rest[1] ?? buddy;
    h.cluster.partition([[isolated]]);
    proposeChange('remove_node', victim);
    h.cluster.crash(victim);
    h.cluster.heal();
    for (let k = 0; k < 10; k++) h.one(`m2-${k}`, 3, true);
    const leaderNow = h.checkOneLeader();
    expect([...(h.cluster.node(leaderNow).raw?.raft.tracker.voters ?? [])].sort()).toEqual(
      h.cluster.ids().filter((id) => id !== victim),
    );
    // With 3 voters, one partitioned member leaves a working majority.
    h.cluster.partition([[leaderNow]]);
    h.one('after-remove', 2, true);
    h.cluster.heal();
    h.one('end', 3, true);
  });

  scenario('removing the leader hands leadership over', { voters: 3 }, (h) => {
    h.one('start', 3, true);
    const leader = h.checkOneLeader();
    const at = h.cluster.proposeConfChange(leader, { type: 'remove_node', nodeId: leader, context: new Uint8Array(0) });
    expect(at).toBeDefined();
    h.sleep(50);
    h.cluster.crash(leader);
    const next = h.checkOneLeader();
    expect(next).not.toBe(leader);
    h.one('after', 2, true);
  });

  scenario('a second conf change waits for the first', { voters: 3 }, (h) => {
    h.one('start', 3, true);
    const leader = h.checkOneLeader();
    h.cluster.addEmptyNode(4);
    h.cluster.addEmptyNode(5);
    const first = h.cluster.proposeConfChange(leader, { type: 'add_learner', nodeId: 4, context: new Uint8Array(0) });
    const second = h.cluster.proposeConfChange(leader, { type: 'add_learner', nodeId: 5, context: new Uint8Array(0) });
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    h.sleep(100);
    const third = h.cluster.proposeConfChange(leader, { type: 'add_learner', nodeId: 5, context: new Uint8Array(0) });
    expect(third).toBeDefined();
    h.one('end', 5, true);
  });
});

describe('leadership and reads', () => {
  scenario('leadership transfer to a caught-up follower', { voters: 3 }, (h) => {
    h.one('start', 3, true);
    const leader = h.checkOneLeader();
    const target = plus(h, leader, 1);
    h.cluster.transferLeadership(leader, target);
    h.sleep(50);
    expect(h.cluster.leaders().map((l) => l.id)).toEqual([target]);
    h.one('after', 3, true);
  });

  scenario('pre-vote keeps a rejoining partitioned member from disrupting the leader', { voters: 3 }, (h) => {
    h.one('start', 3, true);
    const leader = h.checkOneLeader();
    const term = h.checkTerms();
    const loner = plus(h, leader, 1);
    h.cluster.disconnect(loner);
    h.sleep(10 * h.electionTimeoutMs);
    // It campaigned (pre-vote) many times without raising its term.
    expect(h.cluster.term(loner)).toBe(term);
    h.cluster.connect(loner);
    h.one('back', 3, true);
    expect(h.checkOneLeader()).toBe(leader);
    expect(h.checkTerms()).toBe(term);
  });

  scenario('check-quorum makes a partitioned leader step down', { voters: 3 }, (h) => {
    const leader = h.checkOneLeader();
    h.cluster.disconnect(leader);
    h.sleep(3 * h.electionTimeoutMs);
    expect(h.cluster.node(leader).raw?.isLeader).toBe(false);
  });

  scenario('read index returns a point at or after every acknowledged write', { voters: 3 }, (h) => {
    const reads = new Map<string, number>();
    h.cluster.onReadState((_node, rs) => reads.set(new TextDecoder().decode(rs.context), rs.index));
    const index = h.one('w1', 3, true);
    const leader = h.checkOneLeader();
    const follower = plus(h, leader, 1);
    h.cluster.readIndex(leader, command('r-leader'));
    h.cluster.readIndex(follower, command('r-follower'));
    h.sleep(50);
    expect(reads.get('r-leader')).toBeGreaterThanOrEqual(index);
    expect(reads.get('r-follower')).toBeGreaterThanOrEqual(index);
    // A leader cut off from its quorum cannot confirm reads.
    h.cluster.disconnect(leader);
    h.cluster.readIndex(leader, command('r-isolated'));
    h.sleep(50);
    expect(reads.has('r-isolated')).toBe(false);
  });
});
