// Simulated KV clients (pure): each client issues one operation at a time against the simulated
// cluster, retries on other members after a timeout (with the same session sequence number, so a
// write applies at most once), reads through read index, and records a history for the
// linearizability checker.

import { encodeKvRequest, KvStateMachine, type KvResult } from '../kv-state.js';
import type { KvInput, KvOutput, Operation } from '../linearizability.js';
import type { SeededRandom } from '../rand.js';
import type { NodeId } from '../types.js';
import type { SimCluster } from './cluster.js';

interface Pending {
  readonly input: KvInput;
  readonly call: number;
  readonly seq: number;
  attempt: number;
  /** Writes: the (node, index, term) proposed at in the current attempt. */
  at?: { node: NodeId; index: number; term: number };
  /** Reads: the context of the current attempt. */
  readContext?: string;
  readAt?: { node: NodeId; index: number };
}

export class KvClients {
  readonly history: Array<Operation<KvInput, KvOutput>> = [];
  private readonly pending = new Map<number, Pending>();
  private readonly seqs = new Map<number, number>();
  private stopped = false;
  private readCounter = 0;
  completed = 0;

  constructor(
    private readonly cluster: SimCluster,
    private readonly rng: SeededRandom,
    private readonly options: {
      clients: number;
      keys: number;
      timeoutMs: number;
      thinkMs: number;
      /** A deliberately broken read path (local state, no read index), to show the checker bites. */
      staleReads?: boolean;
    },
  ) {
    cluster.onApply(({ node, entry, result }) => {
      if (entry.type !== 'normal') return;
      for (const [client, p] of this.pending) {
        if (p.at !== undefined && p.at.node === node && p.at.index === entry.index) {
          if (entry.term === p.at.term) this.finish(client, p, { ok: (result as KvResult).ok });
          else p.at = undefined; // our entry was overwritten: the timeout will retry
        }
      }
      this.checkReads(node);
    });
    cluster.onReadState((node, rs) => {
      const context = new TextDecoder().decode(rs.context);
      for (const p of this.pending.values()) {
        if (p.readContext === context) p.readAt = { node, index: rs.index };
      }
      this.checkReads(node);
    });
  }

  start(): void {
    for (let c = 1; c <= this.options.clients; c++) this.next(c);
  }

  /** Stops issuing; operations still pending are recorded with unknown outcome. */
  stop(): void {
    this.stopped = true;
    for (const [client, p] of this.pending) {
      this.history.push({ clientId: client, input: p.input, output: undefined, call: p.call, return: Number.POSITIVE_INFINITY });
    }
    this.pending.clear();
  }

  private next(client: number): void {
    if (this.stopped) return;
    const key = `k${this.rng.int(this.options.keys)}`;
    const roll = this.rng.int(100);
    const value = `v${client}-${this.rng.int(1_000_000)}`;
    let input: KvInput;
    if (roll < 40) input = { op: 'get', key };
    else if (roll < 75) input = { op: 'put', key, value };
    else if (roll < 85) input = { op: 'delete', key };
    else input = { op: 'cas', key, expected: this.rng.chance(0.5) ? null : `v${client}-0`, value };
    const seq = (this.seqs.get(client) ?? 0) + 1;
    this.seqs.set(client, seq);
    const p: Pending = { input, call: this.cluster.now, seq, attempt: 0 };
    this.pending.set(client, p);
    this.attempt(client, p);
  }

  private attempt(client: number, p: Pending): void {
    if (this.stopped || this.pending.get(client) !== p) return;
    p.attempt++;
    p.at = undefined;
    p.readAt = undefined;
    const ids = this.cluster.ids();
    // Prefer a member that says it leads; otherwise any, which will drop or forward.
    const leaders = this.cluster.leaders().map((l) => l.id);
    const target = leaders.length > 0 && this.rng.chance(0.8) ? leaders[this.rng.int(leaders.length)] : ids[this.rng.int(ids.length)];
    if (p.input.op === 'get' && this.options.staleReads === true) {
      const machine = this.cluster.node(target).machine as KvStateMachine;
      const value = machine.get(p.input.key)?.value ?? null;
      this.cluster.schedule(0.1, () => this.finish(client, p, { value }));
      return;
    }
    if (p.input.op === 'get') {
      p.readContext = `read-${client}-${++this.readCounter}`;
      this.cluster.readIndex(target, new TextEncoder().encode(p.readContext));
    } else {
      const { key } = p.input;
      const request =
        p.input.op === 'put'
          ? { op: 'put' as const, key, value: p.input.value }
          : p.input.op === 'delete'
            ? { op: 'delete' as const, key }
            : { op: 'cas' as const, key, expected: p.input.expected, value: p.input.value };
      const at = this.cluster.propose(target, encodeKvRequest({ ...request, client: String(client), seq: p.seq }));
      if (at !== undefined) p.at = { node: target, ...at };
    }
    const attempt = p.attempt;
    this.cluster.schedule(this.options.timeoutMs, () => {
      if (this.pending.get(client) === p && p.attempt === attempt) this.attempt(client, p);
    });
  }

  private checkReads(node: NodeId): void {
    const sim = this.cluster.node(node);
    for (const [client, p] of this.pending) {
      if (p.readAt === undefined || p.readAt.node !== node || sim.appliedIndex < p.readAt.index) continue;
      const machine = sim.machine as KvStateMachine;
      this.finish(client, p, { value: machine.get(p.input.key)?.value ?? null });
    }
  }

  private finish(client: number, p: Pending, output: KvOutput): void {
    this.pending.delete(client);
    this.history.push({ clientId: client, input: p.input, output, call: p.call, return: this.cluster.now });
    this.completed++;
    this.cluster.schedule(this.rng.float() * this.options.thinkMs, () => this.next(client));
  }
}
