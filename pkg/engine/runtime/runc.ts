// runc.ts: the only module that runs runc directly (the monitor runs `runc run`/`runc exec`).
// One function per subcommand; argv arrays, a timeout, an explicit env, stderr in errors.

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { BerthError, ConflictError, InternalError, NotFoundError, hasErrno } from '../../errdefs/index.js';

export interface RuncOptions {
  /** Path of the runc binary. */
  binary: string;
  /** runc's state directory (--root), under berthd's exec root. */
  root: string;
}

const RUNC_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };

export class RuncError extends BerthError {
  constructor(
    readonly subcommand: string,
    readonly stderr: string,
    options?: ErrorOptions,
  ) {
    super('internal', `runc ${subcommand}: ${stderr || 'failed'}`, options);
  }
}

function run(opts: RuncOptions, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      opts.binary,
      ['--root', opts.root, ...args],
      { env: RUNC_ENV, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new RuncError(args[0], String(stderr).trim() || err.message, { cause: err }));
          return;
        }
        resolve(String(stdout));
      },
    );
  });
}

function isMissing(err: unknown): boolean {
  return err instanceof RuncError && /does not exist|not exist|container not found/.test(err.stderr);
}

export async function kill(opts: RuncOptions, id: string, signal: string, all = false): Promise<void> {
  try {
    await run(opts, ['kill', ...(all ? ['--all'] : []), id, signal]);
  } catch (err) {
    if (isMissing(err)) throw new NotFoundError(`container ${id} is not running`);
    if (err instanceof RuncError && /not running|process already finished|container not running/.test(err.stderr)) {
      throw new ConflictError(`Container ${id} is not running`);
    }
    throw err;
  }
}

export async function remove(opts: RuncOptions, id: string, force: boolean): Promise<void> {
  try {
    await run(opts, ['delete', ...(force ? ['--force'] : []), id]);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
}

export async function pause(opts: RuncOptions, id: string): Promise<void> {
  await run(opts, ['pause', id]);
}

export async function resume(opts: RuncOptions, id: string): Promise<void> {
  await run(opts, ['resume', id]);
}

export interface RuncState {
  id: string;
  pid: number;
  status: 'creating' | 'created' | 'running' | 'paused' | 'stopped';
  bundle: string;
}

/** The runtime's view of a container, or undefined when runc has no such container. */
export async function state(opts: RuncOptions, id: string): Promise<RuncState | undefined> {
  try {
    return JSON.parse(await run(opts, ['state', id])) as RuncState;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Pids of every process in the container (host pid namespace). */
export async function processes(opts: RuncOptions, id: string): Promise<number[]> {
  try {
    const parsed = JSON.parse(await run(opts, ['ps', '--format', 'json', id])) as number[] | null;
    return parsed ?? [];
  } catch (err) {
    if (isMissing(err)) throw new ConflictError(`Container ${id} is not running`);
    throw err;
  }
}

export interface RuncUpdate {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

/** Applies new limits to a running container's cgroup. */
export async function update(opts: RuncOptions, id: string, resources: RuncUpdate): Promise<void> {
  const args = ['update'];
  if (resources.memory !== undefined) args.push('--memory', String(resources.memory));
  if (resources.memorySwap !== undefined) args.push('--memory-swap', String(resources.memorySwap));
  if (resources.memoryReservation !== undefined) args.push('--memory-reservation', String(resources.memoryReservation));
  if (resources.cpuShares !== undefined) args.push('--cpu-share', String(resources.cpuShares));
  if (resources.cpuPeriod !== undefined) args.push('--cpu-period', String(resources.cpuPeriod));
  if (resources.cpuQuota !== undefined) args.push('--cpu-quota', String(resources.cpuQuota));
  if (resources.cpusetCpus !== undefined) args.push('--cpuset-cpus', resources.cpusetCpus);
  if (resources.cpusetMems !== undefined) args.push('--cpuset-mems', resources.cpusetMems);
  if (resources.pidsLimit !== undefined) args.push('--pids-limit', String(resources.pidsLimit));
  if (resources.blkioWeight !== undefined) args.push('--blkio-weight', String(resources.blkioWeight));
  args.push(id);
  try {
    await run(opts, args);
  } catch (err) {
    if (isMissing(err)) throw new ConflictError(`Container ${id} is not running`);
    throw err;
  }
}

export async function version(binary: string): Promise<{ version: string; commit: string }> {
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { env: RUNC_ENV, timeout: 5_000 }, (err, stdout) => {
      if (err) {
        resolve({ version: 'unknown', commit: '' });
        return;
      }
      const text = String(stdout);
      resolve({
        version: /runc version (\S+)/.exec(text)?.[1] ?? 'unknown',
        commit: /commit: (\S+)/.exec(text)?.[1] ?? '',
      });
    });
  });
}

/**
 * The last error runc logged (its --log file in JSON format), cleaned of Go's source positions,
 * or undefined. This is the text users see when a container cannot start.
 */
export async function lastLoggedError(logPath: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(logPath, 'utf8');
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return undefined;
    throw new InternalError(`reading runc log ${logPath}: ${String(err)}`, { cause: err });
  }
  let message: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; msg?: string };
      if ((entry.level === 'error' || entry.level === 'fatal') && entry.msg) message = entry.msg;
    } catch {
      message = line.trim();
    }
  }
  return message;
}
