// `run`/`create` flags to the Engine API create request (pure apart from the injected file reader):
// docker's containerOptions.parse for the flags Berth supports, with docker's validation and errors.
import type { ContainerCreateRequest, HostConfig, RestartPolicy, Ulimit } from '../../client/index.js';
import { FlagValueError } from '../errors.js';
import type { Flags, FlagSpec } from '../spec.js';
import { CONTAINER_CONFIG_FLAGS } from '../specs/container-flags.js';
import { KvFileError, readKeyValueFiles } from './kvfile.js';
import { MountSpecError, parseMountSpec } from './mounts.js';
import {
  checkMacAddress,
  NetworkOptionError,
  parseNetworkFlag,
  planNetworks,
  validateDnsSearch,
  validateExtraHost,
  validateIpAddress,
  validateLink,
} from './network-opts.js';
import { parsePorts, PortSpecError } from './ports.js';
import {
  keyValueMap,
  parseGoDuration,
  parseInt64,
  parseMemBytes,
  parseMemSwapBytes,
  parseNanoCpus,
  parseRestartPolicy,
  parseUint,
  parseUlimit,
  sortedMap,
  validateAttach,
  validateEnv,
  validateLabel,
  validateSysctl,
  ValueError,
} from './values.js';
import { parseTmpfs, splitVolumes, VolumeSpecError } from './volumes.js';

/** A semantic error in the options (docker prints these as `docker: <msg>` + the help pointer). */
export class ContainerConfigError extends Error {}

export type PullPolicy = 'missing' | 'always' | 'never';

export interface ContainerCreateInputs {
  image: string;
  command: readonly string[];
  flags: Flags;
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => Buffer;
  /** Relative bind sources (`-v ./data:/data`, `--mount src=./data`) resolve against it. */
  cwd?: string;
  /** [height, width] of our terminal when stdout is one; docker sends [0, 0] otherwise. */
  consoleSize?: [number, number];
}

export interface ContainerCreatePlan {
  body: ContainerCreateRequest;
  name: string | undefined;
  platform: string | undefined;
  pull: PullPolicy;
  /** Written to the file after create (`--cidfile`). */
  cidFile: string | undefined;
}

const FLAG_BY_NAME = new Map(CONTAINER_CONFIG_FLAGS.map((flag) => [flag.long, flag]));

function flagSpec(name: string): FlagSpec {
  return FLAG_BY_NAME.get(name) ?? { long: name, kind: 'value', description: '' };
}

/** Runs a value parser, turning its failure into docker's `invalid argument … for "…" flag: …`. */
function parseFlag<T>(name: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof ValueError || err instanceof MountSpecError) throw new FlagValueError(flagSpec(name), text, err.message);
    throw err;
  }
}

/** Runs a step of docker's parse(), whose errors print as `docker: <message>` with status 125. */
function semantic<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof VolumeSpecError || err instanceof PortSpecError || err instanceof NetworkOptionError) throw new ContainerConfigError(err.message);
    throw err;
  }
}

function optional<T>(flags: Flags, name: string, parse: (text: string) => T): T | undefined {
  const text = flags.string(name);
  return text === undefined ? undefined : parseFlag(name, text, parse);
}

function checkMode(value: string, valid: RegExp, message: string): string {
  if (!valid.test(value)) throw new ContainerConfigError(message);
  return value;
}

function securityOptions(values: readonly string[]): { securityOpt: string[]; maskedPaths?: string[]; readonlyPaths?: string[] } {
  const securityOpt: string[] = [];
  let unconfinedPaths = false;
  for (const option of values) {
    let separator = option.indexOf('=');
    if (separator === -1 && option !== 'no-new-privileges') separator = option.indexOf(':');
    const key = separator === -1 ? option : option.slice(0, separator);
    const value = separator === -1 ? '' : option.slice(separator + 1);
    if ((separator === -1 || value === '') && key !== 'no-new-privileges') throw new ContainerConfigError(`Invalid --security-opt: ${JSON.stringify(option)}`);
    if (option === 'systempaths=unconfined') {
      unconfinedPaths = true;
      continue;
    }
    securityOpt.push(option);
  }
  return unconfinedPaths ? { securityOpt, maskedPaths: [], readonlyPaths: [] } : { securityOpt };
}

function ulimits(flags: Flags): Ulimit[] {
  const byName = new Map<string, Ulimit>();
  for (const text of flags.list('ulimit')) {
    const limit = parseFlag('ulimit', text, parseUlimit);
    byName.set(limit.Name, limit);
  }
  return [...byName.values()];
}

