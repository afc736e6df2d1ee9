// Spawns and drives a cluster of real raft member processes on loopback (I/O): each member is
// `node dist/pkg/swarm/raft/cmd-node.js`. Used by the real-process tests (test/raft-process.test.ts)
// and bench/raft. Every process started here is tracked by pid and killed by close().

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RaftError } from './errors.js';
import type { NodeId } from './types.js';

export interface ProcessClusterOptions {
  readonly size: number;
  /** A directory this cluster owns (data dirs and logs go under it). */
  readonly root: string;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly snapshotEntries?: number;
  readonly snapshotKeep?: number;
  readonly fsync?: boolean;
  readonly logLevel?: string;
  /** Path of cmd-node.js; default: beside this module (run from dist/). */
  readonly script?: string;
  /**
   * Mutual TLS: PEM paths per member (the CA is shared). Members then refuse peers whose
   * certificate the CA did not sign.
   */
  readonly tls?: (id: NodeId) => { ca: string; cert: string; key: string };
}

export interface MemberStatus {
  id: NodeId;
  role: string;
  lead: NodeId;
  term: number;
  commit: number;
  applied: number;
  snapshotIndex: number;
  keys: number;
  metrics: { snapshotsInstalled: number; snapshotsTaken: number; readies: number; proposalBatches: number };
  transport: { blocked: boolean };
}

export interface Member {
  readonly id: NodeId;
  readonly raftPort: number;
  httpPort: number;
  process: ChildProcess | undefined;
  stopped: boolean;
  readonly dataDir: string;
  readonly logPath: string;
  log: WriteStream | undefined;
}

export interface HttpResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** n distinct free loopback ports: all held open until all are chosen, then released. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

