// Builds the OCI runtime spec (config.json) for a container or an exec process (pure).
// The defaults follow Docker's: the default capability set, masked and read-only /proc paths, the
// default seccomp profile, /dev/shm of 64 MiB, host cgroup namespace on cgroup v1.

import type { OciMount, OciNamespace, OciProcess, OciResources, OciRlimit, OciSpec } from './oci.js';
import { defaultSeccompProfile } from './seccomp.js';
import type { OciSeccomp } from './oci.js';

export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Every capability Linux 6.x knows, in bit order (index = capability number). */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * The capabilities of a bounding-set mask (CapBnd in /proc/PID/status, hex) (pure). A container
 * cannot hold one its daemon lacks: hosts without CAP_SYS_RESOURCE exist.
 */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim() || '0'}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

export const MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

export const READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
/** CFS period used to turn --cpus into a quota, as Docker does. */
export const CPU_PERIOD_US = 100_000;

/** Namespace choice: a fresh one, the host's, or join an existing one at a path (/proc/PID/ns/X). */
export type NamespaceMode = { kind: 'private' } | { kind: 'host' } | { kind: 'path'; path: string };

export interface ProcessInput {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  terminal: boolean;
  consoleSize?: { height: number; width: number };
  capabilities: string[];
  noNewPrivileges: boolean;
  rlimits: OciRlimit[];
  oomScoreAdj?: number;
}

export interface ResourcesInput {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  memorySwappiness?: number;
  oomKillDisable?: boolean;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  pidsLimit?: number;
  blkioWeight?: number;
}

export interface ContainerSpecInput {
  rootfsPath: string;
  readonlyRootfs: boolean;
  hostname: string;
  domainname: string;
  process: ProcessInput;
  /** Extra mounts (binds, volumes, tmpfs, /etc files, init), applied after the defaults. */
  mounts: OciMount[];
  resources: ResourcesInput;
  cgroupsPath: string;
  sysctls: Record<string, string>;
  privileged: boolean;
  /** 'default' builds the default profile for the process's capabilities. */
  seccomp: 'default' | 'unconfined' | OciSeccomp;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  shmSize: number;
  network: NamespaceMode;
  pid: NamespaceMode;
  ipc: NamespaceMode;
  uts: NamespaceMode;
  /** A private cgroup namespace (Docker's default on cgroup v2; the host's on v1). */
  cgroupNamespace?: boolean;
  /** Whether the memory cgroup can limit swap (memory.memsw.* exists). */
  swapAccounting: boolean;
}

