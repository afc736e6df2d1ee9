// One randomized simulation run per seed (pure): the seed picks the cluster shape, the network's
// unreliability, the options (pre-vote, check-quorum, snapshots) and a schedule of faults and
// client actions. Safety properties are checked as the run goes; after the faults stop and the
// cluster is healed, it must elect a leader and commit again (liveness).

import { SimCluster, type NetworkFaults, type SimOptions } from './cluster.js';
import { SafetyViolation } from './checker.js';
import { SeededRandom } from '../rand.js';
import type { NodeId } from '../types.js';

export interface PropertyRunResult {
  readonly seed: number;
  readonly options: SimOptions;
  readonly committed: number;
  readonly leaders: number;
  readonly events: string;
}

export class PropertyFailure extends Error {
  constructor(
    readonly seed: number,
    readonly options: SimOptions,
    message: string,
    readonly trace: readonly string[],
    options2?: ErrorOptions,
  ) {
    super(message, options2);
    this.name = 'PropertyFailure';
  }
}

/** Derives the run's configuration from the seed (its own stream, independent of the run). */
export function propertyOptions(seed: number, traceLimit: number): SimOptions {
  const r = new SeededRandom(seed ^ 0x2545f491);
  const voters = [1, 3, 3, 3, 5, 5][r.int(6)];
  const unreliable = r.chance(0.6);
  const network: Partial<NetworkFaults> = unreliable
    ? {
        minDelay: 0.1,
        maxDelay: 1 + r.int(30),
        dropRate: r.float() * 0.2,
        duplicateRate: r.float() * 0.1,
        longDelayRate: r.float() * 0.05,
        longDelayMax: 50 + r.int(400),
      }
    : {};
  return {
    seed,
    voters,
    learners: r.chance(0.2) ? 1 : 0,
    preVote: r.chance(0.8),
    checkQuorum: r.chance(0.8),
    network,
    diskDelay: [0.05, 0.05 + r.float() * 3],
    snapshotEvery: r.chance(0.5) ? 3 + r.int(20) : 0,
    snapshotKeep: r.int(5),
    maxInflightMsgs: 1 + r.int(16),
    maxSizePerMsg: r.chance(0.5) ? 64 : 64 * 1024,
    traceLimit,
  };
}

const encoder = new TextEncoder();