function tail(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export class ProcessCluster {
  readonly members = new Map<NodeId, Member>();
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly options: ProcessClusterOptions;
  private readonly script: string;

  private constructor(options: ProcessClusterOptions) {
    this.options = options;
    this.script = options.script ?? join(dirname(fileURLToPath(import.meta.url)), 'cmd-node.js');
  }

  static async start(options: ProcessClusterOptions): Promise<ProcessCluster> {
    const cluster = new ProcessCluster(options);
    const ports = await freePorts(options.size);
    for (let id = 1; id <= options.size; id++) {
      cluster.members.set(id, {
        id,
        raftPort: ports[id - 1],
        httpPort: 0,
        process: undefined,
        stopped: false,
        dataDir: join(options.root, `n${id}`),
        logPath: join(options.root, `n${id}.log`),
        log: undefined,
      });
    }
    try {
      await Promise.all([...cluster.members.keys()].map((id) => cluster.launch(id, true)));
    } catch (err) {
      await cluster.close();
      throw err;
    }
    return cluster;
  }

  member(id: NodeId): Member {
    const m = this.members.get(id);
    if (m === undefined) throw new RaftError('invalid_argument', `no member ${id}`, { id });
    return m;
  }

  private peersArg(): string {
    return [...this.members.values()].map((m) => `${m.id}=127.0.0.1:${m.raftPort}`).join(',');
  }

  /** Starts a member's process and waits for its READY line. */
  async launch(id: NodeId, bootstrap: boolean): Promise<void> {
    const m = this.member(id);
    const o = this.options;
    const args = [
      this.script,
      `--id=${id}`,
      `--listen=127.0.0.1:${m.raftPort}`,
      `--peers=${this.peersArg()}`,
      `--data-dir=${m.dataDir}`,
      `--tick-ms=${o.tickMs ?? 100}`,
      `--election-ticks=${o.electionTicks ?? 10}`,
      `--snapshot-entries=${o.snapshotEntries ?? 10_000}`,
      `--snapshot-keep=${o.snapshotKeep ?? 1_000}`,
      `--fsync=${o.fsync === false ? 'false' : 'true'}`,
      `--log-level=${o.logLevel ?? 'info'}`,
    ];
    if (bootstrap) args.push('--bootstrap');
    if (o.tls !== undefined) {
      const t = o.tls(id);
      args.push(`--tls-ca=${t.ca}`, `--tls-cert=${t.cert}`, `--tls-key=${t.key}`);
    }
    m.log ??= createWriteStream(m.logPath, { flags: 'a' });
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    m.process = child;
    m.stopped = false;
    child.stderr.pipe(m.log, { end: false });
    const ready = new Promise<number>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString('utf8');
        const line = buffered.split('\n').find((l) => l.startsWith('READY '));
        if (line !== undefined) {
          child.stdout.off('data', onData);
          resolve((JSON.parse(line.slice(6)) as { http: number }).http);
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        // The log stream may still be flushing; give it a moment so the tail is useful.
        setTimeout(() => {
          reject(new RaftError('io', `member ${id} exited before READY (${code ?? signal}); log tail:\n${tail(m.logPath, 20)}`, { id }));
        }, 100);
      });
    });
    const timeout = setTimeout(() => child.kill('SIGKILL'), 20_000);
    try {
      m.httpPort = await ready;
    } finally {
      clearTimeout(timeout);
    }
  }

  /** Sends a signal; for SIGKILL/SIGTERM waits for the process to exit. */
  async signal(id: NodeId, signal: NodeJS.Signals): Promise<void> {
    const m = this.member(id);
    const child = m.process;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    if (signal === 'SIGSTOP') m.stopped = true;
    if (signal === 'SIGCONT') m.stopped = false;
    if (signal === 'SIGKILL' || signal === 'SIGTERM') {
      if (m.stopped) child.kill('SIGCONT');
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
      m.process = undefined;
      m.stopped = false;
      return;
    }
    child.kill(signal);
  }

  async restart(id: NodeId): Promise<void> {
    await this.signal(id, 'SIGKILL');
    await this.launch(id, false);
  }

  /** One HTTP request to a member; rejects on network errors and after timeoutMs. */
  http(id: NodeId, method: string, path: string, body?: string, timeoutMs = 3_000): Promise<HttpResult> {
    const m = this.member(id);
    return new Promise<HttpResult>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: m.httpPort, method, path, agent: this.agent, timeout: timeoutMs, headers: body === undefined ? {} : { 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
            } catch (err) {
              reject(err);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new RaftError('timeout', `HTTP ${method} ${path} to member ${id} timed out`, { id })));
      req.on('error', reject);
      req.end(body);
    });
  }

  async status(id: NodeId, timeoutMs = 500): Promise<MemberStatus | undefined> {
    const m = this.member(id);
    if (m.process === undefined || m.stopped) return undefined;
    try {
      const r = await this.http(id, 'GET', '/status', undefined, timeoutMs);
      return r.status === 200 ? (r.body as unknown as MemberStatus) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Polls until a member other than `exclude` reports itself leader of a term above minTerm. */
  async waitLeader(opts: { exclude?: readonly NodeId[]; minTerm?: number; timeoutMs?: number; pollMs?: number } = {}): Promise<{ id: NodeId; term: number }> {
    const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      const statuses = await Promise.all([...this.members.keys()].filter((id) => !(opts.exclude ?? []).includes(id)).map((id) => this.status(id, 300)));
      const leader = statuses.find((s) => s !== undefined && s.role === 'leader' && s.term > (opts.minTerm ?? 0));
      if (leader !== undefined) return { id: leader.id, term: leader.term };
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 10));
    }
    throw new RaftError('timeout', 'no leader elected in time', {});
  }

  /** Kills every member (SIGKILL) and closes logs; idempotent. */
  async close(): Promise<void> {
    for (const id of this.members.keys()) await this.signal(id, 'SIGKILL');
    for (const m of this.members.values()) {
      m.log?.end();
      m.log = undefined;
    }
    this.agent.destroy();
  }
}
