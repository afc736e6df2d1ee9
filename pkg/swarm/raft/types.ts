// Raft wire and log value types (pure): entries, messages, hard/soft state, snapshots, ready.
// Terms and indexes are JS numbers: exact up to 2^53, far beyond any cluster's lifetime.

/** A member id. 0 (NONE) means "nobody": no leader, no vote. */
export type NodeId = number;
export const NONE: NodeId = 0;

export type EntryType = 'normal' | 'conf_change';

/** One log entry. Never mutated once appended; `data` of a conf_change entry is an encoded ConfChange. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** What must be on disk before any message that depends on it is sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export type Role = 'follower' | 'pre_candidate' | 'candidate' | 'leader';

/** Volatile state worth telling the application about; never persisted. */
export interface SoftState {
  readonly lead: NodeId;
  readonly role: Role;
}

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface SnapshotMetadata {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
}

/** Single-server membership changes only: each one changes the voter set by at most one member. */
export type ConfChangeType = 'add_node' | 'add_learner' | 'remove_node';

export interface ConfChange {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
  /** Opaque to raft; the runner puts the new member's address here. */
  readonly context: Uint8Array;
}

export type MessageType =
  // local: never on the wire
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgUnreachable'
  | 'MsgSnapStatus'
  | 'MsgCheckQuorum'
  // wire
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp';

export const LOCAL_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set([
  'MsgHup',
  'MsgBeat',
  'MsgUnreachable',
  'MsgSnapStatus',
  'MsgCheckQuorum',
]);

export const RESPONSE_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set([
  'MsgAppResp',
  'MsgVoteResp',
  'MsgPreVoteResp',
  'MsgHeartbeatResp',
  'MsgUnreachable',
  'MsgSnapStatus',
]);

export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  /** 0 only for local messages and proposals, which take the receiver's term. */
  readonly term: number;
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot?: Snapshot;
  readonly reject: boolean;
  readonly rejectHint: number;
  readonly context?: Uint8Array;
}

/** Builds a message with zero defaults for every field not given. */
export function message(fields: Partial<Message> & Pick<Message, 'type'>): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: EMPTY_ENTRIES,
    commit: 0,
    reject: false,
    rejectHint: 0,
    ...fields,
  };
}

export const EMPTY_ENTRIES: readonly Entry[] = Object.freeze([]) as readonly Entry[];
export const EMPTY_DATA = new Uint8Array(0);

/** A linearizable read point: once the state machine has applied `index`, reads for `context` are safe. */
export interface ReadState {
  readonly index: number;
  readonly context: Uint8Array;
}

/**
 * Everything the application must do, in this order:
 *  1. persist `snapshot`, `entries` and `hardState` (fsync when `mustSync`);
 *  2. send `messages` (a leader may send its MsgApp/MsgHeartbeat/MsgSnap before step 1 finishes:
 *     see `canSendBeforePersist`);
 *  3. apply `snapshot` then `committedEntries` to the state machine; serve `readStates` once applied;
 *  4. call `advance()`. No further `ready()` until then.
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly readStates: readonly ReadState[];
  readonly entries: readonly Entry[];
  readonly snapshot?: Snapshot;
  readonly committedEntries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly mustSync: boolean;
}

export type SnapshotStatus = 'finish' | 'failure';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly recentActive: boolean;
}

export interface Status {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly leadTransferee: NodeId;
  readonly confState: ConfState;
  /** Only on the leader. */
  readonly progress?: ReadonlyMap<NodeId, ProgressStatus>;
}

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === NONE && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });
