// The leader's side of raft (pure): proposals, replication with pipelining and conflict back-off,
// commit (current-term entries only), heartbeats, check-quorum, snapshots to lagging followers,
// leadership transfer and read-index. Functions over a Raft so raft.ts stays one concern.

import { decodeConfChange, refuseConfChange } from './confchange.js';
import { RaftError } from './errors.js';
import type { Raft } from './raft.js';
import type { Entry, Message, NodeId } from './types.js';
import { NONE } from './types.js';

/** Assigns our term and the next indexes to new entries and appends them; false if refused. */
export function appendEntries(r: Raft, ents: readonly Entry[]): boolean {
  const lastIndex = r.raftLog.lastIndex();
  const stamped = ents.map((e, i) => ({ term: r.term, index: lastIndex + 1 + i, type: e.type, data: e.data }));
  r.raftLog.append(stamped);
  // The leader does not count itself yet: its own copy is only durable once the application has
  // persisted the Ready carrying these entries (see onLeaderPersisted). Counting it at append time
  // would let a single voter commit, and tell its learners, an entry it could still lose.
  return true;
}

/** The leader's own entries up to its stable index are durable: count them, maybe commit. */
export function onLeaderPersisted(r: Raft): void {
  const self = r.tracker.progress.get(r.id);
  if (self === undefined || !self.maybeUpdate(r.raftLog.stableLastIndex())) return;
  if (maybeCommit(r)) {
    releasePendingReadIndexMessages(r);
    broadcastAppend(r);
  }
}

export function maybeCommit(r: Raft): boolean {
  return r.raftLog.maybeCommit(r.tracker.committed(), r.term);
}

/**
 * Sends an append (or, if the entries are compacted, a snapshot) to `to` unless its progress is
 * paused. With sendIfEmpty false, nothing is sent when there are no new entries.
 */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const pr = r.tracker.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.raftLog.term(prevIndex);
  const ents = r.raftLog.entries(pr.next, r.maxMsgSize);
  if (ents !== undefined && ents.length === 0 && !sendIfEmpty) return false;
  if (prevTerm === undefined || ents === undefined) {
    // The follower needs entries we no longer hold: send a snapshot, but only to a follower we
    // have heard from recently (a dead one would pin the snapshot for nothing).
    if (!pr.recentActive) return false;
    const snapshot = r.raftLog.snapshot();
    if (snapshot === undefined || snapshot.metadata.index === 0) return false;
    pr.becomeSnapshot(snapshot.metadata.index);
    r.send({ type: 'MsgSnap', to, snapshot });
    return true;
  }
  if (ents.length > 0) {
    const last = ents[ents.length - 1].index;
    if (pr.state === 'replicate') {
      // Pipelining: assume success and keep sending within the in-flight window.
      pr.optimisticUpdate(last);
      pr.inflights.add(last);
    } else if (pr.state === 'probe') {
      pr.probeSent = true;
    }
  }
  r.send({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries: ents, commit: r.raftLog.committed });
  return true;
}

export function sendAppend(r: Raft, to: NodeId): void {
  maybeSendAppend(r, to, true);
}

export function broadcastAppend(r: Raft): void {
  for (const id of r.tracker.memberIds()) if (id !== r.id) sendAppend(r, id);
}

function sendHeartbeat(r: Raft, to: NodeId, context: Uint8Array | undefined): void {
  // Never tell a follower to commit past what it is known to have: it may not have those entries.
  const pr = r.tracker.progress.get(to);
  const commit = Math.min(pr?.match ?? 0, r.raftLog.committed);
  r.send({ type: 'MsgHeartbeat', to, commit, context });
}

function broadcastHeartbeat(r: Raft, context: Uint8Array | undefined): void {
  for (const id of r.tracker.memberIds()) if (id !== r.id) sendHeartbeat(r, id, context);
}

function sendTimeoutNow(r: Raft, to: NodeId): void {
  r.send({ type: 'MsgTimeoutNow', to });
}

/** When a leader applies its own removal: ask the most caught-up voter to campaign at once. */
export function handOverOnRemoval(r: Raft): void {
  let best: NodeId = NONE;
  let bestMatch = -1;
  for (const id of r.tracker.voterIds()) {
    const pr = r.tracker.progress.get(id);
    if (id !== r.id && pr !== undefined && pr.match > bestMatch) {
      best = id;
      bestMatch = pr.match;
    }
  }
  if (best !== NONE && bestMatch === r.raftLog.lastIndex()) sendTimeoutNow(r, best);
}

function readIndexResponse(r: Raft, request: Message, index: number): void {
  const context = request.entries[0].data;
  if (request.from === NONE || request.from === r.id) {
    r.readStates.push({ index, context });
  } else {
    r.send({ type: 'MsgReadIndexResp', to: request.from, index, entries: request.entries });
  }
}

function handleReadIndex(r: Raft, m: Message): void {
  if (r.tracker.isSingleton()) {
    readIndexResponse(r, m, r.raftLog.committed);
    return;
  }
  // Record the commit index and confirm leadership with a round of heartbeats carrying the context.
  r.readOnly.addRequest(r.raftLog.committed, m);
  r.readOnly.recvAck(r.id, m.entries[0].data);
  broadcastHeartbeat(r, m.entries[0].data);
}

