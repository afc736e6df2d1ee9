// A deterministic simulator for raft clusters (pure: simulated time and a seeded RNG only). It
// drives RawNodes the way the runner does (persist after a disk delay, leader appends sent before
// persisting, apply, advance) over a fake network with delays, drops, duplication, reordering and
// partitions, and it crashes and restarts members from what they had persisted. Everything that
// happens is a function of the seed, so a failing run replays exactly.

import { decodeConfChange } from '../confchange.js';
import { describeMessage } from '../describe.js';
import { isRaftError } from '../errors.js';
import { SeededRandom } from '../rand.js';
import { RawNode, canSendBeforePersist } from '../rawnode.js';
import type { StateMachine } from '../state-machine.js';
import { MemoryStorage } from '../storage.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, ReadState } from '../types.js';
import { SafetyChecker } from './checker.js';
import { HashChainMachine } from './hash-machine.js';
import { EventQueue } from './queue.js';
import { RELIABLE_NETWORK, SimNetwork, type NetworkFaults } from './network.js';

export { RELIABLE_NETWORK, UNRELIABLE_NETWORK, type NetworkFaults } from './network.js';

export interface SimOptions {
  readonly seed: number;
  /** Members 1..voters start as voters, the next `learners` ids as learners. */
  readonly voters: number;
  readonly learners?: number;
  /** Simulated ms per tick. */
  readonly tickMs?: number;
  readonly electionTick?: number;
  readonly heartbeatTick?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly maxSizePerMsg?: number;
  readonly maxInflightMsgs?: number;
  readonly network?: Partial<NetworkFaults>;
  /** fsync latency range, ms. */
  readonly diskDelay?: readonly [number, number];
  /** Take a snapshot every this many applied entries (0: never). */
  readonly snapshotEvery?: number;
  /** Entries kept in the log behind a snapshot, for slightly lagging followers. */
  readonly snapshotKeep?: number;
  readonly machine?: () => StateMachine;
  /** Keep the last this many trace lines for failure reports (0: no trace). */
  readonly traceLimit?: number;
}

type SimEvent =
  | { kind: 'tick'; node: NodeId; epoch: number }
  | { kind: 'deliver'; message: Message }
  | { kind: 'persisted'; node: NodeId; epoch: number; ready: Ready }
  | { kind: 'call'; fn: () => void };

export interface ApplyEvent {
  readonly node: NodeId;
  readonly entry: Entry;
  readonly result: unknown;
}

export class SimNode {
  /** What this member has made durable: it survives crashes. */
  storage: MemoryStorage;
  raw: RawNode | undefined = undefined;
  machine: StateMachine;
  /** Bumped at every crash and restart so events of a previous life are ignored. */
  epoch = 0;
  inFlight: Ready | undefined = undefined;
  appliedIndex = 0;
  confState: ConfState;
  restarts = 0;
  /** Snapshots received from a leader and installed. */
  snapshotsInstalled = 0;
  /**
   * The hard state as of the last fsync. The runner writes commit-only changes without fsync, so
   * a crash may lose them: crash() sometimes rolls the disk's commit index back to this.
   */
  syncedHardState: HardState;
  constructor(
    readonly id: NodeId,
    storage: MemoryStorage,
    machine: StateMachine,
  ) {
    this.storage = storage;
    this.machine = machine;
    this.confState = storage.snapshot().metadata.confState;
    this.syncedHardState = storage.hardState();
  }
  get up(): boolean {
    return this.raw !== undefined;
  }
}

export class SimCluster {
  readonly options: Required<Omit<SimOptions, 'network' | 'machine'>>;
  readonly rng: SeededRandom;
  readonly nodes = new Map<NodeId, SimNode>();
  readonly checker = new SafetyChecker();
  now = 0;
  /** Messages handed to the network, by type (including dropped ones). */
  readonly sent = new Map<string, number>();
  totalSent = 0;
  /** Rejected appends sent (a measure of log back-up work). */
  rejectedAppends = 0;
  readonly network: SimNetwork;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly machineFactory: () => StateMachine;
  private readonly applyListeners: Array<(e: ApplyEvent) => void> = [];
  private readonly readListeners: Array<(node: NodeId, rs: ReadState) => void> = [];
  private readonly trace: string[] = [];
  private traceStart = 0;

