// bench/net-throughput: TCP throughput container→container over a berth bridge network and
// host→published port, each as a ratio of the host's loopback measured in the same run with the
// same tools (busybox httpd serving a file from tmpfs, busybox wget reading it).
// Usage: bench/net-throughput [MiB]   (root; after `npm run build`)

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { TestDaemon } from '../test/helpers/daemon.js';

const MIB = Number(process.argv[2] ?? 256);
const ROUNDS = 3;

function best(label: string, samples: number[]): number {
  const ms = Math.min(...samples);
  const rate = (MIB / (ms / 1000)).toFixed(0);
  process.stdout.write(`  ${label.padEnd(44)} ${rate.padStart(6)} MiB/s  (best of ${samples.length}: ${ms.toFixed(0)} ms for ${MIB} MiB)\n`);
  return ms;
}

async function main(): Promise<void> {
  const daemon = new TestDaemon('btput');
  const www = mkdtempSync('/tmp/btput-www-');
  try {
    await daemon.start();
    await daemon.importBusybox();
    const docker = (args: string[]): string => {
      const result = spawnSync(process.execPath, [`${process.cwd()}/dist/cli/main.js`, ...args], { env: daemon.env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`berth ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    };
    const serve = `mkdir -p /www && dd if=/dev/zero of=/www/big bs=1M count=${MIB} 2>/dev/null && exec httpd -f -p 80 -h /www`;

    // Baseline: the same busybox httpd and wget on the host's loopback (the daemon's namespace).
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MIB + 16}m`, 'tmpfs', www]);
    execFileSync('dd', ['if=/dev/zero', `of=${www}/big`, 'bs=1M', `count=${MIB}`], { stdio: 'ignore' });
    const host = spawn('nsenter', [`--net=${daemon.netnsPath}`, 'busybox', 'httpd', '-f', '-p', '127.0.0.1:18001', '-h', www], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const timeWget = (args: string[]): number => {
      const started = process.hrtime.bigint();
      const result = spawnSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
      if (result.status !== 0) throw new Error(`${args.join(' ')}: ${result.stderr?.toString()}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const loopback: number[] = [];
    for (let i = 0; i < ROUNDS; i++) loopback.push(timeWget(['nsenter', `--net=${daemon.netnsPath}`, 'busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:18001/big']));
    host.kill();

    docker(['network', 'create', 'bench']);
    docker(['run', '-d', '--name', 'server', '--network', 'bench', '--tmpfs', '/www:size=1g', '-p', '18002:80', 'busybox', 'sh', '-c', serve]);
    docker(['run', '-d', '--name', 'client', '--network', 'bench', 'busybox', 'sleep', '3600']);
    await new Promise((resolve) => setTimeout(resolve, 1500 + MIB * 4));
    const bridge: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // busybox's `time` measures inside the container, so the exec's own cost is left out.
      const result = spawnSync(process.execPath, [`${process.cwd()}/dist/cli/main.js`, 'exec', 'client', 'time', 'wget', '-q', '-O', '/dev/null', 'http://server/big'], { env: daemon.env, encoding: 'utf8' });
      const match = /real\s+(\d+)m\s*([\d.]+)s/.exec(result.stderr);
      if (result.status !== 0 || !match) throw new Error(`exec wget: ${result.stderr}`);
      bridge.push((Number(match[1]) * 60 + Number(match[2])) * 1000);
    }
    const published: number[] = [];
    for (let i = 0; i < ROUNDS; i++) published.push(timeWget(['nsenter', `--net=${daemon.netnsPath}`, 'busybox', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:18002/big']));

    process.stdout.write(`TCP throughput, busybox httpd → busybox wget, ${MIB} MiB per transfer\n`);
    const base = best('host loopback (baseline)', loopback);
    const bridged = best('container → container over the bridge', bridge);
    const viaPort = best('host → published port (127.0.0.1, DNAT)', published);
    process.stdout.write('ratios to loopback (throughput):\n');
    process.stdout.write(`  container → container                        ${(base / bridged).toFixed(2)}x  (timed inside the container, 10 ms resolution)\n`);
    process.stdout.write(`  host → published port                        ${(base / viaPort).toFixed(2)}x\n`);
  } finally {
    spawnSync('umount', [www]);
    rmSync(www, { recursive: true, force: true });
    await daemon.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`net-throughput: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
