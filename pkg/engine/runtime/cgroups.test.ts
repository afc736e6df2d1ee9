import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  detectCgroupLayout,
  existingCgroupDirs,
  hasSwapAccounting,
  parseBlkioV1,
  parseFlatKeyed,
  parseIoStatV2,
  parseNetDev,
  parseSystemCpuUsage,
  readCgroupLayout,
  readCgroupStats,
  wasOomKilled,
} from './cgroups.js';
import {
  CONTAINER_CGROUP,
  MOUNTINFO_HYBRID,
  MOUNTINFO_V1,
  MOUNTINFO_V2,
  makeV1Tree,
  makeV2Tree,
  type CgroupTree,
} from './testdata/cgroup-trees.js';

const GiB = 1024 ** 3;
const PROC_STAT = 'cpu  100 2 30 4000 5 6 7 8 0 0\ncpu0 50 1 15 2000 2 3 3 4 0 0\nintr 12345\nctxt 999\n';
const SYSTEM = { procStat: PROC_STAT, onlineCpus: 2, hostMemory: 8 * GiB };

const trees: CgroupTree[] = [];
afterEach(async () => {
  for (const tree of trees.splice(0)) await tree.remove();
});
async function v1(options?: Parameters<typeof makeV1Tree>[0]): Promise<CgroupTree> {
  const tree = await makeV1Tree(options);
  trees.push(tree);
  return tree;
}
async function v2(options?: Parameters<typeof makeV2Tree>[0]): Promise<CgroupTree> {
  const tree = await makeV2Tree(options);
  trees.push(tree);
  return tree;
}

describe('detectCgroupLayout', () => {
  test('hybrid (v1 controllers plus an empty cgroup2 at unified/): version 1 with the unified mount noted', () => {
    expect(detectCgroupLayout(MOUNTINFO_HYBRID)).toEqual({
      version: 1,
      v1: {
        cpu: '/sys/fs/cgroup/cpu',
        cpuacct: '/sys/fs/cgroup/cpuacct',
        cpuset: '/sys/fs/cgroup/cpuset',
        memory: '/sys/fs/cgroup/memory',
        devices: '/sys/fs/cgroup/devices',
        freezer: '/sys/fs/cgroup/freezer',
        blkio: '/sys/fs/cgroup/blkio',
        pids: '/sys/fs/cgroup/pids',
      },
      unified: '/sys/fs/cgroup/unified',
    });
  });

  test('v1 with co-mounted controllers: each controller maps to the shared hierarchy; named hierarchies and super options are no controllers', () => {
    const layout = detectCgroupLayout(MOUNTINFO_V1);
    expect(layout.version).toBe(1);
    expect(layout.unified).toBeUndefined();
    expect(layout.v1).toEqual({
      cpu: '/sys/fs/cgroup/cpu,cpuacct',
      cpuacct: '/sys/fs/cgroup/cpu,cpuacct',
      memory: '/sys/fs/cgroup/memory',
      net_cls: '/sys/fs/cgroup/net_cls,net_prio',
      net_prio: '/sys/fs/cgroup/net_cls,net_prio',
      cpuset: '/sys/fs/cgroup/cpuset',
      pids: '/sys/fs/cgroup/pids',
      blkio: '/sys/fs/cgroup/blkio',
      freezer: '/sys/fs/cgroup/freezer',
    });
  });

  test('unified: version 2 at the cgroup2 mount', () => {
    expect(detectCgroupLayout(MOUNTINFO_V2)).toEqual({ version: 2, v1: {}, unified: '/sys/fs/cgroup' });
  });

  test('only a named v1 hierarchy beside cgroup2 is still a v2 host', () => {
    const text = `${MOUNTINFO_V2}40 30 0:40 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/bin/true,name=systemd\n`;
    expect(detectCgroupLayout(text)).toEqual({ version: 2, v1: {}, unified: '/sys/fs/cgroup' });
  });

  test('the first mount of a controller wins (a later bind mount of it is ignored)', () => {
    const text = `${MOUNTINFO_HYBRID}90 35 0:32 /berth /var/lib/other/memory rw,relatime - cgroup cgroup rw,memory\n`;
    expect(detectCgroupLayout(text).v1.memory).toBe('/sys/fs/cgroup/memory');
  });

  test('lines without the " - " separator and empty text are ignored', () => {
    expect(detectCgroupLayout('garbage line\n\n')).toEqual({ version: 2, v1: {} });
  });

  test('readCgroupLayout reads this machine\'s mountinfo with the same parser', async () => {
    expect(await readCgroupLayout()).toEqual(detectCgroupLayout(await readFile('/proc/self/mountinfo', 'utf8')));
  });
});

