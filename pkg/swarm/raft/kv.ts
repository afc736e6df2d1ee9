// The replicated key-value store's client API over a RaftNode (I/O via the node): writes are
// proposals retried under one session sequence number (so each applies at most once), reads are
// linearizable through a read-index barrier unless the caller asks for a local (possibly stale) read.

import { randomBytes } from 'node:crypto';
import { RaftError, isRaftError } from './errors.js';
import { encodeKvRequest, type KvCommand, type KvResult, type KvStateMachine, type KvValue } from './kv-state.js';
import type { RaftNode, RequestOptions } from './node.js';

export interface ReadOptions extends RequestOptions {
  /** false: read this member's state as is, without confirming it is current. Default true. */
  readonly linearizable?: boolean;
}

export class KvStore {
  private readonly client: string;
  private seq = 0;

  constructor(
    readonly node: RaftNode,
    readonly machine: KvStateMachine,
  ) {
    this.client = `${node.id}-${randomBytes(6).toString('hex')}`;
  }

  put(key: string, value: string, options?: RequestOptions): Promise<KvResult> {
    return this.write({ op: 'put', key, value }, options);
  }

  delete(key: string, options?: RequestOptions): Promise<KvResult> {
    return this.write({ op: 'delete', key }, options);
  }

  /** Sets key to value (null deletes) only if its current value is expected (null: absent). */
  compareAndSwap(key: string, expected: string | null, value: string | null, options?: RequestOptions): Promise<KvResult> {
    return this.write({ op: 'cas', key, expected, value }, options);
  }

  async get(key: string, options: ReadOptions = {}): Promise<KvValue | undefined> {
    if (options.linearizable !== false) await this.retry('read', options, (attempt) => this.node.readIndex(attempt));
    return this.machine.get(key);
  }

  async range(prefix: string, options: ReadOptions = {}): Promise<Array<[string, KvValue]>> {
    if (options.linearizable !== false) await this.retry('read', options, (attempt) => this.node.readIndex(attempt));
    return this.machine.range(prefix);
  }

  private write(command: KvCommand, options: RequestOptions = {}): Promise<KvResult> {
    const data = encodeKvRequest({ ...command, client: this.client, seq: ++this.seq });
    return this.retry(command.op, options, (attempt) => this.node.propose(data, attempt) as Promise<KvResult>);
  }

  /**
   * Retries retryable failures (no leader yet, a proposal lost to a leader change, a per-attempt
   * timeout) until the overall deadline; a write keeps its sequence number across attempts.
   */
  private async retry<T>(what: string, options: RequestOptions, attempt: (o: RequestOptions) => Promise<T>): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    let delay = 20;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new RaftError('timeout', `kv ${what} not acknowledged in time`, { node: this.node.id });
      try {
        return await attempt({ signal: options.signal, timeoutMs: Math.min(remaining, 2_000) });
      } catch (err) {
        if (!isRaftError(err) || !err.retryable || err.code === 'aborted') throw err;
        if (options.signal?.aborted) throw new RaftError('aborted', `kv ${what} aborted`, { node: this.node.id }, { cause: options.signal.reason });
        await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
        delay = Math.min(delay * 2, 200);
      }
    }
  }
}
