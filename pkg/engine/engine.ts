// The engine: wires the image store, layer store, runtime, container and exec services and the
// event bus under one data root and exec root, and answers the daemon-wide questions (info,
// version). berthd builds one Engine and serves it through pkg/engine/api.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConflictError, hasErrno } from '../errdefs/index.js';
import {
  ContainerService,
  ContainerStore,
  ExecService,
  type ContainerHandle,
  type LogConfig,
  type ImageAccess,
  type NetworkHooks,
  type ViewContext,
  type VolumeHooks,
} from './container/index.js';
import { Distribution } from './distribution/index.js';
import { Builder } from './build/index.js';
import { EventBus } from './events/index.js';
import { ImageStore, parseLookup } from './image/index.js';
import { BridgeNetworkHooks, NetworkManager, type AddressPool } from './network/index.js';
import { Runtime, capabilitiesFromMask, hasSwapAccounting, readCgroupLayout, runcVersion, type CgroupLayout } from './runtime/index.js';
import { LayerStore } from './snapshot/index.js';
import { LocalVolumeHooks, VolumeStore } from './volume/index.js';

export const BERTH_VERSION = '0.1.0';

export interface EngineConfig {
  dataRoot: string;
  execRoot: string;
  runcBinary: string;
  monitorBinary: string;
  initBinary: string;
  log: Logger;
  hostResolvConf?: string;
  /** --insecure-registry: registries that may be reached over plain http (loopback ones always may). */
  insecureRegistries?: string[];
  /** Pools new networks' subnets come from (daemon.json default-address-pools); Docker's by default. */
  addressPools?: AddressPool[];
  /** The daemon's log-driver/log-opts for containers that set none; read at each create (reloadable). */
  logDefaults?: () => LogConfig;
  /** The daemon's debug setting for /info, read live (a SIGHUP reload can change it). */
  debug?: () => boolean;
}

/** Current hard rlimits of this process (a container cannot exceed them without CAP_SYS_RESOURCE). */
async function hardLimits(): Promise<Record<string, number>> {
  const names: Record<string, string> = { 'Max open files': 'nofile', 'Max processes': 'nproc', 'Max locked memory': 'memlock', 'Max core file size': 'core', 'Max stack size': 'stack' };
  const limits: Record<string, number> = {};
  const text = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    for (const [label, key] of Object.entries(names)) {
      if (!line.startsWith(label)) continue;
      const fields = line.slice(label.length).trim().split(/\s+/);
      limits[key] = fields[1] === 'unlimited' ? -1 : Number(fields[1]);
    }
  }
  return limits;
}

/** A stable daemon id like dockerd's (12 groups of 4 base32 characters), kept in the data root. */
async function engineId(dataRoot: string): Promise<string> {
  const file = path.join(dataRoot, 'engine-id');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const chars = Array.from(randomBytes(48), (b) => alphabet[b % 32]).join('');
  const id = chars.match(/.{4}/g)!.join(':');
  await writeFile(file, `${id}\n`);
  return id;
}

/** /info's RegistryConfig: loopback is always insecure; daemon-given registries by CIDR or name. */
function registryConfig(insecure: readonly string[]): Record<string, unknown> {
  const cidrs = ['127.0.0.0/8', '::1/128', ...insecure.filter((entry) => /^[\d.]+\/\d+$/.test(entry))];
  const names = insecure.filter((entry) => !/^[\d.]+\/\d+$/.test(entry));
  return {
    AllowNondistributableArtifactsCIDRs: null,
    AllowNondistributableArtifactsHostnames: null,
    InsecureRegistryCIDRs: cidrs,
    IndexConfigs: Object.fromEntries(names.map((name) => [name, { Name: name, Mirrors: [], Secure: false, Official: false }])),
    Mirrors: null,
  };
}

