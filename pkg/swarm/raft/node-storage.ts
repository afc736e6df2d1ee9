// Loading a member's durable state at start (I/O): replay the WAL, restore the snapshot it names
// (or bootstrap a new cluster's first snapshot), and rebuild the in-memory raft storage.

import { join } from 'node:path';
import type { Logger } from 'pino';
import { unwrapSnapshot, wrapSnapshot } from './node-codec.js';
import { Snapshotter } from './snapshotter.js';
import type { StateMachine } from './state-machine.js';
import { MemoryStorage } from './storage.js';
import type { ConfState, NodeId, Snapshot } from './types.js';
import { isEmptyHardState } from './types.js';
import { Wal } from './wal.js';

export interface DurableStateOptions {
  readonly id: NodeId;
  readonly dataDir: string;
  readonly stateMachine: StateMachine;
  readonly peers: ReadonlyMap<NodeId, string>;
  readonly bootstrapVoters?: readonly NodeId[];
  readonly fsync?: boolean;
  readonly walSegmentBytes?: number;
}

export interface DurableState {
  readonly storage: MemoryStorage;
  readonly wal: Wal;
  readonly snapshotter: Snapshotter;
  readonly members: Map<NodeId, string>;
  readonly confState: ConfState;
  readonly snapshotIndex: number;
}

export async function loadDurableState(options: DurableStateOptions, log: Logger): Promise<DurableState> {
  const snapshotter = new Snapshotter(join(options.dataDir, 'snap'));
  await snapshotter.init();
  const { wal, contents } = await Wal.open(join(options.dataDir, 'wal'), { fsync: options.fsync ?? true, segmentBytes: options.walSegmentBytes });
  if (contents.repairedBytes > 0) log.warn({ bytes: contents.repairedBytes }, 'wal torn tail truncated');
  const storage = new MemoryStorage();
  const members = new Map(options.peers);
  let confState: ConfState = { voters: [], learners: [] };
  let snapshotIndex = 0;
  if (contents.snapshot !== undefined) {
    const snap = await snapshotter.load(contents.snapshot.index, contents.snapshot.term);
    const { members: saved, app } = unwrapSnapshot(snap.data);
    for (const [id, address] of saved) members.set(id, address);
    options.stateMachine.restore(app);
    storage.applySnapshot(snap);
    confState = snap.metadata.confState;
    snapshotIndex = snap.metadata.index;
    // Files newer than the WAL's marker were written by a save the crash cut short.
    await snapshotter.purge(2, snapshotIndex);
  } else if (contents.entries.length === 0 && isEmptyHardState(contents.hardState) && options.bootstrapVoters !== undefined) {
    // A brand-new member of a new cluster: every bootstrapping member writes the same snapshot
    // at (1, 1), so they all start from an identical, committed configuration.
    options.stateMachine.restore(new Uint8Array(0));
    const snap: Snapshot = {
      metadata: { index: 1, term: 1, confState: { voters: [...options.bootstrapVoters].sort((a, b) => a - b), learners: [] } },
      data: wrapSnapshot(members, options.stateMachine.snapshot()),
    };
    await snapshotter.save(snap);
    await wal.save({ snapshot: { index: 1, term: 1, reset: true } });
    storage.applySnapshot(snap);
    confState = snap.metadata.confState;
    snapshotIndex = 1;
    log.info({ voters: confState.voters }, 'bootstrapped a new cluster');
  }
  storage.append(contents.entries);
  if (!isEmptyHardState(contents.hardState)) storage.setHardState(contents.hardState);
  log.info({ snapshotIndex, entries: contents.entries.length, term: contents.hardState.term, commit: contents.hardState.commit }, 'raft state loaded');
  return { storage, wal, snapshotter, members, confState, snapshotIndex };
}
