// The replicated key-value state machine (pure): put/delete/compare-and-swap applied in log order,
// a store-wide revision per mutation (as in etcd), and client sessions so that a command retried
// after a timeout is applied at most once. Reads go through KvStore (kv.ts) with a read index.

import { RaftError } from './errors.js';
import type { StateMachine } from './state-machine.js';
import type { Entry } from './types.js';

export type KvCommand =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string }
  /** Sets key to value (null: deletes it) if its current value is `expected` (null: absent). */
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string | null };

/** A command as logged: the client session fields make retries idempotent. */
export type KvRequest = KvCommand & { readonly client?: string; readonly seq?: number };

export interface KvResult {
  /** For cas: whether the comparison held. Always true for put and delete. */
  readonly ok: boolean;
  /** The value before this command (null: absent). */
  readonly previous: string | null;
  /** The store revision after this command. */
  readonly revision: number;
}

export interface KvValue {
  readonly value: string;
  /** Revision of the last change to this key. */
  readonly modRevision: number;
}

interface Session {
  seq: number;
  result: KvResult;
  lastRevision: number;
}

/** Sessions idle for this many revisions are forgotten (deterministically, at apply time). */
const SESSION_IDLE_REVISIONS = 1_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeKvRequest(request: KvRequest): Uint8Array {
  return encoder.encode(JSON.stringify(request));
}

export function decodeKvRequest(data: Uint8Array): KvRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data));
  } catch (err) {
    throw new RaftError('corrupt', 'kv command is not JSON', { length: data.byteLength }, { cause: err });
  }
  const r = parsed as Partial<KvRequest> & { op?: unknown };
  if (typeof r !== 'object' || r === null || typeof r.key !== 'string' || !['put', 'delete', 'cas'].includes(String(r.op))) {
    throw new RaftError('corrupt', 'malformed kv command', { command: String(parsed) });
  }
  return r as KvRequest;
}

export class KvStateMachine implements StateMachine<KvResult> {
  private readonly data = new Map<string, KvValue>();
  private readonly sessions = new Map<string, Session>();
  revision = 0;
  /** Applied commands that were retries of an already-applied (client, seq). */
  duplicates = 0;

  get(key: string): KvValue | undefined {
    return this.data.get(key);
  }

  /** Keys with the prefix, in key order. */
  range(prefix: string): Array<[string, KvValue]> {
    return [...this.data].filter(([k]) => k.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  get size(): number {
    return this.data.size;
  }

  apply(entry: Entry): KvResult {
    const request = decodeKvRequest(entry.data);
    const session = request.client === undefined ? undefined : this.sessions.get(request.client);
    if (session !== undefined && request.seq !== undefined && request.seq <= session.seq) {
      // A retry of something already applied: answer as the first time, change nothing.
      this.duplicates++;
      return request.seq === session.seq ? session.result : { ok: false, previous: null, revision: this.revision };
    }
    const result = this.execute(request);
    if (request.client !== undefined && request.seq !== undefined) {
      this.sessions.set(request.client, { seq: request.seq, result, lastRevision: this.revision });
    }
    if (this.revision % 1024 === 0) this.expireSessions();
    return result;
  }

  private execute(c: KvCommand): KvResult {
    const previous = this.data.get(c.key)?.value ?? null;
    switch (c.op) {
      case 'put':
        this.revision++;
        this.data.set(c.key, { value: c.value, modRevision: this.revision });
        return { ok: true, previous, revision: this.revision };
      case 'delete':
        this.revision++;
        this.data.delete(c.key);
        return { ok: true, previous, revision: this.revision };
      case 'cas':
        if (previous !== c.expected) return { ok: false, previous, revision: this.revision };
        this.revision++;
        if (c.value === null) this.data.delete(c.key);
        else this.data.set(c.key, { value: c.value, modRevision: this.revision });
        return { ok: true, previous, revision: this.revision };
    }
  }

  private expireSessions(): void {
    for (const [client, s] of this.sessions) {
      if (this.revision - s.lastRevision > SESSION_IDLE_REVISIONS) this.sessions.delete(client);
    }
  }

  snapshot(): Uint8Array {
    return encoder.encode(
      JSON.stringify({
        revision: this.revision,
        data: [...this.data].map(([k, v]) => [k, v.value, v.modRevision]),
        sessions: [...this.sessions].map(([c, s]) => [c, s.seq, s.result, s.lastRevision]),
      }),
    );
  }

  restore(snapshot: Uint8Array): void {
    this.data.clear();
    this.sessions.clear();
    this.revision = 0;
    if (snapshot.byteLength === 0) return;
    const parsed = JSON.parse(decoder.decode(snapshot)) as {
      revision: number;
      data: Array<[string, string, number]>;
      sessions: Array<[string, number, KvResult, number]>;
    };
    this.revision = parsed.revision;
    for (const [k, value, modRevision] of parsed.data) this.data.set(k, { value, modRevision });
    for (const [client, seq, result, lastRevision] of parsed.sessions) this.sessions.set(client, { seq, result, lastRevision });
  }
}
