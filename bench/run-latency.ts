// bench/run-latency: how long `berth run --rm busybox true` takes from the CLI to the container's
// exit and removal, against raw `runc run` of an equivalent bundle, in the same process; plus
// berthd's idle memory and what each running container costs.
// Usage: bench/run-latency [RUNS]   (root; builds nothing: run `npm run build` first)

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BERTH, DOCKER, TestDaemon, busyboxRootfs } from '../test/helpers/daemon.js';

const RUNS = Number(process.argv[2] ?? 30);
const WARMUP = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function timeCommand(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`);
  return ms;
}

function measure(label: string, run: () => number): number[] {
  for (let i = 0; i < WARMUP; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(run());
  process.stdout.write(`  ${label.padEnd(48)} median ${median(samples).toFixed(1).padStart(7)} ms   min ${Math.min(...samples).toFixed(1)}   max ${Math.max(...samples).toFixed(1)}\n`);
  return samples;
}

function kib(pid: number, field: 'VmRSS' | 'Pss'): number {
  const file = field === 'Pss' ? `/proc/${pid}/smaps_rollup` : `/proc/${pid}/status`;
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
  return match ? Number(match[1]) : 0;
}

function memAvailableKib(): number {
  return Number(/^MemAvailable:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
}

async function main(): Promise<void> {
  const bundle = path.join('/tmp', `berth-bench-bundle-${process.pid}`);
  mkdirSync(path.join(bundle, 'rootfs'), { recursive: true });
  execFileSync('tar', ['-C', path.join(bundle, 'rootfs'), '-xf', busyboxRootfs()]);
  execFileSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(readFileSync(path.join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[] } };
  spec.process.terminal = false;
  spec.process.args = ['true'];
  writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));

  const daemon = new TestDaemon('bbench');
  try {
    await daemon.start();
    await daemon.importBusybox();
    const env = daemon.env;
    const runcRoot = path.join('/tmp', `berth-bench-runc-${process.pid}`);
    let n = 0;
    process.stdout.write(`run latency, ${RUNS} runs each after ${WARMUP} warm-ups (${os.cpus().length} CPUs, ${os.release()})\n`);
    const runc = measure('raw runc run (bundle, args true)', () => timeCommand('runc', ['--root', runcRoot, 'run', '-b', bundle, `bench${n++}`]));
    const berth = measure('berth run --rm busybox true', () => timeCommand(process.execPath, [BERTH, 'run', '--rm', 'busybox', 'true'], env));
    const berthNone = measure('berth run --rm --network none busybox true', () => timeCommand(process.execPath, [BERTH, 'run', '--rm', '--network', 'none', 'busybox', 'true'], env));
    const nodeFloor = measure('node -e 0 (the CLI runtime floor)', () => timeCommand(process.execPath, ['-e', '0']));
    let docker: number[] | undefined;
    if (existsSync(DOCKER)) docker = measure('docker CLI: docker run --rm busybox true', () => timeCommand(DOCKER, ['run', '--rm', 'busybox', 'true'], env));
    const base = median(runc);
    process.stdout.write('ratios to raw runc (median / median):\n');
    process.stdout.write(`  berth run --rm busybox true                      ${(median(berth) / base).toFixed(2)}x\n`);
    process.stdout.write(`  berth run --rm --network none                    ${(median(berthNone) / base).toFixed(2)}x\n`);
    if (docker) process.stdout.write(`  docker CLI -> berthd                             ${(median(docker) / base).toFixed(2)}x\n`);
    process.stdout.write(`  berth minus node start-up, over runc             ${((median(berth) - median(nodeFloor)) / base).toFixed(2)}x\n`);

    // Memory: idle daemon, then ten sleeping containers.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const pid = daemon.process!.pid!;
    const idleRss = kib(pid, 'VmRSS');
    const idlePss = kib(pid, 'Pss');
    const availableBefore = memAvailableKib();
    const COUNT = 10;
    for (let i = 0; i < COUNT; i++) {
      const result = spawnSync(DOCKER, ['run', '-d', '--name', `mem${i}`, 'busybox', 'sleep', '3600'], { env });
      if (result.status !== 0) spawnSync(process.execPath, [BERTH, 'run', '-d', '--name', `mem${i}`, 'busybox', 'sleep', '3600'], { env });
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const monitors = daemon.monitorPids();
    const monitorRss = monitors.reduce((sum, p) => sum + kib(p, 'VmRSS'), 0) / monitors.length;
    const monitorPss = monitors.reduce((sum, p) => sum + kib(p, 'Pss'), 0) / monitors.length;
    const busyRss = kib(pid, 'VmRSS');
    const perContainerSystem = (availableBefore - memAvailableKib()) / COUNT;
    process.stdout.write('memory:\n');
    process.stdout.write(`  berthd idle                                      RSS ${(idleRss / 1024).toFixed(1)} MiB, PSS ${(idlePss / 1024).toFixed(1)} MiB\n`);
    process.stdout.write(`  per container: berth-monitor                     RSS ${(monitorRss / 1024).toFixed(2)} MiB, PSS ${(monitorPss / 1024).toFixed(2)} MiB (${monitors.length} monitors)\n`);
    process.stdout.write(`  per container: berthd growth                     ${((busyRss - idleRss) / COUNT / 1024).toFixed(2)} MiB\n`);
    process.stdout.write(`  per container: whole system (MemAvailable drop)  ${(perContainerSystem / 1024).toFixed(2)} MiB\n`);
    rmSync(runcRoot, { recursive: true, force: true });
  } finally {
    await daemon.destroy();
    rmSync(bundle, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`run-latency: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
