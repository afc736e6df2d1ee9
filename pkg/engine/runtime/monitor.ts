// monitor.ts: starts berth-monitor processes and speaks their line protocol (see
// monitor/berth-monitor.c for the protocol). A monitor owns one container's (or exec's) stdio and
// outlives berthd; berthd reconnects to it after a restart.

import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { BerthError, InternalError, UnavailableError, hasErrno } from '../../errdefs/index.js';

export interface MonitorLaunch {
  /** Path of the berth-monitor binary. */
  binary: string;
  runcBinary: string;
  runcRoot: string;
  id: string;
  socketPath: string;
  pidFile: string;
  exitFile: string;
  runcLog: string;
  /** Where the monitor's own diagnostics go. */
  monitorLog: string;
  bundle?: string;
  processFile?: string;
  tty: boolean;
  consoleSocket?: string;
  openStdin: boolean;
  stdinOnce: boolean;
  log?: { path: string; maxSize: number; maxFiles: number };
  signal?: AbortSignal;
}

export interface ExitRecord {
  exitCode: number;
  signal: number;
  pid: number;
  finishedAt: string;
  error?: string;
}

export type MonitorState =
  | { phase: 'waiting' }
  | { phase: 'starting' }
  | { phase: 'running'; pid: number }
  | { phase: 'exited'; exitCode: number; signal: number };

/** The process could not be started; `message` is the runtime's reason. */
export class StartError extends BerthError {
  constructor(message: string) {
    super('invalid_argument', message);
  }
}

const READY_TIMEOUT_MS = 10_000;

/** Spawns a monitor and resolves once it listens on its socket. */
export function launchMonitor(launch: MonitorLaunch): Promise<void> {
  const args = [
    '--id', launch.id,
    '--runtime', launch.runcBinary,
    '--runtime-root', launch.runcRoot,
    '--socket', launch.socketPath,
    '--pid-file', launch.pidFile,
    '--exit-file', launch.exitFile,
    '--runc-log', launch.runcLog,
    '--sync-fd', '3',
  ];
  if (launch.bundle) args.push('--bundle', launch.bundle);
  if (launch.processFile) args.push('--exec', '--process', launch.processFile);
  if (launch.tty) args.push('--tty', '--console-socket', launch.consoleSocket ?? `${launch.socketPath}.console`);
  if (launch.openStdin) args.push('--stdin');
  if (launch.stdinOnce) args.push('--stdin-once');
  if (launch.log) {
    args.push('--log-path', launch.log.path, '--log-max-size', String(launch.log.maxSize));
    args.push('--log-max-files', String(launch.log.maxFiles));
  }
  const errFd = openSync(launch.monitorLog, 'a', 0o600);
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const child = spawn(launch.binary, args, {
      detached: true,
      stdio: ['ignore', errFd, errFd, 'pipe'],
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
    });
    closeSync(errFd);
    const sync = child.stdio[3] as NodeJS.ReadableStream | null;
    const timer = setTimeout(() => finish(new UnavailableError(`monitor for ${launch.id} did not become ready`)), READY_TIMEOUT_MS);
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.unref();
      (sync as unknown as net.Socket | null)?.destroy();
      if (err) reject(err);
      else resolve();
    };
    child.once('error', (err) => finish(new InternalError(`cannot start ${launch.binary}: ${err.message}`, { cause: err })));
    child.once('exit', (code) => {
      void readFile(launch.monitorLog, 'utf8')
        .catch(() => '')
        .then((text) => finish(new InternalError(`monitor for ${launch.id} exited with ${code}: ${text.trim().split('\n').pop() ?? ''}`)));
    });
    let received = '';
    sync?.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes('ready\n')) finish();
    });
  });
}

function parseState(line: string): MonitorState {
  const parts = line.trim().split(' ');
  switch (parts[1]) {
    case 'waiting':
      return { phase: 'waiting' };
    case 'starting':
      return { phase: 'starting' };
    case 'running':
      return { phase: 'running', pid: Number(parts[2]) };
    default:
      return { phase: 'exited', exitCode: Number(parts[2]), signal: Number(parts[3]) };
  }
}

