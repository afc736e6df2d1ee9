// A leader's view of one follower (pure): match/next indexes, the replication state machine
// (probe -> replicate, -> snapshot), and the window of in-flight appends that bounds pipelining.

import { invariant } from './errors.js';
import type { ProgressState, ProgressStatus } from './types.js';

/** A bounded FIFO of the last index of each in-flight MsgApp. */
export class Inflights {
  private readonly buffer: number[] = [];
  private start = 0;
  readonly size: number;
  constructor(size: number) {
    this.size = size;
  }
  get count(): number {
    return this.buffer.length - this.start;
  }
  add(index: number): void {
    invariant(!this.full(), 'cannot add into a full inflights window', { size: this.size });
    this.buffer.push(index);
  }
  /** Frees every in-flight message whose last index is <= to. */
  freeLE(to: number): void {
    while (this.start < this.buffer.length && this.buffer[this.start] <= to) this.start++;
    this.compactBuffer();
  }
  freeFirstOne(): void {
    if (this.start < this.buffer.length) this.start++;
    this.compactBuffer();
  }
  full(): boolean {
    return this.count >= this.size;
  }
  reset(): void {
    this.buffer.length = 0;
    this.start = 0;
  }
  private compactBuffer(): void {
    if (this.start === this.buffer.length) {
      this.reset();
    } else if (this.start > 1024 && this.start * 2 > this.buffer.length) {
      this.buffer.splice(0, this.start);
      this.start = 0;
    }
  }
}

export class Progress {
  /** Highest index known to be replicated on the follower. */
  match: number;
  /** Next index to send; match < next always. */
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round (always true for the leader itself). */
  recentActive = false;
  /** In probe state: one probe is outstanding, so further appends wait for its answer or a heartbeat. */
  probeSent = false;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(opts: { match: number; next: number; maxInflight: number; isLearner: boolean; recentActive?: boolean }) {
    this.match = opts.match;
    this.next = opts.next;
    this.inflights = new Inflights(opts.maxInflight);
    this.isLearner = opts.isLearner;
    this.recentActive = opts.recentActive ?? false;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An ack for index n arrived; returns whether match advanced. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /** Pipelining: assume the MsgApp ending at n will succeed. */
  optimisticUpdate(n: number): void {
    this.next = n + 1;
  }

  /**
   * A rejection of the append after `rejected`; matchHint is the follower's guess at a matching
   * index. Returns false when the rejection is stale (out of order).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  status(): ProgressStatus {
    return {
      match: this.match,
      next: this.next,
      state: this.state,
      isLearner: this.isLearner,
      recentActive: this.recentActive,
    };
  }

  describe(): string {
    let s = `${this.state} match=${this.match} next=${this.next}`;
    if (this.isLearner) s += ' learner';
    if (this.isPaused()) s += ' paused';
    if (this.pendingSnapshot > 0) s += ` pendingSnap=${this.pendingSnapshot}`;
    if (!this.recentActive) s += ' inactive';
    if (this.inflights.count > 0) s += ` inflight=${this.inflights.count}`;
    if (this.inflights.full()) s += '[full]';
    return s;
  }
}