  constructor(options: SimOptions) {
    this.options = {
      seed: options.seed,
      voters: options.voters,
      learners: options.learners ?? 0,
      tickMs: options.tickMs ?? 10,
      electionTick: options.electionTick ?? 10,
      heartbeatTick: options.heartbeatTick ?? 1,
      preVote: options.preVote ?? true,
      checkQuorum: options.checkQuorum ?? true,
      maxSizePerMsg: options.maxSizePerMsg ?? 64 * 1024,
      maxInflightMsgs: options.maxInflightMsgs ?? 64,
      diskDelay: options.diskDelay ?? [0.1, 1],
      snapshotEvery: options.snapshotEvery ?? 0,
      snapshotKeep: options.snapshotKeep ?? 5,
      traceLimit: options.traceLimit ?? 200,
    };
    this.rng = new SeededRandom(options.seed);
    this.network = new SimNetwork({ ...RELIABLE_NETWORK, ...options.network }, this.rng);
    this.machineFactory = options.machine ?? (() => new HashChainMachine());
    const voters = range(1, this.options.voters);
    const learners = range(this.options.voters + 1, this.options.voters + this.options.learners);
    for (const id of [...voters, ...learners]) {
      const storage = new MemoryStorage();
      // Bootstrap: every initial member starts from the same snapshot at index 1, term 1.
      storage.applySnapshot({
        metadata: { index: 1, term: 1, confState: { voters, learners } },
        data: this.machineFactory().snapshot(),
      });
      this.addMember(id, storage);
    }
  }

  // ---- membership of the simulation ----

  /** Adds a member process with empty storage (not yet in any configuration) and starts it. */
  addEmptyNode(id: NodeId): SimNode {
    return this.addMember(id, new MemoryStorage());
  }

  private addMember(id: NodeId, storage: MemoryStorage): SimNode {
    const node = new SimNode(id, storage, this.machineFactory());
    this.nodes.set(id, node);
    this.start(node);
    return node;
  }