/**
 * A control connection to a monitor. `exited` resolves when the process exits (with the code)
 * or when the monitor goes away (undefined: read the exit file).
 */
export class MonitorControl {
  private buffer = '';
  private readonly lineWaiters: Array<(line: string) => void> = [];
  private readonly pendingLines: string[] = [];
  private exitResolve!: (value: { exitCode: number; signal: number } | undefined) => void;
  readonly exited: Promise<{ exitCode: number; signal: number } | undefined>;
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    this.exited = new Promise((resolve) => (this.exitResolve = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let index: number;
      while ((index = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, index);
        this.buffer = this.buffer.slice(index + 1);
        this.onLine(line);
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.exitResolve(undefined);
      for (const waiter of this.lineWaiters.splice(0)) waiter('closed');
    });
  }

  static connect(socketPath: string): Promise<{ control: MonitorControl; state: MonitorState }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      socket.once('error', (err) => reject(new UnavailableError(`monitor socket ${socketPath}: ${err.message}`, { cause: err })));
      socket.once('connect', () => {
        const control = new MonitorControl(socket);
        socket.write('control\n');
        control
          .nextLine()
          .then((line) => {
            if (!line.startsWith('state ')) throw new UnavailableError(`monitor ${socketPath} answered "${line}"`);
            const state = parseState(line);
            if (state.phase === 'exited') control.exitResolve({ exitCode: state.exitCode, signal: state.signal });
            resolve({ control, state });
          })
          .catch(reject);
      });
    });
  }

  private onLine(line: string): void {
    if (line.startsWith('exit ')) {
      const [, code, signal] = line.split(' ');
      this.exitResolve({ exitCode: Number(code), signal: Number(signal) });
    }
    const waiter = this.lineWaiters.shift();
    if (waiter) waiter(line);
    else this.pendingLines.push(line);
  }

  private nextLine(): Promise<string> {
    const line = this.pendingLines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => this.lineWaiters.push(resolve));
  }

  /** Starts the process; resolves with its pid, or throws StartError with the runtime's reason. */
  async start(runcLog: string, lastError: (path: string) => Promise<string | undefined>): Promise<number> {
    this.socket.write('start\n');
    for (;;) {
      const line = await this.nextLine();
      if (line.startsWith('pid ')) return Number(line.slice(4));
      if (line.startsWith('error ') || line === 'closed') {
        const reason = (await lastError(runcLog)) ?? line.replace(/^error /, '');
        throw new StartError(reason);
      }
      if (line.startsWith('state running ')) return Number(line.split(' ')[2]);
    }
  }

  resize(rows: number, cols: number): void {
    if (!this.closed) this.socket.write(`resize ${rows} ${cols}\n`);
  }

  closeStdin(): void {
    if (!this.closed) this.socket.write('close-stdin\n');
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface AttachFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** No 8-byte stream headers (tty output is one raw stream). */
  raw: boolean;
}

/** Opens an attach connection: its output is container output, what is written to it is stdin. */
export function connectAttach(socketPath: string, flags: AttachFlags): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    socket.once('error', (err) => reject(new UnavailableError(`monitor socket ${socketPath}: ${err.message}`, { cause: err })));
    socket.once('connect', () => {
      const letters = `${flags.stdin ? 'i' : ''}${flags.stdout ? 'o' : ''}${flags.stderr ? 'e' : ''}${flags.raw ? 'r' : ''}`;
      socket.write(`attach ${letters}\n`);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

export async function readExitFile(path: string): Promise<ExitRecord | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as ExitRecord;
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return undefined;
    if (err instanceof SyntaxError) return undefined;
    throw new InternalError(`reading exit file ${path}: ${String(err)}`, { cause: err });
  }
}
