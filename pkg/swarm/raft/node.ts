// The raft node runner (I/O): drives a RawNode with a ticker, persists each Ready to the WAL and
// snapshot files before sending and applying it, applies committed entries to a StateMachine,
// answers proposals and linearizable read barriers, takes snapshots and compacts the log.
// One Ready at a time; proposals arriving meanwhile are batched into one append (group commit).

import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { decodeConfChange } from './confchange.js';
import { RaftError, isRaftError } from './errors.js';
import type { RandomSource } from './rand.js';
import { RawNode, canSendBeforePersist } from './rawnode.js';
import type { Snapshotter } from './snapshotter.js';
import type { StateMachine } from './state-machine.js';
import type { MemoryStorage } from './storage.js';
import type { Transport } from './transport.js';
import type { ConfChange, ConfState, Entry, Message, NodeId, Ready, Role, Snapshot, Status } from './types.js';
import { NONE, hardStateEqual } from './types.js';
import type { Wal } from './wal.js';
import { unwrapSnapshot, wrapSnapshot } from './node-codec.js';
import { waitFor, type RequestOptions, type Waiter } from './node-requests.js';
import { loadDurableState } from './node-storage.js';

export type { RequestOptions } from './node-requests.js';

export interface RaftNodeOptions {
  readonly id: NodeId;
  readonly dataDir: string;
  readonly stateMachine: StateMachine;
  readonly transport: Transport;
  readonly logger: Logger;
  /** Addresses of the members known at start (including this node's own). */
  readonly peers: ReadonlyMap<NodeId, string>;
  /**
   * Voters of a brand-new cluster: with an empty data dir, the node bootstraps with this
   * configuration. Omit to join an existing cluster (the node waits for the leader's snapshot).
   */
  readonly bootstrapVoters?: readonly NodeId[];
  /** Milliseconds per raft tick. Default 100. */
  readonly tickMs?: number;
  /** Election timeout in ticks (randomized to [e, 2e)). Default 10. */
  readonly electionTicks?: number;
  /** Heartbeat interval in ticks. Default 1. */
  readonly heartbeatTicks?: number;
  /** Snapshot after this many applied entries. Default 10,000. */
  readonly snapshotEntries?: number;
  /** Entries kept in memory behind a snapshot, for slightly lagging followers. Default 1,000. */
  readonly snapshotKeepEntries?: number;
  /** fdatasync the WAL (default true; false only for measuring everything else). */
  readonly fsync?: boolean;
  readonly walSegmentBytes?: number;
  /** Max entries in one proposal batch. Default 512. */
  readonly maxBatch?: number;
  readonly random?: RandomSource;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  /** Closing this signal closes the node. */
  readonly signal?: AbortSignal;
}

interface ReadWaiter extends Waiter<number> {
  index?: number;
}

interface QueuedProposal {
  readonly key: string;
  readonly data: Uint8Array;
  readonly waiter: Waiter<unknown>;
}

const cryptoRandom: RandomSource = { int: (n) => (n <= 0 ? 0 : randomInt(n)) };

/** Envelope of a proposal: u8 version (1) | 8-byte request id | payload. */
const ENVELOPE_HEADER = 9;

export class RaftNode {
  readonly id: NodeId;
  readonly log: Logger;
  private readonly options: RaftNodeOptions;
  private readonly storage: MemoryStorage;
  private readonly raw: RawNode;
  private readonly wal: Wal;
  private readonly snapshotter: Snapshotter;
  private readonly machine: StateMachine;
  private readonly transport: Transport;
  private readonly members: Map<NodeId, string>;
  private confState: ConfState;
  private appliedIndex: number;
  private snapshotIndex: number;
  private persistedHardState;
  private ticker: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private loopRequested = false;
  private closed = false;
  private fatal: unknown = undefined;
  private readonly requestPrefix: Buffer;
  private requestCounter = 0;
  private readonly proposals = new Map<string, Waiter<unknown>>();
  /** index -> request id, for proposals this node appended as leader. */
  private readonly proposedAt = new Map<number, string>();
  private proposalQueue: QueuedProposal[] = [];
  private readonly confWaiters = new Map<number, Waiter<ConfState> & { term: number }>();
  private readonly readWaiters = new Map<string, ReadWaiter>();
  private readonly leaderListeners: Array<(lead: NodeId, role: Role) => void> = [];
  /**
   * Request completions found while handling a Ready, run after advance(): a caller that reacts
   * to an applied conf change by proposing another must find raft's applied index already moved.
   */
  private completions: Array<() => void> = [];
  /** Counters for status and tests. */
  readonly metrics = { readies: 0, appliedEntries: 0, snapshotsTaken: 0, snapshotsInstalled: 0, proposalBatches: 0 };
  private role: Role = 'follower';
  private lead: NodeId = NONE;

