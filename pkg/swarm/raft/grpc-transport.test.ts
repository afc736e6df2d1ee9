import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GrpcTransport, type TlsFiles } from './grpc-transport.js';
import { KvStateMachine } from './kv-state.js';
import { KvStore } from './kv.js';
import { RaftNode } from './node.js';
import type { TransportHandler } from './transport.js';
import { message, type Message, type NodeId, type SnapshotStatus } from './types.js';

const logger = pino({ level: process.env.RAFT_LOG_LEVEL ?? 'silent' });

class Inbox implements TransportHandler {
  messages: Message[] = [];
  unreachable: NodeId[] = [];
  snapshots: Array<[NodeId, SnapshotStatus]> = [];
  onMessage(m: Message): void {
    this.messages.push(m);
  }
  onUnreachable(id: NodeId): void {
    this.unreachable.push(id);
  }
  onSnapshotStatus(id: NodeId, status: SnapshotStatus): void {
    this.snapshots.push([id, status]);
  }
}

async function until(pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

let certDir: string;
const tls = new Map<NodeId, TlsFiles>();

/** A cluster CA and one certificate per member (SAN 127.0.0.1), made with openssl. */
beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'berth-raft-tls-'));
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: certDir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=berth-test-ca');
  for (const id of [1, 2, 3, 9]) {
    await writeFile(join(certDir, `ext${id}.cnf`), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `n${id}.key`, '-out', `n${id}.csr`, '-subj', `/CN=node-${id}`);
    // Member 9's certificate is signed by itself, not the cluster CA: it must be refused.
    if (id === 9) run('x509', '-req', '-in', `n${id}.csr`, '-signkey', `n${id}.key`, '-out', `n${id}.pem`, '-days', '2', '-extfile', `ext${id}.cnf`);
    else run('x509', '-req', '-in', `n${id}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `n${id}.pem`, '-days', '2', '-extfile', `ext${id}.cnf`);
    tls.set(id, {
      ca: await readFile(join(certDir, 'ca.pem')),
      cert: await readFile(join(certDir, `n${id}.pem`)),
      key: await readFile(join(certDir, `n${id}.key`)),
    });
  }
}, 60_000);

afterAll(async () => {
  await rm(certDir, { recursive: true, force: true });
});

describe('grpc transport', () => {
  test('carries every wire message type, and chunked snapshots', async () => {
    const a = new GrpcTransport({ id: 1, listen: '127.0.0.1:0', logger, snapshotChunkBytes: 1000 });
    const b = new GrpcTransport({ id: 2, listen: '127.0.0.1:0', logger, snapshotChunkBytes: 1000 });
    const inboxA = new Inbox();
    const inboxB = new Inbox();
    try {
      await a.start(inboxA);
      await b.start(inboxB);
      a.setPeer(2, `127.0.0.1:${b.port}`);
      const sent: Message[] = [
        message({ type: 'MsgApp', from: 1, to: 2, term: 3, logTerm: 2, index: 9, commit: 8, entries: [
          { term: 3, index: 10, type: 'normal', data: new Uint8Array([1, 2, 3]) },
          { term: 3, index: 11, type: 'conf_change', data: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 4]) },
        ] }),
        message({ type: 'MsgHeartbeat', from: 1, to: 2, term: 3, commit: 7, context: new Uint8Array([9]) }),
        message({ type: 'MsgAppResp', from: 1, to: 2, term: 3, index: 5, reject: true, rejectHint: 4, logTerm: 2 }),
        message({ type: 'MsgPreVote', from: 1, to: 2, term: 4, index: 11, logTerm: 3 }),
      ];
      a.send(sent);
      await until(() => inboxB.messages.length === sent.length);
      expect(inboxB.messages).toEqual(sent);
      const data = new Uint8Array(4500).map((_, i) => i % 251);
      a.send([message({ type: 'MsgSnap', from: 1, to: 2, term: 3, snapshot: { metadata: { index: 20, term: 3, confState: { voters: [1, 2], learners: [3] } }, data } })]);
      await until(() => inboxA.snapshots.length === 1);
      expect(inboxA.snapshots[0]).toEqual([2, 'finish']);
      const snap = inboxB.messages.at(-1);
      expect(snap?.snapshot?.metadata).toEqual({ index: 20, term: 3, confState: { voters: [1, 2], learners: [3] } });
      expect(Buffer.from(snap?.snapshot?.data ?? []).equals(Buffer.from(data))).toBe(true);
      // Blocked: nothing gets through, snapshots fail.
      b.setBlocked(true);
      a.send([message({ type: 'MsgHeartbeat', from: 1, to: 2, term: 3 })]);
      await new Promise((r) => setTimeout(r, 100));
      expect(inboxB.messages).toHaveLength(sent.length + 1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('reports a peer that is down as unreachable', async () => {
    const a = new GrpcTransport({ id: 1, listen: '127.0.0.1:0', logger });
    const inbox = new Inbox();
    try {
      await a.start(inbox);
      a.setPeer(2, '127.0.0.1:1'); // nothing listens on port 1
      a.send([message({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1 })]);
      await until(() => inbox.unreachable.includes(2));
    } finally {
      await a.close();
    }
  });

  test('mutual TLS: members with the cluster CA talk, a foreign certificate is refused', async () => {
    const a = new GrpcTransport({ id: 1, listen: '127.0.0.1:0', logger, tls: tls.get(1) });
    const b = new GrpcTransport({ id: 2, listen: '127.0.0.1:0', logger, tls: tls.get(2) });
    const intruder = new GrpcTransport({ id: 9, listen: '127.0.0.1:0', logger, tls: tls.get(9) });
    const inboxB = new Inbox();
    const inboxI = new Inbox();
    try {
      await a.start(new Inbox());
      await b.start(inboxB);
      await intruder.start(inboxI);
      a.setPeer(2, `127.0.0.1:${b.port}`);
      intruder.setPeer(2, `127.0.0.1:${b.port}`);
      a.send([message({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1 })]);
      await until(() => inboxB.messages.length === 1);
      intruder.send([message({ type: 'MsgHeartbeat', from: 9, to: 2, term: 1 })]);
      await until(() => inboxI.unreachable.includes(2));
      expect(inboxB.messages.filter((m) => m.from === 9)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await intruder.close();
    }
  });

  test('three raft nodes over gRPC with mutual TLS replicate a KV store', async () => {
    const root = await mkdtemp(join(tmpdir(), 'berth-raft-grpc-'));
    const transports = [1, 2, 3].map((id) => new GrpcTransport({ id, listen: '127.0.0.1:0', logger, tls: tls.get(id), cluster: 't' }));
    const nodes: RaftNode[] = [];
    try {
      // Bind first so every member knows every port.
      for (const t of transports) await t.start(new Inbox());
      const ports = transports.map((t) => t.port);
      await Promise.all(transports.map((t) => t.close()));
      const peers = new Map<NodeId, string>([1, 2, 3].map((id, i) => [id, `127.0.0.1:${ports[i]}`]));
      const machines = new Map<NodeId, KvStateMachine>();
      for (const id of [1, 2, 3]) {
        const machine = new KvStateMachine();
        machines.set(id, machine);
        const transport = new GrpcTransport({ id, listen: peers.get(id) as string, logger, tls: tls.get(id), cluster: 't' });
        const node = await RaftNode.open({ id, dataDir: join(root, `n${id}`), stateMachine: machine, transport, logger, peers, bootstrapVoters: [1, 2, 3], tickMs: 20 });
        await node.start();
        nodes.push(node);
      }
      await until(() => nodes.some((n) => n.isLeader));
      const leader = nodes.find((n) => n.isLeader) as RaftNode;
      const kv = new KvStore(leader, machines.get(leader.id) as KvStateMachine);
      for (let i = 0; i < 50; i++) await kv.put(`k${i}`, `v${i}`);
      await until(() => [...machines.values()].every((m) => m.get('k49')?.value === 'v49'));
    } finally {
      for (const n of nodes) await n.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
