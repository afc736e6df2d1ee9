// The raft log (pure): storage (durable) plus the unstable tail, with commit and apply cursors.
// Invariants: applied <= committed <= lastIndex(); firstIndex() - 1 is the snapshot index, whose
// term is still known; entries in [firstIndex(), lastIndex()] are all readable.

import { RaftError, invariant } from './errors.js';
import { Unstable } from './log-unstable.js';
import type { Storage } from './storage.js';
import { limitSize } from './storage.js';
import type { Entry, Snapshot } from './types.js';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index the application has applied; never above committed. */
  applied: number;
  /** Cap on bytes of committed entries handed out in one Ready. */
  readonly maxNextEntsSize: number;

  constructor(storage: Storage, maxNextEntsSize: number) {
    this.storage = storage;
    this.maxNextEntsSize = maxNextEntsSize;
    const firstIndex = storage.firstIndex();
    this.unstable = new Unstable(storage.lastIndex() + 1);
    this.committed = firstIndex - 1;
    this.applied = firstIndex - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** Term of entry i, or undefined if i is compacted or beyond the last index. */
  term(i: number): number | undefined {
    const dummyIndex = this.firstIndex() - 1;
    if (i < dummyIndex || i > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    return this.storage.term(i);
  }

  /** The last index known to be persisted (entries after it are still in the unstable tail). */
  stableLastIndex(): number {
    return Math.min(this.lastIndex(), this.unstable.offset - 1);
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    invariant(t !== undefined, 'unexpected error when getting the last term', { lastIndex: this.lastIndex() });
    return t;
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** Raft §5.4.1: is a log ending at (lasti, term) at least as up to date as ours? */
  isUpToDate(lasti: number, term: number): boolean {
    const lastTerm = this.lastTerm();
    return term > lastTerm || (term === lastTerm && lasti >= this.lastIndex());
  }

  /** Index of the first entry that conflicts with ours (or is new), 0 if all already match. */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`: where a leader should probe next after a
   * rejection, skipping whole terms that cannot match (the "fast backup" of the Raft paper §5.3).
   */
  findConflictByTerm(index: number, term: number): number {
    if (index > this.lastIndex()) return index;
    for (;;) {
      const logTerm = this.term(index);
      if (logTerm === undefined || logTerm <= term) return index;
      index--;
    }
  }

  /** Appends a leader's entries after (index, logTerm) if they match; returns the new last index. */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNewIndex = index + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      invariant(conflict > this.committed, 'entry conflicts with a committed entry', {
        conflict,
        committed: this.committed,
      });
      this.append(ents.slice(conflict - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNewIndex));
    return lastNewIndex;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0].index - 1;
    invariant(after >= this.committed, 'append would overwrite committed entries', {
      after,
      committed: this.committed,
    });
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries.slice();
  }

  /** Committed entries not yet applied, within maxNextEntsSize. */
  nextEnts(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 <= off) return [];
    const ents = this.slice(off, this.committed + 1, this.maxNextEntsSize);
    invariant(ents !== undefined, 'unexpected compaction of unapplied entries', { off, committed: this.committed });
    return ents;
  }

  hasNextEnts(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  snapshot(): Snapshot | undefined {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  commitTo(toCommit: number): void {
    if (this.committed < toCommit) {
      invariant(this.lastIndex() >= toCommit, 'commit index out of range', {
        toCommit,
        lastIndex: this.lastIndex(),
      });
      this.committed = toCommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    invariant(this.committed >= i && i >= this.applied, 'applied index out of range', {
      applied: i,
      previous: this.applied,
      committed: this.committed,
    });
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** Commits up to maxIndex, but only if that entry is from `term` (Raft §5.4.2, figure 8). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.term(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries from i to the end within maxSize; undefined if i is compacted. */
  entries(i: number, maxSize: number): Entry[] | undefined {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxSize);
  }

  /** Entries in [lo, hi) within maxSize (at least one); undefined if lo is compacted. */
  slice(lo: number, hi: number, maxSize: number): Entry[] | undefined {
    if (lo < this.firstIndex()) return undefined;
    invariant(lo <= hi && hi <= this.lastIndex() + 1, 'slice out of bound', {
      lo,
      hi,
      firstIndex: this.firstIndex(),
      lastIndex: this.lastIndex(),
    });
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const offset = this.unstable.offset;
    if (lo < offset) {
      const stored = this.storage.entries(lo, Math.min(hi, offset), maxSize);
      if (stored === undefined) {
        if (lo <= this.storage.firstIndex() - 1) return undefined;
        throw new RaftError('invariant', 'entries unavailable from storage', { lo, hi: Math.min(hi, offset) });
      }
      // Size-limited short read from storage: do not add unstable entries after a gap.
      if (stored.length < Math.min(hi, offset) - lo) return stored;
      ents = stored;
    }
    if (hi > offset) {
      const unstable = this.unstable.slice(Math.max(lo, offset), hi);
      ents = ents.length > 0 ? ents.concat(unstable) : unstable;
    }
    return limitSize(ents, maxSize);
  }

  /** The whole readable log, for tests and invariant checks. */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Number.MAX_SAFE_INTEGER) ?? [];
  }
}
