// Validates a container create request and merges it with the image's defaults (pure).
// Errors carry Docker's texts so clients show users what they expect.

import { InvalidArgumentError } from '../../errdefs/index.js';
import { ALL_CAPABILITIES } from '../runtime/spec.js';
import { signalNumber } from './signals.js';
import type { ContainerConfig, CreateRequest, HealthConfig, HostConfig, LogConfig, RestartPolicy, Ulimit } from './types.js';

/** The parts of an OCI image config a container inherits. */
export interface ImageDefaults {
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>> | null;
  Volumes?: Record<string, Record<string, never>> | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
}

export interface HostLimits {
  ncpu: number;
  /** The daemon's hard RLIMIT_NOFILE etc.: without CAP_SYS_RESOURCE a container cannot exceed them. */
  hardLimits: Record<string, number>;
  cgroupVersion: 1 | 2;
  /** Capabilities berthd itself holds (its bounding set); others cannot be granted. */
  capabilities?: readonly string[];
  /** The daemon's log-driver/log-opts (daemon.json), read at each create so a reload applies. */
  logDefaults?: () => LogConfig;
}

export interface NormalizedCreate {
  config: ContainerConfig;
  hostConfig: HostConfig;
  path: string;
  args: string[];
  warnings: string[];
}

// Docker's pattern ends in `+`, which rejects one-character names ("--name w"); Berth accepts them
// (issue 2 asks for `--name w`), the only difference.
const NAME_PATTERN = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MIN_MEMORY = 6 * 1024 * 1024;
const RESTART_POLICIES = new Set(['', 'no', 'always', 'on-failure', 'unless-stopped']);
export const ULIMIT_NAMES: Readonly<Record<string, string>> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS',
  memlock: 'RLIMIT_MEMLOCK', msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE',
  nproc: 'RLIMIT_NPROC', rss: 'RLIMIT_RSS', rtprio: 'RLIMIT_RTPRIO', rttime: 'RLIMIT_RTTIME',
  sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK', as: 'RLIMIT_AS',
};
/** Sysctls that are namespaced (so a container may set them), as Docker allows. */
const SYSCTL_NAMESPACED = [/^kernel\.msg/, /^kernel\.sem$/, /^kernel\.shm/, /^fs\.mqueue\./, /^net\./];

export function validateContainerName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, '');
}

/** Normalises a capability name ("net_admin", "CAP_NET_ADMIN", "ALL"); throws on unknown names. */
export function normalizeCapability(name: string): string {
  const upper = name.toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) throw new InvalidArgumentError(`unknown capability: "${full}"`);
  return full;
}

/**
 * The capability set of a container, with Docker's precedence: --cap-add ALL gives every capability
 * but the dropped ones; otherwise --cap-drop ALL keeps only the added ones; otherwise the defaults
 * minus the dropped, plus the added (so a capability both added and dropped is kept).
 */
export function effectiveCapabilities(defaults: readonly string[], add: string[] | null, drop: string[] | null): string[] {
  const adds = (add ?? []).map(normalizeCapability);
  const drops = (drop ?? []).map(normalizeCapability);
  let caps: readonly string[];
  if (adds.includes('ALL')) caps = ALL_CAPABILITIES.filter((cap) => !drops.includes(cap));
  else if (drops.includes('ALL')) caps = adds;
  else caps = [...defaults.filter((cap) => !drops.includes(cap)), ...adds];
  return [...new Set(caps)];
}

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/** As Docker: the user's entries in their order, then the image's entries whose key the user did not set. */
function mergeEnv(image: string[] | null | undefined, user: string[] | null | undefined): string[] {
  if (!user || user.length === 0) return [...(image ?? [])];
  const userKeys = new Set(user.map(envKey));
  return [...user, ...(image ?? []).filter((entry) => !userKeys.has(envKey(entry)))];
}

/** As Docker: the user's healthcheck fields, with unset ones (empty Test, zero durations) from the image's. */
function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (!user || !image) return user ?? image;
  const merged: HealthConfig = { ...user };
  if (!user.Test || user.Test.length === 0) merged.Test = image.Test;
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    if (!user[key]) merged[key] = image[key];
  }
  return Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as HealthConfig;
}

