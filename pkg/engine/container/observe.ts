// Looking into running containers: `top` (host ps filtered to the container's pids) and `stats`
// (cgroup figures plus network counters in the Engine API shape).

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { ConflictError, InternalError, InvalidArgumentError } from '../../errdefs/index.js';
import { parseNetDev } from '../runtime/index.js';
import { nowTimestamp } from './record.js';
import type { ContainerService } from './service.js';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** Splits `ps` output into titles and rows of the given pids (pure). */
export function parsePs(output: string, pids: Set<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim());
  if (lines.length === 0) throw new InternalError('ps printed nothing');
  const titles = lines[0].trim().split(/\s+/);
  const pidIndex = titles.indexOf('PID');
  if (pidIndex < 0) throw new InvalidArgumentError(`Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    // The last column (CMD) may contain spaces: keep it whole.
    const row = [...fields.slice(0, titles.length - 1), fields.slice(titles.length - 1).join(' ')];
    if (pids.has(Number(row[pidIndex]))) processes.push(row);
  }
  return { Titles: titles, Processes: processes };
}

export async function top(svc: ContainerService, reference: string, psArgs: string): Promise<TopResult> {
  const handle = svc.find(reference);
  if (!handle.isRunning) throw new ConflictError(`Container ${handle.id} is not running`);
  const pids = new Set(await svc.deps.runtime.processes(handle.id));
  const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : ['-ef'];
  const output = await new Promise<string>((resolve, reject) => {
    execFile('ps', args, { timeout: 10_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new InternalError(`ps ${args.join(' ')}: ${String(stderr).trim() || err.message}`, { cause: err }));
      else resolve(String(stdout));
    });
  });
  return parsePs(output, pids);
}

export async function statsOnce(svc: ContainerService, reference: string): Promise<Record<string, unknown>> {
  const handle = svc.find(reference);
  const record = handle.record;
  const base = { name: `/${record.name}`, id: record.id, read: nowTimestamp(), num_procs: 0, storage_stats: {} };
  if (!handle.isRunning) {
    return {
      ...base,
      read: '0001-01-01T00:00:00Z',
      pids_stats: {},
      blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
      cpu_stats: { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } },
      memory_stats: {},
    };
  }
  const procStat = await readFile('/proc/stat', 'utf8');
  const stats = await svc.deps.runtime.stats(record.id, record.hostConfig.CgroupParent, {
    procStat,
    onlineCpus: cpus().length,
    hostMemory: svc.deps.hostMemory,
  });
  let networks: Record<string, Record<string, number>> | undefined;
  if (record.state.Pid > 0 && record.hostConfig.NetworkMode !== 'host') {
    networks = parseNetDev(await readFile(`/proc/${record.state.Pid}/net/dev`, 'utf8').catch(() => ''));
  }
  return { ...base, ...stats, ...(networks && Object.keys(networks).length ? { networks } : {}) };
}