function defaultMounts(input: ContainerSpecInput): OciMount[] {
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts',
      type: 'devpts',
      source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', input.privileged ? 'rw' : 'ro'] },
    {
      destination: '/sys/fs/cgroup',
      type: 'cgroup',
      source: 'cgroup',
      options: ['nosuid', 'noexec', 'nodev', 'relatime', input.privileged ? 'rw' : 'ro'],
    },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ];
  if (input.ipc.kind !== 'host') {
    mounts.push({
      destination: '/dev/shm',
      type: 'tmpfs',
      source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${input.shmSize}`],
    });
  }
  return mounts;
}

function namespace(type: OciNamespace['type'], mode: NamespaceMode): OciNamespace | undefined {
  if (mode.kind === 'host') return undefined;
  if (mode.kind === 'path') return { type, path: mode.path };
  return { type };
}

export function buildResources(input: ResourcesInput, swapAccounting: boolean, privileged: boolean): OciResources {
  const resources: OciResources = {
    devices: privileged ? [{ allow: true, access: 'rwm' }] : [{ allow: false, access: 'rwm' }],
  };
  const memory: NonNullable<OciResources['memory']> = {};
  if (input.memory && input.memory > 0) {
    memory.limit = input.memory;
    if (swapAccounting) {
      // Docker: unset swap means swap may equal the memory limit (total = 2 × memory); -1 unlimited.
      if (input.memorySwap === undefined || input.memorySwap === 0) memory.swap = input.memory * 2;
      else memory.swap = input.memorySwap;
    }
  }
  if (input.memoryReservation && input.memoryReservation > 0) memory.reservation = input.memoryReservation;
  if (input.memorySwappiness !== undefined && input.memorySwappiness >= 0) memory.swappiness = input.memorySwappiness;
  if (input.oomKillDisable) memory.disableOOMKiller = true;
  if (Object.keys(memory).length > 0) resources.memory = memory;
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (input.cpuShares && input.cpuShares > 0) cpu.shares = input.cpuShares;
  if (input.cpuQuota && input.cpuQuota > 0) {
    cpu.quota = input.cpuQuota;
    cpu.period = input.cpuPeriod && input.cpuPeriod > 0 ? input.cpuPeriod : CPU_PERIOD_US;
  }
  if (input.cpusetCpus) cpu.cpus = input.cpusetCpus;
  if (input.cpusetMems) cpu.mems = input.cpusetMems;
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;
  if (input.pidsLimit !== undefined && input.pidsLimit > 0) resources.pids = { limit: input.pidsLimit };
  if (input.blkioWeight && input.blkioWeight > 0) resources.blockIO = { weight: input.blkioWeight };
  return resources;
}

export function buildProcess(input: ProcessInput): OciProcess {
  // The caller decides the set: a privileged process gets every capability the host grants.
  const capabilities = [...input.capabilities];
  const process: OciProcess = {
    terminal: input.terminal,
    user: { uid: input.uid, gid: input.gid, ...(input.additionalGids.length ? { additionalGids: input.additionalGids } : {}) },
    args: input.args,
    env: input.env,
    cwd: input.cwd,
    capabilities: { bounding: capabilities, effective: capabilities, permitted: capabilities },
    noNewPrivileges: input.noNewPrivileges,
  };
  if (input.terminal && input.consoleSize && input.consoleSize.height > 0 && input.consoleSize.width > 0) {
    process.consoleSize = input.consoleSize;
  }
  if (input.rlimits.length > 0) process.rlimits = input.rlimits;
  if (input.oomScoreAdj !== undefined && input.oomScoreAdj !== 0) process.oomScoreAdj = input.oomScoreAdj;
  return process;
}

export function buildSpec(input: ContainerSpecInput): OciSpec {
  const process = buildProcess(input.process);
  const namespaces = [
    namespace('pid', input.pid),
    namespace('network', input.network),
    namespace('ipc', input.ipc),
    namespace('uts', input.uts),
    { type: 'mount' as const },
    input.cgroupNamespace ? { type: 'cgroup' as const } : undefined,
  ].filter((ns): ns is OciNamespace => ns !== undefined);
  const seccomp =
    input.privileged || input.seccomp === 'unconfined'
      ? undefined
      : input.seccomp === 'default'
        ? defaultSeccompProfile(process.capabilities.bounding)
        : input.seccomp;
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process,
    root: { path: input.rootfsPath, readonly: input.readonlyRootfs },
    hostname: input.uts.kind === 'host' ? '' : input.hostname,
    mounts: [...defaultMounts(input), ...input.mounts],
    linux: {
      namespaces,
      resources: buildResources(input.resources, input.swapAccounting, input.privileged),
      cgroupsPath: input.cgroupsPath,
      ...(Object.keys(input.sysctls).length ? { sysctl: input.sysctls } : {}),
      ...(seccomp ? { seccomp } : {}),
      maskedPaths: input.privileged ? [] : (input.maskedPaths ?? [...MASKED_PATHS]),
      readonlyPaths: input.privileged ? [] : (input.readonlyPaths ?? [...READONLY_PATHS]),
    },
  };
  if (input.domainname && input.uts.kind !== 'host') spec.domainname = input.domainname;
  if (input.uts.kind === 'host') delete (spec as { hostname?: string }).hostname;
  return spec;
}
