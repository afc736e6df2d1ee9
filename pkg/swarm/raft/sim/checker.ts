// Raft's safety properties, checked as a simulation runs (pure). Figure 3 of the Raft paper:
// election safety, log matching, leader completeness and state machine safety. A violation
// throws SafetyViolation with enough context to read alongside the replayed trace.

import type { RaftLog } from '../log.js';
import type { Entry, NodeId } from '../types.js';

export class SafetyViolation extends Error {
  constructor(
    readonly property: 'election_safety' | 'log_matching' | 'leader_completeness' | 'state_machine_safety',
    message: string,
  ) {
    super(`${property}: ${message}`);
    this.name = 'SafetyViolation';
  }
}

interface AppliedRecord {
  readonly term: number;
  readonly type: Entry['type'];
  readonly data: Uint8Array;
  readonly by: NodeId;
  /** The applying member's state digest after this entry, when it has one. */
  readonly digest: string | undefined;
}

export class SafetyChecker {
  /** term -> the one leader elected in it */
  readonly leaders = new Map<number, NodeId>();
  /** index -> the entry applied there (by whoever applied it first) */
  readonly applied = new Map<number, AppliedRecord>();
  maxAppliedIndex = 0;

  onLeader(id: NodeId, term: number, log: RaftLog): void {
    const existing = this.leaders.get(term);
    if (existing !== undefined && existing !== id) {
      throw new SafetyViolation('election_safety', `nodes ${existing} and ${id} both became leader in term ${term}`);
    }
    this.leaders.set(term, id);
    // Every applied (hence committed) entry must be in the new leader's log.
    const first = log.firstIndex();
    const last = log.lastIndex();
    if (this.maxAppliedIndex > last) {
      throw new SafetyViolation(
        'leader_completeness',
        `leader ${id} of term ${term} has last index ${last} but index ${this.maxAppliedIndex} was applied`,
      );
    }
    for (let i = first; i <= this.maxAppliedIndex; i++) {
      const rec = this.applied.get(i);
      if (rec === undefined) continue;
      const t = log.term(i);
      if (t !== rec.term) {
        throw new SafetyViolation(
          'leader_completeness',
          `leader ${id} of term ${term} has term ${t} at index ${i}, where node ${rec.by} applied term ${rec.term}`,
        );
      }
    }
  }

  onApply(id: NodeId, e: Entry, digest: string | undefined): void {
    const rec = this.applied.get(e.index);
    if (rec === undefined) {
      this.applied.set(e.index, { term: e.term, type: e.type, data: e.data, by: id, digest });
      if (e.index > this.maxAppliedIndex) this.maxAppliedIndex = e.index;
      return;
    }
    if (rec.term !== e.term || rec.type !== e.type || !bytesEqual(rec.data, e.data)) {
      throw new SafetyViolation(
        'state_machine_safety',
        `node ${id} applied ${e.term}/${e.index} but node ${rec.by} applied ${rec.term}/${e.index} there`,
      );
    }
    if (digest !== undefined && rec.digest !== undefined && digest !== rec.digest) {
      throw new SafetyViolation(
        'state_machine_safety',
        `node ${id} has state ${digest} after index ${e.index}, node ${rec.by} had ${rec.digest}`,
      );
    }
  }

  /** Log matching: if two logs hold an entry with the same index and term, they agree up to it. */
  checkLogMatching(logs: ReadonlyMap<NodeId, RaftLog>): void {
    const ids = [...logs.keys()].sort((a, b) => a - b);
    const entries = new Map<NodeId, { first: number; ents: Entry[] }>();
    for (const id of ids) {
      const log = logs.get(id) as RaftLog;
      entries.set(id, { first: log.firstIndex(), ents: log.allEntries() });
    }
    for (let x = 0; x < ids.length; x++) {
      for (let y = x + 1; y < ids.length; y++) {
        const a = entries.get(ids[x]) as { first: number; ents: Entry[] };
        const b = entries.get(ids[y]) as { first: number; ents: Entry[] };
        const lo = Math.max(a.first, b.first);
        const hi = Math.min(a.first + a.ents.length - 1, b.first + b.ents.length - 1);
        let matchAt = -1;
        for (let i = hi; i >= lo; i--) {
          if (a.ents[i - a.first].term === b.ents[i - b.first].term) {
            matchAt = i;
            break;
          }
        }
        for (let i = lo; i <= matchAt; i++) {
          const ea = a.ents[i - a.first];
          const eb = b.ents[i - b.first];
          if (ea.term !== eb.term || ea.type !== eb.type || !bytesEqual(ea.data, eb.data)) {
            throw new SafetyViolation(
              'log_matching',
              `nodes ${ids[x]} and ${ids[y]} agree at ${matchAt} but differ at ${i} (${ea.term} vs ${eb.term})`,
            );
          }
        }
      }
    }
  }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
