// The Engine API ContainerCreate body for one container of a service (pure): Config, HostConfig and
// NetworkingConfig as docker compose v2 builds them (getCreateConfigs), with compose's labels, the
// `<project>-<service>-<n>` name, binds vs mounts, secrets/configs read-only, and the files that
// must be copied into the container before it starts (secrets/configs given as env or content).

import { serviceConfigHash } from './hash.js';
import {
  COMPOSE_VERSION,
  LABEL_CONFIG_FILES,
  LABEL_CONFIG_HASH,
  LABEL_CONTAINER_NUMBER,
  LABEL_DEPENDS_ON,
  LABEL_ENVIRONMENT_FILE,
  LABEL_ONEOFF,
  LABEL_PROJECT,
  LABEL_REPLACE,
  LABEL_SERVICE,
  LABEL_VERSION,
  LABEL_WORKING_DIR,
  containerName,
  serviceImageName,
} from './labels.js';
import type { Project, ServiceConfig, ServiceNetwork } from './model.js';
import { volumesOf, type FileInjection } from './mounts.js';

export type { FileInjection, Mount } from './mounts.js';

export interface EndpointSettings {
  Aliases?: string[];
  Links?: string[];
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  MacAddress?: string;
  DriverOpts?: Record<string, string>;
  GwPriority?: number;
}

/** Body of POST /containers/create (Config with HostConfig and NetworkingConfig embedded). */
export interface ContainerCreateBody {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, Record<string, never>>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number; StartInterval?: number };
  Image: string;
  WorkingDir?: string;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  Labels: Record<string, string>;
  StopSignal?: string;
  StopTimeout?: number;
  HostConfig: Record<string, unknown>;
  NetworkingConfig?: { EndpointsConfig: Record<string, EndpointSettings> };
}

export interface CreateRequest {
  /** Container name to pass as ?name= (a temporary name when replacing, see options.replacing). */
  readonly name: string;
  readonly body: ContainerCreateBody;
  /** ?platform= when the service (or DOCKER_DEFAULT_PLATFORM) sets one. */
  readonly platform?: string;
  readonly injections: readonly FileInjection[];
}

export interface CreateOptions {
  /** Container ID (or name) of a service, for `service:` references, volumes_from and links. */
  readonly resolveService?: (service: string) => string | undefined;
  /** Names of the running containers of a service, for legacy links. */
  readonly serviceContainerNames?: (service: string) => readonly string[];
  /** A one-off container (`compose run`): no container number, oneoff label True. */
  readonly oneOff?: boolean;
  readonly autoRemove?: boolean;
  readonly attachStdin?: boolean;
  /** When recreating: the replaced container's ID; the new one is created under a temporary name. */
  readonly replacing?: { readonly id: string };
  /** Engine API version; before 1.44 only the primary network goes in NetworkingConfig. */
  readonly apiVersion?: string;
  /** Value of com.docker.compose.image, when the image digest is known. */
  readonly imageDigest?: string;
  readonly composeVersion?: string;
}

function versionLess(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) < (pb[i] ?? 0);
  }
  return false;
}

