import { describe, expect, test } from 'vitest';
import type { OciMount, OciSeccomp } from './oci.js';
import {
  ALL_CAPABILITIES,
  CPU_PERIOD_US,
  DEFAULT_CAPABILITIES,
  MASKED_PATHS,
  READONLY_PATHS,
  buildProcess,
  capabilitiesFromMask,
  buildResources,
  buildSpec,
  type ContainerSpecInput,
  type ProcessInput,
} from './spec.js';

const MiB = 1024 * 1024;

function processInput(overrides: Partial<ProcessInput> = {}): ProcessInput {
  return {
    args: ['sh', '-c', 'echo hi'],
    env: ['PATH=/bin'],
    cwd: '/',
    uid: 0,
    gid: 0,
    additionalGids: [],
    terminal: false,
    capabilities: [...DEFAULT_CAPABILITIES],
    noNewPrivileges: false,
    rlimits: [],
    ...overrides,
  };
}

function specInput(overrides: Partial<ContainerSpecInput> = {}): ContainerSpecInput {
  return {
    rootfsPath: '/var/lib/berth/rootfs/abc/merged',
    readonlyRootfs: false,
    hostname: 'abc123',
    domainname: '',
    process: processInput(),
    mounts: [],
    resources: {},
    cgroupsPath: '/berth/abc',
    sysctls: {},
    privileged: false,
    seccomp: 'default',
    shmSize: 64 * MiB,
    network: { kind: 'private' },
    pid: { kind: 'private' },
    ipc: { kind: 'private' },
    uts: { kind: 'private' },
    swapAccounting: true,
    ...overrides,
  };
}

const mountAt = (mounts: OciMount[], destination: string): OciMount | undefined => mounts.find((m) => m.destination === destination);

