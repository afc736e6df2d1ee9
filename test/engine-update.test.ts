// `docker update` (issue 10) against berthd on this cgroup v1 host: new limits land in the running
// container's cgroup files (memory up and down with its swap limit, CPU quota, shares, pids), a
// container pushed past its new memory limit is OOM-killed (137, an oom event, State.OOMKilled),
// stopped containers get the limits at their next start, restart policies change with dockerd's
// rules, and a removed container is a 404.

import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, eventually } from './helpers/daemon.js';

const MEMORY_CGROUP = '/sys/fs/cgroup/memory/berth';
const CPU_CGROUP = '/sys/fs/cgroup/cpu/berth';
const PIDS_CGROUP = '/sys/fs/cgroup/pids/berth';
const MiB = 1024 * 1024;

describe.skipIf(!existsSync(DOCKER) || !existsSync('/sys/fs/cgroup/memory'))('docker update', () => {
  const daemon = new TestDaemon('bup');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  const docker = (...args: string[]) => daemon.docker(args);
  const idOf = async (name: string): Promise<string> => (await docker('inspect', '-f', '{{.Id}}', name)).stdout.trim();
  const cgroupValue = (root: string, id: string, file: string): string => readFileSync(`${root}/${id}/${file}`, 'utf8').trim();

  test('memory and CPU limits reach the running container\'s cgroup, raised and lowered', async () => {
    expect((await docker('run', '-d', '--name', 'limits', 'busybox', 'sleep', '300')).code).toBe(0);
    const id = await idOf('limits');
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.limit_in_bytes'))).toBeGreaterThan(2 ** 60);
    expect(cgroupValue(CPU_CGROUP, id, 'cpu.cfs_quota_us')).toBe('-1');

    const update = await docker('update', '--memory', '64m', '--cpus', '0.5', 'limits');
    expect(update).toMatchObject({ code: 0, stdout: 'limits\n' });
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.limit_in_bytes'))).toBe(64 * MiB);
    // No swap setting: swap may equal the memory limit (memory+swap = 2 × memory), as at create.
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.memsw.limit_in_bytes'))).toBe(128 * MiB);
    expect(cgroupValue(CPU_CGROUP, id, 'cpu.cfs_quota_us')).toBe('50000');
    expect(cgroupValue(CPU_CGROUP, id, 'cpu.cfs_period_us')).toBe('100000');
    const inspect = await docker('inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}', 'limits');
    expect(inspect.stdout.trim()).toBe(`${64 * MiB} 500000000`);

    // Raising past the old memory+swap limit needs memsw written first; lowering, memory first.
    expect((await docker('update', '--memory', '512m', 'limits')).code).toBe(0);
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.limit_in_bytes'))).toBe(512 * MiB);
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.memsw.limit_in_bytes'))).toBe(1024 * MiB);
    expect((await docker('update', '--memory', '32m', 'limits')).code).toBe(0);
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.limit_in_bytes'))).toBe(32 * MiB);
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.memsw.limit_in_bytes'))).toBe(64 * MiB);
    expect((await docker('update', '--memory', '100m', '--memory-swap', '300m', 'limits')).code).toBe(0);
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.memsw.limit_in_bytes'))).toBe(300 * MiB);
    // An explicit swap limit is kept: a memory limit above it must move it too (dockerd's rule).
    const above = await docker('update', '--memory', '400m', 'limits');
    expect(above.code).toBe(1);
    expect(above.stderr).toContain('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');

    expect((await docker('update', '--cpu-shares', '512', '--pids-limit', '50', '--memory-reservation', '20m', 'limits')).code).toBe(0);
    expect(cgroupValue(CPU_CGROUP, id, 'cpu.shares')).toBe('512');
    expect(cgroupValue(PIDS_CGROUP, id, 'pids.max')).toBe('50');
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.soft_limit_in_bytes'))).toBe(20 * MiB);
    expect((await docker('update', '--pids-limit', '-1', 'limits')).code).toBe(0);
    expect(cgroupValue(PIDS_CGROUP, id, 'pids.max')).toBe('max');

    // NanoCpus and a CFS quota exclude each other across updates.
    const quota = await docker('update', '--cpu-quota', '20000', 'limits');
    expect(quota.code).toBe(1);
    expect(quota.stderr).toContain('Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set');
    const tooSmall = await docker('update', '--memory', '1m', 'limits');
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.stderr).toContain('Minimum memory limit allowed is 6MB');
    const cpuset = await daemon.request('POST', '/containers/limits/update', { CpusetCpus: '99' });
    expect(cpuset.status).toBe(400);
    expect(cpuset.json<{ message: string }>().message).toMatch(/^Requested CPUs are not available - requested 99, available: 0/);

    const api = await daemon.request('POST', '/containers/limits/update', { Memory: 48 * MiB });
    expect(api.status).toBe(200);
    expect(api.json()).toEqual({ Warnings: [] });
  });

  test('a container pushed past its updated memory limit is OOM-killed: 137, an oom event, OOMKilled', async () => {
    const since = Date.now() / 1000;
    expect((await docker('run', '-d', '--name', 'hog', 'busybox', 'sh', '-c', 'while [ ! -f /go ]; do sleep 0.1; done; exec tail /dev/zero')).code).toBe(0);
    expect((await docker('update', '--memory', '64m', 'hog')).code).toBe(0);
    expect((await docker('exec', 'hog', 'touch', '/go')).code).toBe(0);
    const wait = await daemon.docker(['wait', 'hog'], { timeoutMs: 60_000 });
    expect(wait.stdout.trim()).toBe('137');
    const state = await docker('inspect', '-f', '{{.State.OOMKilled}} {{.State.ExitCode}} {{.State.Status}}', 'hog');
    expect(state.stdout.trim()).toBe('true 137 exited');
    const events = await docker('events', '--since', String(since), '--until', String(Date.now() / 1000 + 1), '--filter', 'container=hog', '--format', '{{.Action}}');
    expect(events.stdout.trim().split('\n')).toEqual(['create', 'start', 'update', 'exec_create: touch /go', 'exec_start: touch /go', 'exec_die', 'oom', 'die']);
    const die = await docker('events', '--since', String(since), '--until', String(Date.now() / 1000 + 1), '--filter', 'container=hog', '--filter', 'event=die', '--format', '{{.Actor.Attributes.exitCode}}');
    expect(die.stdout.trim()).toBe('137');
  });

  test('a stopped container keeps the new limits for its next start', async () => {
    expect((await docker('create', '--name', 'later', 'busybox', 'sleep', '300')).code).toBe(0);
    expect((await docker('update', '--memory', '80m', '--cpus', '0.25', 'later')).code).toBe(0);
    expect((await docker('start', 'later')).code).toBe(0);
    const id = await idOf('later');
    expect(Number(cgroupValue(MEMORY_CGROUP, id, 'memory.limit_in_bytes'))).toBe(80 * MiB);
    expect(cgroupValue(CPU_CGROUP, id, 'cpu.cfs_quota_us')).toBe('25000');
    // …and across a daemon restart, from the record on disk.
    await daemon.stop();
    await daemon.start();
    expect((await docker('inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}', 'later')).stdout.trim()).toBe(`${80 * MiB} 250000000`);
    expect((await docker('rm', '-f', 'later')).code).toBe(0);
  });

  test('restart policies change with dockerd\'s rules and take effect', async () => {
    expect((await docker('run', '-d', '--name', 'flaky', 'busybox', 'sh', '-c', 'while [ ! -f /stop ]; do sleep 0.1; done; exit 3')).code).toBe(0);
    expect((await docker('update', '--restart', 'on-failure:2', 'flaky')).code).toBe(0);
    expect((await docker('inspect', '-f', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'flaky')).stdout.trim()).toBe('on-failure:2');
    expect((await docker('exec', 'flaky', 'touch', '/stop')).code).toBe(0);
    // The file is in the container layer, so every restart exits 3 again: two retries, then exited.
    await eventually(async () => {
      const state = (await docker('inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky')).stdout.trim();
      return state === '2 exited' ? state : undefined;
    }, 20_000, 'two restarts, then exited');

    expect((await docker('run', '-d', '--rm', '--name', 'ephemeral', 'busybox', 'sleep', '300')).code).toBe(0);
    const refused = await docker('update', '--restart', 'always', 'ephemeral');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Cannot update container [0-9a-f]{64}: Restart policy cannot be updated because AutoRemove is enabled for the container/);
    const api = await daemon.request('POST', '/containers/ephemeral/update', { RestartPolicy: { Name: 'always' } });
    expect(api.status).toBe(409);
    const noPolicy = await daemon.request('POST', '/containers/ephemeral/update', { RestartPolicy: { Name: 'no' } });
    expect(noPolicy.status).toBe(200);
    const bogus = await daemon.request('POST', '/containers/flaky/update', { RestartPolicy: { Name: 'sometimes' } });
    expect(bogus.status).toBe(400);
    const retries = await daemon.request('POST', '/containers/flaky/update', { RestartPolicy: { Name: 'always', MaximumRetryCount: 3 } });
    expect(retries.status).toBe(400);
    expect(retries.json<{ message: string }>().message).toBe("invalid restart policy: maximum retry count can only be used with 'on-failure'");
    expect((await docker('rm', '-f', 'ephemeral')).code).toBe(0);
  });

  test('updating a removed container is a 404', async () => {
    expect((await docker('run', '-d', '--name', 'gone', 'busybox', 'sleep', '300')).code).toBe(0);
    const id = await idOf('gone');
    expect((await docker('rm', '-f', 'gone')).code).toBe(0);
    const cli = await docker('update', '--memory', '64m', 'gone');
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('No such container: gone');
    const api = await daemon.request('POST', `/containers/${id}/update`, { Memory: 64 * MiB });
    expect(api.status).toBe(404);
    const badBody = await daemon.request('POST', '/containers/flaky/update', { Memory: '64m' });
    expect(badBody.status).toBe(400);
  });
});
