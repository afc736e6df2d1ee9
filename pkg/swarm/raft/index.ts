// Public surface of pkg/swarm/raft: the pure consensus core (RawNode and its values), the node
// runner (WAL, snapshots, transports) and the replicated key-value store built on it.

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
export { KvStateMachine, encodeKvRequest, decodeKvRequest } from './kv-state.js';
export type { KvCommand, KvRequest, KvResult, KvValue } from './kv-state.js';
export { checkLinearizable, kvModel } from './linearizability.js';
export type { Model, Operation, CheckResult, KvInput, KvOutput } from './linearizability.js';
export { Wal } from './wal.js';
export type { WalContents, WalOptions, WalSnapshotMarker, WalWrite } from './wal.js';
export { Snapshotter } from './snapshotter.js';
export type { Transport, TransportHandler } from './transport.js';
export { MemoryNetwork } from './transport.js';
export { GrpcTransport } from './grpc-transport.js';
export type { GrpcTransportOptions, TlsFiles } from './grpc-transport.js';
export { RaftNode } from './node.js';
export type { RaftNodeOptions, RequestOptions } from './node.js';
export { KvStore } from './kv.js';
export type { ReadOptions } from './kv.js';