describe('buildSpec: mounts', () => {
  test('Docker\'s default mounts in order, the container\'s own after them', () => {
    const extra: OciMount = { destination: '/etc/hosts', type: 'bind', source: '/var/lib/berth/containers/abc/hosts', options: ['rbind', 'rprivate'] };
    const spec = buildSpec(specInput({ mounts: [extra] }));
    expect(spec.mounts.map((m) => m.destination)).toEqual(['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm', '/etc/hosts']);
    expect(mountAt(spec.mounts, '/proc')).toEqual({ destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] });
    expect(mountAt(spec.mounts, '/dev')?.options).toEqual(['nosuid', 'strictatime', 'mode=755', 'size=65536k']);
    expect(mountAt(spec.mounts, '/dev/pts')?.options).toEqual(['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5']);
    expect(mountAt(spec.mounts, '/sys')?.options).toContain('ro');
    expect(mountAt(spec.mounts, '/sys/fs/cgroup')).toMatchObject({ type: 'cgroup', options: expect.arrayContaining(['ro']) as unknown });
    expect(spec.mounts.at(-1)).toEqual(extra);
  });

  test('/dev/shm is a tmpfs of the requested size', () => {
    expect(mountAt(buildSpec(specInput()).mounts, '/dev/shm')).toEqual({
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${64 * MiB}`],
    });
    expect(mountAt(buildSpec(specInput({ shmSize: 1024 })).mounts, '/dev/shm')?.options).toContain('size=1024');
  });

  test('no private /dev/shm when the container shares the host IPC namespace', () => {
    expect(mountAt(buildSpec(specInput({ ipc: { kind: 'host' } })).mounts, '/dev/shm')).toBeUndefined();
  });

  test('readonly rootfs', () => {
    expect(buildSpec(specInput({ readonlyRootfs: true })).root).toEqual({ path: '/var/lib/berth/rootfs/abc/merged', readonly: true });
    expect(buildSpec(specInput()).root.readonly).toBe(false);
  });
});

describe('buildSpec: namespaces', () => {
  test('private namespaces for pid, network, ipc, uts and mount by default', () => {
    expect(buildSpec(specInput()).linux.namespaces).toEqual([{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }]);
  });

  test('a host namespace is left out; a path namespace is joined', () => {
    const spec = buildSpec(specInput({ network: { kind: 'path', path: '/proc/42/ns/net' }, pid: { kind: 'host' }, ipc: { kind: 'path', path: '/proc/42/ns/ipc' } }));
    expect(spec.linux.namespaces).toEqual([{ type: 'network', path: '/proc/42/ns/net' }, { type: 'ipc', path: '/proc/42/ns/ipc' }, { type: 'uts' }, { type: 'mount' }]);
  });

  test('the mount namespace is always private', () => {
    const spec = buildSpec(specInput({ network: { kind: 'host' }, pid: { kind: 'host' }, ipc: { kind: 'host' }, uts: { kind: 'host' } }));
    expect(spec.linux.namespaces).toEqual([{ type: 'mount' }]);
  });

  test('hostname and domainname are set in a private UTS namespace only', () => {
    const spec = buildSpec(specInput({ domainname: 'example.com' }));
    expect(spec.hostname).toBe('abc123');
    expect(spec.domainname).toBe('example.com');
    const host = buildSpec(specInput({ uts: { kind: 'host' }, domainname: 'example.com' }));
    expect('hostname' in host).toBe(false);
    expect('domainname' in host).toBe(false);
    expect('domainname' in buildSpec(specInput())).toBe(false);
  });
});

describe('buildSpec: confinement', () => {
  test('an unprivileged container gets the default caps, seccomp profile and masked/readonly paths', () => {
    const spec = buildSpec(specInput());
    expect(spec.process.capabilities.bounding).toEqual([...DEFAULT_CAPABILITIES]);
    expect(spec.linux.seccomp?.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(spec.linux.maskedPaths).toEqual([...MASKED_PATHS]);
    expect(spec.linux.readonlyPaths).toEqual([...READONLY_PATHS]);
    expect(spec.linux.maskedPaths).toEqual(expect.arrayContaining(['/proc/kcore', '/proc/keys', '/proc/interrupts', '/sys/firmware']));
    expect(spec.linux.readonlyPaths).toEqual(expect.arrayContaining(['/proc/sys', '/proc/sysrq-trigger']));
    expect(spec.linux.resources?.devices).toEqual([{ allow: false, access: 'rwm' }]);
  });

  test('privileged: the capabilities given (the host\'s whole set), no seccomp, nothing masked, writable /sys and cgroups, all devices', () => {
    const spec = buildSpec(specInput({ privileged: true, process: processInput({ capabilities: [...ALL_CAPABILITIES] }) }));
    for (const set of ['bounding', 'effective', 'permitted'] as const) expect(spec.process.capabilities[set]).toEqual([...ALL_CAPABILITIES]);
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual([]);
    expect(mountAt(spec.mounts, '/sys')?.options).toContain('rw');
    expect(mountAt(spec.mounts, '/sys')?.options).not.toContain('ro');
    expect(mountAt(spec.mounts, '/sys/fs/cgroup')?.options).toContain('rw');
    expect(spec.linux.resources?.devices).toEqual([{ allow: true, access: 'rwm' }]);
  });

  test('privileged ignores masked/readonly path overrides', () => {
    const spec = buildSpec(specInput({ privileged: true, maskedPaths: ['/proc/x'], readonlyPaths: ['/proc/y'] }));
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual([]);
  });

  test('masked and readonly path overrides replace the defaults (systempaths=unconfined sends empty lists)', () => {
    const spec = buildSpec(specInput({ maskedPaths: [], readonlyPaths: ['/proc/sys'] }));
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual(['/proc/sys']);
  });

  test('the default seccomp profile follows the process capabilities', () => {
    const withAdmin = buildSpec(specInput({ process: processInput({ capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'] }) }));
    const allowAll = (profile: OciSeccomp | undefined): string[] =>
      (profile?.syscalls ?? []).filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names);
    expect(allowAll(withAdmin.linux.seccomp)).toContain('mount');
    expect(allowAll(buildSpec(specInput()).linux.seccomp)).not.toContain('mount');
  });

  test('seccomp unconfined sets no profile; a custom profile is used as given', () => {
    expect(buildSpec(specInput({ seccomp: 'unconfined' })).linux.seccomp).toBeUndefined();
    const custom: OciSeccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: [], syscalls: [] };
    expect(buildSpec(specInput({ seccomp: custom })).linux.seccomp).toBe(custom);
  });

  test('sysctls only when some are set', () => {
    expect('sysctl' in buildSpec(specInput()).linux).toBe(false);
    expect(buildSpec(specInput({ sysctls: { 'net.core.somaxconn': '1024' } })).linux.sysctl).toEqual({ 'net.core.somaxconn': '1024' });
  });

  test('the cgroup path and OCI version', () => {
    const spec = buildSpec(specInput());
    expect(spec.linux.cgroupsPath).toBe('/berth/abc');
    expect(spec.ociVersion).toBe('1.0.2');
  });
});

describe('buildResources', () => {
  test('no limits: only the device rule', () => {
    expect(buildResources({}, true, false)).toEqual({ devices: [{ allow: false, access: 'rwm' }] });
  });

  const memoryCases: Array<{ name: string; input: Parameters<typeof buildResources>[0]; swapAccounting: boolean; memory: unknown }> = [
    { name: 'unset swap defaults to twice the memory (memory + as much swap)', input: { memory: 64 * MiB }, swapAccounting: true, memory: { limit: 64 * MiB, swap: 128 * MiB } },
    { name: 'swap 0 is unset', input: { memory: 64 * MiB, memorySwap: 0 }, swapAccounting: true, memory: { limit: 64 * MiB, swap: 128 * MiB } },
    { name: 'an explicit swap total is kept', input: { memory: 64 * MiB, memorySwap: 96 * MiB }, swapAccounting: true, memory: { limit: 64 * MiB, swap: 96 * MiB } },
    { name: 'swap -1 is unlimited', input: { memory: 64 * MiB, memorySwap: -1 }, swapAccounting: true, memory: { limit: 64 * MiB, swap: -1 } },
    { name: 'no swap limit without swap accounting', input: { memory: 64 * MiB, memorySwap: 96 * MiB }, swapAccounting: false, memory: { limit: 64 * MiB } },
    { name: 'no swap without a memory limit', input: { memorySwap: -1 }, swapAccounting: true, memory: undefined },
    { name: 'reservation, swappiness 0 and OOM killer off', input: { memoryReservation: 32 * MiB, memorySwappiness: 0, oomKillDisable: true }, swapAccounting: true, memory: { reservation: 32 * MiB, swappiness: 0, disableOOMKiller: true } },
    { name: 'swappiness -1 is unset', input: { memorySwappiness: -1 }, swapAccounting: true, memory: undefined },
  ];
  for (const { name, input, swapAccounting, memory } of memoryCases) {
    test(`memory: ${name}`, () => {
      expect(buildResources(input, swapAccounting, false).memory).toEqual(memory);
    });
  }

  test('cpu: a quota gets the default 100 ms period unless one is given', () => {
    expect(buildResources({ cpuQuota: 150_000 }, true, false).cpu).toEqual({ quota: 150_000, period: CPU_PERIOD_US });
    expect(buildResources({ cpuQuota: 50_000, cpuPeriod: 50_000 }, true, false).cpu).toEqual({ quota: 50_000, period: 50_000 });
  });

  test('cpu: shares and cpusets; an unlimited quota (-1) and zero shares set nothing', () => {
    expect(buildResources({ cpuShares: 512, cpusetCpus: '0-1', cpusetMems: '0' }, true, false).cpu).toEqual({ shares: 512, cpus: '0-1', mems: '0' });
    expect(buildResources({ cpuQuota: -1, cpuShares: 0, cpusetCpus: '' }, true, false).cpu).toBeUndefined();
  });

  test('pids: a positive limit is set; 0 and -1 mean unlimited', () => {
    expect(buildResources({ pidsLimit: 100 }, true, false).pids).toEqual({ limit: 100 });
    expect(buildResources({ pidsLimit: 0 }, true, false).pids).toBeUndefined();
    expect(buildResources({ pidsLimit: -1 }, true, false).pids).toBeUndefined();
  });

  test('blkio weight', () => {
    expect(buildResources({ blkioWeight: 300 }, true, false).blockIO).toEqual({ weight: 300 });
    expect(buildResources({ blkioWeight: 0 }, true, false).blockIO).toBeUndefined();
  });

  test('privileged allows every device', () => {
    expect(buildResources({}, true, true).devices).toEqual([{ allow: true, access: 'rwm' }]);
  });
});

describe('cgroup namespace', () => {
  test('a private cgroup namespace only when asked (Docker: private on v2, host on v1)', () => {
    const types = (spec: ReturnType<typeof buildSpec>): string[] => spec.linux.namespaces.map((ns) => ns.type);
    expect(types(buildSpec(specInput({ cgroupNamespace: true })))).toContain('cgroup');
    expect(types(buildSpec(specInput({ cgroupNamespace: false })))).not.toContain('cgroup');
    expect(types(buildSpec(specInput({})))).not.toContain('cgroup');
  });
});

describe('buildProcess', () => {
  test('user, args, env, cwd and the capability sets', () => {
    const process = buildProcess(processInput({ uid: 1000, gid: 1000, additionalGids: [1000, 27], cwd: '/app', noNewPrivileges: true }));
    expect(process).toEqual({
      terminal: false,
      user: { uid: 1000, gid: 1000, additionalGids: [1000, 27] },
      args: ['sh', '-c', 'echo hi'],
      env: ['PATH=/bin'],
      cwd: '/app',
      capabilities: { bounding: [...DEFAULT_CAPABILITIES], effective: [...DEFAULT_CAPABILITIES], permitted: [...DEFAULT_CAPABILITIES] },
      noNewPrivileges: true,
    });
  });

  test('no additionalGids, rlimits or oomScoreAdj keys when there are none', () => {
    const process = buildProcess(processInput({ oomScoreAdj: 0 }));
    expect(Object.keys(process.user)).toEqual(['uid', 'gid']);
    expect('rlimits' in process).toBe(false);
    expect('oomScoreAdj' in process).toBe(false);
  });

  test('rlimits and a non-zero oomScoreAdj are passed on', () => {
    const rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }];
    expect(buildProcess(processInput({ rlimits, oomScoreAdj: -500 }))).toMatchObject({ rlimits, oomScoreAdj: -500 });
  });

  const consoleCases: Array<{ name: string; terminal: boolean; size?: { height: number; width: number }; expected: unknown }> = [
    { name: 'set with a terminal', terminal: true, size: { height: 40, width: 120 }, expected: { height: 40, width: 120 } },
    { name: 'not set without a terminal', terminal: false, size: { height: 40, width: 120 }, expected: undefined },
    { name: 'not set when a dimension is 0', terminal: true, size: { height: 0, width: 120 }, expected: undefined },
    { name: 'not set when absent', terminal: true, expected: undefined },
  ];
  for (const { name, terminal, size, expected } of consoleCases) {
    test(`consoleSize: ${name}`, () => {
      const process = buildProcess(processInput({ terminal, ...(size ? { consoleSize: size } : {}) }));
      expect(process.terminal).toBe(terminal);
      expect(process.consoleSize).toEqual(expected);
    });
  }

  test('capabilitiesFromMask: the bounding set of a host without CAP_SYS_RESOURCE', () => {
    // This machine's CapBnd: every capability but bit 24.
    const caps = capabilitiesFromMask('000001fffeffffff');
    expect(caps).not.toContain('CAP_SYS_RESOURCE');
    expect(caps).toContain('CAP_SYS_ADMIN');
    expect(caps).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(capabilitiesFromMask('0')).toEqual([]);
    expect(capabilitiesFromMask('a80425fb')).toEqual(expect.arrayContaining(['CAP_CHOWN', 'CAP_NET_RAW', 'CAP_AUDIT_WRITE']));
  });

  test('capabilitiesFromMask: each bit is the capability of that number in <linux/capability.h>', () => {
    const numbers: Array<[string, number]> = [
      ['CAP_CHOWN', 0], ['CAP_KILL', 5], ['CAP_NET_BIND_SERVICE', 10], ['CAP_NET_RAW', 13], ['CAP_SYS_CHROOT', 18], ['CAP_SYS_ADMIN', 21],
      ['CAP_SYS_RESOURCE', 24], ['CAP_MKNOD', 27], ['CAP_AUDIT_WRITE', 29], ['CAP_SETFCAP', 31], ['CAP_SYSLOG', 34], ['CAP_BPF', 39],
      ['CAP_CHECKPOINT_RESTORE', 40],
    ];
    for (const [name, bit] of numbers) expect(capabilitiesFromMask((1n << BigInt(bit)).toString(16))).toEqual([name]);
    // Docker's default set is the classic 0xa80425fb.
    expect([...capabilitiesFromMask('a80425fb')].sort()).toEqual([...DEFAULT_CAPABILITIES].sort());
  });

  test('the capability arrays are copies, not the caller\'s array', () => {
    const capabilities = ['CAP_CHOWN'];
    const process = buildProcess(processInput({ capabilities }));
    process.capabilities.bounding.push('CAP_SYS_ADMIN');
    expect(capabilities).toEqual(['CAP_CHOWN']);
  });
});

describe('capability tables', () => {
  test('the defaults are Docker\'s 14 and all known capabilities', () => {
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
    for (const cap of DEFAULT_CAPABILITIES) expect(ALL_CAPABILITIES).toContain(cap);
    expect(new Set(ALL_CAPABILITIES).size).toBe(ALL_CAPABILITIES.length);
    expect(ALL_CAPABILITIES).toHaveLength(41);
  });
});
