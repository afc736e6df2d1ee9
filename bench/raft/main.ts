// bench/raft: committed writes/s and commit latency (p50/p99) of a 3-member raft KV cluster of real
// processes on loopback, fsync on, measured like the etcd anchor (shared/anchors/baselines.md):
// HTTP/JSON puts with keep-alive, 100-byte values, a new key per put, sequential to the leader,
// then 64 in flight for 10 s. Run after `npm run build`: node dist/bench/raft/main.js [flags]
//   --nodes=3 --seq=2000 --concurrency=64 --duration=10 --value-bytes=100 --fsync=true --json

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ProcessCluster } from '../../pkg/swarm/raft/process-cluster.js';

interface Result {
  readonly scenario: string;
  readonly writes: number;
  readonly seconds: number;
  readonly writesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '3' },
      seq: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '64' },
      duration: { type: 'string', default: '10' },
      'value-bytes': { type: 'string', default: '100' },
      fsync: { type: 'string', default: 'true' },
      json: { type: 'boolean', default: false },
    },
  });
  const nodes = Number(values.nodes);
  const value = 'x'.repeat(Number(values['value-bytes']));
  const root = await mkdtemp(join(tmpdir(), 'berth-raft-bench-'));
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'pkg', 'swarm', 'raft', 'cmd-node.js');
  let cluster: ProcessCluster | undefined;
  const results: Result[] = [];
  let keyCounter = 0;
  try {
    cluster = await ProcessCluster.start({ size: nodes, root, tickMs: 100, electionTicks: 10, fsync: values.fsync !== 'false', logLevel: 'warn', script });
    const c = cluster;
    const { id: leader } = await c.waitLeader({ timeoutMs: 15_000 });
    const put = async (): Promise<number> => {
      const started = performance.now();
      const r = await c.http(leader, 'PUT', `/kv/bench-${keyCounter++}`, value, 10_000);
      if (r.status !== 200) throw new Error(`put failed: ${r.status} ${JSON.stringify(r.body)}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 200; i++) await put(); // warm up connections and JIT

    // Sequential: one client, one put at a time.
    const seqCount = Number(values.seq);
    const seqLatencies: number[] = [];
    let seqErrors = 0;
    const seqStart = performance.now();
    for (let i = 0; i < seqCount; i++) {
      try {
        seqLatencies.push(await put());
      } catch {
        seqErrors++;
      }
    }
    const seqSeconds = (performance.now() - seqStart) / 1000;
    seqLatencies.sort((a, b) => a - b);
    results.push({
      scenario: `${nodes} members, 1 client, sequential`,
      writes: seqLatencies.length,
      seconds: seqSeconds,
      writesPerSecond: seqLatencies.length / seqSeconds,
      p50Ms: percentile(seqLatencies, 50),
      p99Ms: percentile(seqLatencies, 99),
      errors: seqErrors,
    });

    // Concurrent: `concurrency` clients in flight for `duration` seconds.
    const concurrency = Number(values.concurrency);
    const durationMs = Number(values.duration) * 1000;
    const concLatencies: number[] = [];
    let concErrors = 0;
    const concStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - concStart < durationMs) {
          try {
            concLatencies.push(await put());
          } catch {
            concErrors++;
          }
        }
      }),
    );
    const concSeconds = (performance.now() - concStart) / 1000;
    concLatencies.sort((a, b) => a - b);
    results.push({
      scenario: `${nodes} members, ${concurrency} in flight, ${values.duration} s`,
      writes: concLatencies.length,
      seconds: concSeconds,
      writesPerSecond: concLatencies.length / concSeconds,
      p50Ms: percentile(concLatencies, 50),
      p99Ms: percentile(concLatencies, 99),
      errors: concErrors,
    });
    const status = await c.status(leader);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ fsync: values.fsync !== 'false', results, leaderMetrics: status?.metrics })}\n`);
    } else {
      process.stdout.write(`raft bench: ${nodes} members on loopback, fsync ${values.fsync !== 'false' ? 'on' : 'OFF'}, ${value.length}-byte values\n`);
      process.stdout.write('scenario                                  writes/s    p50 ms    p99 ms   writes  errors\n');
      for (const r of results) {
        process.stdout.write(
          `${r.scenario.padEnd(40)} ${r.writesPerSecond.toFixed(0).padStart(9)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(9)} ${String(r.writes).padStart(8)} ${String(r.errors).padStart(7)}\n`,
        );
      }
      if (status !== undefined) {
        process.stdout.write(
          `leader: ${status.metrics.readies} readies, ${status.metrics.proposalBatches} proposal batches for ${status.applied} applied entries\n`,
        );
      }
    }
  } finally {
    await cluster?.close();
    await rm(root, { recursive: true, force: true });
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`raft bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
