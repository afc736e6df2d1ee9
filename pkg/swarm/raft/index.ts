// Public surface of pkg/swarm/raft: the pure consensus core (RawNode and its values), the node
// runner (WAL, snapshots, transport) and the replicated key-value store built on it.

export * from './types.js';
export * from './errors.js';
export type { RandomSource } from './rand.js';
export { SeededRandom } from './rand.js';
export type { Storage } from './storage.js';
export { MemoryStorage, EMPTY_SNAPSHOT, EMPTY_CONF_STATE } from './storage.js';
export type { RaftConfig } from './raft.js';
export { RawNode, canSendBeforePersist } from './rawnode.js';
export { encodeConfChange, decodeConfChange } from './confchange.js';
export type { StateMachine } from './state-machine.js';
export * from './describe.js';