describe('parsers', () => {
  test('parseFlatKeyed: integer values by key, other lines skipped', () => {
    expect(parseFlatKeyed('usage_usec 10\n  nr_periods   3\nsome_avg 0.50\nmax max\nneg -4\n\nlonely\n')).toEqual({ usage_usec: 10, nr_periods: 3, neg: -4 });
    expect(parseFlatKeyed('')).toEqual({});
  });

  test('parseBlkioV1: device entries with the op as the kernel writes it, the Total line skipped', () => {
    expect(parseBlkioV1('8:0 Read 4096\n8:0 Write 8192\n253:1 Async 7\nTotal 12295\n')).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 253, minor: 1, op: 'Async', value: 7 },
    ]);
    expect(parseBlkioV1('')).toEqual([]);
  });

  test('parseIoStatV2: a read and a write entry per device for bytes and for operations', () => {
    const { bytes, ios } = parseIoStatV2('8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n259:0 rbytes=1\n');
    expect(bytes).toEqual([
      { major: 8, minor: 0, op: 'read', value: 4096 },
      { major: 8, minor: 0, op: 'write', value: 8192 },
      { major: 259, minor: 0, op: 'read', value: 1 },
      { major: 259, minor: 0, op: 'write', value: 0 },
    ]);
    expect(ios).toEqual([
      { major: 8, minor: 0, op: 'read', value: 1 },
      { major: 8, minor: 0, op: 'write', value: 2 },
      { major: 259, minor: 0, op: 'read', value: 0 },
      { major: 259, minor: 0, op: 'write', value: 0 },
    ]);
    expect(parseIoStatV2('\n')).toEqual({ bytes: [], ios: [] });
  });

  test('parseSystemCpuUsage: user..softirq ticks of the cpu line in nanoseconds (USER_HZ 100)', () => {
    // 100+2+30+4000+5+6+7 ticks; steal and guest are not counted, as in dockerd.
    expect(parseSystemCpuUsage(PROC_STAT)).toBe(4150 * 10_000_000);
    expect(parseSystemCpuUsage('cpu0 1 2 3\n')).toBe(0);
  });

  test('parseNetDev: counters per interface, loopback left out', () => {
    const text =
      'Inter-|   Receive                                                |  Transmit\n' +
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
      '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n' +
      '  eth0: 5284    40    1    2    0     0          0         0     2354      25    3    4    0     0       0          0\n' +
      '  eth1:1       2    0    0    0     0          0         0        3       4    0    0    0     0       0          0\n';
    expect(parseNetDev(text)).toEqual({
      eth0: { rx_bytes: 5284, rx_packets: 40, rx_errors: 1, rx_dropped: 2, tx_bytes: 2354, tx_packets: 25, tx_errors: 3, tx_dropped: 4 },
      eth1: { rx_bytes: 1, rx_packets: 2, rx_errors: 0, rx_dropped: 0, tx_bytes: 3, tx_packets: 4, tx_errors: 0, tx_dropped: 0 },
    });
  });
});

