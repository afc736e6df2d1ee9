// Client workloads against a ProcessCluster for the real-process raft tests: writers of unique
// keys (to prove no acknowledged write is lost) and register clients on a few shared keys whose
// history is checked for linearizability. Every request carries client/seq, so retries after a
// lost answer apply at most once.

import type { KvInput, KvOutput, Operation } from '../../pkg/swarm/raft/linearizability.js';
import type { ProcessCluster } from '../../pkg/swarm/raft/process-cluster.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Workload {
  /** key -> value of every write a member acknowledged. */
  readonly acked = new Map<string, string>();
  readonly history: Array<Operation<KvInput, KvOutput>> = [];
  private readonly abort = new AbortController();
  private readonly tasks: Array<Promise<void>> = [];
  private preferred = 1;
  failures = 0;

  constructor(private readonly cluster: ProcessCluster) {}

  start(opts: { writers: number; registerClients: number; keys: number }): void {
    for (let w = 0; w < opts.writers; w++) this.tasks.push(this.writer(`writer-${w}`));
    for (let c = 0; c < opts.registerClients; c++) this.tasks.push(this.registerClient(100 + c, opts.keys));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.tasks);
  }

  get ackedCount(): number {
    return this.acked.size;
  }

  /** Tries members until one answers 200: the last one that worked first, then the others. */
  private async request(method: string, path: string, body: string | undefined, deadline: number): Promise<Record<string, unknown> | undefined> {
    const ids = [...this.cluster.members.keys()];
    let attempt = 0;
    while (Date.now() < deadline) {
      const id = attempt === 0 ? this.preferred : ids[(ids.indexOf(this.preferred) + attempt) % ids.length];
      attempt++;
      const m = this.cluster.member(id);
      if (m.process !== undefined && !m.stopped) {
        try {
          const r = await this.cluster.http(id, method, path, body, 2_000);
          if (r.status === 200 || (r.status === 404 && method === 'GET')) {
            this.preferred = id;
            return r.status === 404 ? { value: null } : r.body;
          }
          const lead = Number(r.body.lead ?? 0);
          if (lead > 0) this.preferred = lead;
        } catch {
          // connection refused, reset or timed out: try the next member
        }
      }
      this.failures++;
      await sleep(attempt % ids.length === 0 ? 50 : 5);
    }
    return undefined;
  }

  private async writer(name: string): Promise<void> {
    for (let seq = 1; !this.abort.signal.aborted; seq++) {
      const key = `${name}-${seq}`;
      const value = `v${seq}-${Date.now()}`;
      // Retry the same (client, seq) until acknowledged: the state machine applies it at most once.
      const result = await this.request('PUT', `/kv/${key}?client=${name}&seq=${seq}`, value, Date.now() + 30_000);
      if (result !== undefined) this.acked.set(key, value);
      else if (!this.abort.signal.aborted) throw new Error(`${name}: write ${key} not acknowledged in 30 s`);
    }
  }

  private async registerClient(clientId: number, keys: number): Promise<void> {
    const client = `register-${clientId}`;
    let seq = 0;
    let n = 0;
    while (!this.abort.signal.aborted) {
      const key = `reg-${n++ % keys}`;
      const roll = Math.random();
      const call = performance.now();
      let input: KvInput;
      let path: string;
      let method: string;
      let body: string | undefined;
      if (roll < 0.5) {
        input = { op: 'get', key };
        method = 'GET';
        path = `/kv/${key}`;
      } else if (roll < 0.85) {
        const value = `${clientId}-${n}`;
        input = { op: 'put', key, value };
        method = 'PUT';
        path = `/kv/${key}?client=${client}&seq=${++seq}`;
        body = value;
      } else {
        const expected = `${clientId}-${n - 3}`;
        const value = `${clientId}-${n}-cas`;
        input = { op: 'cas', key, expected, value };
        method = 'POST';
        path = `/cas?client=${client}&seq=${++seq}`;
        body = JSON.stringify({ key, expected, value });
      }
      const result = await this.request(method, path, body, Date.now() + 30_000);
      if (result === undefined) {
        // Outcome unknown (we stopped, or gave up): it may or may not have taken effect.
        this.history.push({ clientId, input, output: undefined, call, return: Number.POSITIVE_INFINITY });
        continue;
      }
      const output: KvOutput = input.op === 'get' ? { value: (result.value as string | null | undefined) ?? null } : { ok: result.ok === true };
      this.history.push({ clientId, input, output, call, return: performance.now() });
    }
  }
}