function healthcheck(flags: Flags): ContainerCreateRequest['Healthcheck'] {
  const command = flags.string('health-cmd') ?? '';
  const interval = optional(flags, 'health-interval', parseGoDuration) ?? 0;
  const timeout = optional(flags, 'health-timeout', parseGoDuration) ?? 0;
  const startPeriod = optional(flags, 'health-start-period', parseGoDuration) ?? 0;
  const startInterval = optional(flags, 'health-start-interval', parseGoDuration) ?? 0;
  const retries = optional(flags, 'health-retries', parseInt64) ?? 0;
  const haveSettings = command !== '' || interval !== 0 || timeout !== 0 || startPeriod !== 0 || retries !== 0 || startInterval !== 0;
  if (flags.bool('no-healthcheck')) {
    if (haveSettings) throw new ContainerConfigError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!haveSettings) return undefined;
  if (interval < 0) throw new ContainerConfigError('--health-interval cannot be negative');
  if (timeout < 0) throw new ContainerConfigError('--health-timeout cannot be negative');
  if (retries < 0) throw new ContainerConfigError('--health-retries cannot be negative');
  if (startPeriod < 0) throw new ContainerConfigError('--health-start-period cannot be negative');
  if (startInterval < 0) throw new ContainerConfigError('--health-start-interval cannot be negative');
  return {
    ...(command !== '' ? { Test: ['CMD-SHELL', command] } : {}),
    Interval: interval,
    Timeout: timeout,
    StartPeriod: startPeriod,
    StartInterval: startInterval,
    Retries: retries,
  };
}

