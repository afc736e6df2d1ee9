// Integration-test harness: starts a real berthd (from dist/) with its own data and exec roots and
// unix socket, imports the busybox fixture image, and cleans up everything it made (containers,
// monitors, mounts, dirs) by pid and by path, never by name.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from test/helpers in tests and dist/test/helpers in benches). */
function findRepo(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && dir !== '/') dir = path.dirname(dir);
  return dir;
}

export const REPO = findRepo();
export const BERTHD = path.join(REPO, 'dist/cmd/berthd/main.js');
export const BERTH = path.join(REPO, 'dist/cli/main.js');
export const DOCKER = '/usr/local/bin/docker';

/** Throws unless `npm run build` has produced the daemon and the monitor. */
export function requireBuild(): void {
  for (const file of [BERTHD, BERTH, path.join(REPO, 'dist/native/berth-monitor')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before the integration tests`);
  }
}

let busyboxTar: string | undefined;
/** The busybox rootfs tarball built from Debian's busybox-static (once per test process). */
export function busyboxRootfs(): string {
  if (!busyboxTar) {
    const out = path.join('/tmp', `berth-test-busybox-${process.pid}.tar`);
    busyboxTar = execFileSync(path.join(REPO, 'test/fixtures/make-busybox-rootfs.sh'), [out], { encoding: 'utf8' }).trim();
    // One tarball per test process, removed when the process ends.
    process.once('exit', () => rmSync(out, { force: true }));
  }
  return busyboxTar;
}

export interface ApiResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json<T = unknown>(): T;
}

export class TestDaemon {
  process: ChildProcess | undefined;
  /** The network namespace berthd runs in: its bridges, nft table and ports vanish with it. */
  readonly netns: string;
  readonly dir: string;
  readonly socket: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  private logFile: string;

  constructor(prefix = 'bt') {
    // Short paths: unix socket paths are limited to 108 bytes.
    this.dir = mkdtempSync(path.join('/tmp', `${prefix}-`));
    this.socket = path.join(this.dir, 'berth.sock');
    this.dataRoot = path.join(this.dir, 'data');
    this.execRoot = path.join(this.dir, 'run');
    this.logFile = path.join(this.dir, 'berthd.log');
    this.netns = `${prefix}-${path.basename(this.dir).slice(-6)}`;
  }

  get netnsPath(): string {
    return `/run/netns/${this.netns}`;
  }

  /** Runs a command inside the daemon's network namespace (curl to its published ports, …). */
  inNetns(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return run('nsenter', [`--net=${this.netnsPath}`, ...args], process.env, options);
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: `unix://${this.socket}`, DOCKER_CLI_HINTS: 'false' };
  }

  async start(extraArgs: string[] = []): Promise<void> {
    requireBuild();
    const { openSync } = await import('node:fs');
    const log = openSync(this.logFile, 'a');
    if (!existsSync(this.netnsPath)) {
      execFileSync('ip', ['netns', 'add', this.netns]);
      execFileSync('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up']);
    }
    // nsenter, not `ip netns exec` (which remounts /sys and hides the cgroup hierarchy); it execs
    // node, so the pid is berthd's.
    this.process = spawn(
      'nsenter',
      [`--net=${this.netnsPath}`, process.execPath, BERTHD, '--data-root', this.dataRoot, '--exec-root', this.execRoot, '-H', `unix://${this.socket}`, '--log-level', 'debug', ...extraArgs],
      { stdio: ['ignore', log, log] },
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`berthd exited with ${this.process.exitCode}: ${this.logTail()}`);
      try {
        const res = await this.request('GET', '/_ping');
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`berthd did not answer /_ping within 15 s: ${this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** SIGKILL, as a crash would. */
  async kill9(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (child.exitCode === null) await this.kill9();
  }

  request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const req = http.request(
        {
          socketPath: this.socket,
          method,
          path: urlPath,
          headers: { ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const data = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json: <T>() => JSON.parse(data.toString()) as T });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Imports the busybox fixture as busybox:latest. */
  async importBusybox(reference = 'busybox:latest'): Promise<string> {
    const [repo, tag] = reference.split(':');
    const res = await this.request(
      'POST',
      `/images/create?fromSrc=-&repo=${repo}&tag=${tag ?? 'latest'}&changes=${encodeURIComponent('CMD ["sh"]')}`,
      readFileSync(busyboxRootfs()),
      { 'Content-Type': 'application/x-tar' },
    );
    if (res.status !== 200) throw new Error(`import failed: ${res.status} ${res.body.toString()}`);
    return (JSON.parse(res.body.toString().trim().split('\n').pop()!) as { status: string }).status;
  }

  /** Runs the real docker CLI against this daemon. */
  docker(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return run(DOCKER, args, this.env, options);
  }

  /** Runs the berth CLI against this daemon. */
  berth(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return run(process.execPath, [BERTH, ...args], this.env, options);
  }

  /** Monitor pids still alive for this daemon's exec root. */
  monitorPids(): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes('berth-monitor') && cmdline.includes(this.execRoot)) pids.push(Number(entry));
      } catch {
        // gone
      }
    }
    return pids;
  }

  /** Removes every container (through the API when the daemon runs), then the daemon and its dirs. */
  async destroy(): Promise<void> {
    if (this.process && this.process.exitCode === null) {
      try {
        const res = await this.request('GET', '/containers/json?all=1');
        for (const container of res.json<Array<{ Id: string }>>()) {
          await this.request('DELETE', `/containers/${container.Id}?force=1&v=1`);
        }
      } catch {
        // fall through to the hard cleanup
      }
      await this.stop();
    }
    // Anything left (a test that killed the daemon): kill monitors and their containers by pid.
    const runcRoot = path.join(this.execRoot, 'runc');
    if (existsSync(runcRoot)) {
      for (const id of readdirSync(runcRoot)) {
        await new Promise((resolve) => execFile('runc', ['--root', runcRoot, 'delete', '--force', id], () => resolve(undefined)));
      }
    }
    for (const pid of this.monitorPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const mount of readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(this.dir)).reverse()) {
      await new Promise((resolve) => execFile('umount', ['-l', mount], () => resolve(undefined)));
    }
    await rm(this.dir, { recursive: true, force: true });
    if (existsSync(this.netnsPath)) execFileSync('ip', ['netns', 'del', this.netns]);
  }
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { input?: string; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Polls `check` until it returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
