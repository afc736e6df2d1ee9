// The raft transport over gRPC (I/O), per proto/raft.proto: one client stream per peer carrying
// message batches, a separate chunked stream per snapshot, mutual TLS when certificates are given.
// Sends never block raft: a peer whose stream is backed up or broken gets its messages dropped and
// is reported unreachable (raft retries by design); streams reconnect with backoff.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { Logger } from 'pino';
import { RaftError } from './errors.js';
import type { Transport, TransportHandler } from './transport.js';
import type { Entry, Message, MessageType, NodeId, Snapshot } from './types.js';

export interface TlsFiles {
  /** PEM of the cluster CA that signs every member's certificate. */
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Name to check in peers' certificates (default: the host part of the address). */
  readonly serverName?: string;
}

export interface GrpcTransportOptions {
  readonly id: NodeId;
  /** host:port to listen on (port 0 picks one; see `port` after start). */
  readonly listen: string;
  readonly logger: Logger;
  /** Cluster name; batches from other clusters are refused. */
  readonly cluster?: string;
  readonly tls?: TlsFiles;
  /** Bytes buffered per peer stream before messages to it are dropped. Default 8 MiB. */
  readonly maxBufferedBytes?: number;
  /** Snapshot chunk size. Default 1 MiB. */
  readonly snapshotChunkBytes?: number;
}

const TYPE_TO_PROTO: Partial<Record<MessageType, string>> = {
  MsgProp: 'MSG_PROP',
  MsgApp: 'MSG_APP',
  MsgAppResp: 'MSG_APP_RESP',
  MsgVote: 'MSG_VOTE',
  MsgVoteResp: 'MSG_VOTE_RESP',
  MsgPreVote: 'MSG_PRE_VOTE',
  MsgPreVoteResp: 'MSG_PRE_VOTE_RESP',
  MsgSnap: 'MSG_SNAP',
  MsgHeartbeat: 'MSG_HEARTBEAT',
  MsgHeartbeatResp: 'MSG_HEARTBEAT_RESP',
  MsgTransferLeader: 'MSG_TRANSFER_LEADER',
  MsgTimeoutNow: 'MSG_TIMEOUT_NOW',
  MsgReadIndex: 'MSG_READ_INDEX',
  MsgReadIndexResp: 'MSG_READ_INDEX_RESP',
};
const PROTO_TO_TYPE = new Map(Object.entries(TYPE_TO_PROTO).map(([k, v]) => [v as string, k as MessageType]));

interface ProtoEntry {
  term: number;
  index: number;
  type: string;
  data: Buffer;
}
interface ProtoMessage {
  type: string;
  to: number;
  from: number;
  term: number;
  logTerm: number;
  index: number;
  entries: ProtoEntry[];
  commit: number;
  snapshot?: { index: number; term: number; confState?: { voters: number[]; learners: number[] } } | null;
  reject: boolean;
  rejectHint: number;
  context: Buffer;
  hasContext: boolean;
}
interface ProtoBatch {
  cluster: string;
  messages: ProtoMessage[];
}
interface ProtoChunk {
  cluster: string;
  message?: ProtoMessage | null;
  offset: number;
  data: Buffer;
  last: boolean;
  totalSize: number;
}

function toProto(m: Message): ProtoMessage {
  const type = TYPE_TO_PROTO[m.type];
  if (type === undefined) throw new RaftError('local_message', `cannot send ${m.type} over the wire`, { to: m.to });
  return {
    type,
    to: m.to,
    from: m.from,
    term: m.term,
    logTerm: m.logTerm,
    index: m.index,
    entries: m.entries.map((e) => ({
      term: e.term,
      index: e.index,
      type: e.type === 'conf_change' ? 'ENTRY_CONF_CHANGE' : 'ENTRY_NORMAL',
      data: Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength),
    })),
    commit: m.commit,
    snapshot:
      m.snapshot === undefined
        ? null
        : {
            index: m.snapshot.metadata.index,
            term: m.snapshot.metadata.term,
            confState: { voters: [...m.snapshot.metadata.confState.voters], learners: [...m.snapshot.metadata.confState.learners] },
          },
    reject: m.reject,
    rejectHint: m.rejectHint,
    context: m.context === undefined ? Buffer.alloc(0) : Buffer.from(m.context),
    hasContext: m.context !== undefined,
  };
}

