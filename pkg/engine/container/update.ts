// `docker update` (POST /containers/{id}/update): new resource limits and restart policy, checked
// like create, merged into the container's HostConfig by dockerd's rules (planUpdate, pure),
// written to the live cgroup of a running container through runc update, and persisted for the
// next start. A failed runc update leaves the record as it was.

import { BerthError, ConflictError, InternalError, InvalidArgumentError } from '../../errdefs/index.js';
import type { RuncUpdate } from '../runtime/index.js';
import { checkResources, checkRestartPolicy, type HostLimits } from './create.js';
import type { ContainerHandle } from './handle.js';
import type { ContainerService } from './service.js';
import type { HostConfig, RestartPolicy } from './types.js';

/** The body of POST /containers/{id}/update: Resources plus RestartPolicy (zero values mean "unchanged"). */
export interface UpdateRequest {
  BlkioWeight?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpuRealtimePeriod?: number;
  CpuRealtimeRuntime?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  Memory?: number;
  MemoryReservation?: number;
  MemorySwap?: number;
  NanoCpus?: number;
  PidsLimit?: number | null;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  [other: string]: unknown;
}

export interface UpdatePlan {
  hostConfig: HostConfig;
  /** What `runc update` changes on a running container (dockerd's toContainerdResources). */
  resources: RuncUpdate;
  warnings: string[];
}

/** CFS period dockerd uses for NanoCpus (100 ms). */
const NANO_CPU_PERIOD_US = 100_000;
const NUMERIC_FIELDS = [
  'BlkioWeight', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'CpuRealtimePeriod', 'CpuRealtimeRuntime', 'Memory',
  'MemoryReservation', 'MemorySwap', 'NanoCpus', 'KernelMemory', 'CpuCount', 'CpuPercent', 'IOMaximumIOps', 'IOMaximumBandwidth',
] as const;

