// A standalone raft KV member process (I/O): the real-process tests and bench/raft spawn it from
// dist/. It runs a RaftNode with the gRPC transport and serves a small HTTP/JSON API on loopback:
//   PUT /kv/<key>  (body: value)          DELETE /kv/<key>         GET /kv/<key>[?stale=1]
//   POST /cas {"key","expected","value"}  GET /status              POST /transport/block|unblock
//   POST /transfer?to=<id>                POST /conf {"type","nodeId","address"}
// Writes accept ?client=<id>&seq=<n> so a client's retries apply at most once.
// Prints one line `READY {"id":..,"raft":..,"http":..}` on stdout when serving; SIGTERM closes.

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { destination, pino } from 'pino';
import { isRaftError, type RaftErrorCode } from './errors.js';
import { GrpcTransport } from './grpc-transport.js';
import { KvStateMachine, encodeKvRequest, type KvRequest, type KvResult } from './kv-state.js';
import { RaftNode } from './node.js';
import type { ConfChangeType, NodeId } from './types.js';

const STATUS: Partial<Record<RaftErrorCode, number>> = {
  no_leader: 503,
  proposal_dropped: 503,
  timeout: 504,
  closed: 503,
  conf_change_refused: 409,
  invalid_argument: 400,
};

function parse(): {
  id: NodeId;
  listen: string;
  http: string;
  peers: Map<NodeId, string>;
  dataDir: string;
  bootstrap: boolean;
  tickMs: number;
  electionTicks: number;
  heartbeatTicks: number;
  snapshotEntries: number;
  snapshotKeep: number;
  fsync: boolean;
  logLevel: string;
  tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined;
} {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      listen: { type: 'string' },
      http: { type: 'string', default: '127.0.0.1:0' },
      peers: { type: 'string' },
      'data-dir': { type: 'string' },
      bootstrap: { type: 'boolean', default: false },
      'tick-ms': { type: 'string', default: '100' },
      'election-ticks': { type: 'string', default: '10' },
      'heartbeat-ticks': { type: 'string', default: '1' },
      'snapshot-entries': { type: 'string', default: '10000' },
      'snapshot-keep': { type: 'string', default: '1000' },
      fsync: { type: 'string', default: 'true' },
      'log-level': { type: 'string', default: 'info' },
      'tls-ca': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
  });
  const required = (name: string, v: string | undefined): string => {
    if (v === undefined || v === '') throw new Error(`--${name} is required`);
    return v;
  };
  const peers = new Map<NodeId, string>();
  for (const part of required('peers', values.peers).split(',')) {
    const [id, address] = part.split('=');
    peers.set(Number(id), address);
  }
  const tls =
    values['tls-ca'] !== undefined
      ? {
          ca: readFileSync(values['tls-ca']),
          cert: readFileSync(required('tls-cert', values['tls-cert'])),
          key: readFileSync(required('tls-key', values['tls-key'])),
        }
      : undefined;
  return {
    id: Number(required('id', values.id)),
    listen: required('listen', values.listen),
    http: values.http as string,
    peers,
    dataDir: required('data-dir', values['data-dir']),
    bootstrap: values.bootstrap as boolean,
    tickMs: Number(values['tick-ms']),
    electionTicks: Number(values['election-ticks']),
    heartbeatTicks: Number(values['heartbeat-ticks']),
    snapshotEntries: Number(values['snapshot-entries']),
    snapshotKeep: Number(values['snapshot-keep']),
    fsync: values.fsync !== 'false',
    logLevel: values['log-level'] as string,
    tls,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024 * 1024) throw new Error('request body over 16 MiB');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function main(): Promise<void> {
  const config = parse();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, destination(2));
  const machine = new KvStateMachine();
  const transport = new GrpcTransport({ id: config.id, listen: config.listen, logger, tls: config.tls, cluster: 'berth-raft' });
  const abort = new AbortController();
  const node = await RaftNode.open({
    id: config.id,
    dataDir: config.dataDir,
    stateMachine: machine,
    transport,
    logger,
    peers: config.peers,
    bootstrapVoters: config.bootstrap ? [...config.peers.keys()] : undefined,
    tickMs: config.tickMs,
    electionTicks: config.electionTicks,
    heartbeatTicks: config.heartbeatTicks,
    snapshotEntries: config.snapshotEntries,
    snapshotKeepEntries: config.snapshotKeep,
    fsync: config.fsync,
    signal: abort.signal,
  });
  await node.start();
  let ownClientSeq = 0;
  const ownClient = `http-${config.id}-${process.pid}`;

  const write = async (request: KvRequest, url: URL): Promise<KvResult> => {
    const client = url.searchParams.get('client') ?? ownClient;
    const seq = url.searchParams.has('seq') ? Number(url.searchParams.get('seq')) : ++ownClientSeq;
    return (await node.propose(encodeKvRequest({ ...request, client, seq }), { timeoutMs: 5_000 })) as KvResult;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        const key = url.pathname.startsWith('/kv/') ? decodeURIComponent(url.pathname.slice(4)) : undefined;
        if (key !== undefined && req.method === 'PUT') {
          reply(res, 200, await write({ op: 'put', key, value: await readBody(req) }, url));
        } else if (key !== undefined && req.method === 'DELETE') {
          reply(res, 200, await write({ op: 'delete', key }, url));
        } else if (key !== undefined && req.method === 'GET') {
          if (url.searchParams.get('stale') !== '1') await node.readIndex({ timeoutMs: 5_000 });
          const value = machine.get(key);
          reply(res, value === undefined ? 404 : 200, value ?? { error: 'not_found' });
        } else if (url.pathname === '/cas' && req.method === 'POST') {
          const body = JSON.parse(await readBody(req)) as { key: string; expected: string | null; value: string | null };
          reply(res, 200, await write({ op: 'cas', key: body.key, expected: body.expected, value: body.value }, url));
        } else if (url.pathname === '/status') {
          const s = node.status();
          reply(res, 200, {
            id: s.id,
            role: s.softState.role,
            lead: s.softState.lead,
            term: s.hardState.term,
            commit: s.hardState.commit,
            applied: s.appliedIndex,
            snapshotIndex: s.snapshotIndex,
            confState: s.confState,
            keys: machine.size,
            revision: machine.revision,
            metrics: node.metrics,
            transport: { ...transport.stats, blocked: transport.isBlocked },
          });
        } else if (url.pathname === '/transport/block' || url.pathname === '/transport/unblock') {
          transport.setBlocked(url.pathname.endsWith('/block'));
          reply(res, 200, { blocked: transport.isBlocked });
        } else if (url.pathname === '/transfer' && req.method === 'POST') {
          node.transferLeadership(Number(url.searchParams.get('to')));
          reply(res, 200, {});
        } else if (url.pathname === '/conf' && req.method === 'POST') {
          const body = JSON.parse(await readBody(req)) as { type: ConfChangeType; nodeId: NodeId; address?: string };
          const cs = await node.proposeConfChange(
            { type: body.type, nodeId: body.nodeId, context: new TextEncoder().encode(body.address ?? '') },
            { timeoutMs: 5_000 },
          );
          reply(res, 200, cs);
        } else {
          reply(res, 404, { error: 'no such endpoint' });
        }
      } catch (err) {
        if (isRaftError(err)) {
          reply(res, STATUS[err.code] ?? 500, { error: err.code, message: err.message, lead: node.leader });
        } else {
          reply(res, 500, { error: 'internal', message: err instanceof Error ? err.message : String(err) });
        }
      }
    })();
  });
  server.keepAliveTimeout = 60_000;
  const [host, port] = config.http.split(':');
  await new Promise<void>((resolve) => server.listen(Number(port), host, resolve));
  const address = server.address();
  const httpPort = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`READY ${JSON.stringify({ id: config.id, raft: transport.port, http: httpPort, pid: process.pid })}\n`);

  const shutdown = (): void => {
    logger.info('shutting down');
    abort.abort();
    server.close();
    server.closeAllConnections();
    void node.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`raft node failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