function fromProto(p: ProtoMessage, snapshotData?: Uint8Array): Message {
  const type = PROTO_TO_TYPE.get(p.type);
  if (type === undefined) throw new RaftError('corrupt', `unknown message type ${p.type} on the wire`, { from: p.from });
  const entries: Entry[] = (p.entries ?? []).map((e) => ({
    term: Number(e.term),
    index: Number(e.index),
    type: e.type === 'ENTRY_CONF_CHANGE' ? 'conf_change' : 'normal',
    data: new Uint8Array(e.data.buffer, e.data.byteOffset, e.data.byteLength),
  }));
  let snapshot: Snapshot | undefined;
  if (p.snapshot !== undefined && p.snapshot !== null && type === 'MsgSnap') {
    snapshot = {
      metadata: {
        index: Number(p.snapshot.index),
        term: Number(p.snapshot.term),
        confState: {
          voters: (p.snapshot.confState?.voters ?? []).map(Number),
          learners: (p.snapshot.confState?.learners ?? []).map(Number),
        },
      },
      data: snapshotData ?? new Uint8Array(0),
    };
  }
  return {
    type,
    to: Number(p.to),
    from: Number(p.from),
    term: Number(p.term),
    logTerm: Number(p.logTerm),
    index: Number(p.index),
    entries,
    commit: Number(p.commit),
    snapshot,
    reject: p.reject,
    rejectHint: Number(p.rejectHint),
    context: p.hasContext ? new Uint8Array(p.context) : undefined,
  };
}

/** Finds proto/raft.proto above this module, from the source tree or from dist/. */
export function findProtoFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'proto', 'raft.proto');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new RaftError('io', 'proto/raft.proto not found above the raft module', {});
}

type RaftServiceClient = grpc.Client & {
  Send(callback: (err: grpc.ServiceError | null) => void): grpc.ClientWritableStream<ProtoBatch>;
  InstallSnapshot(callback: (err: grpc.ServiceError | null, ack?: { ok: boolean; error: string }) => void): grpc.ClientWritableStream<ProtoChunk>;
};

