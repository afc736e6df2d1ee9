// cgroups.ts: finds the cgroup layout (v1, hybrid, or unified v2) and reads a container's usage
// figures in the Engine API's stats shape. Parsers are pure; readers take the cgroup root as a
// parameter so tests run them over fixture trees of both layouts.

import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { hasErrno } from '../../errdefs/index.js';

export interface CgroupLayout {
  version: 1 | 2;
  /** Mount point per v1 controller (cpu, cpuacct, memory, pids, blkio, freezer, …). */
  v1: Record<string, string>;
  /** Mount point of the unified (v2) hierarchy, if any. */
  unified?: string;
}

/** Super options of a v1 cgroup mount that name no controller (name=…, release_agent=… have a "="). */
const NOT_CONTROLLERS = new Set(['rw', 'ro', 'relatime', 'nosuid', 'nodev', 'noexec', 'xattr', 'noprefix', 'clone_children', 'cpuset_v2_mode', 'favordynmods', 'none']);

/** Reads /proc/self/mountinfo text into a layout: v2 when only cgroup2 is mounted (pure). */
export function detectCgroupLayout(mountinfo: string): CgroupLayout {
  const v1: Record<string, string> = {};
  let unified: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    const mountPoint = before[4];
    const fsType = after[0];
    if (fsType === 'cgroup2') unified ??= mountPoint;
    if (fsType === 'cgroup') {
      for (const option of (after[2] ?? '').split(',')) {
        if (!option || NOT_CONTROLLERS.has(option) || option.includes('=')) continue;
        v1[option] ??= mountPoint;
      }
    }
  }
  const version = Object.keys(v1).length > 0 ? 1 : 2;
  return { version, v1, ...(unified ? { unified } : {}) };
}

export async function readCgroupLayout(): Promise<CgroupLayout> {
  return detectCgroupLayout(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Whether the memory controller can limit swap (memory.memsw.* on v1, memory.swap.max on v2). */
export async function hasSwapAccounting(layout: CgroupLayout, selfCgroup?: string): Promise<boolean> {
  try {
    if (layout.version === 1) {
      if (!layout.v1.memory) return false;
      await readFile(path.join(layout.v1.memory, 'memory.memsw.limit_in_bytes'));
      return true;
    }
    // v2: the root cgroup has no memory.swap.max; look in our own (non-root) cgroup.
    const own = selfCgroup ?? /^0::(.*)$/m.exec(await readFile('/proc/self/cgroup', 'utf8'))?.[1] ?? '/';
    if (own === '/') return true;
    await readFile(path.join(layout.unified ?? '/sys/fs/cgroup', own, 'memory.swap.max'));
    return true;
  } catch {
    return false;
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (hasErrno(err, 'ENOENT') || hasErrno(err, 'ENODEV') || hasErrno(err, 'EINVAL')) return undefined;
    throw err;
  }
}

async function readNumber(file: string): Promise<number | undefined> {
  const text = await readText(file);
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === 'max') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, memory.events) into a map (pure). */
export function parseFlatKeyed(text: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined && /^-?\d+$/.test(value)) result[key] = Number(value);
  }
  return result;
}

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

/** v1 blkio.throttle.io_service_bytes_recursive ("8:0 Read 1234") (pure). */
export function parseBlkioV1(text: string): BlkioEntry[] {
  const entries: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (!match) continue;
    entries.push({ major: Number(match[1]), minor: Number(match[2]), op: match[3], value: Number(match[4]) });
  }
  return entries;
}

/** v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4 …") into docker's read/write entries (pure). */
export function parseIoStatV2(text: string): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, ...pairs] = line.trim().split(' ');
    const match = /^(\d+):(\d+)$/.exec(device ?? '');
    if (!match) continue;
    const fields = Object.fromEntries(pairs.map((pair) => pair.split('=')).map(([k, v]) => [k, Number(v)]));
    const major = Number(match[1]);
    const minor = Number(match[2]);
    bytes.push({ major, minor, op: 'read', value: fields.rbytes ?? 0 }, { major, minor, op: 'write', value: fields.wbytes ?? 0 });
    ios.push({ major, minor, op: 'read', value: fields.rios ?? 0 }, { major, minor, op: 'write', value: fields.wios ?? 0 });
  }
  return { bytes, ios };
}

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface MemoryStats {
  usage?: number;
  max_usage?: number;
  stats?: Record<string, number>;
  failcnt?: number;
  limit?: number;
}