describe('readCgroupStats over a v1 tree', () => {
  test('reads every figure in the Engine API shape', async () => {
    const tree = await v1();
    const stats = await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.cpu_stats).toEqual({
      cpu_usage: { total_usage: 123456789, percpu_usage: [100000000, 23456789], usage_in_kernelmode: 30_000_000, usage_in_usermode: 50_000_000 },
      system_cpu_usage: 4150 * 10_000_000,
      online_cpus: 2,
      throttling_data: { periods: 10, throttled_periods: 2, throttled_time: 3000000 },
    });
    expect(stats.memory_stats).toMatchObject({ usage: 10485760, max_usage: 20971520, failcnt: 0, limit: 8 * GiB });
    expect(stats.memory_stats.stats).toMatchObject({ cache: 4096, rss: 8192, total_inactive_file: 1024 });
    expect(stats.pids_stats).toEqual({ current: 3 });
    expect(stats.blkio_stats.io_service_bytes_recursive).toEqual([
      { major: 8, minor: 0, op: 'Read', value: 4096 },
      { major: 8, minor: 0, op: 'Write', value: 8192 },
      { major: 8, minor: 0, op: 'Sync', value: 0 },
      { major: 8, minor: 0, op: 'Async', value: 12288 },
      { major: 8, minor: 0, op: 'Discard', value: 0 },
      { major: 8, minor: 0, op: 'Total', value: 12288 },
    ]);
    expect(stats.blkio_stats.io_serviced_recursive?.[1]).toEqual({ major: 8, minor: 0, op: 'Write', value: 2 });
    expect(stats.blkio_stats.io_queue_recursive).toBeNull();
  });

  test('a memory and pids limit are reported as set', async () => {
    const tree = await v1({ overrides: { memory: { 'memory.limit_in_bytes': '67108864\n' }, pids: { 'pids.max': '100\n' } } });
    const stats = await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.memory_stats.limit).toBe(64 * 1024 * 1024);
    expect(stats.pids_stats).toEqual({ current: 3, limit: 100 });
  });

  test('a memory limit above the host\'s memory shows the host\'s memory, as dockerd does', async () => {
    const tree = await v1({ overrides: { memory: { 'memory.limit_in_bytes': `${16 * GiB}\n` } } });
    expect((await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM)).memory_stats.limit).toBe(8 * GiB);
  });

  test('cpu and cpuacct co-mounted in one hierarchy', async () => {
    const tree = await v1({ controllers: ['memory', 'pids', 'blkio'] });
    const shared = await v1({ controllers: ['cpu'], overrides: { cpu: { 'cpuacct.usage': '42\n', 'cpuacct.usage_percpu': '40 2\n', 'cpuacct.stat': 'user 1\nsystem 0\n' } } });
    const layout = { ...tree.layout, v1: { ...tree.layout.v1, cpu: shared.layout.v1.cpu, cpuacct: shared.layout.v1.cpu } };
    const stats = await readCgroupStats(layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.cpu_stats.cpu_usage).toEqual({ total_usage: 42, percpu_usage: [40, 2], usage_in_kernelmode: 0, usage_in_usermode: 10_000_000 });
    expect(stats.cpu_stats.throttling_data.periods).toBe(10);
  });

  test('without a cpuacct hierarchy the cpu one is read for cpuacct files', async () => {
    const tree = await v1({ controllers: ['cpu', 'memory'], overrides: { cpu: { 'cpuacct.usage': '77\n' } } });
    expect((await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM)).cpu_stats.cpu_usage.total_usage).toBe(77);
  });

  test('missing files and unmounted controllers give zeros, nulls and absent fields, not errors', async () => {
    const tree = await v1({ controllers: ['memory'], overrides: { memory: { 'memory.usage_in_bytes': null, 'memory.stat': null, 'memory.limit_in_bytes': null } } });
    const stats = await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.cpu_stats.cpu_usage).toEqual({ total_usage: 0, percpu_usage: undefined, usage_in_kernelmode: 0, usage_in_usermode: 0 });
    expect(stats.memory_stats).toMatchObject({ usage: undefined, stats: {}, limit: 8 * GiB });
    expect(stats.pids_stats).toEqual({ current: undefined });
    expect(stats.blkio_stats.io_service_bytes_recursive).toBeNull();
    expect(stats.blkio_stats.io_serviced_recursive).toBeNull();
  });

  test('a cgroup that does not exist (container gone) reads as empty', async () => {
    const tree = await v1();
    const stats = await readCgroupStats(tree.layout, '/berth/gone', SYSTEM);
    expect(stats.memory_stats.usage).toBeUndefined();
    expect(stats.cpu_stats.cpu_usage.total_usage).toBe(0);
  });
});

describe('readCgroupStats over a v2 tree', () => {
  test('reads every figure in the Engine API shape (usec → ns, no per-CPU usage)', async () => {
    const tree = await v2();
    const stats = await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.cpu_stats).toEqual({
      cpu_usage: { total_usage: 123456000, usage_in_kernelmode: 23456000, usage_in_usermode: 100000000 },
      system_cpu_usage: 4150 * 10_000_000,
      online_cpus: 2,
      throttling_data: { periods: 10, throttled_periods: 2, throttled_time: 3000000 },
    });
    expect(stats.memory_stats).toEqual({
      usage: 10485760,
      stats: { anon: 8192, file: 4096, kernel_stack: 16384, sock: 0, shmem: 0, inactive_file: 1024, active_file: 3072, pgfault: 1200, pgmajfault: 3 },
      limit: 8 * GiB,
    });
    expect(stats.pids_stats).toEqual({ current: 3 });
    expect(stats.blkio_stats.io_service_bytes_recursive).toEqual([
      { major: 8, minor: 0, op: 'read', value: 4096 },
      { major: 8, minor: 0, op: 'write', value: 8192 },
      { major: 253, minor: 1, op: 'read', value: 512 },
      { major: 253, minor: 1, op: 'write', value: 0 },
    ]);
    expect(stats.blkio_stats.sectors_recursive).toBeNull();
  });

  test('memory.max as a number and pids.max as a number are the limits', async () => {
    const tree = await v2({ overrides: { 'memory.max': '67108864\n', 'pids.max': '50\n' } });
    const stats = await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.memory_stats.limit).toBe(64 * 1024 * 1024);
    expect(stats.pids_stats).toEqual({ current: 3, limit: 50 });
  });

  test('memory.max above the host\'s memory shows the host\'s memory', async () => {
    const tree = await v2({ overrides: { 'memory.max': `${32 * GiB}\n` } });
    expect((await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM)).memory_stats.limit).toBe(8 * GiB);
  });

  test('an empty io.stat (no I/O yet) gives null entries; missing files give zeros', async () => {
    const tree = await v2({ overrides: { 'io.stat': '', 'cpu.stat': null, 'memory.current': null } });
    const stats = await readCgroupStats(tree.layout, CONTAINER_CGROUP, SYSTEM);
    expect(stats.blkio_stats.io_service_bytes_recursive).toBeNull();
    expect(stats.blkio_stats.io_serviced_recursive).toBeNull();
    expect(stats.cpu_stats.cpu_usage.total_usage).toBe(0);
    expect(stats.memory_stats.usage).toBeUndefined();
  });
});