/** Builds the create request docker's CLI would send for these flags. */
export function buildContainerCreate(inputs: ContainerCreateInputs): ContainerCreatePlan {
  const { flags } = inputs;

  // Values that pflag validates while parsing come first, so their errors win like docker's.
  const attach = flags.list('attach').map((text) => parseFlag('attach', text, validateAttach));
  const envFlags = flags.list('env').map((text) => parseFlag('env', text, (value) => validateEnv(value, inputs.env)));
  const labelFlags = flags.list('label').map((text) => parseFlag('label', text, validateLabel));
  const sysctls: Record<string, string> = {};
  for (const text of flags.list('sysctl')) {
    const [key, value] = parseFlag('sysctl', text, validateSysctl);
    sysctls[key] = value;
  }
  const memory = optional(flags, 'memory', parseMemBytes) ?? 0;
  const memoryReservation = optional(flags, 'memory-reservation', parseMemBytes) ?? 0;
  const memorySwap = optional(flags, 'memory-swap', parseMemSwapBytes) ?? 0;
  const shmSize = optional(flags, 'shm-size', parseMemBytes) ?? 0;
  const nanoCpus = optional(flags, 'cpus', parseNanoCpus) ?? 0;
  const cpuShares = optional(flags, 'cpu-shares', parseInt64) ?? 0;
  const cpuPeriod = optional(flags, 'cpu-period', parseInt64) ?? 0;
  const cpuQuota = optional(flags, 'cpu-quota', parseInt64) ?? 0;
  const cpuRealtimePeriod = optional(flags, 'cpu-rt-period', parseInt64) ?? 0;
  const cpuRealtimeRuntime = optional(flags, 'cpu-rt-runtime', parseInt64) ?? 0;
  const blkioWeight = optional(flags, 'blkio-weight', (text) => parseUint(text, 16)) ?? 0;
  const pidsLimit = optional(flags, 'pids-limit', parseInt64) ?? 0;
  const swappiness = optional(flags, 'memory-swappiness', parseInt64) ?? -1;
  const oomScoreAdj = optional(flags, 'oom-score-adj', parseInt64) ?? 0;
  const stopTimeout = optional(flags, 'stop-timeout', parseInt64);
  const ulimitList = ulimits(flags);
  const extraHosts = flags.list('add-host').map((text) => parseFlag('add-host', text, validateExtraHost));
  const dns = flags.list('dns').map((text) => parseFlag('dns', text, validateIpAddress));
  const dnsSearch = flags.list('dns-search').map((text) => parseFlag('dns-search', text, validateDnsSearch));
  const links = flags.list('link').map((text) => parseFlag('link', text, validateLink));
  const cwd = inputs.cwd ?? '/';
  const mounts = flags.list('mount').map((text) => parseFlag('mount', text, (value) => parseMountSpec(value, cwd)));
  const networks = flags.list('network').map((text) => parseFlag('network', text, parseNetworkFlag));
  const macAddress = flags.string('mac-address') ?? '';

  const stdin = flags.bool('interactive');
  const attachStdin = attach.includes('stdin') || stdin;
  let attachStdout = attach.includes('stdout');
  let attachStderr = attach.includes('stderr');
  if (attach.length === 0) {
    attachStdout = true;
    attachStderr = true;
  }

  semantic(() => checkMacAddress(macAddress));
  if (swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw new ContainerConfigError(`invalid value: ${swappiness}. Valid memory swappiness range is 0-100`);
  }

  // Anonymous volumes (`-v /data`) go to Config.Volumes, everything with a source to Binds.
  const { binds, volumes } = semantic(() => splitVolumes(flags.list('volume'), cwd));
  const tmpfs = parseTmpfs(flags.list('tmpfs'));

  let entrypoint: string[] | null = null;
  const entrypointText = flags.string('entrypoint');
  if (entrypointText !== undefined && entrypointText !== '') entrypoint = [entrypointText];
  else if (flags.changed('entrypoint')) entrypoint = [''];

  const { exposedPorts, portBindings } = semantic(() => parsePorts(flags.list('publish'), flags.list('expose')));

  let env: string[];
  let labels: string[];
  try {
    env = readKeyValueFiles(flags.list('env-file'), envFlags, inputs.readFile, (key) => inputs.env[key]);
    labels = readKeyValueFiles(flags.list('label-file'), labelFlags, inputs.readFile);
  } catch (err) {
    if (err instanceof KvFileError) throw new ContainerConfigError(err.message);
    throw err;
  }

  const pidMode = checkMode(flags.string('pid') ?? '', /^(|host|container:.+)$/, '--pid: invalid PID mode');
  const utsMode = checkMode(flags.string('uts') ?? '', /^(|host)$/, '--uts: invalid UTS mode');
  const usernsMode = checkMode(flags.string('userns') ?? '', /^(|host)$/, '--userns: invalid USER mode');
  const cgroupnsMode = checkMode(flags.string('cgroupns') ?? '', /^(|host|private)$/, '--cgroupns: invalid CGROUP mode') as HostConfig['CgroupnsMode'];

  let restartPolicy: RestartPolicy;
  try {
    restartPolicy = parseRestartPolicy(flags.string('restart') ?? 'no') as RestartPolicy;
  } catch (err) {
    if (err instanceof ValueError) throw new ContainerConfigError(err.message);
    throw err;
  }

  const logDriver = flags.string('log-driver') ?? '';
  const logOptions = flags.list('log-opt');
  if (logDriver === 'none' && logOptions.length > 0) throw new ContainerConfigError(`invalid logging opts for driver ${logDriver}`);

  const security = securityOptions(flags.list('security-opt'));

  const storageOpt: Record<string, string> = {};
  for (const option of flags.list('storage-opt')) {
    const separator = option.indexOf('=');
    if (separator === -1) throw new ContainerConfigError('invalid storage option');
    storageOpt[option.slice(0, separator)] = option.slice(separator + 1);
  }

  const health = healthcheck(flags);
  const autoRemove = flags.bool('rm');
  if (autoRemove && restartPolicy.Name !== 'no' && restartPolicy.Name !== '') {
    throw new ContainerConfigError('conflicting options: cannot specify both --restart and --rm');
  }

  const network = semantic(() =>
    planNetworks(networks, {
      aliases: flags.list('network-alias'),
      links,
      ipv4Address: flags.string('ip') ?? '',
      ipv6Address: flags.string('ip6') ?? '',
      macAddress,
      linkLocalIps: flags.list('link-local-ip'),
    }),
  );

  const pull = (flags.string('pull') ?? 'missing') as PullPolicy;
  if (!['missing', 'always', 'never'].includes(pull)) {
    throw new ContainerConfigError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);
  }

  const tty = flags.bool('tty');
  const stopSignal = flags.string('stop-signal') ?? '';
  const hostConfig: HostConfig = {
    Binds: binds.length > 0 ? binds : null,
    ContainerIDFile: flags.string('cidfile') ?? '',
    LogConfig: { Type: logDriver, Config: sortedMap(keyValueMap(logOptions)) },
    NetworkMode: network.networkMode,
    PortBindings: portBindings,
    RestartPolicy: restartPolicy,
    AutoRemove: autoRemove,
    VolumeDriver: flags.string('volume-driver') ?? '',
    VolumesFrom: flags.list('volumes-from').length > 0 ? flags.list('volumes-from') : null,
    ConsoleSize: inputs.consoleSize ?? [0, 0],
    ...(flags.list('annotation').length > 0 ? { Annotations: sortedMap(keyValueMap(flags.list('annotation'))) } : {}),
    CapAdd: flags.list('cap-add').length > 0 ? flags.list('cap-add') : null,
    CapDrop: flags.list('cap-drop').length > 0 ? flags.list('cap-drop') : null,
    CgroupnsMode: cgroupnsMode,
    Dns: dns,
    DnsOptions: flags.list('dns-option'),
    DnsSearch: dnsSearch,
    ExtraHosts: extraHosts.length > 0 ? extraHosts : null,
    GroupAdd: flags.list('group-add').length > 0 ? flags.list('group-add') : null,
    IpcMode: flags.string('ipc') ?? '',
    Cgroup: '',
    Links: links.length > 0 ? links : null,
    OomScoreAdj: oomScoreAdj,
    PidMode: pidMode,
    Privileged: flags.bool('privileged'),
    PublishAllPorts: flags.bool('publish-all'),
    ReadonlyRootfs: flags.bool('read-only'),
    SecurityOpt: security.securityOpt.length > 0 ? security.securityOpt : null,
    ...(Object.keys(storageOpt).length > 0 ? { StorageOpt: sortedMap(storageOpt) } : {}),
    ...(Object.keys(tmpfs).length > 0 ? { Tmpfs: tmpfs } : {}),
    UTSMode: utsMode,
    UsernsMode: usernsMode,
    ShmSize: shmSize,
    ...(Object.keys(sysctls).length > 0 ? { Sysctls: sortedMap(sysctls) } : {}),
    ...(flags.string('runtime') ? { Runtime: flags.string('runtime') } : {}),
    Isolation: flags.string('isolation') ?? '',
    CpuShares: cpuShares,
    Memory: memory,
    NanoCpus: nanoCpus,
    CgroupParent: flags.string('cgroup-parent') ?? '',
    BlkioWeight: blkioWeight,
    CpuPeriod: cpuPeriod,
    CpuQuota: cpuQuota,
    CpuRealtimePeriod: cpuRealtimePeriod,
    CpuRealtimeRuntime: cpuRealtimeRuntime,
    CpusetCpus: flags.string('cpuset-cpus') ?? '',
    CpusetMems: flags.string('cpuset-mems') ?? '',
    Devices: [],
    DeviceCgroupRules: flags.list('device-cgroup-rule').length > 0 ? flags.list('device-cgroup-rule') : null,
    MemoryReservation: memoryReservation,
    MemorySwap: memorySwap,
    MemorySwappiness: swappiness,
    OomKillDisable: flags.bool('oom-kill-disable'),
    PidsLimit: pidsLimit,
    Ulimits: ulimitList,
    ...(mounts.length > 0 ? { Mounts: mounts } : {}),
    MaskedPaths: security.maskedPaths ?? null,
    ReadonlyPaths: security.readonlyPaths ?? null,
  };
  if (flags.changed('init')) hostConfig.Init = flags.bool('init');

  const body: ContainerCreateRequest = {
    Hostname: flags.string('hostname') ?? '',
    Domainname: flags.string('domainname') ?? '',
    User: flags.string('user') ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(Object.keys(exposedPorts).length > 0 ? { ExposedPorts: exposedPorts } : {}),
    Tty: tty,
    OpenStdin: stdin,
    StdinOnce: stdin && attachStdin,
    Env: env.length > 0 ? env : null,
    Cmd: inputs.command.length > 0 ? [...inputs.command] : null,
    ...(health ? { Healthcheck: health } : {}),
    Image: inputs.image,
    Volumes: volumes,
    WorkingDir: flags.string('workdir') ?? '',
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: sortedMap(keyValueMap(labels)),
    ...(stopSignal !== '' ? { StopSignal: stopSignal } : {}),
    ...(stopTimeout !== undefined ? { StopTimeout: stopTimeout } : {}),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: network.endpoints },
  };

  return {
    body,
    name: flags.string('name') || undefined,
    platform: flags.string('platform') || undefined,
    pull,
    cidFile: flags.string('cidfile') || undefined,
  };
}