export interface CgroupStats {
  cpu_stats: CpuStats;
  memory_stats: MemoryStats;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: {
    io_service_bytes_recursive: BlkioEntry[] | null;
    io_serviced_recursive: BlkioEntry[] | null;
    io_queue_recursive: null;
    io_service_time_recursive: null;
    io_wait_time_recursive: null;
    io_merged_recursive: null;
    io_time_recursive: null;
    sectors_recursive: null;
  };
}

/** Total host CPU time in nanoseconds from /proc/stat's first line (USER_HZ = 100) (pure). */
export function parseSystemCpuUsage(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return 0;
  const ticks = line
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .reduce((sum, value) => sum + Number(value), 0);
  return ticks * 10_000_000;
}

/** As dockerd: no limit, or one above the host's memory, is reported as the host's memory. */
function clampLimit(limit: number | undefined, hostMemory: number): number | undefined {
  return limit === undefined || (hostMemory > 0 && limit > hostMemory) ? hostMemory : limit;
}

/**
 * Reads the stats of the cgroup at `cgroupPath` (e.g. /berth/<id>) under the given layout.
 * `hostMemory` is the limit reported when the container has none, as Docker does.
 */
export async function readCgroupStats(
  layout: CgroupLayout,
  cgroupPath: string,
  system: { procStat: string; onlineCpus: number; hostMemory: number },
): Promise<CgroupStats> {
  const systemUsage = parseSystemCpuUsage(system.procStat);
  const emptyBlkio = {
    io_queue_recursive: null,
    io_service_time_recursive: null,
    io_wait_time_recursive: null,
    io_merged_recursive: null,
    io_time_recursive: null,
    sectors_recursive: null,
  } as const;
  if (layout.version === 1) {
    const v1 = (controller: string, file: string): string => path.join(layout.v1[controller] ?? '/nonexistent', cgroupPath, file);
    const cpuacct = layout.v1.cpuacct ? 'cpuacct' : 'cpu';
    const percpuText = await readText(v1(cpuacct, 'cpuacct.usage_percpu'));
    const cpuacctStat = parseFlatKeyed((await readText(v1(cpuacct, 'cpuacct.stat'))) ?? '');
    const throttling = parseFlatKeyed((await readText(v1('cpu', 'cpu.stat'))) ?? '');
    const memoryStat = parseFlatKeyed((await readText(v1('memory', 'memory.stat'))) ?? '');
    // v1's "unlimited" is a huge page-rounded number, above any host's memory.
    const limit = clampLimit(await readNumber(v1('memory', 'memory.limit_in_bytes')), system.hostMemory);
    const blkioBytes = parseBlkioV1((await readText(v1('blkio', 'blkio.throttle.io_service_bytes_recursive'))) ?? '');
    const blkioIos = parseBlkioV1((await readText(v1('blkio', 'blkio.throttle.io_serviced_recursive'))) ?? '');
    const pidsMax = await readNumber(v1('pids', 'pids.max'));
    return {
      cpu_stats: {
        cpu_usage: {
          total_usage: (await readNumber(v1(cpuacct, 'cpuacct.usage'))) ?? 0,
          percpu_usage: percpuText?.trim() ? percpuText.trim().split(/\s+/).map(Number) : undefined,
          // cpuacct.stat is in USER_HZ ticks.
          usage_in_kernelmode: (cpuacctStat.system ?? 0) * 10_000_000,
          usage_in_usermode: (cpuacctStat.user ?? 0) * 10_000_000,
        },
        system_cpu_usage: systemUsage,
        online_cpus: system.onlineCpus,
        throttling_data: {
          periods: throttling.nr_periods ?? 0,
          throttled_periods: throttling.nr_throttled ?? 0,
          throttled_time: throttling.throttled_time ?? 0,
        },
      },
      memory_stats: {
        usage: await readNumber(v1('memory', 'memory.usage_in_bytes')),
        max_usage: await readNumber(v1('memory', 'memory.max_usage_in_bytes')),
        stats: memoryStat,
        failcnt: await readNumber(v1('memory', 'memory.failcnt')),
        limit,
      },
      pids_stats: { current: await readNumber(v1('pids', 'pids.current')), ...(pidsMax !== undefined ? { limit: pidsMax } : {}) },
      blkio_stats: {
        io_service_bytes_recursive: blkioBytes.length ? blkioBytes : null,
        io_serviced_recursive: blkioIos.length ? blkioIos : null,
        ...emptyBlkio,
      },
    };
  }
  const dir = path.join(layout.unified ?? '/sys/fs/cgroup', cgroupPath);
  const cpuStat = parseFlatKeyed((await readText(path.join(dir, 'cpu.stat'))) ?? '');
  const memoryStat = parseFlatKeyed((await readText(path.join(dir, 'memory.stat'))) ?? '');
  const io = parseIoStatV2((await readText(path.join(dir, 'io.stat'))) ?? '');
  const pidsMax = await readNumber(path.join(dir, 'pids.max'));
  return {
    cpu_stats: {
      cpu_usage: {
        total_usage: (cpuStat.usage_usec ?? 0) * 1000,
        usage_in_kernelmode: (cpuStat.system_usec ?? 0) * 1000,
        usage_in_usermode: (cpuStat.user_usec ?? 0) * 1000,
      },
      system_cpu_usage: systemUsage,
      online_cpus: system.onlineCpus,
      throttling_data: {
        periods: cpuStat.nr_periods ?? 0,
        throttled_periods: cpuStat.nr_throttled ?? 0,
        throttled_time: (cpuStat.throttled_usec ?? 0) * 1000,
      },
    },
    memory_stats: {
      usage: await readNumber(path.join(dir, 'memory.current')),
      stats: memoryStat,
      limit: clampLimit(await readNumber(path.join(dir, 'memory.max')), system.hostMemory),
    },
    pids_stats: { current: await readNumber(path.join(dir, 'pids.current')), ...(pidsMax !== undefined ? { limit: pidsMax } : {}) },
    blkio_stats: {
      io_service_bytes_recursive: io.bytes.length ? io.bytes : null,
      io_serviced_recursive: io.ios.length ? io.ios : null,
      ...emptyBlkio,
    },
  };
}

