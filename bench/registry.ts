// bench/registry: push and pull throughput of a 200 MB image through `berth registry serve` over
// loopback (berthd and the registry share a network namespace), as a ratio of raw `cat` of the
// same bytes. Also: the registry alone serving the blob (curl), a push that gzips an uncompressed
// layer on the fly, and the peak memory of the registry and of berthd.
// Usage: bench/registry [RUNS] [MB]   (root; run `npm run build` first)

import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import tar from 'tar-stream';
import { DOCKER, TestDaemon } from '../test/helpers/daemon.js';
import { type RegistryProcess, startRegistry } from '../test/helpers/registry.js';

const RUNS = Number(process.argv[2] ?? 3);
const MEGABYTES = Number(process.argv[3] ?? 200);
const MB = 1e6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timed(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, shell = false): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'], shell });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`);
  return seconds;
}

function peakKib(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** A one-file layer tar of `bytes` random bytes (incompressible: what crosses the wire is the image size). */
async function writeLayer(out: string, bytes: number, gzip: boolean): Promise<void> {
  const pack = tar.pack();
  const chunk = 1 << 20;
  const body = Readable.from(
    (function* () {
      for (let left = bytes; left > 0; left -= chunk) yield randomBytes(Math.min(chunk, left));
    })(),
  );
  const entry = pack.entry({ name: 'payload.bin', size: bytes, mode: 0o644, mtime: new Date(0) });
  const packing = pipeline(body, entry).then(() => pack.finalize());
  const source = Readable.from(pack as AsyncIterable<Buffer>);
  const writing = gzip ? pipeline(source, createGzip({ level: constants.Z_BEST_SPEED }), createWriteStream(out)) : pipeline(source, createWriteStream(out));
  await Promise.all([packing, writing]);
}

function line(label: string, seconds: number[], bytes: number, baseline?: number): void {
  const rate = bytes / MB / median(seconds);
  const ratio = baseline === undefined ? '' : `   ${(rate / baseline).toFixed(3)} × cat`;
  process.stdout.write(`  ${label.padEnd(52)} ${rate.toFixed(1).padStart(8)} MB/s   median ${median(seconds).toFixed(2)} s of ${seconds.length}${ratio}\n`);
}

async function main(): Promise<void> {
  const scratch = mkdtempSync('/tmp/bench-registry-');
  const daemon = new TestDaemon('bbreg');
  const registries: RegistryProcess[] = [];
  const env = { ...daemon.env, DOCKER_CONFIG: path.join(scratch, 'docker-config') };
  const docker = (args: string[]): number => timed(DOCKER, args, env);
  try {
    const gzLayer = path.join(scratch, 'layer.tar.gz');
    const plainLayer = path.join(scratch, 'layer.tar');
    await writeLayer(gzLayer, MEGABYTES * MB, true);
    await writeLayer(plainLayer, MEGABYTES * MB, false);
    const bytes = statSync(gzLayer).size;
    const digest = `sha256:${createHash('sha256')
      .update(readFileSync(gzLayer))
      .digest('hex')}`;
    process.stdout.write(`registry throughput: a ${(bytes / MB).toFixed(0)} MB image (one layer, gzip of random bytes) over loopback, ${RUNS} runs\n`);

    // Baseline: raw cat of the same bytes, page cache warm (as the registry's reads are).
    execFileSync('cat', [gzLayer], { stdio: ['ignore', 'ignore', 'ignore'] });
    const copyTarget = path.join(scratch, 'cat-copy');
    const catCopy = Array.from({ length: RUNS }, () => timed('sh', ['-c', `cat '${gzLayer}' > '${copyTarget}'`]));
    const catNull = Array.from({ length: RUNS }, () => timed('sh', ['-c', `cat '${gzLayer}' > /dev/null`]));
    const baseline = bytes / MB / median(catCopy);
    line('raw cat file > file (baseline)', catCopy, bytes);
    line('raw cat file > /dev/null', catNull, bytes);

    await daemon.start();
    const importImage = (file: string, reference: string): void => {
      const [repo, tag] = reference.split(':');
      execFileSync(DOCKER, ['import', file, `${repo}:${tag}`], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    };
    importImage(gzLayer, 'bench/big:1');
    importImage(plainLayer, 'bench/plain:1');
    const bigId = execFileSync(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', 'bench/big:1'], { env, encoding: 'utf8' }).trim();

    const push: number[] = [];
    const pull: number[] = [];
    const serve: number[] = [];
    const pushPlain: number[] = [];
    // The image store's own ingest of the same bytes (store, fsync, unpack) bounds what a pull can do.
    const ingest: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      // A fresh registry per run, so every push uploads the whole layer.
      const registry = await startRegistry(path.join(scratch, `registry-${run}`), { netnsPath: daemon.netnsPath, port: 5100 + run });
      registries.push(registry);
      const name = `${registry.address}/bench/big:1`;
      execFileSync(DOCKER, ['tag', 'bench/big:1', name], { env });
      push.push(docker(['push', name]));
      serve.push(timed('nsenter', [`--net=${daemon.netnsPath}`, 'curl', '-sf', '-o', '/dev/null', `http://${registry.address}/v2/bench/big/blobs/${digest}`]));
      // Every tag of the image goes (earlier runs' registry names too), so the pull downloads and unpacks it all.
      execFileSync(DOCKER, ['rmi', '-f', bigId], { env, stdio: 'ignore' });
      pull.push(docker(['pull', name]));
      if (execFileSync(DOCKER, ['image', 'inspect', '--format', '{{.Id}}', name], { env, encoding: 'utf8' }).trim() !== bigId) throw new Error('the pulled image has another id');
      execFileSync(DOCKER, ['tag', name, 'bench/big:1'], { env });
      const plainName = `${registry.address}/bench/plain:1`;
      execFileSync(DOCKER, ['tag', 'bench/plain:1', plainName], { env });
      pushPlain.push(docker(['push', plainName]));
      ingest.push(docker(['import', gzLayer, 'bench/ingest:1']));
      execFileSync(DOCKER, ['rmi', 'bench/ingest:1'], { env, stdio: 'ignore' });
      const peakRegistry = peakKib(registry.process.pid!);
      process.stdout.write(
        `    run ${run + 1}: push ${push[run].toFixed(2)} s, registry GET ${serve[run].toFixed(2)} s, pull ${pull[run].toFixed(2)} s, gzip-on-push ${pushPlain[run].toFixed(2)} s, import ${ingest[run].toFixed(2)} s; registry peak RSS ${(peakRegistry / 1024).toFixed(0)} MiB\n`,
      );
      await registry.stop();
      rmSync(path.join(scratch, `registry-${run}`), { recursive: true, force: true });
    }
    line('registry GET of the blob (curl > /dev/null)', serve, bytes, baseline);
    line('docker push (stored gzip layer, PUT to the registry)', push, bytes, baseline);
    line('docker pull (download, verify, store, unpack)', pull, bytes, baseline);
    line('docker push, uncompressed layer gzipped on the fly', pushPlain, statSync(plainLayer).size, baseline);
    line('(reference) docker import of the same file: local ingest', ingest, bytes, baseline);
    process.stdout.write(`  berthd peak RSS ${(peakKib(daemon.process!.pid!) / 1024).toFixed(0)} MiB\n`);
  } finally {
    for (const registry of registries) await registry.stop();
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/registry: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
