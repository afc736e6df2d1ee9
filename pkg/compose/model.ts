// Types of the normalised compose model (pure declarations). Keys are the compose-spec keys, every
// short syntax is already in its long form, durations are nanoseconds and sizes are bytes. The
// shape table in fields.ts is the authority; these interfaces type what consumers read.

export type StringMap = Record<string, string>;
/** Environment-like maps: `null` is a variable declared without a value and not found. */
export type NullableStringMap = Record<string, string | null>;
export type Extensions = Record<string, unknown>;

export interface ServicePort {
  name?: string;
  mode?: string;
  host_ip?: string;
  target?: number;
  published?: string;
  protocol?: string;
  app_protocol?: string;
  extensions?: Extensions;
}

export interface ServiceVolume {
  type?: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  source?: string;
  target?: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { selinux?: string; propagation?: string; create_host_path?: boolean; recursive?: string };
  volume?: { labels?: StringMap; nocopy?: boolean; subpath?: string };
  tmpfs?: { size?: number; mode?: number };
  image?: { subpath?: string };
  extensions?: Extensions;
}

export type DependencyCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ServiceDependency {
  condition?: DependencyCondition;
  restart?: boolean;
  required?: boolean;
}

export interface ServiceNetwork {
  aliases?: string[];
  driver_opts?: StringMap;
  gw_priority?: number;
  interface_name?: string;
  ipv4_address?: string;
  ipv6_address?: string;
  link_local_ips?: string[];
  mac_address?: string;
  priority?: number;
}

export interface FileReference {
  source?: string;
  target?: string;
  uid?: string;
  gid?: string;
  /** File mode as a number (print in octal). */
  mode?: number;
}

export interface Healthcheck {
  test?: string[];
  /** Nanoseconds. */
  timeout?: number;
  interval?: number;
  retries?: number;
  start_period?: number;
  start_interval?: number;
  disable?: boolean;
}

export interface Ulimit {
  single?: number;
  soft?: number;
  hard?: number;
}

export interface BuildConfig {
  context?: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: NullableStringMap;
  labels?: StringMap;
  target?: string;
  network?: string;
  tags?: string[];
  platforms?: string[];
  [key: string]: unknown;
}

export interface DeviceRequest {
  capabilities?: string[];
  driver?: string;
  count?: number;
  device_ids?: string[];
  options?: StringMap;
}

export interface ResourceSpec {
  cpus?: number;
  memory?: number;
  pids?: number;
  devices?: DeviceRequest[];
}

export interface DeployConfig {
  mode?: string;
  replicas?: number;
  labels?: StringMap;
  resources?: { limits?: ResourceSpec; reservations?: ResourceSpec };
  restart_policy?: { condition?: string; delay?: number; max_attempts?: number; window?: number };
  [key: string]: unknown;
}

export interface ServiceConfig {
  profiles?: string[];
  annotations?: StringMap;
  build?: BuildConfig;
  cap_add?: string[];
  cap_drop?: string[];
  cgroup?: string;
  cgroup_parent?: string;
  command?: string[];
  configs?: FileReference[];
  container_name?: string;
  cpus?: number;
  cpu_shares?: number;
  cpu_period?: number;
  cpu_quota?: number;
  cpuset?: string;
  depends_on?: Record<string, ServiceDependency>;
  deploy?: DeployConfig;
  devices?: Array<{ source?: string; target?: string; permissions?: string }>;
  dns?: string[];
  dns_opt?: string[];
  dns_search?: string[];
  domainname?: string;
  entrypoint?: string[];
  environment?: NullableStringMap;
  env_file?: Array<{ path: string; required: boolean; format?: string }>;
  expose?: string[];
  extra_hosts?: Record<string, string[]>;
  group_add?: string[];
  healthcheck?: Healthcheck;
  hostname?: string;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  labels?: StringMap;
  label_file?: string[];
  links?: string[];
  external_links?: string[];
  logging?: { driver?: string; options?: StringMap };
  mac_address?: string;
  mem_limit?: number;
  mem_reservation?: number;
  memswap_limit?: number;
  mem_swappiness?: number;
  network_mode?: string;
  networks?: Record<string, ServiceNetwork | null>;
  oom_kill_disable?: boolean;
  oom_score_adj?: number;
  pid?: string;
  pids_limit?: number;
  platform?: string;
  ports?: ServicePort[];
  privileged?: boolean;
  pull_policy?: string;
  read_only?: boolean;
  restart?: string;
  runtime?: string;
  scale?: number;
  secrets?: FileReference[];
  security_opt?: string[];
  shm_size?: number;
  stdin_open?: boolean;
  /** Nanoseconds. */
  stop_grace_period?: number;
  stop_signal?: string;
  storage_opt?: StringMap;
  sysctls?: StringMap;
  tmpfs?: string[];
  tty?: boolean;
  ulimits?: Record<string, Ulimit>;
  user?: string;
  userns_mode?: string;
  uts?: string;
  volume_driver?: string;
  volumes?: ServiceVolume[];
  volumes_from?: string[];
  working_dir?: string;
  extensions?: Extensions;
  [key: string]: unknown;
}

export interface NetworkConfig {
  name?: string;
  driver?: string;
  driver_opts?: StringMap;
  ipam?: { driver?: string; config?: Array<{ subnet?: string; gateway?: string; ip_range?: string; aux_addresses?: StringMap }>; options?: StringMap };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: StringMap;
  enable_ipv4?: boolean;
  enable_ipv6?: boolean;
  extensions?: Extensions;
}

export interface VolumeConfig {
  name?: string;
  driver?: string;
  driver_opts?: StringMap;
  external?: boolean;
  labels?: StringMap;
  extensions?: Extensions;
}

export interface FileObjectConfig {
  name?: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: StringMap;
  driver?: string;
  driver_opts?: StringMap;
  template_driver?: string;
  extensions?: Extensions;
}

/** The loaded project: what `docker compose config` prints, plus what the engine-facing side needs. */
export interface Project {
  name: string;
  /** Absolute project directory. */
  workingDir: string;
  /** Absolute paths of the compose files, in load order. */
  composeFiles: string[];
  /** Variables used for interpolation (shell + .env), by name. */
  environment: Record<string, string>;
  /** Env files given with --env-file (for the environment_file label). */
  envFiles: string[];
  services: Record<string, ServiceConfig>;
  /** Services left out by profiles or selection. */
  disabledServices: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  models: Record<string, Record<string, unknown>>;
  profiles: string[];
  extensions?: Extensions;
}