  private constructor(
    options: RaftNodeOptions,
    parts: {
      storage: MemoryStorage;
      wal: Wal;
      snapshotter: Snapshotter;
      members: Map<NodeId, string>;
      confState: ConfState;
      snapshotIndex: number;
    },
  ) {
    this.options = options;
    this.id = options.id;
    this.log = options.logger.child({ component: 'raft', node: options.id });
    this.storage = parts.storage;
    this.wal = parts.wal;
    this.snapshotter = parts.snapshotter;
    this.machine = options.stateMachine;
    this.transport = options.transport;
    this.members = parts.members;
    this.confState = parts.confState;
    this.snapshotIndex = parts.snapshotIndex;
    this.appliedIndex = parts.snapshotIndex;
    const random = options.random ?? cryptoRandom;
    this.requestPrefix = Buffer.alloc(4);
    this.requestPrefix.writeUInt32BE(random.int(0x1_0000_0000) >>> 0);
    this.raw = new RawNode({
      id: options.id,
      storage: this.storage,
      electionTick: options.electionTicks ?? 10,
      heartbeatTick: options.heartbeatTicks ?? 1,
      random,
      applied: parts.snapshotIndex,
      preVote: options.preVote ?? true,
      checkQuorum: options.checkQuorum ?? true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 256,
    });
    this.persistedHardState = this.storage.hardState();
  }

  /** Opens the data dir (replaying the WAL, restoring the latest snapshot) and returns a node. */
  static async open(options: RaftNodeOptions): Promise<RaftNode> {
    const loaded = await loadDurableState(options, options.logger.child({ component: 'raft', node: options.id }));
    return new RaftNode(options, loaded);
  }

  /** Starts the transport, the ticker and the Ready loop. */
  async start(): Promise<void> {
    for (const [id, address] of this.members) if (id !== this.id) this.transport.setPeer(id, address);
    await this.transport.start({
      onMessage: (m) => this.receive(m),
      onUnreachable: (id) => this.input(() => this.raw.reportUnreachable(id)),
      onSnapshotStatus: (id, status) => this.input(() => this.raw.reportSnapshot(id, status)),
    });
    const tickMs = this.options.tickMs ?? 100;
    this.ticker = setInterval(() => this.input(() => this.raw.tick()), tickMs);
    this.options.signal?.addEventListener('abort', () => void this.close(), { once: true });
    this.log.info({ tickMs, electionTicks: this.options.electionTicks ?? 10, members: [...this.members.keys()] }, 'raft node started');
    this.requestLoop();
  }

  private receive(m: Message): void {
    this.input(() => {
      try {
        this.raw.step(m);
      } catch (err) {
        if (!isRaftError(err, 'peer_not_found') && !isRaftError(err, 'proposal_dropped')) throw err;
      }
    });
  }

  /** Runs an input against raft (synchronously) and makes sure the Ready loop will look at it. */
  private input(fn: () => void): void {
    if (this.closed) return;
    try {
      fn();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.requestLoop();
  }

  private requestLoop(): void {
    if (this.closed) return;
    if (this.loop !== undefined) {
      this.loopRequested = true;
      return;
    }
    this.loop = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.runLoop());
  }

  private async runLoop(): Promise<void> {
    try {
      do {
        this.loopRequested = false;
        while (!this.closed) {
          this.flushProposals();
          if (!this.raw.hasReady()) break;
          const rd = this.raw.ready();
          await this.handleReady(rd);
          this.raw.advance();
          this.metrics.readies++;
          this.runCompletions();
          await this.maybeSnapshot();
        }
      } while (this.loopRequested && !this.closed);
    } catch (err) {
      this.fail(err);
    } finally {
      this.loop = undefined;
    }
    if (this.loopRequested && !this.closed) this.requestLoop();
  }

  // ---- the Ready pipeline ----

