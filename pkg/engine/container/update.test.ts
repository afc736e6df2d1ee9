import { describe, expect, test } from 'vitest';
import { defaultHostConfig, type HostLimits } from './create.js';
import { checkUpdateBody, planUpdate, type UpdateRequest } from './update.js';
import type { HostConfig } from './types.js';

const MiB = 1024 * 1024;
const limits: HostLimits = { ncpu: 2, hardLimits: {}, cgroupVersion: 1 };
const ID = 'c'.repeat(64);

function host(overrides: Partial<HostConfig> = {}): HostConfig {
  return { ...defaultHostConfig(limits), ...overrides };
}

describe('planUpdate', () => {
  const cases: Array<{ name: string; current?: Partial<HostConfig>; request: UpdateRequest; runc: object; changed?: Partial<HostConfig> }> = [
    {
      name: 'memory without swap moves the swap limit with it (2 × memory)',
      request: { Memory: 64 * MiB },
      runc: { memory: 64 * MiB, memorySwap: 128 * MiB },
      changed: { Memory: 64 * MiB, MemorySwap: 0 },
    },
    {
      name: 'raising memory past the old implicit swap limit is allowed',
      current: { Memory: 64 * MiB },
      request: { Memory: 512 * MiB },
      runc: { memory: 512 * MiB, memorySwap: 1024 * MiB },
    },
    { name: 'an explicit swap limit is kept', current: { Memory: 64 * MiB, MemorySwap: 300 * MiB }, request: { Memory: 100 * MiB }, runc: { memory: 100 * MiB, memorySwap: 300 * MiB } },
    { name: 'unlimited swap stays unlimited', current: { Memory: 64 * MiB, MemorySwap: -1 }, request: { Memory: 1024 * MiB }, runc: { memory: 1024 * MiB, memorySwap: -1 } },
    { name: 'NanoCpus become a CFS quota over a 100 ms period', request: { NanoCpus: 500_000_000 }, runc: { cpuPeriod: 100_000, cpuQuota: 50_000 }, changed: { NanoCpus: 500_000_000 } },
    { name: 'zero values change nothing', current: { Memory: 64 * MiB, CpuShares: 512 }, request: { Memory: 0, CpuShares: 0, CpusetCpus: '' }, runc: {}, changed: { Memory: 64 * MiB, CpuShares: 512 } },
    { name: 'a pids limit of 0 or less means unlimited for runc', request: { PidsLimit: 0 }, runc: { pidsLimit: -1 }, changed: { PidsLimit: 0 } },
    { name: 'the restart policy alone touches no cgroup', request: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } }, runc: {}, changed: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } } },
  ];
  for (const { name, current, request, runc, changed } of cases) {
    test(name, () => {
      const plan = planUpdate(ID, host(current), request, limits, true);
      expect(plan.resources).toEqual(runc);
      if (changed) expect(plan.hostConfig).toMatchObject(changed);
    });
  }

  const refusals: Array<{ name: string; current?: Partial<HostConfig>; request: UpdateRequest; code: string; message: RegExp }> = [
    { name: 'memory above an explicit swap limit', current: { Memory: 64 * MiB, MemorySwap: 128 * MiB }, request: { Memory: 256 * MiB }, code: 'conflict', message: /Memory limit should be smaller than already set memoryswap limit/ },
    { name: 'a quota once NanoCpus are set', current: { NanoCpus: 1e9 }, request: { CpuQuota: 20_000 }, code: 'conflict', message: /CPU Quota cannot be updated as NanoCPUs has already been set/ },
    { name: 'NanoCpus once a period is set', current: { CpuPeriod: 50_000 }, request: { NanoCpus: 1e9 }, code: 'conflict', message: /Nano CPUs cannot be updated as CPU Period has already been set/ },
    { name: 'a restart policy on an auto-remove container', current: { AutoRemove: true }, request: { RestartPolicy: { Name: 'always' } }, code: 'conflict', message: /^Cannot update container c+: Restart policy cannot be updated because AutoRemove is enabled/ },
    { name: 'memory under 6 MB', request: { Memory: MiB }, code: 'invalid_argument', message: /^Minimum memory limit allowed is 6MB$/ },
    { name: 'swap under the memory limit', current: { Memory: 100 * MiB }, request: { MemorySwap: 50 * MiB }, code: 'invalid_argument', message: /Minimum memoryswap limit should be larger than memory limit/ },
    { name: 'a reservation above the memory limit', current: { Memory: 64 * MiB }, request: { MemoryReservation: 100 * MiB }, code: 'invalid_argument', message: /can not be less than memory reservation/ },
    { name: 'CPUs the host lacks', request: { CpusetCpus: '0-3' }, code: 'invalid_argument', message: /^Requested CPUs are not available - requested 0-3, available: 0-1$/ },
    { name: 'a malformed cpuset', request: { CpusetCpus: 'a' }, code: 'invalid_argument', message: /^Invalid value a for cpuset cpus: invalid format: a$/ },
  ];
  for (const { name, current, request, code, message } of refusals) {
    test(`refuses ${name}`, () => {
      expect(() => planUpdate(ID, host(current), request, limits, true)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
    });
  }

  test('without swap accounting no swap limit is written', () => {
    expect(planUpdate(ID, host(), { Memory: 64 * MiB }, limits, false).resources).toEqual({ memory: 64 * MiB });
  });
});

describe('checkUpdateBody', () => {
  test('refuses a string where a number belongs, as Go\'s decoder does', () => {
    expect(() => checkUpdateBody({ Memory: '64m' })).toThrow(/cannot unmarshal string into Go struct field UpdateConfig.Memory of type int64/);
  });
  test('accepts an empty body', () => {
    expect(checkUpdateBody(null)).toEqual({});
  });
});