function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !r.committedEntryInCurrentTerm()) return;
  const pending = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of pending) handleReadIndex(r, m);
}

export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgBeat':
      broadcastHeartbeat(r, r.readOnly.lastPendingRequestContext());
      return;
    case 'MsgCheckQuorum': {
      const self = r.tracker.progress.get(r.id);
      if (self !== undefined) self.recentActive = true;
      if (!r.tracker.quorumActive()) {
        // We have not heard from a quorum for an election timeout: we may be partitioned away,
        // and a new leader may exist. Stop accepting writes and reads as leader.
        r.becomeFollower(r.term, NONE);
        return;
      }
      for (const [id, pr] of r.tracker.progress) if (id !== r.id) pr.recentActive = false;
      return;
    }
    case 'MsgProp': {
      if (m.entries.length === 0) throw new RaftError('invalid_argument', 'proposal with no entries', { from: m.from });
      if (!r.tracker.progress.has(r.id)) {
        throw new RaftError('proposal_dropped', 'this leader was removed from the configuration', { id: r.id });
      }
      if (r.leadTransferee !== NONE) {
        throw new RaftError('proposal_dropped', 'leadership transfer in progress', { id: r.id, to: r.leadTransferee });
      }
      const ents = m.entries.slice();
      for (let i = 0; i < ents.length; i++) {
        if (ents[i].type !== 'conf_change') continue;
        const cc = decodeConfChange(ents[i].data);
        let refusal = refuseConfChange(r.tracker, cc);
        if (refusal === undefined && r.pendingConfIndex > r.raftLog.applied) {
          refusal = `conf change at index ${r.pendingConfIndex} is not yet applied`;
        }
        if (refusal !== undefined) {
          throw new RaftError('conf_change_refused', refusal, { id: r.id, change: cc.type, nodeId: cc.nodeId });
        }
        r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
      }
      appendEntries(r, ents);
      broadcastAppend(r);
      return;
    }
    case 'MsgReadIndex':
      if (!r.tracker.isSingleton() && !r.committedEntryInCurrentTerm()) {
        // Thesis §6.4: a new leader does not know the commit index until it commits in its term.
        r.pendingReadIndexMessages.push(m);
        return;
      }
      handleReadIndex(r, m);
      return;
    default:
      break;
  }

  const pr = r.tracker.progress.get(m.from);
  if (pr === undefined) return;
  switch (m.type) {
    case 'MsgAppResp': {
      pr.recentActive = true;
      if (m.reject) {
        let nextProbeIndex = m.rejectHint;
        // The follower's hint gives (index, term): no entry of ours above the last entry with a
        // term <= that term can match, so skip to it.
        if (m.logTerm > 0) nextProbeIndex = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm);
        if (pr.maybeDecrTo(m.index, nextProbeIndex)) {
          if (pr.state === 'replicate') pr.becomeProbe();
          sendAppend(r, m.from);
        }
        return;
      }
      const oldPaused = pr.isPaused();
      if (!pr.maybeUpdate(m.index)) return;
      if (pr.state === 'probe') {
        pr.becomeReplicate();
      } else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
        pr.becomeProbe();
        pr.becomeReplicate();
      } else if (pr.state === 'replicate') {
        pr.inflights.freeLE(m.index);
      }
      if (maybeCommit(r)) {
        releasePendingReadIndexMessages(r);
        broadcastAppend(r);
      } else if (oldPaused) {
        // The follower was paused and we did not broadcast: it may be owed an update.
        sendAppend(r, m.from);
      }
      // Keep the pipeline full while there are entries to send.
      while (maybeSendAppend(r, m.from, false)) {
        // loop
      }
      if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) sendTimeoutNow(r, m.from);
      return;
    }
    case 'MsgHeartbeatResp': {
      pr.recentActive = true;
      pr.probeSent = false;
      // A full window may be full of lost messages: free one slot so replication can resume.
      if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
      if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
      if (m.context === undefined || m.context.byteLength === 0) return;
      const acks = r.readOnly.recvAck(m.from, m.context);
      if (acks === undefined || !r.tracker.hasQuorum(acks)) return;
      for (const { request, index } of r.readOnly.advance(m.context)) readIndexResponse(r, request, index);
      return;
    }
    case 'MsgSnapStatus':
      if (pr.state !== 'snapshot') return;
      if (m.reject) pr.pendingSnapshot = 0;
      pr.becomeProbe();
      // Wait for the follower's MsgAppResp or a heartbeat before probing again.
      pr.probeSent = true;
      return;
    case 'MsgUnreachable':
      // The transport could not deliver: stop optimistic pipelining and probe.
      if (pr.state === 'replicate') pr.becomeProbe();
      return;
    case 'MsgTransferLeader': {
      if (pr.isLearner) return;
      const transferee = m.from;
      if (r.leadTransferee !== NONE) {
        if (r.leadTransferee === transferee) return;
        r.abortLeaderTransfer();
      }
      if (transferee === r.id) return;
      // The transfer must finish within an election timeout (tickHeartbeat aborts it otherwise).
      r.electionElapsed = 0;
      r.leadTransferee = transferee;
      if (pr.match === r.raftLog.lastIndex()) sendTimeoutNow(r, transferee);
      else sendAppend(r, transferee);
      return;
    }
    default:
      return;
  }
}