  private async handleReady(rd: Ready): Promise<void> {
    if (rd.softState !== undefined) this.onSoftState(rd.softState.lead, rd.softState.role);
    // A leader's appends go out while it persists (thesis §10.2.1); everything else after.
    const early = rd.messages.filter(canSendBeforePersist);
    if (early.length > 0) this.transport.send(early);
    if (rd.snapshot !== undefined) await this.snapshotter.save(rd.snapshot);
    const hardState = rd.hardState !== undefined && !hardStateEqual(rd.hardState, this.persistedHardState) ? rd.hardState : undefined;
    if (rd.snapshot !== undefined || rd.entries.length > 0 || hardState !== undefined) {
      await this.wal.save({
        snapshot: rd.snapshot === undefined ? undefined : { index: rd.snapshot.metadata.index, term: rd.snapshot.metadata.term, reset: true },
        entries: rd.entries,
        hardState,
        sync: rd.mustSync,
      });
    }
    if (rd.snapshot !== undefined) this.installSnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (hardState !== undefined) {
      this.storage.setHardState(hardState);
      this.persistedHardState = hardState;
    }
    const late = rd.messages.filter((m) => !canSendBeforePersist(m));
    if (late.length > 0) this.transport.send(late);
    for (const rs of rd.readStates) {
      const waiter = this.readWaiters.get(Buffer.from(rs.context).toString('hex'));
      if (waiter !== undefined) waiter.index = rs.index;
    }
    for (const e of rd.committedEntries) this.applyEntry(e);
    this.releaseReads();
  }

  private runCompletions(): void {
    const completions = this.completions;
    this.completions = [];
    for (const c of completions) c();
  }

  private installSnapshot(snap: Snapshot): void {
    this.storage.applySnapshot(snap);
    const { members, app } = unwrapSnapshot(snap.data);
    this.machine.restore(app);
    for (const [id, address] of members) this.setMember(id, address);
    this.confState = snap.metadata.confState;
    this.appliedIndex = snap.metadata.index;
    this.snapshotIndex = snap.metadata.index;
    this.metrics.snapshotsInstalled++;
    this.log.info({ index: snap.metadata.index, term: snap.metadata.term, confState: this.confState }, 'installed snapshot from leader');
  }

  private applyEntry(e: Entry): void {
    if (e.type === 'conf_change') {
      this.applyConfChange(e);
    } else if (e.data.byteLength >= ENVELOPE_HEADER) {
      const id = Buffer.from(e.data.buffer, e.data.byteOffset + 1, 8).toString('hex');
      const payload = e.data.subarray(ENVELOPE_HEADER);
      const result = this.machine.apply({ term: e.term, index: e.index, type: 'normal', data: payload });
      const waiter = this.proposals.get(id);
      if (waiter !== undefined) {
        this.proposals.delete(id);
        waiter.cleanup();
        this.completions.push(() => waiter.resolve(result));
      }
      if (this.proposedAt.get(e.index) === id) this.proposedAt.delete(e.index);
    }
    this.appliedIndex = e.index;
    this.metrics.appliedEntries++;
    // A proposal this node appended as leader whose slot now holds another entry was lost.
    const lostId = this.proposedAt.get(e.index);
    if (lostId !== undefined) {
      this.proposedAt.delete(e.index);
      const waiter = this.proposals.get(lostId);
      if (waiter !== undefined) {
        this.proposals.delete(lostId);
        waiter.cleanup();
        this.completions.push(() =>
          waiter.reject(new RaftError('proposal_dropped', 'the proposal was overwritten by a new leader; retry', { index: e.index })),
        );
      }
    }
  }

  private applyConfChange(e: Entry): void {
    const cc = decodeConfChange(e.data);
    this.confState = this.raw.applyConfChange(cc);
    const address = new TextDecoder().decode(cc.context);
    if (cc.type === 'remove_node') {
      this.members.delete(cc.nodeId);
      if (cc.nodeId !== this.id) this.transport.removePeer(cc.nodeId);
    } else if (address !== '') {
      this.setMember(cc.nodeId, address);
    }
    this.log.info({ change: cc.type, member: cc.nodeId, index: e.index, confState: this.confState }, 'applied conf change');
    if (cc.nodeId === this.id && cc.type === 'remove_node') this.log.warn({ index: e.index }, 'this node was removed from the cluster');
    const waiter = this.confWaiters.get(e.index);
    if (waiter !== undefined) {
      this.confWaiters.delete(e.index);
      waiter.cleanup();
      const confState = this.confState;
      if (waiter.term === e.term) this.completions.push(() => waiter.resolve(confState));
      else {
        this.completions.push(() =>
          waiter.reject(new RaftError('proposal_dropped', 'the conf change was overwritten by a new leader; retry', { index: e.index })),
        );
      }
    }
  }