describe('wasOomKilled', () => {
  test('v1: oom_kill in memory.oom_control', async () => {
    const killed = await v1({ overrides: { memory: { 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n' } } });
    expect(await wasOomKilled(killed.layout, CONTAINER_CGROUP)).toBe(true);
    const fine = await v1();
    expect(await wasOomKilled(fine.layout, CONTAINER_CGROUP)).toBe(false);
  });

  test('v1: under_oom alone (OOM killer disabled, waiting) is not a kill', async () => {
    const tree = await v1({ overrides: { memory: { 'memory.oom_control': 'oom_kill_disable 1\nunder_oom 1\noom_kill 0\n' } } });
    expect(await wasOomKilled(tree.layout, CONTAINER_CGROUP)).toBe(false);
  });

  test('v1: no memory hierarchy or no cgroup means no kill', async () => {
    const tree = await v1({ controllers: ['cpu'] });
    expect(await wasOomKilled(tree.layout, CONTAINER_CGROUP)).toBe(false);
    expect(await wasOomKilled((await v1()).layout, '/berth/gone')).toBe(false);
  });

  test('v2: oom_kill in memory.events; "oom" (limit hit, reclaim succeeded) alone is not a kill', async () => {
    const killed = await v2({ overrides: { 'memory.events': 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n' } });
    expect(await wasOomKilled(killed.layout, CONTAINER_CGROUP)).toBe(true);
    const reclaimed = await v2({ overrides: { 'memory.events': 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 0\noom_group_kill 0\n' } });
    expect(await wasOomKilled(reclaimed.layout, CONTAINER_CGROUP)).toBe(false);
    expect(await wasOomKilled(reclaimed.layout, '/berth/gone')).toBe(false);
  });
});

describe('hasSwapAccounting and existingCgroupDirs', () => {
  test('v1: swap accounting follows memory.memsw.limit_in_bytes at the memory hierarchy root', async () => {
    const tree = await v1({ cgroupPath: '/' });
    expect(await hasSwapAccounting(tree.layout)).toBe(true);
    const without = await v1({ cgroupPath: '/', overrides: { memory: { 'memory.memsw.limit_in_bytes': null } } });
    expect(await hasSwapAccounting(without.layout)).toBe(false);
    expect(await hasSwapAccounting({ version: 1, v1: {} })).toBe(false);
  });

  test('v2: swap accounting follows memory.swap.max in the daemon\'s own cgroup', async () => {
    const tree = await v2({ cgroupPath: '/system.slice/berthd.service' });
    expect(await hasSwapAccounting(tree.layout, '/system.slice/berthd.service')).toBe(true);
    const without = await v2({ cgroupPath: '/system.slice/berthd.service', overrides: { 'memory.swap.max': null } });
    expect(await hasSwapAccounting(without.layout, '/system.slice/berthd.service')).toBe(false);
  });

  test('lists the container\'s cgroup dir under each hierarchy that has it', async () => {
    const tree = await v1({ controllers: ['memory', 'pids'] });
    const dirs = await existingCgroupDirs(tree.layout, CONTAINER_CGROUP);
    expect(dirs.sort()).toEqual([path.join(tree.root, 'memory', CONTAINER_CGROUP), path.join(tree.root, 'pids', CONTAINER_CGROUP)]);
    expect(await existingCgroupDirs(tree.layout, '/berth/gone')).toEqual([]);
    const unified = await v2();
    expect(await existingCgroupDirs(unified.layout, CONTAINER_CGROUP)).toEqual([path.join(unified.root, CONTAINER_CGROUP)]);
  });
});