/** Whether the kernel OOM-killed a process of this cgroup (memory.oom_control / memory.events). */
export async function wasOomKilled(layout: CgroupLayout, cgroupPath: string): Promise<boolean> {
  if (layout.version === 1) {
    if (!layout.v1.memory) return false;
    const control = parseFlatKeyed((await readText(path.join(layout.v1.memory, cgroupPath, 'memory.oom_control'))) ?? '');
    return (control.oom_kill ?? 0) > 0;
  }
  const events = parseFlatKeyed((await readText(path.join(layout.unified ?? '/sys/fs/cgroup', cgroupPath, 'memory.events'))) ?? '');
  return (events.oom_kill ?? 0) > 0;
}

/** Network counters of a process's namespace from /proc/PID/net/dev, without lo (pure parser). */
export function parseNetDev(text: string): Record<string, Record<string, number>> {
  const result: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest) continue;
    const iface = name.trim();
    if (iface === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    result[iface] = {
      rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3],
      tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11],
    };
  }
  return result;
}

/** Lists the cgroup's v1 controllers dirs that exist (used to clean up leftovers). */
export async function existingCgroupDirs(layout: CgroupLayout, cgroupPath: string): Promise<string[]> {
  const dirs: string[] = [];
  const roots = layout.version === 1 ? Object.values(layout.v1) : [layout.unified ?? '/sys/fs/cgroup'];
  for (const root of new Set(roots)) {
    try {
      await readdir(path.join(root, cgroupPath));
      dirs.push(path.join(root, cgroupPath));
    } catch {
      // not present under this controller
    }
  }
  return dirs;
}