/** Networks of a service by priority (highest first, then name), as compose orders them. */
export function networksByPriority(service: ServiceConfig): string[] {
  return Object.entries(service.networks ?? {})
    .map(([name, config]) => ({ name, priority: config?.priority ?? 0 }))
    .sort((a, b) => (a.priority !== b.priority ? b.priority - a.priority : a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((n) => n.name);
}

/** The labels compose sets on a service container (user labels first, compose's win). */
export function containerLabels(project: Project, serviceName: string, number: number, options: CreateOptions = {}): Record<string, string> {
  const service = project.services[serviceName] ?? project.disabledServices[serviceName];
  const labels: Record<string, string> = { ...(service.labels ?? {}) };
  labels[LABEL_PROJECT] = project.name;
  labels[LABEL_SERVICE] = serviceName;
  labels[LABEL_VERSION] = options.composeVersion ?? COMPOSE_VERSION;
  labels[LABEL_WORKING_DIR] = project.workingDir;
  labels[LABEL_CONFIG_FILES] = project.composeFiles.join(',');
  labels[LABEL_ONEOFF] = options.oneOff === true ? 'True' : 'False';
  if (project.envFiles.length > 0) labels[LABEL_ENVIRONMENT_FILE] = project.envFiles.join(',');
  if (options.imageDigest !== undefined) labels['com.docker.compose.image'] = options.imageDigest;
  labels[LABEL_CONFIG_HASH] = serviceConfigHash(service);
  if (options.oneOff !== true) labels[LABEL_CONTAINER_NUMBER] = String(number);
  labels[LABEL_DEPENDS_ON] = Object.keys(service.depends_on ?? {})
    .sort()
    .map((dep) => `${dep}:${service.depends_on![dep].condition ?? 'service_started'}:${service.depends_on![dep].restart === true}`)
    .join(',');
  if (options.replacing !== undefined) labels[LABEL_REPLACE] = service.container_name ?? `${serviceName}-${number}`;
  return labels;
}

function resolveRef(mode: string | undefined, options: CreateOptions): string | undefined {
  if (mode === undefined || !mode.startsWith('service:')) return mode;
  const target = mode.slice('service:'.length);
  const id = options.resolveService?.(target);
  return id === undefined ? mode : `container:${id}`;
}

function endpoint(project: Project, service: ServiceConfig, serviceName: string, number: number, key: string, links: string[]): EndpointSettings {
  const config: ServiceNetwork | null = service.networks?.[key] ?? null;
  const settings: EndpointSettings = { Aliases: [containerName(project.name, serviceName, number, service.container_name), serviceName, ...(config?.aliases ?? [])] };
  if (links.length > 0) settings.Links = links;
  if (config !== null) {
    settings.IPAMConfig = { IPv4Address: config.ipv4_address, IPv6Address: config.ipv6_address, LinkLocalIPs: config.link_local_ips };
    if (config.mac_address !== undefined) settings.MacAddress = config.mac_address;
    const driverOpts = { ...(config.driver_opts ?? {}) };
    if (config.interface_name !== undefined && config.interface_name !== '') driverOpts['com.docker.network.endpoint.ifname'] = config.interface_name;
    if (Object.keys(driverOpts).length > 0) settings.DriverOpts = driverOpts;
    if (config.gw_priority !== undefined && config.gw_priority !== 0) settings.GwPriority = config.gw_priority;
  }
  return settings;
}

function restartPolicy(service: ServiceConfig): { Name: string; MaximumRetryCount: number } {
  const map = (condition: string): string => (condition === 'none' ? 'no' : condition === 'any' ? 'always' : condition);
  let policy = { Name: '', MaximumRetryCount: 0 };
  if (service.restart !== undefined && service.restart !== '') {
    const [name, attempts] = service.restart.split(':');
    policy = { Name: map(name), MaximumRetryCount: attempts === undefined ? 0 : Number.parseInt(attempts, 10) || 0 };
  }
  const deployPolicy = service.deploy?.restart_policy;
  if (deployPolicy !== undefined) policy = { Name: map(deployPolicy.condition ?? ''), MaximumRetryCount: deployPolicy.max_attempts ?? 0 };
  return policy;
}

function resources(service: ServiceConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {
    CgroupParent: service.cgroup_parent,
    Memory: service.mem_limit,
    MemorySwap: service.memswap_limit,
    MemoryReservation: service.mem_reservation,
    OomKillDisable: service.oom_kill_disable === true,
    CpuCount: service.cpu_count,
    CpuPeriod: service.cpu_period,
    CpuQuota: service.cpu_quota,
    CpuShares: service.cpu_shares,
    NanoCpus: service.cpus !== undefined ? Math.round(service.cpus * 1e9) : undefined,
    CpusetCpus: service.cpuset,
    DeviceCgroupRules: service.device_cgroup_rules,
  };
  if (service.mem_swappiness !== undefined && service.mem_swappiness !== 0) out.MemorySwappiness = service.mem_swappiness;
  if (service.pids_limit !== undefined && service.pids_limit !== 0) out.PidsLimit = service.pids_limit;
  const limits = service.deploy?.resources?.limits;
  if (limits?.memory !== undefined && limits.memory !== 0) out.Memory = limits.memory;
  if (limits?.cpus !== undefined && limits.cpus !== 0) out.NanoCpus = Math.round(limits.cpus * 1e9);
  if (limits?.pids !== undefined && limits.pids > 0) out.PidsLimit = limits.pids;
  const reservations = service.deploy?.resources?.reservations;
  if (reservations?.memory !== undefined && reservations.memory !== 0) out.MemoryReservation = reservations.memory;
  const deviceRequests: unknown[] = [];
  for (const device of reservations?.devices ?? []) {
    deviceRequests.push({ Driver: device.driver, Count: device.count, DeviceIDs: device.device_ids, Capabilities: [device.capabilities ?? []], Options: device.options });
  }
  for (const gpu of (service.gpus as Array<{ driver?: string; count?: number; device_ids?: string[]; capabilities?: string[]; options?: Record<string, string> }> | undefined) ?? []) {
    deviceRequests.push({ Driver: gpu.driver, Count: gpu.count, DeviceIDs: gpu.device_ids, Capabilities: [[...(gpu.capabilities ?? []), 'gpu']], Options: gpu.options });
  }
  if (deviceRequests.length > 0) out.DeviceRequests = deviceRequests;
  if ((service.devices ?? []).length > 0) {
    out.Devices = (service.devices ?? []).map((d) => ({ PathOnHost: d.source, PathInContainer: d.target, CgroupPermissions: d.permissions }));
  }
  const ulimits = Object.entries(service.ulimits ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (ulimits.length > 0) {
    out.Ulimits = ulimits.map(([name, u]) => ({ Name: name, Soft: u.soft !== undefined && u.soft !== 0 ? u.soft : (u.single ?? 0), Hard: u.hard !== undefined && u.hard !== 0 ? u.hard : (u.single ?? 0) }));
  }
  return out;
}

/** Builds the create request for container `number` of `serviceName`. */
export function buildContainerCreateRequest(project: Project, serviceName: string, number: number, options: CreateOptions = {}): CreateRequest {
  const service = project.services[serviceName] ?? project.disabledServices[serviceName];
  if (service === undefined) throw new Error(`no such service: ${serviceName}`);
  const name = containerName(project.name, serviceName, number, service.container_name);
  const links: string[] = [];
  for (const raw of service.links ?? []) {
    const [linked, alias] = raw.split(':');
    for (const target of options.serviceContainerNames?.(linked) ?? []) {
      links.push(`${target}:${alias ?? linked}`, `${target}:${linked}-${number}`, `${target}:${project.name}-${linked}-${number}`);
    }
  }
  for (const raw of service.external_links ?? []) {
    const [external, alias] = raw.split(':');
    links.push(`${external}:${alias ?? external}`);
  }
  const exposed: Record<string, Record<string, never>> = {};
  for (const e of service.expose ?? []) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of service.ports ?? []) {
    const key = `${port.target}/${port.protocol ?? 'tcp'}`;
    exposed[key] = {};
    (portBindings[key] ??= []).push({ HostIp: port.host_ip ?? '', HostPort: port.published ?? '' });
  }
  const env = Object.entries(service.environment ?? {})
    .map(([k, v]) => (v === null ? k : `${k}=${v}`))
    .sort();
  const { binds, mounts, injections } = volumesOf(project, service);
  const tmpfs: Record<string, string> = {};
  for (const t of service.tmpfs ?? []) {
    const colon = t.indexOf(':');
    tmpfs[colon < 0 ? t : t.slice(0, colon)] = colon < 0 ? '' : t.slice(colon + 1);
  }
  const healthcheck = service.healthcheck;
  const body: ContainerCreateBody = {
    Hostname: service.hostname,
    Domainname: service.domainname,
    User: service.user,
    AttachStdin: options.attachStdin === true,
    AttachStdout: true,
    AttachStderr: true,
    ExposedPorts: Object.keys(exposed).length > 0 ? exposed : undefined,
    Tty: service.tty === true,
    OpenStdin: service.stdin_open === true,
    StdinOnce: options.attachStdin === true && service.stdin_open === true,
    Env: env,
    Cmd: service.command,
    Entrypoint: service.entrypoint,
    Healthcheck:
      healthcheck === undefined
        ? undefined
        : healthcheck.disable === true
          ? { Test: ['NONE'] }
          : { Test: healthcheck.test, Interval: healthcheck.interval, Timeout: healthcheck.timeout, Retries: healthcheck.retries, StartPeriod: healthcheck.start_period, StartInterval: healthcheck.start_interval },
    Image: serviceImageName(project.name, serviceName, service.image),
    WorkingDir: service.working_dir,
    NetworkDisabled: service.network_mode === 'disabled' ? true : undefined,
    Labels: containerLabels(project, serviceName, number, options),
    StopSignal: service.stop_signal,
    StopTimeout: service.stop_grace_period !== undefined ? Math.floor(service.stop_grace_period / 1e9) : undefined,
    HostConfig: {},
  };
  let networkMode: string;
  let networking: ContainerCreateBody['NetworkingConfig'];
  if (service.network_mode !== undefined && service.network_mode !== '') networkMode = resolveRef(service.network_mode, options) ?? service.network_mode;
  else if (Object.keys(project.networks).length === 0) networkMode = 'none';
  else {
    const ordered = networksByPriority(service);
    const primary = ordered[0] ?? 'default';
    networkMode = project.networks[primary]?.name ?? primary;
    const endpoints: Record<string, EndpointSettings> = {};
    const all = options.apiVersion !== undefined && versionLess(options.apiVersion, '1.44') ? [primary] : [primary, ...ordered.slice(1)];
    for (const key of all) endpoints[project.networks[key]?.name ?? key] = endpoint(project, service, serviceName, number, key, links);
    const primaryEndpoint = endpoints[networkMode];
    if (primaryEndpoint !== undefined && primaryEndpoint.MacAddress === undefined && service.mac_address !== undefined) primaryEndpoint.MacAddress = service.mac_address;
    networking = { EndpointsConfig: endpoints };
  }
  body.HostConfig = {
    AutoRemove: options.autoRemove === true,
    Annotations: service.annotations,
    Binds: binds.length > 0 ? binds : undefined,
    Mounts: mounts.length > 0 ? mounts : undefined,
    CapAdd: service.cap_add,
    CapDrop: service.cap_drop,
    NetworkMode: networkMode,
    Init: service.init,
    IpcMode: resolveRef(service.ipc, options),
    CgroupnsMode: service.cgroup,
    ReadonlyRootfs: service.read_only === true,
    RestartPolicy: restartPolicy(service),
    ShmSize: service.shm_size,
    Sysctls: service.sysctls,
    PortBindings: Object.keys(portBindings).length > 0 ? portBindings : undefined,
    ...resources(service),
    VolumeDriver: service.volume_driver,
    VolumesFrom: (service.volumes_from ?? []).map((v) => {
      const [source, ...mode] = v.split(':');
      if (source === 'container') return mode.join(':');
      const id = options.resolveService?.(source) ?? source;
      return [id, ...mode].join(':');
    }),
    Dns: service.dns,
    DnsSearch: service.dns_search,
    DnsOptions: service.dns_opt,
    ExtraHosts: Object.entries(service.extra_hosts ?? {}).flatMap(([host, ips]) => ips.map((ip) => `${host}:${ip}`)),
    SecurityOpt: (service.security_opt ?? []).filter((opt) => opt !== 'systempaths=unconfined'),
    StorageOpt: service.storage_opt,
    UsernsMode: service.userns_mode,
    UTSMode: resolveRef(service.uts, options),
    Privileged: service.privileged === true,
    PidMode: resolveRef(service.pid, options),
    Tmpfs: Object.keys(tmpfs).length > 0 ? tmpfs : undefined,
    Isolation: service.isolation,
    Runtime: service.runtime,
    LogConfig: service.logging !== undefined ? { Type: service.logging.driver ?? '', Config: service.logging.options ?? {} } : undefined,
    GroupAdd: service.group_add,
    Links: links.length > 0 ? links : undefined,
    OomScoreAdj: service.oom_score_adj,
  };
  if ((service.security_opt ?? []).includes('systempaths=unconfined')) {
    body.HostConfig.MaskedPaths = [];
    body.HostConfig.ReadonlyPaths = [];
  }
  if (networking !== undefined) body.NetworkingConfig = networking;
  const platform = service.platform ?? project.environment.DOCKER_DEFAULT_PLATFORM;
  const createName = options.replacing !== undefined ? `${options.replacing.id.slice(0, 12)}_${name}` : name;
  return {
    name: createName,
    body: dropUndefined(body),
    ...(platform !== undefined && platform !== '' ? { platform } : {}),
    injections,
  };
}

/** JSON.stringify drops undefined anyway; this keeps the object tidy for tests and logs. */
function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => dropUndefined(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = dropUndefined(v);
    return out as T;
  }
  return value;
}
