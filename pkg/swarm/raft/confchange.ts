// Single-server membership changes (pure): validation and application of a ConfChange to the
// tracker, plus its byte encoding inside a conf_change log entry.

import { RaftError } from './errors.js';
import type { ProgressTracker } from './tracker.js';
import type { ConfChange, ConfChangeType, NodeId } from './types.js';

const TYPE_CODES: Record<ConfChangeType, number> = { add_node: 1, add_learner: 2, remove_node: 3 };
const CODE_TYPES: Record<number, ConfChangeType> = { 1: 'add_node', 2: 'add_learner', 3: 'remove_node' };

/** Layout: u8 type, u32 nodeId high, u32 nodeId low, then the context bytes. */
export function encodeConfChange(cc: ConfChange): Uint8Array {
  const out = new Uint8Array(9 + cc.context.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, TYPE_CODES[cc.type]);
  view.setUint32(1, Math.floor(cc.nodeId / 0x1_0000_0000));
  view.setUint32(5, cc.nodeId >>> 0);
  out.set(cc.context, 9);
  return out;
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  if (data.byteLength < 9) throw new RaftError('corrupt', 'conf change entry too short', { length: data.byteLength });
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = CODE_TYPES[view.getUint8(0)];
  if (type === undefined) throw new RaftError('corrupt', 'unknown conf change type', { code: view.getUint8(0) });
  const nodeId = view.getUint32(1) * 0x1_0000_0000 + view.getUint32(5);
  return { type, nodeId, context: data.slice(9) };
}

/**
 * Why a change cannot be applied to this configuration, or undefined if it can. A change of node 0
 * is a no-op (etcd's convention for bumping the config); adding an existing voter is a no-op too.
 */
export function refuseConfChange(tracker: ProgressTracker, cc: ConfChange): string | undefined {
  const id = cc.nodeId;
  const removesVoter = tracker.voters.has(id) && cc.type !== 'add_node';
  if (removesVoter && tracker.voters.size === 1) return `${cc.type} of node ${id} would leave no voters`;
  // Changes take effect when applied, and a member may apply one before the other learns, durably,
  // that it is committed (commit indexes are not fsynced). Going from two voters to one, the
  // survivor can come back with the old configuration, needing a vote the removed member will
  // never give: quorum is lost for good (etcd's raft README warns of the same). Grow first.
  if (removesVoter && tracker.voters.size === 2) {
    return `${cc.type} of node ${id} would shrink a two-voter configuration, which can lose quorum for good; add a voter first`;
  }
  return undefined;
}

/**
 * Applies a change in place, at apply time on every member alike. A change that refuseConfChange
 * rejects is skipped, which is deterministic because every member applies the same log.
 */
export function applyConfChange(tracker: ProgressTracker, cc: ConfChange, lastIndex: number): boolean {
  const id: NodeId = cc.nodeId;
  if (id === 0 || refuseConfChange(tracker, cc) !== undefined) return false;
  switch (cc.type) {
    case 'add_node': {
      const pr = tracker.progress.get(id);
      if (pr === undefined) tracker.progress.set(id, tracker.newProgress(Math.max(lastIndex, 1), false));
      else pr.isLearner = false;
      tracker.learners.delete(id);
      tracker.voters.add(id);
      return true;
    }
    case 'add_learner': {
      const pr = tracker.progress.get(id);
      if (pr === undefined) tracker.progress.set(id, tracker.newProgress(Math.max(lastIndex, 1), true));
      else pr.isLearner = true;
      tracker.voters.delete(id);
      tracker.learners.add(id);
      return true;
    }
    case 'remove_node': {
      tracker.voters.delete(id);
      tracker.learners.delete(id);
      tracker.progress.delete(id);
      tracker.votes.delete(id);
      return true;
    }
  }
}
