// The stable-storage interface raft reads its log from, and MemoryStorage, the in-memory mirror of
// what the runner has made durable (pure). Raft only reads storage; the application writes to it
// after persisting each Ready, and compacts it after taking snapshots.

import { RaftError, invariant } from './errors.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';
import { EMPTY_DATA, EMPTY_HARD_STATE } from './types.js';

export interface Storage {
  /** The persisted hard state and the configuration of the latest snapshot (or bootstrap). */
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in [lo, hi), at least one if any exist, at most `maxSize` bytes beyond the first.
   * Returns undefined when lo has been compacted away.
   */
  entries(lo: number, hi: number, maxSize: number): Entry[] | undefined;
  /** The term of entry i; undefined if i is compacted or beyond the last index. */
  term(i: number): number | undefined;
  lastIndex(): number;
  /** The index of the first entry still held (the snapshot index + 1). */
  firstIndex(): number;
  /** The latest snapshot; undefined if it is being produced and raft should try later. */
  snapshot(): Snapshot | undefined;
}

export const EMPTY_CONF_STATE: ConfState = Object.freeze({ voters: [], learners: [] });

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({
  metadata: Object.freeze({ index: 0, term: 0, confState: EMPTY_CONF_STATE }),
  data: EMPTY_DATA,
});

/** Bytes an entry counts for against message and ready size limits. */
export function entrySize(e: Entry): number {
  return e.data.byteLength + 24;
}

/** The longest prefix of `entries` within `maxSize` bytes, but always at least one entry. */
export function limitSize(entries: Entry[], maxSize: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySize(entries[0]);
  let limit = 1;
  for (; limit < entries.length; limit++) {
    size += entrySize(entries[limit]);
    if (size > maxSize) break;
  }
  return limit === entries.length ? entries : entries.slice(0, limit);
}

export class MemoryStorage implements Storage {
  private hardStateValue: HardState = EMPTY_HARD_STATE;
  private snapshotValue: Snapshot = EMPTY_SNAPSHOT;
  /** ents[0] is a dummy holding the snapshot's index and term; real entries follow contiguously. */
  private ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: EMPTY_DATA }];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardStateValue, confState: this.snapshotValue.metadata.confState };
  }

  hardState(): HardState {
    return this.hardStateValue;
  }

  setHardState(hs: HardState): void {
    this.hardStateValue = hs;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] | undefined {
    const offset = this.ents[0].index;
    if (lo <= offset) return undefined;
    invariant(hi <= this.lastIndex() + 1, 'entries hi out of bound', { hi, lastIndex: this.lastIndex() });
    // Only the dummy entry: nothing is available.
    if (this.ents.length === 1) return undefined;
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(i: number): number | undefined {
    const offset = this.ents[0].index;
    if (i < offset) return undefined;
    const at = this.ents[i - offset];
    return at === undefined ? undefined : at.term;
  }

  lastIndex(): number {
    return this.ents[0].index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0].index + 1;
  }

  snapshot(): Snapshot {
    return this.snapshotValue;
  }

  /** Replaces the log with a snapshot received from a leader (or loaded from disk). */
  applySnapshot(snap: Snapshot): void {
    if (snap.metadata.index <= this.snapshotValue.metadata.index && this.snapshotValue !== EMPTY_SNAPSHOT) {
      throw new RaftError('snapshot_out_of_date', 'snapshot is older than the one held', {
        index: snap.metadata.index,
        held: this.snapshotValue.metadata.index,
      });
    }
    this.snapshotValue = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: EMPTY_DATA }];
  }

  /** Records a snapshot of the state machine at applied index i; does not drop entries (see compact). */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snapshotValue.metadata.index) {
      throw new RaftError('snapshot_out_of_date', 'snapshot index not past the held snapshot', {
        index: i,
        held: this.snapshotValue.metadata.index,
      });
    }
    const offset = this.ents[0].index;
    invariant(i <= this.lastIndex(), 'snapshot index beyond the last entry', { index: i, lastIndex: this.lastIndex() });
    this.snapshotValue = { metadata: { index: i, term: this.ents[i - offset].term, confState }, data };
    return this.snapshotValue;
  }

  /** Drops entries up to and including compactIndex, which must not exceed the applied index. */
  compact(compactIndex: number): void {
    const offset = this.ents[0].index;
    if (compactIndex <= offset) return;
    invariant(compactIndex <= this.lastIndex(), 'compact beyond the last entry', {
      compactIndex,
      lastIndex: this.lastIndex(),
    });
    const i = compactIndex - offset;
    const kept = this.ents.slice(i);
    kept[0] = { term: this.ents[i].term, index: this.ents[i].index, type: 'normal', data: EMPTY_DATA };
    this.ents = kept;
  }

  /** Appends entries, truncating any existing suffix they conflict with. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return; // all already compacted
    let toAppend = entries;
    if (first > entries[0].index) toAppend = entries.slice(first - entries[0].index);
    const offset = toAppend[0].index - this.ents[0].index;
    invariant(offset <= this.ents.length, 'missing log entries before append', {
      lastIndex: this.lastIndex(),
      appendAt: toAppend[0].index,
    });
    if (offset < this.ents.length) this.ents.length = offset;
    for (const e of toAppend) this.ents.push(e);
  }

  /** A deep-enough copy for a simulator's "disk": entries are immutable, so arrays suffice. */
  clone(): MemoryStorage {
    const copy = new MemoryStorage();
    copy.hardStateValue = this.hardStateValue;
    copy.snapshotValue = this.snapshotValue;
    copy.ents = this.ents.slice();
    return copy;
  }
}