/** Checks the JSON types of an update body as Go's decoder would refuse them. */
export function checkUpdateBody(body: unknown): UpdateRequest {
  if (body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('json: cannot unmarshal into Go value of type container.UpdateConfig');
  const request = body as UpdateRequest;
  const fail = (field: string, type: string): never => {
    throw new InvalidArgumentError(`json: cannot unmarshal ${typeof request[field]} into Go struct field UpdateConfig.${field} of type ${type}`);
  };
  for (const field of NUMERIC_FIELDS) {
    const value = request[field];
    if (value !== undefined && value !== null && (typeof value !== 'number' || !Number.isInteger(value))) fail(field, 'int64');
  }
  for (const field of ['CpusetCpus', 'CpusetMems'] as const) {
    if (request[field] !== undefined && request[field] !== null && typeof request[field] !== 'string') fail(field, 'string');
  }
  if (request.PidsLimit !== undefined && request.PidsLimit !== null && (typeof request.PidsLimit !== 'number' || !Number.isInteger(request.PidsLimit))) fail('PidsLimit', 'int64');
  const policy = request.RestartPolicy;
  if (policy !== undefined && policy !== null && (typeof policy !== 'object' || (policy.Name !== undefined && typeof policy.Name !== 'string'))) {
    fail('RestartPolicy', 'container.RestartPolicy');
  }
  return request;
}

/** "0-2,4" → [0,1,2,4]; dockerd's "invalid format" otherwise. */
function parseCpuList(text: string): number[] {
  const result: number[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!match) throw new Error(`invalid format: ${text}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new Error(`invalid range format: ${part}`);
    for (let n = first; n <= last; n++) result.push(n);
  }
  return result;
}

function checkCpuset(value: string | undefined, kind: 'cpus' | 'mems', available: number): void {
  if (!value) return;
  let list: number[];
  try {
    list = parseCpuList(value);
  } catch (err) {
    throw new InvalidArgumentError(`Invalid value ${value} for cpuset ${kind}: ${(err as Error).message}`);
  }
  if (kind === 'cpus' && list.some((cpu) => cpu >= available)) {
    throw new InvalidArgumentError(`Requested CPUs are not available - requested ${value}, available: ${available > 1 ? `0-${available - 1}` : '0'}`);
  }
}

function cannotUpdate(id: string, message: string): string {
  return `Cannot update container ${id}: ${message}`;
}

/**
 * Merges `request` into `current` like dockerd's UpdateContainer (a zero value leaves a field
 * unchanged) and plans the runc update. Memory: an unset swap limit means twice the memory limit
 * (as at create), so raising or lowering --memory alone moves the swap limit with it; runc orders
 * the two cgroup writes when it is given both.
 */
export function planUpdate(id: string, current: HostConfig, request: UpdateRequest, limits: HostLimits, swapAccounting: boolean): UpdatePlan {
  const warnings: string[] = [];
  const resources: Partial<HostConfig> = {
    Memory: request.Memory ?? 0,
    MemorySwap: request.MemorySwap ?? 0,
    MemoryReservation: request.MemoryReservation ?? 0,
    NanoCpus: request.NanoCpus ?? 0,
    CpuShares: request.CpuShares ?? 0,
    CpuPeriod: request.CpuPeriod ?? 0,
    CpuQuota: request.CpuQuota ?? 0,
    BlkioWeight: request.BlkioWeight ?? 0,
    PidsLimit: request.PidsLimit ?? null,
  };
  checkResources(resources, limits, warnings, { update: true });
  checkCpuset(request.CpusetCpus, 'cpus', limits.ncpu);
  checkCpuset(request.CpusetMems, 'mems', Number.MAX_SAFE_INTEGER);
  let policy: RestartPolicy | undefined;
  if (request.RestartPolicy?.Name) {
    policy = checkRestartPolicy({ Name: request.RestartPolicy.Name as RestartPolicy['Name'], MaximumRetryCount: request.RestartPolicy.MaximumRetryCount ?? 0 }, false);
  }

  const next: HostConfig = structuredClone(current);
  const nano = resources.NanoCpus!;
  const period = resources.CpuPeriod!;
  const quota = resources.CpuQuota!;
  const conflict = (message: string): never => {
    throw new ConflictError(cannotUpdate(id, message));
  };
  if (nano > 0 && current.CpuPeriod > 0) conflict('Conflicting options: Nano CPUs cannot be updated as CPU Period has already been set');
  if (nano > 0 && current.CpuQuota > 0) conflict('Conflicting options: Nano CPUs cannot be updated as CPU Quota has already been set');
  if (period > 0 && current.NanoCpus > 0) conflict('Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set');
  if (quota > 0 && current.NanoCpus > 0) conflict('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
  if (resources.BlkioWeight) next.BlkioWeight = resources.BlkioWeight;
  if (resources.CpuShares) next.CpuShares = resources.CpuShares;
  if (nano) next.NanoCpus = nano;
  if (period) next.CpuPeriod = period;
  if (quota) next.CpuQuota = quota;
  if (request.CpusetCpus) next.CpusetCpus = request.CpusetCpus;
  if (request.CpusetMems) next.CpusetMems = request.CpusetMems;
  const memory = resources.Memory!;
  const swap = resources.MemorySwap!;
  if (memory) {
    // dockerd refuses a memory limit above an explicitly set swap limit unless swap moves too.
    if (swap === 0 && current.MemorySwap > 0 && memory > current.MemorySwap) {
      conflict('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    next.Memory = memory;
  }
  if (swap) next.MemorySwap = swap;
  if (resources.MemoryReservation) next.MemoryReservation = resources.MemoryReservation;
  if (request.PidsLimit !== undefined && request.PidsLimit !== null) next.PidsLimit = request.PidsLimit;
  if (next.Memory > 0 && next.MemorySwap > 0 && next.MemorySwap < next.Memory) {
    throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (next.Memory > 0 && next.MemoryReservation > next.Memory) {
    throw new InvalidArgumentError('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (policy) {
    if (current.AutoRemove && policy.Name !== 'no') conflict('Restart policy cannot be updated because AutoRemove is enabled for the container');
    next.RestartPolicy = policy;
  }

  const runc: RuncUpdate = {};
  if (request.CpusetCpus) runc.cpusetCpus = request.CpusetCpus;
  if (request.CpusetMems) runc.cpusetMems = request.CpusetMems;
  if (resources.CpuShares) runc.cpuShares = resources.CpuShares;
  if (nano) {
    runc.cpuPeriod = NANO_CPU_PERIOD_US;
    runc.cpuQuota = Math.round((nano * NANO_CPU_PERIOD_US) / 1e9);
  } else {
    if (quota) runc.cpuQuota = quota;
    if (period) runc.cpuPeriod = period;
  }
  if (memory || swap) {
    if (next.Memory > 0) runc.memory = next.Memory;
    if (swapAccounting && next.Memory > 0) runc.memorySwap = next.MemorySwap !== 0 ? next.MemorySwap : next.Memory * 2;
    else if (swapAccounting && swap) runc.memorySwap = swap;
  }
  if (resources.MemoryReservation) runc.memoryReservation = resources.MemoryReservation;
  if (request.PidsLimit !== undefined && request.PidsLimit !== null) runc.pidsLimit = request.PidsLimit > 0 ? request.PidsLimit : -1;
  if (resources.BlkioWeight) runc.blkioWeight = resources.BlkioWeight;
  return { hostConfig: next, resources: runc, warnings };
}

/** Applies an update to one container. Runs under the container's lock. */
export async function update(svc: ContainerService, handle: ContainerHandle, request: UpdateRequest): Promise<{ Warnings: string[] }> {
  const record = handle.record;
  if (handle.removed || record.state.Status === 'removing' || record.state.Dead) {
    throw new InternalError(cannotUpdate(record.id, 'container is marked for removal and cannot be "update"'));
  }
  const plan = planUpdate(record.id, record.hostConfig, request, svc.deps.limits, svc.deps.swapAccounting);
  const previous = record.hostConfig;
  record.hostConfig = plan.hostConfig;
  try {
    if (record.state.Running && !record.state.Restarting && Object.keys(plan.resources).length > 0) {
      await svc.deps.runtime.update(record.id, plan.resources);
    }
    await svc.persist(handle);
  } catch (err) {
    record.hostConfig = previous;
    if (err instanceof ConflictError && /is not running/.test(err.message)) {
      // It stopped meanwhile: the new limits apply at its next start.
      record.hostConfig = plan.hostConfig;
      await svc.persist(handle);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      throw new BerthError(err instanceof BerthError && err.code !== 'internal' ? err.code : 'internal', cannotUpdate(record.id, message), { cause: err });
    }
  }
  svc.deps.log.info({ containerId: record.id, resources: plan.resources, restartPolicy: plan.hostConfig.RestartPolicy.Name }, 'container updated');
  svc.emit(record, 'update');
  return { Warnings: plan.warnings };
}