export function checkRestartPolicy(policy: RestartPolicy, autoRemove: boolean): RestartPolicy {
  if (!RESTART_POLICIES.has(policy.Name)) throw new InvalidArgumentError(`invalid restart policy '${policy.Name}'`);
  if (policy.MaximumRetryCount < 0) throw new InvalidArgumentError('invalid restart policy: maximum retry count cannot be negative');
  if (policy.MaximumRetryCount > 0 && policy.Name !== 'on-failure') {
    throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  }
  if (autoRemove && policy.Name !== '' && policy.Name !== 'no') {
    throw new InvalidArgumentError(`conflicting options: cannot specify both --restart and --rm`);
  }
  return { Name: policy.Name === '' ? 'no' : policy.Name, MaximumRetryCount: policy.MaximumRetryCount };
}

function checkUlimits(ulimits: Ulimit[] | null | undefined, limits: HostLimits): Ulimit[] | null {
  if (!ulimits || ulimits.length === 0) return ulimits === undefined ? null : ulimits;
  for (const ulimit of ulimits) {
    const rlimit = ULIMIT_NAMES[ulimit.Name];
    if (!rlimit) throw new InvalidArgumentError(`invalid ulimit type: ${ulimit.Name}`);
    if (ulimit.Soft > ulimit.Hard) {
      throw new InvalidArgumentError(`ulimit soft limit must be less than or equal to hard limit: ${ulimit.Soft} > ${ulimit.Hard}`);
    }
    const ceiling = limits.hardLimits[ulimit.Name];
    if (ceiling !== undefined && ceiling >= 0 && ulimit.Hard > ceiling) {
      throw new InvalidArgumentError(
        `ulimit ${ulimit.Name}=${ulimit.Soft}:${ulimit.Hard} is above the daemon's hard limit ${ceiling}; ` +
          'raising it needs CAP_SYS_RESOURCE, which this host does not grant',
      );
    }
  }
  return ulimits;
}

function checkSysctls(sysctls: Record<string, string> | undefined, networkMode: string, ipcMode: string): void {
  for (const key of Object.keys(sysctls ?? {})) {
    if (!SYSCTL_NAMESPACED.some((pattern) => pattern.test(key))) {
      throw new InvalidArgumentError(`sysctl '${key}' is not allowed: it is not namespaced`);
    }
    if (key.startsWith('net.') && networkMode === 'host') {
      throw new InvalidArgumentError(`sysctl '${key}' not allowed in host network namespace`);
    }
    if (!key.startsWith('net.') && ipcMode === 'host') {
      throw new InvalidArgumentError(`sysctl '${key}' not allowed with host IPC namespace`);
    }
  }
}

