// Engine API system types (pure declarations): ping, version, info, events, disk usage, stats.
import type { ContainerSummary, StringMap } from './types-container.js';
import type { ImageSummary } from './types-image.js';
import type { Volume } from './types-network.js';

/** What `HEAD /_ping` tells about the daemon, from its response headers. */
export interface PingResult {
  apiVersion: string | undefined;
  osType: string | undefined;
  experimental: boolean;
  builderVersion: string | undefined;
  swarmStatus: string | undefined;
}

export interface ComponentVersion {
  Name: string;
  Version: string;
  Details?: Record<string, string>;
}

/** `GET /version`. */
export interface SystemVersion {
  Platform?: { Name: string };
  Components?: ComponentVersion[];
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  GitCommit: string;
  GoVersion: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
  Experimental?: boolean;
  BuildTime?: string;
}

export interface Commit {
  ID: string;
  Expected?: string;
}

/** `GET /info` (the fields Berth's daemon and the `info` command use; dockerd sends more). */
export interface SystemInfo {
  ID: string;
  Containers: number;
  ContainersRunning: number;
  ContainersPaused: number;
  ContainersStopped: number;
  Images: number;
  Driver: string;
  DriverStatus: [string, string][] | null;
  DockerRootDir: string;
  Plugins: { Volume: string[] | null; Network: string[] | null; Authorization: string[] | null; Log: string[] | null };
  MemoryLimit: boolean;
  SwapLimit: boolean;
  KernelMemoryTCP?: boolean;
  CpuCfsPeriod: boolean;
  CpuCfsQuota: boolean;
  CPUShares: boolean;
  CPUSet: boolean;
  PidsLimit: boolean;
  OomKillDisable: boolean;
  IPv4Forwarding?: boolean;
  BridgeNfIptables?: boolean;
  BridgeNfIp6tables?: boolean;
  Debug: boolean;
  NFd: number;
  NGoroutines: number;
  SystemTime: string;
  LoggingDriver: string;
  CgroupDriver: string;
  CgroupVersion: string;
  NEventsListener: number;
  KernelVersion: string;
  OperatingSystem: string;
  OSVersion: string;
  OSType: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  IndexServerAddress: string;
  RegistryConfig: {
    InsecureRegistryCIDRs?: string[] | null;
    IndexConfigs?: Record<string, { Name: string; Mirrors: string[] | null; Secure: boolean; Official: boolean }>;
    Mirrors?: string[] | null;
  } | null;
  GenericResources?: unknown[] | null;
  HttpProxy: string;
  HttpsProxy: string;
  NoProxy: string;
  Name: string;
  Labels: string[] | null;
  ExperimentalBuild: boolean;
  ServerVersion: string;
  Runtimes: Record<string, { path?: string; runtimeArgs?: string[] | null }>;
  DefaultRuntime: string;
  Swarm: {
    NodeID: string;
    NodeAddr: string;
    LocalNodeState: '' | 'inactive' | 'pending' | 'active' | 'error' | 'locked';
    ControlAvailable: boolean;
    Error: string;
    RemoteManagers: { NodeID: string; Addr: string }[] | null;
    Nodes?: number;
    Managers?: number;
    Cluster?: unknown;
  };
  LiveRestoreEnabled: boolean;
  Isolation: string;
  InitBinary: string;
  ContainerdCommit: Commit;
  RuncCommit: Commit;
  InitCommit: Commit;
  SecurityOptions: string[] | null;
  ProductLicense?: string;
  DefaultAddressPools?: { Base: string; Size: number }[];
  FirewallBackend?: { Driver: string; Info?: [string, string][] };
  CDISpecDirs?: string[];
  Warnings: string[] | null;
}

export interface EventActor {
  ID: string;
  Attributes: StringMap;
}

/** One message of `GET /events`. */
export interface EventMessage {
  Type: 'builder' | 'config' | 'container' | 'daemon' | 'image' | 'network' | 'node' | 'plugin' | 'secret' | 'service' | 'volume';
  Action: string;
  Actor: EventActor;
  scope?: 'local' | 'swarm';
  time: number;
  timeNano: number;
  /** `timeNano` without float rounding (set by the client's event parser; not serialized). */
  readonly timeNanoExact?: bigint;
  /** Deprecated fields older daemons still send. */
  status?: string;
  id?: string;
  from?: string;
}

export interface BuildCacheRecord {
  ID: string;
  Parent?: string;
  Parents?: string[] | null;
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

/** `GET /system/df`. */
export interface DiskUsage {
  LayersSize: number;
  Images: ImageSummary[] | null;
  Containers: ContainerSummary[] | null;
  Volumes: Volume[] | null;
  BuildCache: BuildCacheRecord[] | null;
}

export type DiskUsageObject = 'container' | 'image' | 'volume' | 'build-cache';

export interface CpuUsage {
  total_usage: number;
  percpu_usage?: number[] | null;
  usage_in_kernelmode: number;
  usage_in_usermode: number;
}

export interface CpuStats {
  cpu_usage: CpuUsage;
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data?: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface BlkioStatEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

/** One sample of `GET /containers/{id}/stats`. */
export interface ContainerStats {
  name?: string;
  id?: string;
  read: string;
  preread: string;
  pids_stats?: { current?: number; limit?: number };
  blkio_stats?: { io_service_bytes_recursive?: BlkioStatEntry[] | null; [key: string]: BlkioStatEntry[] | null | undefined };
  num_procs?: number;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: {
    usage?: number;
    max_usage?: number;
    stats?: Record<string, number>;
    failcnt?: number;
    limit?: number;
    commitbytes?: number;
    commitpeakbytes?: number;
    privateworkingset?: number;
  };
  networks?: Record<string, NetworkStats>;
}
