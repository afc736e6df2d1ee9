// What the container layer needs from its neighbours (pure interfaces): images, the rootfs
// snapshotter, the network and volume layers. The daemon wires real implementations in; tests can
// too. Keeping these narrow keeps pkg/engine/container free of image/network internals.

import type { Logger } from 'pino';
import type { EventBus } from '../events/index.js';
import type { NamespaceMode, OciMount, Runtime } from '../runtime/index.js';
import type { ImageDefaults, HostLimits } from './create.js';
import type { ContainerRecord, MountPoint } from './record.js';
import type { ContainerStore } from './store.js';

export interface ImageForContainer {
  id: string;
  defaults: ImageDefaults;
  /** Chain id of the top layer; null for an image without layers. */
  chainId: string | null;
}

export interface ImageAccess {
  /** Resolves a reference or id; throws NotFoundError("No such image: …"). */
  resolveForContainer(reference: string): Promise<ImageForContainer>;
}

export interface RootfsAccess {
  prepare(containerId: string, chainId: string | null): Promise<unknown>;
  /** Mounts (idempotently) and returns the merged directory. */
  mount(containerId: string): Promise<string>;
  unmount(containerId: string): Promise<void>;
  remove(containerId: string): Promise<unknown>;
  size(containerId: string): Promise<number>;
}

/** What the network layer prepares before a container starts. */
export interface NetworkSetup {
  namespace: NamespaceMode;
  /** Addresses for the container's own /etc/hosts line. */
  addresses: Array<{ ip: string; names: string[] }>;
  /** Nameservers for resolv.conf (the embedded DNS on user networks); undefined: the host's. */
  nameservers?: string[];
}

export interface NetworkHooks {
  /** Checks NetworkMode and endpoint settings at create time; may fill record.networks. */
  validate(record: ContainerRecord, lookupContainer: (ref: string) => ContainerRecord): Promise<void>;
  /** Creates the container's network namespace and endpoints before start. */
  setup(record: ContainerRecord, lookupContainer: (ref: string) => ContainerRecord): Promise<NetworkSetup>;
  /** Tears endpoints down after the container stopped (the record keeps its configuration). */
  teardown(record: ContainerRecord): Promise<void>;
  /** Forgets the container entirely (on remove). */
  release(record: ContainerRecord): Promise<void>;
  /** Re-establishes runtime state (DNS entries, port rules) of a running container after a daemon restart. */
  restore(record: ContainerRecord): Promise<void>;
}

export interface MountSetup {
  mounts: OciMount[];
  mountPoints: MountPoint[];
}

export interface VolumeHooks {
  /** Validates Binds/Mounts/Tmpfs at create; returns the mount points to record. */
  validate(record: ContainerRecord, lookupContainer: (ref: string) => ContainerRecord): Promise<MountPoint[]>;
  /** Prepares volumes (creating and populating named volumes from the rootfs) before start. */
  setup(record: ContainerRecord, rootfs: string): Promise<MountSetup>;
  /** After stop. */
  teardown(record: ContainerRecord): Promise<void>;
  /** On remove; `removeAnonymous` is `docker rm -v`. */
  release(record: ContainerRecord, removeAnonymous: boolean): Promise<void>;
  /** A running container found again after a daemon restart: its volumes are in use. */
  restore(record: ContainerRecord): void;
}

export interface ContainerDeps {
  store: ContainerStore;
  images: ImageAccess;
  rootfs: RootfsAccess;
  runtime: Runtime;
  events: EventBus;
  network: NetworkHooks;
  volumes: VolumeHooks;
  log: Logger;
  limits: HostLimits;
  swapAccounting: boolean;
  /** tini-static, mounted as /sbin/docker-init for --init. */
  initBinary: string;
  /** The host's /etc/resolv.conf path (tests may point elsewhere). */
  hostResolvConf: string;
  hostMemory: number;
}
