// The configuration and vote/commit arithmetic (pure): voters, learners, per-member progress, and
// majority quorums over them. Single-server changes only, so there is never a joint configuration.

import { Progress } from './progress.js';
import type { ConfState, NodeId } from './types.js';

export type VoteResult = 'pending' | 'won' | 'lost';

export class ProgressTracker {
  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  progress = new Map<NodeId, Progress>();
  votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    return { voters: sortedIds(this.voters), learners: sortedIds(this.learners) };
  }

  voterIds(): NodeId[] {
    return sortedIds(this.voters);
  }

  /** Every member (voters then learners), in id order, for deterministic iteration. */
  memberIds(): NodeId[] {
    return sortedIds(this.progress.keys());
  }

  isSingleton(): boolean {
    return this.voters.size === 1;
  }

  quorum(): number {
    return Math.floor(this.voters.size / 2) + 1;
  }

  /** The highest index replicated on a majority of voters (Infinity with no voters). */
  committed(): number {
    const n = this.voters.size;
    if (n === 0) return Number.POSITIVE_INFINITY;
    const matches: number[] = [];
    for (const id of this.voters) matches.push(this.progress.get(id)?.match ?? 0);
    matches.sort((a, b) => a - b);
    return matches[n - this.quorum()];
  }

  /** Has a majority of voters been heard from in the last election timeout? */
  quorumActive(): boolean {
    let active = 0;
    for (const id of this.voters) if (this.progress.get(id)?.recentActive) active++;
    return active >= this.quorum();
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const q = this.quorum();
    let result: VoteResult = 'pending';
    if (granted >= q) result = 'won';
    else if (this.voters.size - rejected < q) result = 'lost';
    return { granted, rejected, result };
  }

  /** Has a majority of voters acknowledged (acks: set of ids)? */
  hasQuorum(acks: ReadonlySet<NodeId>): boolean {
    let n = 0;
    for (const id of this.voters) if (acks.has(id)) n++;
    return n >= this.quorum();
  }

  /** Resets to the configuration of a snapshot; progress starts probing from `next`. */
  restore(cs: ConfState, next: number): void {
    this.voters = new Set(cs.voters);
    this.learners = new Set(cs.learners.filter((id) => !this.voters.has(id)));
    this.progress = new Map();
    for (const id of this.voters) this.progress.set(id, this.newProgress(next, false));
    for (const id of this.learners) this.progress.set(id, this.newProgress(next, true));
    this.votes.clear();
  }

  newProgress(next: number, isLearner: boolean): Progress {
    return new Progress({ match: 0, next, maxInflight: this.maxInflight, isLearner, recentActive: true });
  }
}

function sortedIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => a - b);
}
