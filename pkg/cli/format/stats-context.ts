// `stats` rows (pure): docker's CPU/memory/IO calculations from a stats sample and statsContext.
import type { ContainerStats } from '../../client/index.js';
import { RowContext } from './formatter.js';
import { truncateId } from './text.js';
import { bytesSize, humanSizeWithPrecision } from './units.js';

export const STATS_TABLE_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';
export const STATS_HEADERS: Record<string, string> = {
  Container: 'CONTAINER',
  Name: 'NAME',
  ID: 'CONTAINER ID',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};

/** What one row shows; `invalid` rows (no sample yet, or an error) print `--`. */
export interface StatsEntry {
  container: string;
  name: string;
  id: string;
  cpuPercentage: number;
  memory: number;
  memoryLimit: number;
  memoryPercentage: number;
  networkRx: number;
  networkTx: number;
  blockRead: number;
  blockWrite: number;
  pidsCurrent: number;
  invalid: boolean;
}

export function emptyStatsEntry(container: string): StatsEntry {
  return { container, name: '', id: '', cpuPercentage: 0, memory: 0, memoryLimit: 0, memoryPercentage: 0, networkRx: 0, networkTx: 0, blockRead: 0, blockWrite: 0, pidsCurrent: 0, invalid: true };
}

/** docker's calculateCPUPercentUnix: share of the host's CPU time over the sample, × online CPUs. */
export function cpuPercent(sample: ContainerStats): number {
  const cpuDelta = sample.cpu_stats.cpu_usage.total_usage - (sample.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (sample.cpu_stats.system_cpu_usage ?? 0) - (sample.precpu_stats?.system_cpu_usage ?? 0);
  let online = sample.cpu_stats.online_cpus ?? 0;
  if (online === 0) online = sample.cpu_stats.cpu_usage.percpu_usage?.length ?? 0;
  return systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
}

/** Memory use without the page cache: usage − inactive_file (cgroup v2) or total_inactive_file (v1). */
export function memoryUsageNoCache(memory: ContainerStats['memory_stats']): number {
  const usage = memory.usage ?? 0;
  const stats = memory.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

export function statsEntryFrom(container: string, sample: ContainerStats): StatsEntry {
  const memory = memoryUsageNoCache(sample.memory_stats ?? {});
  const memoryLimit = sample.memory_stats?.limit ?? 0;
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of sample.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op[0];
    if (op === 'r' || op === 'R') blockRead += entry.value;
    if (op === 'w' || op === 'W') blockWrite += entry.value;
  }
  let networkRx = 0;
  let networkTx = 0;
  for (const network of Object.values(sample.networks ?? {})) {
    networkRx += network.rx_bytes;
    networkTx += network.tx_bytes;
  }
  return {
    container,
    name: sample.name ?? '',
    id: sample.id ?? '',
    cpuPercentage: cpuPercent(sample),
    memory,
    memoryLimit,
    memoryPercentage: memoryLimit !== 0 ? (memory / memoryLimit) * 100 : 0,
    networkRx,
    networkTx,
    blockRead,
    blockWrite,
    pidsCurrent: sample.pids_stats?.current ?? 0,
    invalid: false,
  };
}

const percentage = (value: number): string => `${value.toFixed(2)}%`;

export class StatsContext extends RowContext {
  readonly goTypeName = '*container.statsContext';
  protected readonly jsonFields = ['BlockIO', 'CPUPerc', 'Container', 'ID', 'MemPerc', 'MemUsage', 'Name', 'NetIO', 'PIDs'];

  constructor(
    private readonly entry: StatsEntry,
    private readonly trunc: boolean,
  ) {
    super();
  }

  Container(): string {
    return this.entry.container;
  }
  Name(): string {
    return this.entry.name.length > 1 ? this.entry.name.slice(1) : '--';
  }
  ID(): string {
    return this.trunc ? truncateId(this.entry.id) : this.entry.id;
  }
  CPUPerc(): string {
    return this.entry.invalid ? '--' : percentage(this.entry.cpuPercentage);
  }
  MemUsage(): string {
    return this.entry.invalid ? '-- / --' : `${bytesSize(this.entry.memory)} / ${bytesSize(this.entry.memoryLimit)}`;
  }
  MemPerc(): string {
    return this.entry.invalid ? '--' : percentage(this.entry.memoryPercentage);
  }
  NetIO(): string {
    return this.entry.invalid ? '--' : `${humanSizeWithPrecision(this.entry.networkRx, 3)} / ${humanSizeWithPrecision(this.entry.networkTx, 3)}`;
  }
  BlockIO(): string {
    return this.entry.invalid ? '--' : `${humanSizeWithPrecision(this.entry.blockRead, 3)} / ${humanSizeWithPrecision(this.entry.blockWrite, 3)}`;
  }
  PIDs(): string {
    return this.entry.invalid ? '--' : String(this.entry.pidsCurrent);
  }
}
