// The follower's side of raft (pure): accepting or rejecting appends (with the term hint that lets
// the leader back up a whole term per round trip), heartbeats, and installing a leader's snapshot.
// Functions over a Raft, as raft-leader.ts is for the leader.

import type { Raft } from './raft.js';
import type { Message, Snapshot } from './types.js';
import { NONE } from './types.js';

export function handleAppendEntries(r: Raft, m: Message): void {
  if (m.index < r.raftLog.committed) {
    r.send({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed });
    return;
  }
  const lastNewIndex = r.raftLog.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNewIndex !== undefined) {
    r.send({ type: 'MsgAppResp', to: m.from, index: lastNewIndex });
    return;
  }
  // Reject with a hint: the largest index <= m.index whose term is <= m.logTerm. The leader can
  // jump straight there (or further, using our term), skipping a whole term per round trip.
  let hintIndex = Math.min(m.index, r.raftLog.lastIndex());
  hintIndex = r.raftLog.findConflictByTerm(hintIndex, m.logTerm);
  const hintTerm = r.raftLog.term(hintIndex) ?? 0;
  r.send({ type: 'MsgAppResp', to: m.from, index: m.index, reject: true, rejectHint: hintIndex, logTerm: hintTerm });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  // The leader sends min(our match, its commit), so this never points past entries we hold.
  r.raftLog.commitTo(m.commit);
  r.send({ type: 'MsgHeartbeatResp', to: m.from, context: m.context });
}

export function handleSnapshot(r: Raft, m: Message): void {
  const snap = m.snapshot;
  if (snap === undefined) return;
  if (restore(r, snap)) {
    r.send({ type: 'MsgAppResp', to: m.from, index: r.raftLog.lastIndex() });
  } else {
    r.send({ type: 'MsgAppResp', to: m.from, index: r.raftLog.committed });
  }
}

/** Installs a leader's snapshot; false if it is not newer than what we have committed. */
function restore(r: Raft, s: Snapshot): boolean {
  if (s.metadata.index <= r.raftLog.committed) return false;
  if (r.role !== 'follower') {
    // Defensive, as in etcd: only followers restore; anything else means a confused leader.
    r.becomeFollower(r.term + 1, NONE);
    return false;
  }
  if (r.raftLog.matchTerm(s.metadata.index, s.metadata.term)) {
    // We already have the entries: just fast-forward the commit index.
    r.raftLog.commitTo(s.metadata.index);
    return false;
  }
  // We may be missing from the snapshot's configuration: a member being added can be sent a
  // snapshot taken before its addition. Installing it is still safe (it is committed state); we
  // cannot campaign until we apply the entry that adds us.
  r.raftLog.restore(s);
  r.tracker.restore(s.metadata.confState, r.raftLog.lastIndex() + 1);
  r.tracker.progress.get(r.id)?.maybeUpdate(r.raftLog.lastIndex());
  r.isLearner = r.tracker.learners.has(r.id);
  return true;
}
