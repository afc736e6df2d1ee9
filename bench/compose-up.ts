// bench/compose-up: `berth compose up -d` and `down -v` of the 5-service stack the docker-compose
// anchor measured (/work/shared/anchors/fixtures/compose5-init: busybox with init, one network, one
// named volume, one published port, depends_on), on a berthd of its own with busybox imported
// locally; printed beside the anchor's docker-compose figures on dockerd. With docker-compose
// installed it also times that client against the same berthd.
// Usage: bench/compose-up [RUNS]   (root; run `npm run build` first)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BERTH, TestDaemon } from '../test/helpers/daemon.js';

const RUNS = Number(process.argv[2] ?? 20);
const WARMUP = 2;
const ANCHOR_FILE = '/work/shared/anchors/fixtures/compose5-init/docker-compose.yml';
/** docker-compose 1.29.2 on dockerd 20.10 (baselines.md, row d): median (min–max) over 20 runs. */
const ANCHOR = { up: { median: 1908, min: 1580, max: 2205 }, down: { median: 1164, min: 1044, max: 1319 } };
/** The anchor's file, byte for byte, for machines without /work/shared. */
const COMPOSE5_INIT = `version: "3.8"
services:
  s1: {image: busybox, init: true, command: sleep 3600, networks: [net5]}
  s2: {image: busybox, init: true, command: sleep 3600, networks: [net5], depends_on: [s1]}
  s3: {image: busybox, init: true, command: sleep 3600, networks: [net5], depends_on: [s1]}
  s4: {image: busybox, init: true, command: sleep 3600, networks: [net5], volumes: ["v5:/data"]}
  s5: {image: busybox, init: true, command: httpd -f -p 80, networks: [net5], ports: ["8085:80"]}
networks:
  net5: {}
volumes:
  v5: {}
`;

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

function timed(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${result.status}: ${result.stderr?.toString()}`);
  return ms;
}

const row = (label: string, s: Stats): string => `  ${label.padEnd(44)} median ${s.median.toFixed(0).padStart(5)} ms   min ${s.min.toFixed(0).padStart(5)}   max ${s.max.toFixed(0).padStart(5)}\n`;

async function main(): Promise<void> {
  const scratch = mkdtempSync('/tmp/berth-bench-compose-');
  let file = ANCHOR_FILE;
  if (!existsSync(file)) {
    file = path.join(scratch, 'docker-compose.yml');
    writeFileSync(file, COMPOSE5_INIT);
  }
  const daemon = new TestDaemon('bcup');
  try {
    await daemon.start();
    await daemon.importBusybox();
    const env = { ...daemon.env, COMPOSE_PROGRESS: 'quiet' };
    const running = async (): Promise<number> => (await daemon.request('GET', '/containers/json?filters=' + encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.project=c5'] })))).json<unknown[]>().length;
    const cycle = async (client: 'berth' | 'docker-compose'): Promise<{ up: number; down: number }> => {
      const [command, prefix] = client === 'berth' ? [process.execPath, [BERTH, 'compose', '-p', 'c5', '-f', file]] : ['docker-compose', ['-p', 'c5', '-f', file]];
      const up = timed(command, [...prefix, 'up', '-d'], env, scratch);
      const count = await running();
      if (count !== 5) throw new Error(`${client} up -d left ${count} containers running, not 5`);
      const down = timed(command, [...prefix, 'down', '-v'], env, scratch);
      if ((await running()) !== 0) throw new Error(`${client} down -v left containers behind`);
      return { up, down };
    };
    const measure = async (client: 'berth' | 'docker-compose'): Promise<{ up: Stats; down: Stats }> => {
      for (let i = 0; i < WARMUP; i++) await cycle(client);
      const ups: number[] = [];
      const downs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const { up, down } = await cycle(client);
        ups.push(up);
        downs.push(down);
      }
      return { up: stats(ups), down: stats(downs) };
    };

    process.stdout.write(`compose up -d / down -v of ${file}\n${RUNS} runs each after ${WARMUP} warm-ups, ${os.cpus().length} CPUs, ${os.release()}, load ${os.loadavg()[0]!.toFixed(2)}\n`);
    const berth = await measure('berth');
    process.stdout.write(row('berth compose up -d       (berthd)', berth.up));
    process.stdout.write(row('berth compose down -v     (berthd)', berth.down));
    process.stdout.write(row('anchor: docker-compose up -d   (dockerd)', ANCHOR.up));
    process.stdout.write(row('anchor: docker-compose down -v (dockerd)', ANCHOR.down));
    if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) {
      const python = await measure('docker-compose');
      process.stdout.write(row('docker-compose up -d      (berthd)', python.up));
      process.stdout.write(row('docker-compose down -v    (berthd)', python.down));
    }
    process.stdout.write(`ratio to the anchor (median / median): up ${(berth.up.median / ANCHOR.up.median).toFixed(2)}x, down ${(berth.down.median / ANCHOR.down.median).toFixed(2)}x\n`);
  } finally {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
