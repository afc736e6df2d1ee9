// Test fixtures: fake cgroup hierarchies of both layouts written into a temp dir, with the files
// a container's cgroup holds and the texts the kernel writes, plus matching mountinfo samples
// (test-only; effectful).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CgroupLayout } from '../cgroups.js';

/** File name → content; `null` leaves the file out. */
export type CgroupFiles = Record<string, string | null>;

export const CONTAINER_CGROUP = '/berth/3f1c0e5d9a7b';

/** v1: controller → files of the container's cgroup under that controller's hierarchy. */
export const V1_FILES: Record<string, CgroupFiles> = {
  memory: {
    'memory.usage_in_bytes': '10485760\n',
    'memory.max_usage_in_bytes': '20971520\n',
    // An unlimited v1 cgroup: LONG_MAX rounded down to the page size.
    'memory.limit_in_bytes': '9223372036854771712\n',
    'memory.failcnt': '0\n',
    'memory.memsw.limit_in_bytes': '9223372036854771712\n',
    'memory.stat':
      'cache 4096\nrss 8192\nrss_huge 0\nshmem 0\nmapped_file 0\npgfault 1200\npgmajfault 3\ninactive_file 1024\nactive_file 3072\n' +
      'hierarchical_memory_limit 9223372036854771712\ntotal_cache 4096\ntotal_rss 8192\ntotal_inactive_file 1024\n',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
  },
  cpuacct: {
    'cpuacct.usage': '123456789\n',
    // The kernel ends the per-CPU list with a space.
    'cpuacct.usage_percpu': '100000000 23456789 \n',
    'cpuacct.stat': 'user 5\nsystem 3\n',
  },
  cpu: {
    'cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 3000000\n',
    'cpu.shares': '1024\n',
  },
  pids: { 'pids.current': '3\n', 'pids.max': 'max\n' },
  blkio: {
    'blkio.throttle.io_service_bytes_recursive':
      '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
    'blkio.throttle.io_serviced_recursive': '8:0 Read 1\n8:0 Write 2\n8:0 Sync 0\n8:0 Async 3\n8:0 Discard 0\n8:0 Total 3\nTotal 3\n',
  },
};

/** v2: files of the container's cgroup in the unified hierarchy. */
export const V2_FILES: CgroupFiles = {
  'cgroup.controllers': 'cpuset cpu io memory pids\n',
  'memory.current': '10485760\n',
  'memory.max': 'max\n',
  'memory.swap.max': 'max\n',
  'memory.stat': 'anon 8192\nfile 4096\nkernel_stack 16384\nsock 0\nshmem 0\ninactive_file 1024\nactive_file 3072\npgfault 1200\npgmajfault 3\n',
  'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n',
  'cpu.stat': 'usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\nnr_periods 10\nnr_throttled 2\nthrottled_usec 3000\nnr_bursts 0\nburst_usec 0\n',
  'pids.current': '3\n',
  'pids.max': 'max\n',
  'io.stat': '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=512 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n',
};

export interface CgroupTree {
  root: string;
  layout: CgroupLayout;
  remove(): Promise<void>;
}

async function writeFiles(dir: string, files: CgroupFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    if (content !== null) await writeFile(path.join(dir, name), content);
  }
}

/**
 * A v1 tree: one hierarchy per controller (`<root>/<controller>`), each holding the container's
 * cgroup. `overrides` replaces or (with null) removes files per controller; `controllers` picks
 * which hierarchies are mounted (a controller left out has no entry in the layout).
 */
export async function makeV1Tree(
  options: { overrides?: Record<string, CgroupFiles>; controllers?: string[]; cgroupPath?: string } = {},
): Promise<CgroupTree> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-cgroup-v1-'));
  const cgroupPath = options.cgroupPath ?? CONTAINER_CGROUP;
  const v1: Record<string, string> = {};
  for (const controller of options.controllers ?? Object.keys(V1_FILES)) {
    v1[controller] = path.join(root, controller);
    await writeFiles(path.join(root, controller, cgroupPath), { ...V1_FILES[controller], ...options.overrides?.[controller] });
  }
  return { root, layout: { version: 1, v1 }, remove: () => rm(root, { recursive: true, force: true }) };
}

/** A unified (v2) tree at `<root>` with the container's cgroup; `overrides` as for v1. */
export async function makeV2Tree(options: { overrides?: CgroupFiles; cgroupPath?: string } = {}): Promise<CgroupTree> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-cgroup-v2-'));
  await writeFiles(path.join(root, options.cgroupPath ?? CONTAINER_CGROUP), { ...V2_FILES, ...options.overrides });
  return { root, layout: { version: 2, v1: {}, unified: root }, remove: () => rm(root, { recursive: true, force: true }) };
}

/** /proc/self/mountinfo of a hybrid host (this CI machine): v1 controllers plus an empty cgroup2 at unified/. */
export const MOUNTINFO_HYBRID = `22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

/** A systemd v1 host (Ubuntu 18.04 style): co-mounted controllers, optional fields, xattr on name=systemd. */
export const MOUNTINFO_V1 = `24 29 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:9 - cgroup cgroup rw,xattr,name=systemd
33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct
34 30 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
35 30 0:31 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,net_cls,net_prio
36 30 0:32 / /sys/fs/cgroup/cpuset rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpuset,clone_children
37 30 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,pids
38 30 0:34 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,blkio
39 30 0:35 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,freezer
`;

/** A unified (v2-only) host, as on current distributions. */
export const MOUNTINFO_V2 = `22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw
30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;
