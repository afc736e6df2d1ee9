// The application's handle on the raft state machine (pure), after etcd's RawNode: inputs are
// tick/step/propose/..., output is a Ready the application persists, sends and applies in that
// order before calling advance(). Nothing here does I/O; a simulator drives it deterministically.

import { encodeConfChange } from './confchange.js';
import { RaftError } from './errors.js';
import { Raft, type RaftConfig } from './raft.js';
import * as leader from './raft-leader.js';
import type { ConfChange, ConfState, Entry, HardState, Message, Ready, SnapshotStatus, SoftState, Status } from './types.js';
import { LOCAL_MESSAGE_TYPES, RESPONSE_MESSAGE_TYPES, hardStateEqual, isEmptyHardState, message } from './types.js';

export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced, if any. */
  private outstanding: Ready | undefined = undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  get id(): number {
    return this.raft.id;
  }

  /** Advances logical time by one tick (election or heartbeat timers). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (pre-vote first if enabled). */
  campaign(): void {
    this.raft.step(message({ type: 'MsgHup', from: this.raft.id }));
  }

  /**
   * Proposes data to be appended to the log. On the leader the entry is appended at once and its
   * index and term are returned; on a follower the proposal is forwarded and nothing is returned.
   * Throws `proposal_dropped` when there is no leader to take it.
   */
  propose(data: Uint8Array): { index: number; term: number } | undefined {
    return this.proposeEntries([{ term: 0, index: 0, type: 'normal', data }]);
  }

  /** Proposes several entries at once: one MsgProp, one append, one broadcast. */
  proposeBatch(data: readonly Uint8Array[]): { index: number; term: number } | undefined {
    if (data.length === 0) return undefined;
    return this.proposeEntries(data.map((d) => ({ term: 0, index: 0, type: 'normal' as const, data: d })));
  }

  /** Proposes a membership change; it takes effect when applied (applyConfChange). */
  proposeConfChange(change: ConfChange): { index: number; term: number } | undefined {
    return this.proposeEntries([{ term: 0, index: 0, type: 'conf_change', data: encodeConfChange(change) }]);
  }

  private proposeEntries(entries: Entry[]): { index: number; term: number } | undefined {
    const before = this.raft.raftLog.lastIndex();
    this.raft.step(message({ type: 'MsgProp', from: this.raft.id, entries }));
    if (this.raft.role !== 'leader') return undefined;
    const last = this.raft.raftLog.lastIndex();
    if (last < before + entries.length) return undefined;
    return { index: before + 1, term: this.raft.term };
  }

  /** Applies a committed conf change to raft's configuration; call it when applying the entry. */
  applyConfChange(change: ConfChange): ConfState {
    return this.raft.applyConfChange(change);
  }

  /** Feeds a message received from a peer. */
  step(m: Message): void {
    if (LOCAL_MESSAGE_TYPES.has(m.type)) {
      throw new RaftError('local_message', `cannot step ${m.type}: raft generates it locally`, { from: m.from });
    }
    if (RESPONSE_MESSAGE_TYPES.has(m.type) && !this.raft.tracker.progress.has(m.from)) {
      throw new RaftError('peer_not_found', `response from ${m.from}, which is not a member`, { type: m.type });
    }
    this.raft.step(m);
  }

  /** Asks the leader to hand leadership to `to` (the transfer needs `to` to be caught up). */
  transferLeadership(to: number): void {
    this.raft.step(message({ type: 'MsgTransferLeader', from: to }));
  }

  /**
   * Requests a linearizable read point. `context` must be unique per request; the answer arrives
   * as a ReadState in a later Ready. On a follower the request is forwarded to the leader.
   */
  readIndex(context: Uint8Array): void {
    this.raft.step(
      message({ type: 'MsgReadIndex', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'normal', data: context }] }),
    );
  }

  reportUnreachable(id: number): void {
    this.raft.step(message({ type: 'MsgUnreachable', from: id }));
  }

  reportSnapshot(id: number, status: SnapshotStatus): void {
    this.raft.step(message({ type: 'MsgSnapStatus', from: id, reject: status === 'failure' }));
  }

  hasReady(): boolean {
    if (this.outstanding !== undefined) return false;
    const r = this.raft;
    const soft = r.softState();
    if (soft.lead !== this.prevSoftState.lead || soft.role !== this.prevSoftState.role) return true;
    const hs = r.hardState();
    if (!isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstable.entries.length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  /** Everything to persist, send and apply. Call advance() when done, before the next ready(). */
  ready(): Ready {
    if (this.outstanding !== undefined) {
      throw new RaftError('invalid_argument', 'ready() called again before advance()', { id: this.raft.id });
    }
    const r = this.raft;
    const soft = r.softState();
    const hs = r.hardState();
    const entries = r.raftLog.unstableEntries();
    const hardStateChanged = !isEmptyHardState(hs) && !hardStateEqual(hs, this.prevHardState);
    const rd: Ready = {
      softState: soft.lead !== this.prevSoftState.lead || soft.role !== this.prevSoftState.role ? soft : undefined,
      hardState: hardStateChanged ? hs : undefined,
      readStates: r.readStates,
      entries,
      snapshot: r.raftLog.unstable.snapshot,
      committedEntries: r.raftLog.nextEnts(),
      messages: r.msgs,
      // A commit-only change need not be synced: a lost commit index is relearned from the leader.
      mustSync:
        entries.length > 0 ||
        r.raftLog.unstable.snapshot !== undefined ||
        (hardStateChanged && (hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote)),
    };
    r.msgs = [];
    r.readStates = [];
    if (rd.softState !== undefined) this.prevSoftState = rd.softState;
    if (rd.hardState !== undefined) this.prevHardState = rd.hardState;
    this.outstanding = rd;
    return rd;
  }

  /** The Ready is persisted, sent and applied. */
  advance(): void {
    const rd = this.outstanding;
    if (rd === undefined) throw new RaftError('invalid_argument', 'advance() without an outstanding ready()', { id: this.raft.id });
    this.outstanding = undefined;
    const log = this.raft.raftLog;
    if (rd.snapshot !== undefined) {
      log.stableSnapTo(rd.snapshot.metadata.index);
      if (log.applied < rd.snapshot.metadata.index) log.applied = rd.snapshot.metadata.index;
    }
    if (rd.committedEntries.length > 0) {
      const last = rd.committedEntries[rd.committedEntries.length - 1].index;
      if (last > log.applied) log.appliedTo(last);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1];
      log.stableTo(last.index, last.term);
      if (this.raft.role === 'leader') leader.onLeaderPersisted(this.raft);
    }
  }

  /** Is a Ready handed out and not yet advanced? */
  get awaitingAdvance(): boolean {
    return this.outstanding !== undefined;
  }

  status(): Status {
    const r = this.raft;
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      leadTransferee: r.leadTransferee,
      confState: r.confState(),
      progress:
        r.role === 'leader'
          ? new Map([...r.tracker.progress].map(([id, pr]) => [id, pr.status()] as const))
          : undefined,
    };
  }

  /** The leader this node believes in, or NONE. */
  get lead(): number {
    return this.raft.lead;
  }

  get isLeader(): boolean {
    return this.raft.role === 'leader';
  }
}

/**
 * May this message leave before the Ready that carries it is persisted? Only a leader's appends,
 * heartbeats and snapshots (thesis §10.2.1): the leader's term and vote were made durable before it
 * could win, and its own entries count toward the commit index only after advance() confirms them
 * persisted, so no commit index in these messages depends on the leader's unpersisted entries.
 */
export function canSendBeforePersist(m: Message): boolean {
  return m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap';
}