let cachedService: grpc.ServiceClientConstructor | undefined;
function raftService(): grpc.ServiceClientConstructor {
  if (cachedService !== undefined) return cachedService;
  const definition = protoLoader.loadSync(findProtoFile(), { keepCase: false, longs: Number, enums: String, defaults: true, arrays: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { berth: { raft: { v1: { Raft: grpc.ServiceClientConstructor } } } };
  cachedService = pkg.berth.raft.v1.Raft;
  return cachedService;
}

interface Peer {
  readonly id: NodeId;
  address: string;
  client: RaftServiceClient | undefined;
  stream: grpc.ClientWritableStream<ProtoBatch> | undefined;
  /** No reconnect before this time (ms since epoch) after a failure. */
  retryAt: number;
  /** When the current stream was opened; a stream that lived a while resets the backoff. */
  openedAt: number;
  backoffMs: number;
  /** Last time we logged this peer unreachable (to keep logs quiet under a long outage). */
  loggedAt: number;
}

export class GrpcTransport implements Transport {
  private readonly options: GrpcTransportOptions;
  private readonly log: Logger;
  private server: grpc.Server | undefined;
  private handler: TransportHandler | undefined;
  private readonly peers = new Map<NodeId, Peer>();
  private closed = false;
  /** While blocked, every message in or out is dropped (a partition, for tests and drills). */
  private blocked = false;
  port = 0;
  readonly stats = { sentBatches: 0, sentMessages: 0, dropped: 0, received: 0, snapshotsSent: 0, snapshotsReceived: 0 };

  constructor(options: GrpcTransportOptions) {
    this.options = options;
    this.log = options.logger.child({ component: 'raft-transport', node: options.id });
  }

  async start(handler: TransportHandler): Promise<void> {
    this.handler = handler;
    const server = new grpc.Server({ 'grpc.max_receive_message_length': 256 * 1024 * 1024 });
    server.addService(raftService().service, {
      Send: (call: grpc.ServerReadableStream<ProtoBatch, unknown>, callback: grpc.sendUnaryData<unknown>) => this.serveSend(call, callback),
      InstallSnapshot: (call: grpc.ServerReadableStream<ProtoChunk, unknown>, callback: grpc.sendUnaryData<unknown>) =>
        this.serveSnapshot(call, callback),
    });
    const credentials =
      this.options.tls === undefined
        ? grpc.ServerCredentials.createInsecure()
        : grpc.ServerCredentials.createSsl(this.options.tls.ca, [{ cert_chain: this.options.tls.cert, private_key: this.options.tls.key }], true);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.options.listen, credentials, (err, port) => (err ? reject(err) : resolve(port))),
    );
    this.server = server;
    this.log.info({ listen: this.options.listen, port: this.port, tls: this.options.tls !== undefined }, 'raft transport listening');
  }

  private serveSend(call: grpc.ServerReadableStream<ProtoBatch, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    call.on('data', (batch: ProtoBatch) => {
      if (this.blocked || this.closed) return;
      if ((batch.cluster ?? '') !== (this.options.cluster ?? '')) {
        this.log.warn({ cluster: batch.cluster }, 'dropped a batch from another cluster');
        return;
      }
      for (const pm of batch.messages) {
        let m: Message;
        try {
          m = fromProto(pm);
        } catch (err) {
          this.log.warn({ err }, 'dropped an undecodable message');
          continue;
        }
        if (m.to !== this.options.id) continue;
        this.stats.received++;
        this.handler?.onMessage(m);
      }
    });
    call.on('end', () => callback(null, {}));
    call.on('error', () => {});
  }

  private serveSnapshot(call: grpc.ServerReadableStream<ProtoChunk, unknown>, callback: grpc.sendUnaryData<unknown>): void {
    let header: ProtoMessage | undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    call.on('data', (chunk: ProtoChunk) => {
      if (done) return;
      if (chunk.message !== undefined && chunk.message !== null) header = chunk.message;
      if (chunk.offset !== received) {
        done = true;
        callback(null, { ok: false, error: `chunk at ${chunk.offset}, expected ${received}` });
        return;
      }
      chunks.push(chunk.data);
      received += chunk.data.length;
      if (chunk.last) {
        done = true;
        if (header === undefined || this.blocked || this.closed) {
          callback(null, { ok: false, error: header === undefined ? 'no snapshot header' : 'transport blocked' });
          return;
        }
        const m = fromProto(header, new Uint8Array(Buffer.concat(chunks)));
        this.stats.snapshotsReceived++;
        this.log.info({ from: m.from, index: m.snapshot?.metadata.index, bytes: received }, 'snapshot received');
        this.handler?.onMessage(m);
        callback(null, { ok: true, error: '' });
      }
    });
    call.on('end', () => {
      if (!done) callback(null, { ok: false, error: 'stream ended before the last chunk' });
    });
    call.on('error', () => {});
  }

  setPeer(id: NodeId, address: string): void {
    const existing = this.peers.get(id);
    if (existing !== undefined) {
      if (existing.address === address) return;
      this.dropPeer(existing);
    }
    this.peers.set(id, { id, address, client: undefined, stream: undefined, retryAt: 0, openedAt: 0, backoffMs: 50, loggedAt: 0 });
  }

  removePeer(id: NodeId): void {
    const peer = this.peers.get(id);
    if (peer !== undefined) this.dropPeer(peer);
    this.peers.delete(id);
  }

  private dropPeer(peer: Peer): void {
    peer.stream?.end();
    peer.stream = undefined;
    peer.client?.close();
    peer.client = undefined;
  }

  /** Simulates a partition of this member: all traffic in and out is dropped until unblocked. */
  setBlocked(blocked: boolean): void {
    this.blocked = blocked;
    this.log.warn({ blocked }, blocked ? 'transport blocked: dropping all raft traffic' : 'transport unblocked');
  }

  get isBlocked(): boolean {
    return this.blocked;
  }

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    const byPeer = new Map<NodeId, ProtoMessage[]>();
    for (const m of messages) {
      if (this.blocked) {
        this.stats.dropped++;
        if (m.type === 'MsgSnap') this.later(() => this.handler?.onSnapshotStatus(m.to, 'failure'));
        continue;
      }
      if (m.type === 'MsgSnap') {
        this.sendSnapshot(m);
        continue;
      }
      let list = byPeer.get(m.to);
      if (list === undefined) {
        list = [];
        byPeer.set(m.to, list);
      }
      list.push(toProto(m));
    }
    for (const [id, list] of byPeer) this.sendBatch(id, list);
  }

  private client(peer: Peer): RaftServiceClient {
    if (peer.client === undefined) {
      const tls = this.options.tls;
      const credentials =
        tls === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(tls.ca, tls.key, tls.cert);
      const channelOptions: grpc.ChannelOptions = {
        'grpc.max_send_message_length': 256 * 1024 * 1024,
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
        'grpc.initial_reconnect_backoff_ms': 50,
        'grpc.max_reconnect_backoff_ms': 1_000,
      };
      if (tls?.serverName !== undefined) channelOptions['grpc.ssl_target_name_override'] = tls.serverName;
      const Ctor = raftService();
      peer.client = new Ctor(peer.address, credentials, channelOptions) as unknown as RaftServiceClient;
    }
    return peer.client;
  }

  private sendBatch(id: NodeId, messages: ProtoMessage[]): void {
    const peer = this.peers.get(id);
    if (peer === undefined) {
      this.stats.dropped += messages.length;
      return;
    }
    if (peer.stream === undefined) {
      if (Date.now() < peer.retryAt) {
        this.stats.dropped += messages.length;
        return;
      }
      this.openStream(peer);
    }
    const stream = peer.stream as grpc.ClientWritableStream<ProtoBatch>;
    if (stream.writableLength > (this.options.maxBufferedBytes ?? 8 * 1024 * 1024)) {
      // The peer is not reading (stopped, or far slower than us): drop rather than buffer without
      // bound; raft will probe again.
      this.stats.dropped += messages.length;
      this.unreachable(peer, 'stream backed up');
      return;
    }
    stream.write({ cluster: this.options.cluster ?? '', messages });
    this.stats.sentBatches++;
    this.stats.sentMessages += messages.length;
  }

  private openStream(peer: Peer): void {
    const stream = this.client(peer).Send((err) => {
      if (peer.stream === stream) peer.stream = undefined;
      if (err !== null && !this.closed) this.failPeer(peer, err.message);
    });
    stream.on('error', () => {});
    peer.stream = stream;
    peer.openedAt = Date.now();
  }

  private failPeer(peer: Peer, reason: string): void {
    peer.stream = undefined;
    if (Date.now() - peer.openedAt > 2_000) peer.backoffMs = 50;
    peer.retryAt = Date.now() + peer.backoffMs;
    peer.backoffMs = Math.min(peer.backoffMs * 2, 1_000);
    this.unreachable(peer, reason);
  }

  private unreachable(peer: Peer, reason: string): void {
    const now = Date.now();
    if (now - peer.loggedAt > 5_000) {
      peer.loggedAt = now;
      this.log.warn({ peer: peer.id, address: peer.address, reason }, 'peer unreachable');
    }
    this.later(() => this.handler?.onUnreachable(peer.id));
  }

  private sendSnapshot(m: Message): void {
    const peer = this.peers.get(m.to);
    const snap = m.snapshot;
    if (peer === undefined || snap === undefined) {
      this.later(() => this.handler?.onSnapshotStatus(m.to, 'failure'));
      return;
    }
    const data = Buffer.from(snap.data.buffer, snap.data.byteOffset, snap.data.byteLength);
    const chunkBytes = this.options.snapshotChunkBytes ?? 1024 * 1024;
    const header = toProto({ ...m, snapshot: { metadata: snap.metadata, data: new Uint8Array(0) } });
    this.stats.snapshotsSent++;
    this.log.info({ peer: m.to, index: snap.metadata.index, bytes: data.length }, 'sending snapshot');
    const call = this.client(peer).InstallSnapshot((err, ack) => {
      const ok = err === null && ack?.ok === true;
      if (!ok) this.log.warn({ peer: m.to, err: err?.message ?? ack?.error }, 'snapshot send failed');
      this.handler?.onSnapshotStatus(m.to, ok ? 'finish' : 'failure');
    });
    call.on('error', () => {});
    let offset = 0;
    do {
      const chunk = data.subarray(offset, offset + chunkBytes);
      const last = offset + chunk.length >= data.length;
      call.write({ cluster: this.options.cluster ?? '', message: offset === 0 ? header : null, offset, data: chunk, last, totalSize: data.length });
      offset += chunk.length;
    } while (offset < data.length);
    call.end();
  }

  private later(fn: () => void): void {
    setImmediate(() => {
      if (!this.closed) fn();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const peer of this.peers.values()) this.dropPeer(peer);
    const server = this.server;
    if (server !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.log.info('raft transport closed');
  }
}