/** Docker's resource checks; `update` (docker update) allows a swap limit without a memory limit in the request. */
export function checkResources(host: Partial<HostConfig>, limits: HostLimits, warnings: string[], options: { update?: boolean } = {}): void {
  const memory = host.Memory ?? 0;
  if (memory < 0) throw new InvalidArgumentError('invalid memory limit: must be a positive number');
  if (memory > 0 && memory < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  const swap = host.MemorySwap ?? 0;
  if (swap > 0 && memory > 0 && swap < memory) {
    throw new InvalidArgumentError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (swap > 0 && memory === 0 && !options.update) throw new InvalidArgumentError('You should always set the Memory limit when using Memoryswap limit, see usage');
  const reservation = host.MemoryReservation ?? 0;
  if (reservation < 0) throw new InvalidArgumentError('invalid memory reservation: must be a positive number');
  if (reservation > 0 && reservation < MIN_MEMORY) throw new InvalidArgumentError('Minimum memory reservation allowed is 6MB');
  if (memory > 0 && reservation > memory) {
    throw new InvalidArgumentError('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  const swappiness = host.MemorySwappiness;
  if (swappiness !== undefined && swappiness !== null && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw new InvalidArgumentError(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  const nano = host.NanoCpus ?? 0;
  if (nano < 0) throw new InvalidArgumentError('invalid CPU value: must be a positive number');
  if (nano > 0 && ((host.CpuQuota ?? 0) > 0 || (host.CpuPeriod ?? 0) > 0)) {
    throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  if (nano > 0 && (nano < 10_000_000 || nano > limits.ncpu * 1e9)) {
    throw new InvalidArgumentError(
      `Range of CPUs is from 0.01 to ${limits.ncpu.toFixed(2)}, as there are only ${limits.ncpu} CPUs available`,
    );
  }
  if ((host.CpuShares ?? 0) < 0) throw new InvalidArgumentError('invalid CPU shares: must be a positive number');
  const period = host.CpuPeriod ?? 0;
  if (period !== 0 && (period < 1000 || period > 1_000_000)) {
    throw new InvalidArgumentError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  const quota = host.CpuQuota ?? 0;
  if (quota !== 0 && quota !== -1 && quota < 1000) throw new InvalidArgumentError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  const pids = host.PidsLimit;
  if (pids !== undefined && pids !== null && pids < -1) throw new InvalidArgumentError('invalid PIDs limit: must be -1, 0 or a positive number');
  const weight = host.BlkioWeight ?? 0;
  if (weight !== 0 && (weight < 10 || weight > 1000)) throw new InvalidArgumentError('Range of blkio weight is from 10 to 1000');
  if ((host.ShmSize ?? 0) < 0) throw new InvalidArgumentError('SHM size can not be less than 0');
  if (host.OomKillDisable && memory === 0) {
    warnings.push('OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.');
  }
  for (const [target] of Object.entries(host.Tmpfs ?? {})) {
    if (!target.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "tmpfs": invalid mount path: '${target}' mount path must be absolute`);
  }
}

/** Settings that make no sense with a shared network namespace, refused with dockerd's texts. */
function checkNetworkModeConflicts(request: CreateRequest, host: Partial<HostConfig>, warnings: string[]): void {
  const mode = host.NetworkMode ?? '';
  const publishes = Object.keys(host.PortBindings ?? {}).length > 0 || Boolean(host.PublishAllPorts);
  if (mode === 'host' && publishes) warnings.push('Published ports are discarded when using host network mode');
  if (!mode.startsWith('container:')) return;
  if (request.Hostname) throw new InvalidArgumentError('conflicting options: hostname and the network mode');
  if (request.MacAddress) throw new InvalidArgumentError('conflicting options: mac-address and the network mode');
  if ((host.Dns ?? []).length || (host.DnsSearch ?? []).length || (host.DnsOptions ?? []).length) {
    throw new InvalidArgumentError('conflicting options: dns and the network mode');
  }
  if ((host.ExtraHosts ?? []).length) throw new InvalidArgumentError('conflicting options: custom host-to-IP mapping and the network mode');
  if ((host.Links ?? []).length) {
    throw new InvalidArgumentError("conflicting options: container type network can't be used with links. This would result in undefined behavior");
  }
  if (publishes) throw new InvalidArgumentError('conflicting options: port publishing and the container type network mode');
}

export function defaultHostConfig(limits: HostLimits): HostConfig {
  return {
    Binds: null, ContainerIDFile: '', LogConfig: { Type: 'json-file', Config: {} }, NetworkMode: 'default',
    PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, VolumeDriver: '',
    VolumesFrom: null, ConsoleSize: [0, 0], CapAdd: null, CapDrop: null,
    CgroupnsMode: limits.cgroupVersion === 1 ? 'host' : 'private', Dns: [], DnsOptions: [], DnsSearch: [],
    ExtraHosts: null, GroupAdd: null, IpcMode: 'private', Cgroup: '', Links: null, OomScoreAdj: 0, PidMode: '',
    Privileged: false, PublishAllPorts: false, ReadonlyRootfs: false, SecurityOpt: null, UTSMode: '',
    UsernsMode: '', ShmSize: 67108864, Runtime: 'runc', Isolation: '', CpuShares: 0, Memory: 0, NanoCpus: 0,
    CgroupParent: '', BlkioWeight: 0, BlkioWeightDevice: [], BlkioDeviceReadBps: [], BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [], BlkioDeviceWriteIOps: [], CpuPeriod: 0, CpuQuota: 0, CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0, CpusetCpus: '', CpusetMems: '', Devices: [], DeviceCgroupRules: null,
    DeviceRequests: null, MemoryReservation: 0, MemorySwap: 0, MemorySwappiness: null, OomKillDisable: null,
    PidsLimit: null, Ulimits: null, CpuCount: 0, CpuPercent: 0, IOMaximumIOps: 0, IOMaximumBandwidth: 0,
    MaskedPaths: null, ReadonlyPaths: null,
  };
}

function definedEntries<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Validates `request` and merges it over the image's defaults. */
export function normalizeCreate(request: CreateRequest, image: ImageDefaults, limits: HostLimits): NormalizedCreate {
  const warnings: string[] = [];
  const requestHost = request.HostConfig ?? {};
  checkResources(requestHost, limits, warnings);
  checkNetworkModeConflicts(request, requestHost, warnings);
  if (requestHost.CgroupnsMode && !['host', 'private'].includes(requestHost.CgroupnsMode)) {
    throw new InvalidArgumentError(`invalid cgroup namespace mode: ${requestHost.CgroupnsMode}`);
  }
  const base = defaultHostConfig(limits);
  const hostConfig: HostConfig = { ...base, ...definedEntries(requestHost) } as HostConfig;
  // dockerd's mergeAndVerifyLogConfig: no type means the daemon's; the daemon's options fill in
  // keys the container leaves out when it uses the daemon's driver.
  const daemonLog = limits.logDefaults?.() ?? { Type: 'json-file', Config: {} };
  const logType = requestHost.LogConfig?.Type || daemonLog.Type;
  hostConfig.LogConfig = {
    Type: logType,
    Config: logType === daemonLog.Type ? { ...daemonLog.Config, ...(requestHost.LogConfig?.Config ?? {}) } : (requestHost.LogConfig?.Config ?? {}),
  };
  if (!['json-file', 'none', 'local'].includes(hostConfig.LogConfig.Type)) {
    throw new InvalidArgumentError(`logging driver "${hostConfig.LogConfig.Type}" is not supported by berth (json-file, local, none)`);
  }
  for (const key of Object.keys(hostConfig.LogConfig.Config)) {
    if (!['max-size', 'max-file', 'labels', 'labels-regex', 'env', 'env-regex', 'tag', 'compress', 'mode', 'max-buffer-size'].includes(key)) {
      throw new InvalidArgumentError(`unknown log opt '${key}' for json-file log driver`);
    }
  }
  if (hostConfig.ShmSize === 0) hostConfig.ShmSize = base.ShmSize;
  if (!hostConfig.NetworkMode) hostConfig.NetworkMode = 'default';
  if (!hostConfig.IpcMode) hostConfig.IpcMode = 'private';
  if (!hostConfig.Runtime) hostConfig.Runtime = 'runc';
  if (hostConfig.Runtime !== 'runc') throw new InvalidArgumentError(`unknown or invalid runtime name: ${hostConfig.Runtime}`);
  if (!hostConfig.CgroupnsMode) hostConfig.CgroupnsMode = base.CgroupnsMode;
  hostConfig.RestartPolicy = checkRestartPolicy(
    { Name: requestHost.RestartPolicy?.Name ?? 'no', MaximumRetryCount: requestHost.RestartPolicy?.MaximumRetryCount ?? 0 },
    hostConfig.AutoRemove,
  );
  hostConfig.Ulimits = checkUlimits(requestHost.Ulimits, limits);
  checkSysctls(requestHost.Sysctls, hostConfig.NetworkMode, hostConfig.IpcMode);
  effectiveCapabilities([], hostConfig.CapAdd, hostConfig.CapDrop);
  for (const cap of (hostConfig.CapAdd ?? []).map(normalizeCapability)) {
    if (cap !== 'ALL' && limits.capabilities && !limits.capabilities.includes(cap)) {
      throw new InvalidArgumentError(`capability ${cap} cannot be granted: berthd itself does not hold it on this host`);
    }
  }
  for (const option of hostConfig.SecurityOpt ?? []) {
    const [key, value] = option.includes('=') ? option.split(/=(.*)/s) : option.split(/:(.*)/s);
    if (!['no-new-privileges', 'seccomp', 'apparmor', 'label', 'systempaths'].includes(key)) {
      throw new InvalidArgumentError(`invalid --security-opt: "${option}"`);
    }
    if (key === 'seccomp' && value !== 'unconfined' && !value?.trim().startsWith('{')) {
      throw new InvalidArgumentError(`invalid --security-opt seccomp: only "unconfined" or an inline JSON profile is supported`);
    }
  }

  // As Docker: a stop signal that cannot be parsed is refused now, not when `stop` needs it.
  if (request.StopSignal) signalNumber(request.StopSignal);

  const userEntrypoint = request.Entrypoint ?? null;
  const userCmd = request.Cmd ?? null;
  let entrypoint = userEntrypoint;
  let cmd = userCmd;
  // As Docker: a non-empty user entrypoint resets the image's Cmd (only the user's Cmd is kept); an
  // empty one ([]) drops the image's entrypoint but keeps its Cmd; none (null) inherits both.
  if (userEntrypoint === null || userEntrypoint.length === 0) {
    if (!userCmd || userCmd.length === 0) cmd = image.Cmd ?? null;
    if (userEntrypoint === null) entrypoint = image.Entrypoint ?? null;
  }
  // `--entrypoint ""` arrives as [""]: no entrypoint at all.
  if (entrypoint && entrypoint.length === 1 && entrypoint[0] === '') entrypoint = null;
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (argv.length === 0 || argv[0] === '') throw new InvalidArgumentError('No command specified');

  const labels = { ...(image.Labels ?? {}), ...(request.Labels ?? {}) };
  const exposed = { ...(image.ExposedPorts ?? {}), ...(request.ExposedPorts ?? {}) };
  const volumes = { ...(image.Volumes ?? {}), ...(request.Volumes ?? {}) };
  const healthcheck = mergeHealthcheck(request.Healthcheck, image.Healthcheck);
  const config: ContainerConfig = {
    Hostname: request.Hostname ?? '',
    Domainname: request.Domainname ?? '',
    User: request.User || image.User || '',
    AttachStdin: request.AttachStdin ?? false,
    AttachStdout: request.AttachStdout ?? false,
    AttachStderr: request.AttachStderr ?? false,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    Tty: request.Tty ?? false,
    OpenStdin: request.OpenStdin ?? false,
    StdinOnce: request.StdinOnce ?? false,
    Env: mergeEnv(image.Env, request.Env),
    Cmd: cmd,
    ...(healthcheck ? { Healthcheck: healthcheck } : {}),
    Image: request.Image ?? '',
    Volumes: Object.keys(volumes).length ? volumes : null,
    WorkingDir: request.WorkingDir || image.WorkingDir || '',
    Entrypoint: entrypoint,
    OnBuild: request.OnBuild ?? image.OnBuild ?? null,
    Labels: labels,
    ...(request.StopSignal || image.StopSignal ? { StopSignal: request.StopSignal || image.StopSignal } : {}),
    ...(request.StopTimeout !== undefined && request.StopTimeout !== null ? { StopTimeout: request.StopTimeout } : {}),
    ...(request.MacAddress ? { MacAddress: request.MacAddress } : {}),
    ...(request.NetworkDisabled ? { NetworkDisabled: true } : {}),
  };
  if (config.WorkingDir && !config.WorkingDir.startsWith('/')) {
    throw new InvalidArgumentError(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  return { config, hostConfig, path: argv[0], args: argv.slice(1), warnings };
}