export class Engine {
  readonly events: EventBus;
  readonly layers: LayerStore;
  readonly images: ImageStore;
  readonly runtime: Runtime;
  readonly containers: ContainerService;
  readonly execs: ExecService;
  readonly networks: NetworkManager;
  readonly networkHooks: BridgeNetworkHooks;
  readonly volumes: VolumeStore;
  readonly distribution: Distribution;
  readonly builder: Builder;
  private id = '';
  private runc = { version: 'unknown', commit: '' };

  private constructor(
    readonly config: EngineConfig,
    readonly cgroups: CgroupLayout,
    swapAccounting: boolean,
    limits: Record<string, number>,
    capabilities: readonly string[],
  ) {
    const log = config.log;
    this.events = new EventBus({ historyFile: path.join(config.dataRoot, 'events.jsonl') });
    this.volumes = new VolumeStore(path.join(config.dataRoot, 'volumes'), this.events, log.child({ component: 'volumes' }));
    this.volumes.usedBy = (name) =>
      this.containers.list().filter((h) => h.record.mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((h) => h.id);
    const volumes: VolumeHooks = new LocalVolumeHooks(this.volumes);
    this.networks = new NetworkManager({
      dataRoot: config.dataRoot,
      execRoot: config.execRoot,
      log: log.child({ component: 'network' }),
      events: this.events,
      resolvConf: config.hostResolvConf ?? '/etc/resolv.conf',
      pools: config.addressPools,
    });
    this.networkHooks = new BridgeNetworkHooks(this.networks);
    const network: NetworkHooks = this.networkHooks;
    this.layers = new LayerStore({ root: path.join(config.dataRoot, 'overlay2'), logger: log });
    this.images = new ImageStore({
      root: path.join(config.dataRoot, 'image'),
      layerStore: this.layers,
      logger: log.child({ component: 'images' }),
      onEvent: (action, id, attributes) => this.events.emit('image', action, id, attributes),
    });
    this.distribution = new Distribution({
      dataRoot: config.dataRoot,
      images: this.images,
      layers: this.layers,
      insecureRegistries: config.insecureRegistries,
      logger: log.child({ component: 'distribution' }),
      onEvent: (action, reference, attributes) => this.events.emit('image', action, reference, attributes),
      userAgent: `berth/${BERTH_VERSION}`,
    });
    this.runtime = new Runtime({
      runcBinary: config.runcBinary,
      monitorBinary: config.monitorBinary,
      execRoot: config.execRoot,
      cgroupLayout: cgroups,
    });
    const images: ImageAccess = {
      resolveForContainer: async (reference) => {
        const image = this.images.resolve(reference);
        return { id: image.id, defaults: image.config.config ?? {}, chainId: image.chainId };
      },
    };
    this.containers = new ContainerService({
      store: new ContainerStore(path.join(config.dataRoot, 'containers')),
      images,
      rootfs: {
        prepare: (id, chainId) => this.layers.prepareRootfs(id, chainId),
        mount: (id) => this.layers.mountRootfs(id),
        unmount: (id) => this.layers.unmountRootfs(id),
        remove: (id) => this.layers.removeRootfs(id),
        size: (id) => this.layers.rootfsSize(id),
      },
      runtime: this.runtime,
      events: this.events,
      network,
      volumes,
      log: log.child({ component: 'containers' }),
      limits: { ncpu: os.cpus().length, hardLimits: limits, cgroupVersion: cgroups.version, capabilities, logDefaults: config.logDefaults },
      swapAccounting,
      initBinary: config.initBinary,
      hostResolvConf: config.hostResolvConf ?? '/etc/resolv.conf',
      hostMemory: os.totalmem(),
    });
    this.execs = new ExecService(this.containers);
    this.builder = new Builder(path.join(config.dataRoot, 'builder'), {
      images: this.images,
      layers: this.layers,
      containers: this.containers,
      log: log.child({ component: 'builder' }),
    });
  }

  static async open(config: EngineConfig): Promise<Engine> {
    await mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
    await mkdir(config.execRoot, { recursive: true, mode: 0o700 });
    const cgroups = await readCgroupLayout();
    const engine = new Engine(
      config,
      cgroups,
      await hasSwapAccounting(cgroups),
      await hardLimits(),
      capabilitiesFromMask(/^CapBnd:\s+(\w+)/m.exec(await readFile('/proc/self/status', 'utf8'))?.[1] ?? ''),
    );
    engine.id = await engineId(config.dataRoot);
    engine.runc = await runcVersion(config.runcBinary);
    await engine.events.open();
    await engine.layers.open();
    await engine.images.open();
    await engine.runtime.init();
    await engine.networks.open();
    await engine.volumes.open();
    await engine.containers.open();
    await engine.builder.open();
    return engine;
  }

  /** Stops managing; containers keep running under their monitors. */
  async close(): Promise<void> {
    this.containers.close();
    this.distribution.close();
    await this.networks.close();
    this.events.closeAll();
    await this.events.flush();
  }

  viewContext(handle: ContainerHandle, apiVersion: number, sizeRw?: number): ViewContext {
    const paths = this.layers.rootfsPaths(handle.id);
    return {
      now: Date.now(),
      logPath: path.join(this.containers.deps.store.dir(handle.id), `${handle.id}-json.log`),
      dir: this.containers.deps.store.dir(handle.id),
      graphDriver: paths
        ? {
            LowerDir: (handle.record.layerChainId ? this.layers.diffDirs(handle.record.layerChainId) : []).join(':'),
            MergedDir: paths.mergedDir,
            UpperDir: paths.upperDir,
            WorkDir: paths.workDir,
          }
        : {},
      ...(sizeRw !== undefined ? { sizeRw, sizeRootFs: sizeRw + this.chainSize(handle.record.layerChainId) } : {}),
      execIds: [...handle.execIds],
      ports: (handle.record.extras.ports as ViewContext['ports'] | undefined) ?? {},
      sandboxKey: (handle.record.extras.sandboxKey as string | undefined) ?? '',
      apiVersion,
    };
  }

  /** Bytes of every layer of a chain (a container's SizeRootFs counts its whole image). */
  chainSize(chainId: string | null): number {
    let total = 0;
    for (let current = chainId; current !== null; ) {
      const layer = this.layers.get(current);
      if (!layer) break;
      total += layer.size;
      current = layer.parent;
    }
    return total;
  }

  /** `ancestor=` filter: the container's image matches a name, name:tag or (short) id. */
  imageMatches(imageId: string, imageRef: string, reference: string): boolean {
    if (imageId === reference || imageId.replace('sha256:', '').startsWith(reference.replace('sha256:', ''))) return true;
    if (imageRef === reference) return true;
    try {
      return this.images.resolve(reference).id === imageId;
    } catch {
      try {
        parseLookup(reference);
      } catch {
        return false;
      }
      return false;
    }
  }

  /** `until` filter values: unix timestamps, RFC 3339 or durations ("24h"); returns epoch ms. */
  parseUntil(value: string): number {
    if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
    const duration = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
    if (duration) return Date.now() - Number(duration[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[duration[2] as 's']!;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw new ConflictError(`invalid until filter: ${value}`);
    return parsed;
  }

  /**
   * Runs `action` on a container's filesystem: the live view (/proc/PID/root, with every mount) of a
   * running container, or its mounted rootfs (unmounted again after) of a stopped one.
   */
  async withContainerFs<T>(reference: string, containerPath: string, action: (root: string, innerPath: string, name: string) => Promise<T>, options: { write?: boolean } = {}): Promise<T> {
    const handle = this.containers.find(reference);
    const record = handle.record;
    if (options.write && record.hostConfig.ReadonlyRootfs && !record.mounts.some((m) => containerPath.startsWith(m.Destination) && m.RW)) {
      throw new ConflictError('container rootfs is marked read-only');
    }
    if (record.state.Running && record.state.Pid > 0 && existsSync(`/proc/${record.state.Pid}/root`)) {
      return action(`/proc/${record.state.Pid}/root`, containerPath, record.name);
    }
    return handle.lock(async () => {
      const rootfs = await this.layers.mountRootfs(record.id);
      try {
        // Bind mounts of a stopped container: map the path onto the bind source.
        const mount = record.mounts
          .filter((m) => m.Type !== 'tmpfs' && m.Source && (containerPath === m.Destination || containerPath.startsWith(`${m.Destination}/`)))
          .sort((a, b) => b.Destination.length - a.Destination.length)[0];
        if (mount) return await action(mount.Source, containerPath.slice(mount.Destination.length) || '/', record.name);
        return await action(rootfs, containerPath, record.name);
      } finally {
        if (!record.state.Running) await this.layers.unmountRootfs(record.id).catch(() => undefined);
      }
    });
  }

  async version(): Promise<Record<string, unknown>> {
    const details = {
      ApiVersion: '1.50',
      Arch: 'amd64',
      BuildTime: '',
      Experimental: 'false',
      GitCommit: 'berth',
      GoVersion: `node ${process.version}`,
      KernelVersion: os.release(),
      MinAPIVersion: '1.24',
      Os: 'linux',
    };
    return {
      Platform: { Name: 'Berth' },
      Components: [
        { Name: 'Engine', Version: BERTH_VERSION, Details: details },
        { Name: 'runc', Version: this.runc.version, Details: { GitCommit: this.runc.commit } },
        { Name: 'docker-init', Version: 'tini', Details: { GitCommit: '' } },
      ],
      Version: BERTH_VERSION,
      ApiVersion: '1.50',
      MinAPIVersion: '1.24',
      GitCommit: 'berth',
      GoVersion: `node ${process.version}`,
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: os.release(),
      BuildTime: '',
    };
  }

  async info(): Promise<Record<string, unknown>> {
    const handles = this.containers.list();
    const running = handles.filter((h) => h.isRunning && !h.record.state.Paused).length;
    const paused = handles.filter((h) => h.record.state.Paused).length;
    const osRelease = await readFile('/etc/os-release', 'utf8').catch(() => '');
    const field = (key: string): string => new RegExp(`^${key}="?([^"\\n]*)"?`, 'm').exec(osRelease)?.[1] ?? '';
    return {
      ID: this.id,
      Containers: handles.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: handles.length - running - paused,
      Images: this.images.list({ all: false }).length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Using metacopy', 'false'], ['Native Overlay Diff', 'true'], ['userxattr', 'false']],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file', 'local'] },
      MemoryLimit: true,
      SwapLimit: this.containers.deps.swapAccounting,
      KernelMemory: false,
      KernelMemoryTCP: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8').catch(() => '0')).trim() === '1',
      BridgeNfIptables: false,
      BridgeNfIp6tables: false,
      Debug: this.config.debug?.() ?? this.config.log.level === 'debug',
      NFd: 0,
      OomKillDisable: this.cgroups.version === 1,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: this.config.logDefaults?.().Type ?? 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: String(this.cgroups.version),
      NEventsListener: this.events.subscriberCount,
      KernelVersion: os.release(),
      OperatingSystem: field('PRETTY_NAME') || 'Linux',
      OSVersion: field('VERSION_ID'),
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: registryConfig(this.config.insecureRegistries ?? []),
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      GenericResources: null,
      DockerRootDir: this.config.dataRoot,
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION,
      Runtimes: { runc: { path: this.config.runcBinary } },
      DefaultRuntime: 'runc',
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'docker-init',
      ContainerdCommit: { ID: '' },
      RuncCommit: { ID: this.runc.commit },
      InitCommit: { ID: '' },
      SecurityOptions: ['name=seccomp,profile=builtin'],
      CDISpecDirs: [],
      Warnings: null,
    };
  }
}