  node(id: NodeId): SimNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no simulated node ${id}`);
    return n;
  }

  ids(): NodeId[] {
    return [...this.nodes.keys()].sort((a, b) => a - b);
  }

  private start(node: SimNode): void {
    node.epoch++;
    node.inFlight = undefined;
    node.machine = this.machineFactory();
    const snap = node.storage.snapshot();
    if (snap.metadata.index > 0) node.machine.restore(snap.data);
    node.appliedIndex = snap.metadata.index;
    node.confState = snap.metadata.confState;
    node.raw = new RawNode({
      id: node.id,
      storage: node.storage,
      electionTick: this.options.electionTick,
      heartbeatTick: this.options.heartbeatTick,
      random: this.rng.fork(),
      applied: snap.metadata.index,
      preVote: this.options.preVote,
      checkQuorum: this.options.checkQuorum,
      maxSizePerMsg: this.options.maxSizePerMsg,
      maxInflightMsgs: this.options.maxInflightMsgs,
    });
    // Members tick out of phase, as real clocks do.
    this.queue.push(this.now + this.rng.float() * this.options.tickMs, { kind: 'tick', node: node.id, epoch: node.epoch });
    this.log(`${node.id} start (term ${node.raw.raft.term}, applied ${node.appliedIndex})`);
  }

  /** Kills a member: volatile state and any unpersisted Ready are lost; its disk stays. */
  crash(id: NodeId): void {
    const node = this.node(id);
    if (!node.up) return;
    node.raw = undefined;
    node.inFlight = undefined;
    node.epoch++;
    const onDisk = node.storage.hardState();
    if (node.syncedHardState.commit < onDisk.commit && this.rng.chance(0.5)) {
      // The unsynced commit index did not survive (term and vote changes are always synced).
      node.storage.setHardState({ ...onDisk, commit: node.syncedHardState.commit });
      this.log(`${id} crash loses unsynced commit ${onDisk.commit} (back to ${node.syncedHardState.commit})`);
    } else {
      this.log(`${id} crash`);
    }
  }

  restart(id: NodeId): void {
    const node = this.node(id);
    this.crash(id);
    node.restarts++;
    this.start(node);
  }

  // ---- network ----

  disconnect(id: NodeId): void {
    this.network.disconnect(id);
    this.log(`${id} disconnect`);
  }

  connect(id: NodeId): void {
    this.network.connect(id);
    this.log(`${id} connect`);
  }

  isConnected(id: NodeId): boolean {
    return this.network.isConnected(id);
  }

  /** Splits members into groups that cannot talk to each other; unlisted members form group 0. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.network.partition(groups);
    this.log(`partition ${groups.map((g) => `[${g.join(' ')}]`).join(' ')}`);
  }

  heal(): void {
    this.network.heal();
    this.log('heal');
  }

  setNetwork(faults: Partial<NetworkFaults>): void {
    this.network.setFaults(faults);
  }

  private sendAll(messages: readonly Message[]): void {
    for (const m of messages) this.sendOne(m);
  }

  private sendOne(m: Message): void {
    this.totalSent++;
    this.sent.set(m.type, (this.sent.get(m.type) ?? 0) + 1);
    if (m.type === 'MsgAppResp' && m.reject) this.rejectedAppends++;
    const target = this.nodes.get(m.to);
    const unreachable = !this.network.linked(m.from, m.to) || target === undefined || !target.up;
    const delays = unreachable ? [] : this.network.plan();
    if (delays.length === 0) {
      this.log(() => `drop ${describeMessage(m)}${unreachable ? ' (unreachable)' : ''}`);
      if (m.type === 'MsgSnap') this.afterDelay(1, () => this.reportSnapshot(m.from, m.to, false));
      return;
    }
    for (const delay of delays) this.queue.push(this.now + delay, { kind: 'deliver', message: m });
  }

  private deliver(m: Message): void {
    const target = this.nodes.get(m.to);
    // Links are checked at delivery too: a partition cuts messages already in flight.
    if (target?.raw === undefined || !this.network.linked(m.from, m.to)) {
      if (m.type === 'MsgSnap') this.reportSnapshot(m.from, m.to, false);
      return;
    }
    this.log(() => `deliver ${describeMessage(m)}`);
    try {
      target.raw.step(m);
    } catch (err) {
      if (!isRaftError(err, 'peer_not_found') && !isRaftError(err, 'proposal_dropped')) throw err;
    }
    if (m.type === 'MsgSnap') this.reportSnapshot(m.from, m.to, true);
    this.kick(target);
  }

  private reportSnapshot(from: NodeId, to: NodeId, ok: boolean): void {
    const sender = this.nodes.get(from);
    if (sender?.raw === undefined) return;
    sender.raw.reportSnapshot(to, ok ? 'finish' : 'failure');
    this.kick(sender);
  }

  // ---- the Ready loop ----

  private kick(node: SimNode): void {
    const raw = node.raw;
    if (raw === undefined || node.inFlight !== undefined || !raw.hasReady()) return;
    const rd = raw.ready();
    node.inFlight = rd;
    if (rd.softState?.role === 'leader') {
      this.log(`${node.id} became leader at term ${raw.raft.term}`);
      this.checker.onLeader(node.id, raw.raft.term, raw.raft.raftLog);
    }
    this.sendAll(rd.messages.filter(canSendBeforePersist));
    const [lo, hi] = this.options.diskDelay;
    const delay = rd.mustSync ? lo + this.rng.float() * (hi - lo) : 0;
    this.queue.push(this.now + delay, { kind: 'persisted', node: node.id, epoch: node.epoch, ready: rd });
  }

  private persisted(node: SimNode, rd: Ready): void {
    const raw = node.raw as RawNode;
    const disk = node.storage;
    if (rd.snapshot !== undefined) disk.applySnapshot(rd.snapshot);
    disk.append(rd.entries);
    if (rd.hardState !== undefined) disk.setHardState(rd.hardState);
    // An fsync makes everything written so far durable, including earlier unsynced commits.
    if (rd.mustSync) node.syncedHardState = disk.hardState();
    if (rd.snapshot !== undefined) {
      node.machine.restore(rd.snapshot.data);
      node.appliedIndex = rd.snapshot.metadata.index;
      node.confState = rd.snapshot.metadata.confState;
      node.snapshotsInstalled++;
      this.log(`${node.id} installed snapshot at ${rd.snapshot.metadata.index}`);
    }
    this.sendAll(rd.messages.filter((m) => !canSendBeforePersist(m)));
    for (const rs of rd.readStates) for (const l of this.readListeners) l(node.id, rs);
    for (const e of rd.committedEntries) this.applyEntry(node, raw, e);
    raw.advance();
    node.inFlight = undefined;
    this.maybeSnapshot(node);
    this.kick(node);
  }

  private applyEntry(node: SimNode, raw: RawNode, e: Entry): void {
    let result: unknown = undefined;
    if (e.type === 'conf_change') {
      const cc = decodeConfChange(e.data);
      node.confState = raw.applyConfChange(cc);
      this.log(`${node.id} applied conf change ${cc.type} ${cc.nodeId} at ${e.index}`);
    } else if (e.data.byteLength > 0) {
      result = node.machine.apply(e);
    }
    node.appliedIndex = e.index;
    const digest = node.machine instanceof HashChainMachine ? node.machine.digest() : undefined;
    this.checker.onApply(node.id, e, digest);
    for (const l of this.applyListeners) l({ node: node.id, entry: e, result });
  }

  private maybeSnapshot(node: SimNode): void {
    const every = this.options.snapshotEvery;
    if (every <= 0) return;
    const snapIndex = node.storage.snapshot().metadata.index;
    if (node.appliedIndex - snapIndex < every) return;
    node.storage.createSnapshot(node.appliedIndex, node.confState, node.machine.snapshot());
    // The runner fsyncs the WAL marker of a snapshot, and with it the commit index before it.
    node.syncedHardState = node.storage.hardState();
    const compactTo = node.appliedIndex - this.options.snapshotKeep;
    if (compactTo > node.storage.firstIndex()) node.storage.compact(compactTo);
    this.log(`${node.id} snapshot at ${node.appliedIndex}, log from ${node.storage.firstIndex()}`);
  }

  // ---- running ----

  private afterDelay(ms: number, fn: () => void): void {
    this.queue.push(this.now + ms, { kind: 'call', fn });
  }

  /** Runs fn at simulated time now + ms. */
  schedule(ms: number, fn: () => void): void {
    this.afterDelay(ms, fn);
  }

  private runEvent(ev: SimEvent): void {
    switch (ev.kind) {
      case 'tick': {
        const node = this.nodes.get(ev.node);
        if (node?.raw === undefined || node.epoch !== ev.epoch) return;
        node.raw.tick();
        this.kick(node);
        this.queue.push(this.now + this.options.tickMs, ev);
        return;
      }
      case 'deliver':
        this.deliver(ev.message);
        return;
      case 'persisted': {
        const node = this.nodes.get(ev.node);
        // A crash in between loses the Ready: it never reached the disk.
        if (node?.raw === undefined || node.epoch !== ev.epoch) return;
        this.persisted(node, ev.ready);
        return;
      }
      case 'call':
        ev.fn();
        return;
    }
  }

  /** Runs the simulation for ms of simulated time. */
  run(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const at = this.queue.peekTime();
      if (at === undefined || at > until) break;
      const ev = this.queue.pop() as { at: number; value: SimEvent };
      this.now = ev.at;
      this.runEvent(ev.value);
    }
    this.now = until;
  }

  /** Runs until pred() holds (checked every `step` ms) or maxMs passes; returns whether it held. */
  runUntil(pred: () => boolean, maxMs: number, step = 5): boolean {
    const deadline = this.now + maxMs;
    while (this.now < deadline) {
      if (pred()) return true;
      this.run(Math.min(step, deadline - this.now));
    }
    return pred();
  }

  // ---- client-side helpers ----

  onApply(listener: (e: ApplyEvent) => void): void {
    this.applyListeners.push(listener);
  }

  onReadState(listener: (node: NodeId, rs: ReadState) => void): void {
    this.readListeners.push(listener);
  }

  /**
   * Proposes on a member if it is the leader (as 6.824's Start): returns (index, term) if it
   * appended, else undefined. Followers do not forward here; use proposeForwarded for that.
   */
  propose(id: NodeId, data: Uint8Array): { index: number; term: number } | undefined {
    const node = this.node(id);
    if (node.raw === undefined || !node.raw.isLeader) return undefined;
    return this.proposeForwarded(id, data);
  }

  /** Proposes on any live member; a follower forwards to the leader it knows. */
  proposeForwarded(id: NodeId, data: Uint8Array): { index: number; term: number } | undefined {
    const node = this.node(id);
    if (node.raw === undefined) return undefined;
    try {
      const at = node.raw.propose(data);
      this.kick(node);
      return at;
    } catch (err) {
      if (isRaftError(err, 'proposal_dropped')) return undefined;
      throw err;
    }
  }

  proposeConfChange(id: NodeId, cc: ConfChange): { index: number; term: number } | undefined {
    const node = this.node(id);
    if (node.raw === undefined || !node.raw.isLeader) return undefined;
    try {
      const at = node.raw.proposeConfChange(cc);
      this.kick(node);
      return at;
    } catch (err) {
      if (isRaftError(err, 'proposal_dropped') || isRaftError(err, 'conf_change_refused')) return undefined;
      throw err;
    }
  }

  readIndex(id: NodeId, context: Uint8Array): boolean {
    const node = this.node(id);
    if (node.raw === undefined) return false;
    node.raw.readIndex(context);
    this.kick(node);
    return true;
  }

  transferLeadership(from: NodeId, to: NodeId): void {
    const node = this.node(from);
    if (node.raw === undefined) return;
    node.raw.transferLeadership(to);
    this.kick(node);
  }

  /** Members that are up and believe they lead, with their terms. */
  leaders(): Array<{ id: NodeId; term: number }> {
    const out: Array<{ id: NodeId; term: number }> = [];
    for (const node of this.nodes.values()) {
      if (node.raw?.isLeader) out.push({ id: node.id, term: node.raw.raft.term });
    }
    return out;
  }

  /** Current term of a live member. */
  term(id: NodeId): number {
    return this.node(id).raw?.raft.term ?? -1;
  }

  /** Raft logs of live members, for log-matching checks. */
  logs(): Map<NodeId, import('../log.js').RaftLog> {
    const out = new Map<NodeId, import('../log.js').RaftLog>();
    for (const node of this.nodes.values()) if (node.raw !== undefined) out.set(node.id, node.raw.raft.raftLog);
    return out;
  }

  checkLogMatching(): void {
    this.checker.checkLogMatching(this.logs());
  }

  /** One line per member: role, term, log bounds, commit, applied and (on a leader) progress. */
  describeState(): string[] {
    const lines: string[] = [];
    for (const node of this.nodes.values()) {
      const raw = node.raw;
      if (raw === undefined) {
        lines.push(`${node.id}: down (disk last index ${node.storage.lastIndex()})`);
        continue;
      }
      const r = raw.raft;
      let line =
        `${node.id}: ${r.role} term=${r.term} vote=${r.vote} lead=${r.lead} log=[${r.raftLog.firstIndex()},${r.raftLog.lastIndex()}]` +
        ` commit=${r.raftLog.committed} applied=${r.raftLog.applied} inflight=${node.inFlight !== undefined}` +
        ` conf=${JSON.stringify(r.confState())}`;
      if (r.role === 'leader') {
        for (const [id, pr] of r.tracker.progress) line += `\n    ${id}: ${pr.describe()}`;
      }
      lines.push(line);
    }
    return lines;
  }

  // ---- tracing ----

  log(line: string | (() => string)): void {
    const limit = this.options.traceLimit;
    if (limit <= 0) return;
    const text = `${this.now.toFixed(2).padStart(9)} ${typeof line === 'string' ? line : line()}`;
    if (this.trace.length < limit) {
      this.trace.push(text);
    } else {
      this.trace[this.traceStart] = text;
      this.traceStart = (this.traceStart + 1) % limit;
    }
  }

  /** The last trace lines, oldest first. */
  recentTrace(): string[] {
    return [...this.trace.slice(this.traceStart), ...this.trace.slice(0, this.traceStart)];
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