  private setMember(id: NodeId, address: string): void {
    this.members.set(id, address);
    if (id !== this.id) this.transport.setPeer(id, address);
  }

  private releaseReads(): void {
    for (const [key, waiter] of this.readWaiters) {
      if (waiter.index !== undefined && waiter.index <= this.appliedIndex) {
        this.readWaiters.delete(key);
        waiter.cleanup();
        const index = waiter.index;
        this.completions.push(() => waiter.resolve(index));
      }
    }
  }

  private onSoftState(lead: NodeId, role: Role): void {
    if (role !== this.role) this.log.info({ transition: `${this.role}->${role}`, term: this.raw.raft.term }, 'role change');
    if (lead !== this.lead) this.log.info({ lead, previous: this.lead, term: this.raw.raft.term }, 'leader change');
    const lostLeadership = this.role === 'leader' && role !== 'leader';
    this.role = role;
    this.lead = lead;
    if (lostLeadership) {
      // Reads waiting for this node's leadership to be confirmed will not be: fail them fast.
      for (const [key, waiter] of this.readWaiters) {
        if (waiter.index === undefined) {
          this.readWaiters.delete(key);
          waiter.cleanup();
          waiter.reject(new RaftError('no_leader', 'leadership lost before the read was confirmed; retry', { node: this.id }));
        }
      }
    }
    for (const l of this.leaderListeners) l(lead, role);
  }

  private async maybeSnapshot(): Promise<void> {
    const every = this.options.snapshotEntries ?? 10_000;
    if (this.appliedIndex - this.snapshotIndex < every) return;
    const index = this.appliedIndex;
    const snap = this.storage.createSnapshot(index, this.confState, wrapSnapshot(this.members, this.machine.snapshot()));
    await this.snapshotter.save(snap);
    await this.wal.save({ snapshot: { index, term: snap.metadata.term, reset: false } });
    this.snapshotIndex = index;
    const compactTo = index - (this.options.snapshotKeepEntries ?? 1_000);
    if (compactTo > this.storage.firstIndex()) this.storage.compact(compactTo);
    const segments = await this.wal.releaseTo(index);
    await this.snapshotter.purge(2);
    this.metrics.snapshotsTaken++;
    this.log.info({ index, term: snap.metadata.term, walSegmentsRemoved: segments, firstIndex: this.storage.firstIndex() }, 'snapshot taken');
  }

  // ---- client API ----

  /**
   * Proposes data; resolves with the state machine's result once the entry is applied here.
   * Rejects with a retryable RaftError (`no_leader`, `proposal_dropped`, `timeout`, `aborted`)
   * when it cannot be sure; the proposal may still be applied later in those cases.
   */
  propose(data: Uint8Array, options: RequestOptions = {}): Promise<unknown> {
    const check = this.checkOpen();
    if (check !== undefined) return Promise.reject(check);
    const requestId = Buffer.alloc(8);
    this.requestPrefix.copy(requestId, 0);
    requestId.writeUInt32BE(this.requestCounter++ >>> 0, 4);
    const envelope = new Uint8Array(ENVELOPE_HEADER + data.byteLength);
    envelope[0] = 1;
    envelope.set(requestId, 1);
    envelope.set(data, ENVELOPE_HEADER);
    const key = requestId.toString('hex');
    return this.wait<unknown>(options, 'proposal', (waiter) => {
      this.proposals.set(key, waiter);
      this.proposalQueue.push({ key, data: envelope, waiter });
      this.requestLoop();
      return () => this.proposals.delete(key);
    });
  }

  /** Turns queued proposals into one MsgProp (one append, one broadcast, one fsync). */
  private flushProposals(): void {
    while (this.proposalQueue.length > 0) {
      const batch = this.proposalQueue.splice(0, this.options.maxBatch ?? 512);
      try {
        const at = this.raw.proposeBatch(batch.map((p) => p.data));
        this.metrics.proposalBatches++;
        if (at !== undefined) {
          batch.forEach((p, i) => {
            p.waiter.at = { index: at.index + i, term: at.term };
            this.proposedAt.set(at.index + i, p.key);
          });
        }
      } catch (err) {
        const error = isRaftError(err, 'proposal_dropped')
          ? new RaftError('no_leader', 'no leader to take the proposal; retry', { node: this.id, term: this.raw.raft.term }, { cause: err })
          : err;
        for (const p of batch) p.waiter.reject(error);
      }
    }
  }