/** Runs one seed; throws PropertyFailure on any safety or liveness violation. */
export function runPropertySeed(seed: number, opts: { durationMs?: number; traceLimit?: number } = {}): PropertyRunResult {
  const options = propertyOptions(seed, opts.traceLimit ?? 0);
  const cluster = new SimCluster(options);
  const r = new SeededRandom(seed ^ 0x68e31da4);
  const duration = opts.durationMs ?? 1200;
  const events: string[] = [];
  // A third of the runs also change membership: a spare member joins from an empty disk, members
  // are promoted, demoted and removed, all through the log while the faults go on.
  const membership = new SeededRandom(seed ^ 0x51ed27).chance(0.33);
  if (membership) cluster.addEmptyNode(cluster.ids().length + 1);
  const ids = cluster.ids();
  const initialVoters = ids.slice(0, options.voters);
  /** Voters of the configuration as the most recent leader sees it. */
  const currentVoters = (): NodeId[] => {
    let best: { term: number; voters: NodeId[] } | undefined;
    for (const l of cluster.leaders()) {
      const raw = cluster.node(l.id).raw;
      if (raw !== undefined && (best === undefined || l.term > best.term)) best = { term: l.term, voters: [...raw.raft.tracker.voters] };
    }
    return best?.voters ?? initialVoters;
  };
  let proposals = 0;
  try {
    const step = 40;
    for (let t = 0; t < duration; t += step) {
      const roll = r.int(100);
      const victim = ids[r.int(ids.length)];
      if (roll < 35) {
        // Client traffic: a few proposals, on the leader or forwarded by anyone.
        const n = 1 + r.int(4);
        for (let k = 0; k < n; k++) {
          const on = ids[r.int(ids.length)];
          cluster.proposeForwarded(on, encoder.encode(`p${proposals++}`));
        }
      } else if (roll < 45) {
        cluster.crash(victim);
        events.push(`crash ${victim}`);
      } else if (roll < 60) {
        if (!cluster.node(victim).up) {
          cluster.restart(victim);
          events.push(`restart ${victim}`);
        }
      } else if (roll < 68) {
        const cut = ids.filter(() => r.chance(0.4));
        cluster.partition([cut]);
        events.push(`partition ${cut.join(',')}`);
      } else if (roll < 78) {
        cluster.heal();
        events.push('heal');
      } else if (roll < 82) {
        const leader = cluster.leaders()[0];
        if (leader !== undefined) {
          const voters = currentVoters();
          cluster.transferLeadership(leader.id, voters[r.int(voters.length)]);
        }
      } else if (roll < 86) {
        cluster.readIndex(victim, encoder.encode(`r${t}`));
      } else if (roll < 94) {
        // Crash whoever leads right after it appended: the figure-8 pattern of leaders dying with
        // entries on a minority.
        const leader = cluster.leaders()[0];
        if (leader !== undefined) {
          cluster.propose(leader.id, encoder.encode(`p${proposals++}`));
          cluster.run(r.float() * 3);
          cluster.crash(leader.id);
          events.push(`crash leader ${leader.id}`);
        }
      }
      if (membership && r.chance(0.2)) {
        const leader = cluster.leaders()[0];
        if (leader !== undefined) {
          const types = ['add_learner', 'add_node', 'remove_node'] as const;
          const type = types[r.int(types.length)];
          const target = ids[r.int(ids.length)];
          if (cluster.proposeConfChange(leader.id, { type, nodeId: target, context: new Uint8Array(0) }) !== undefined) {
            events.push(`${type} ${target} via ${leader.id}`);
          }
        }
      }
      cluster.run(step * (0.5 + r.float()));
      if (r.chance(0.1)) cluster.checkLogMatching();
    }
    // Heal everything; a leader must emerge and commit a new entry on every voter.
    cluster.heal();
    cluster.setNetwork({ dropRate: 0, duplicateRate: 0, longDelayRate: 0, maxDelay: 2 });
    for (const id of ids) if (!cluster.node(id).up) cluster.restart(id);
    cluster.checkLogMatching();
    let index = -1;
    let proposedAt = 0;
    const finalValue = encoder.encode('final');
    const ok = cluster.runUntil(
      () => {
        if (index < 0) {
          // The first leader found may be a stale one that has not yet heard of a newer term.
          const leader = cluster.leaders()[0];
          if (leader !== undefined) index = cluster.propose(leader.id, finalValue)?.index ?? -1;
          proposedAt = cluster.now;
          return false;
        }
        const rec = cluster.checker.applied.get(index);
        const lost = rec !== undefined && new TextDecoder().decode(rec.data) !== 'final';
        if (lost || (rec === undefined && cluster.now - proposedAt > 1000)) {
          index = -1; // lost to a leader change before commit; propose again
          return false;
        }
        return currentVoters().every((id: NodeId) => cluster.node(id).appliedIndex >= index);
      },
      10_000,
      10,
    );
    if (!ok) throw new Error(`liveness: no commit on all voters within 10 s after healing (index ${index})`);
    cluster.run(50);
    cluster.checkLogMatching();
    return {
      seed,
      options,
      committed: cluster.checker.maxAppliedIndex,
      leaders: cluster.checker.leaders.size,
      events: events.join('; '),
    };
  } catch (err) {
    const kind = err instanceof SafetyViolation ? 'safety' : 'failure';
    throw new PropertyFailure(
      seed,
      options,
      `${kind} at ${cluster.now.toFixed(1)} ms: ${err instanceof Error ? err.message : String(err)}`,
      [...cluster.recentTrace(), '--- state ---', ...cluster.describeState()],
      { cause: err },
    );
  }
}