  /** Proposes a membership change (leader only); resolves with the new configuration when applied. */
  proposeConfChange(change: ConfChange, options: RequestOptions = {}): Promise<ConfState> {
    const check = this.checkOpen();
    if (check !== undefined) return Promise.reject(check);
    return this.wait<ConfState>(options, 'conf change', (waiter) => {
      let at: { index: number; term: number } | undefined;
      try {
        at = this.raw.proposeConfChange(change);
      } catch (err) {
        waiter.reject(err);
        return () => {};
      }
      if (at === undefined) {
        waiter.reject(new RaftError('no_leader', 'conf changes must be proposed on the leader', { node: this.id, lead: this.raw.lead }));
        return () => {};
      }
      const index = at.index;
      this.confWaiters.set(index, { ...waiter, term: at.term });
      this.requestLoop();
      return () => this.confWaiters.delete(index);
    });
  }

  /**
   * A linearizable read barrier: resolves (with the read index) once this node's state machine
   * reflects every write acknowledged before the call. Read the state machine right after.
   */
  readIndex(options: RequestOptions = {}): Promise<number> {
    const check = this.checkOpen();
    if (check !== undefined) return Promise.reject(check);
    if (this.raw.lead === NONE) return Promise.reject(new RaftError('no_leader', 'no leader to confirm a read; retry', { node: this.id }));
    const context = Buffer.alloc(8);
    this.requestPrefix.copy(context, 0);
    context.writeUInt32BE(this.requestCounter++ >>> 0, 4);
    const key = context.toString('hex');
    return this.wait<number>(options, 'read index', (waiter) => {
      this.readWaiters.set(key, waiter);
      this.input(() => this.raw.readIndex(context));
      return () => this.readWaiters.delete(key);
    });
  }

  transferLeadership(to: NodeId): void {
    this.input(() => this.raw.transferLeadership(to));
  }

  campaign(): void {
    this.input(() => this.raw.campaign());
  }

  onLeaderChange(listener: (lead: NodeId, role: Role) => void): void {
    this.leaderListeners.push(listener);
  }

  status(): Status & { appliedIndex: number; snapshotIndex: number; members: Record<string, string> } {
    return {
      ...this.raw.status(),
      appliedIndex: this.appliedIndex,
      snapshotIndex: this.snapshotIndex,
      members: Object.fromEntries([...this.members].map(([id, a]) => [String(id), a])),
    };
  }

  get isLeader(): boolean {
    return this.raw.isLeader;
  }

  get leader(): NodeId {
    return this.raw.lead;
  }

  private checkOpen(): RaftError | undefined {
    if (this.fatal !== undefined) return new RaftError('closed', 'raft node stopped after a fatal error', { node: this.id }, { cause: this.fatal });
    if (this.closed) return new RaftError('closed', 'raft node is closed', { node: this.id });
    return undefined;
  }

  private wait<T>(options: RequestOptions, what: string, register: (waiter: Waiter<T>) => () => void): Promise<T> {
    return waitFor(options, what, this.id, register);
  }

  private fail(err: unknown): void {
    if (this.fatal !== undefined || this.closed) return;
    this.fatal = err;
    this.log.error({ err }, 'raft node stopped on a fatal error');
    void this.close();
  }

  /** Stops ticking, finishes the Ready in flight, fails pending requests, closes WAL and transport. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    while (this.loop !== undefined) await this.loop;
    // Requests whose entries were applied before a fatal error still get their answers.
    this.runCompletions();
    const error = new RaftError('closed', 'raft node closed', { node: this.id });
    for (const w of this.proposals.values()) w.reject(error);
    for (const w of this.confWaiters.values()) w.reject(error);
    for (const w of this.readWaiters.values()) w.reject(error);
    for (const p of this.proposalQueue) p.waiter.reject(error);
    this.proposals.clear();
    this.confWaiters.clear();
    this.readWaiters.clear();
    this.proposalQueue = [];
    await this.transport.close();
    await this.wal.close();
    this.log.info('raft node closed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
