// The container service: the set of containers this daemon knows, lookup by id/name/prefix, and
// the operations on them (create, remove, rename, wait, attach, …). Lifecycle transitions that
// touch the runtime live in lifecycle.ts; this file owns the registry and the simple operations.

import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { ConflictError, InvalidArgumentError, NotFoundError, NotModifiedError } from '../../errdefs/index.js';
import type { AttachFlags } from '../runtime/index.js';
import { normalizeCreate, validateContainerName } from './create.js';
import type { ContainerDeps } from './deps.js';
import type { ExecService } from './exec.js';
import { ContainerHandle, type ExitInfo } from './handle.js';
import { validateHealthcheck } from './health.js';
import * as lifecycle from './lifecycle.js';
import { randomName } from './names.js';
import { initialState, nowTimestamp, type ContainerRecord } from './record.js';
import type { CreateRequest } from './types.js';
import { update, type UpdateRequest } from './update.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface RemoveOptions {
  force: boolean;
  removeVolumes: boolean;
}

export class ContainerService {
  readonly handles = new Map<string, ContainerHandle>();
  private readonly names = new Map<string, string>();
  private closing = false;
  /** Set by ExecService: health probes run as exec processes. */
  execs: ExecService | undefined;

  constructor(readonly deps: ContainerDeps) {}

  get isClosing(): boolean {
    return this.closing;
  }

  /** Loads every container from disk and re-adopts the running ones (their monitors survived). */
  async open(): Promise<void> {
    await this.deps.store.init();
    const records = await this.deps.store.loadAll((id, err) => this.deps.log.error({ containerId: id, err }, 'unreadable container record, skipped'));
    for (const record of records) {
      const handle = new ContainerHandle(record);
      this.handles.set(record.id, handle);
      this.names.set(record.name, record.id);
    }
    for (const handle of this.handles.values()) {
      try {
        await lifecycle.restore(this, handle);
      } catch (err) {
        this.deps.log.error({ containerId: handle.id, err }, 'restoring container failed');
      }
    }
  }

  /** Stops watching containers; they keep running under their monitors. */
  close(): void {
    this.closing = true;
    for (const handle of this.handles.values()) {
      handle.cancelRestart();
      handle.health?.stop();
      handle.control?.close();
    }
  }

  list(): ContainerHandle[] {
    return [...this.handles.values()];
  }

  /** Docker's lookup: full id, then exact name, then a unique id prefix. */
  find(reference: string): ContainerHandle {
    const handle = this.tryFind(reference);
    if (!handle) throw new NotFoundError(`No such container: ${reference}`);
    return handle;
  }

  tryFind(reference: string): ContainerHandle | undefined {
    if (!reference) return undefined;
    const exact = this.handles.get(reference);
    if (exact) return exact;
    const byName = this.names.get(reference.replace(/^\//, ''));
    if (byName) return this.handles.get(byName);
    if (!/^[0-9a-f]+$/.test(reference)) return undefined;
    const matches = [...this.handles.keys()].filter((id) => id.startsWith(reference));
    if (matches.length > 1) throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${reference}`);
    return matches.length === 1 ? this.handles.get(matches[0]) : undefined;
  }

  recordOf = (reference: string): ContainerRecord => this.find(reference).record;

  private reserveName(requested: string | undefined, id: string): string {
    if (requested) {
      const name = validateContainerName(requested);
      const holder = this.names.get(name);
      if (holder) {
        throw new ConflictError(
          `Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
      this.names.set(name, id);
      return name;
    }
    const random = (): number => randomBytes(4).readUInt32BE() / 2 ** 32;
    for (let attempt = 0; ; attempt++) {
      const name = randomName(random, attempt > 5 ? attempt : 0);
      if (!this.names.has(name)) {
        this.names.set(name, id);
        return name;
      }
    }
  }

  async create(request: CreateRequest, requestedName: string | undefined): Promise<{ Id: string; Warnings: string[] }> {
    if (this.closing) throw new ConflictError('the daemon is shutting down');
    if (!request.Image) throw new InvalidArgumentError('config cannot be empty in order to create a container');
    const image = await this.deps.images.resolveForContainer(request.Image);
    const normalized = normalizeCreate(request, image.defaults, this.deps.limits);
    validateHealthcheck(normalized.config.Healthcheck);
    const id = randomBytes(32).toString('hex');
    const name = this.reserveName(requestedName, id);
    const record: ContainerRecord = {
      id,
      name,
      created: nowTimestamp(),
      imageId: image.id,
      config: { ...normalized.config, Hostname: normalized.config.Hostname || this.sharedHostname(normalized.hostConfig.NetworkMode) || id.slice(0, 12) },
      hostConfig: normalized.hostConfig,
      networkingConfig: request.NetworkingConfig ?? { EndpointsConfig: null },
      path: normalized.path,
      args: normalized.args,
      state: initialState(),
      restartCount: 0,
      manuallyStopped: false,
      hasBeenStarted: false,
      layerChainId: image.chainId,
      mounts: [],
      networks: {},
      extras: {},
    };
    try {
      await this.deps.network.validate(record, this.recordOf);
      this.checkLinks(record);
      record.mounts = await this.deps.volumes.validate(record, this.recordOf);
      await this.deps.rootfs.prepare(id, image.chainId);
      await this.deps.store.create(record);
    } catch (err) {
      this.names.delete(name);
      await this.deps.rootfs.remove(id).catch(() => undefined);
      await this.deps.store.remove(id).catch(() => undefined);
      throw err;
    }
    this.handles.set(id, new ContainerHandle(record));
    this.emit(record, 'create');
    return { Id: id, Warnings: normalized.warnings };
  }

  /** With --network container:<x>, the container takes x's hostname (dockerd does the same). */
  private sharedHostname(networkMode: string): string | undefined {
    if (!networkMode.startsWith('container:')) return undefined;
    return this.tryFind(networkMode.slice('container:'.length))?.record.config.Hostname;
  }

  /** Legacy links name existing containers ("name[:alias]"), as dockerd checks at create. */
  private checkLinks(record: ContainerRecord): void {
    for (const link of record.hostConfig.Links ?? []) {
      const [name] = link.split(':');
      if (!this.tryFind(name)) throw new InvalidArgumentError(`could not get container for ${name}: No such container: ${name}`);
    }
  }

  /** Writes the record to disk (after every state change). */
  persist(handle: ContainerHandle): Promise<void> {
    if (handle.removed) return Promise.resolve();
    return this.deps.store.save(handle.record);
  }

  /** Emits a container event with Docker's attributes (image, name, labels, plus extras). */
  emit(record: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emit('container', action, record.id, {
      ...record.config.Labels,
      image: record.config.Image,
      name: record.name,
      ...extra,
    });
  }

  start(reference: string): Promise<void> {
    const handle = this.find(reference);
    return handle.lock(() => lifecycle.start(this, handle));
  }

  stop(reference: string, options: { timeout?: number; signal?: string }): Promise<void> {
    const handle = this.find(reference);
    return handle.lock(() => lifecycle.stop(this, handle, options));
  }

  async restart(reference: string, options: { timeout?: number; signal?: string }): Promise<void> {
    const handle = this.find(reference);
    await handle.lock(async () => {
      try {
        await lifecycle.stop(this, handle, options);
      } catch (err) {
        if (!(err instanceof NotModifiedError)) throw err;
      }
      await lifecycle.start(this, handle);
    });
    this.emit(handle.record, 'restart');
  }

  kill(reference: string, signal: string | undefined): Promise<void> {
    return lifecycle.kill(this, this.find(reference), signal ?? 'SIGKILL');
  }

  pause(reference: string): Promise<void> {
    const handle = this.find(reference);
    return handle.lock(() => lifecycle.pause(this, handle));
  }

  unpause(reference: string): Promise<void> {
    const handle = this.find(reference);
    return handle.lock(() => lifecycle.unpause(this, handle));
  }

  async remove(reference: string, options: RemoveOptions): Promise<void> {
    const handle = this.find(reference);
    if (handle.record.state.Status === 'removing') {
      throw new ConflictError(`removal of container ${reference} is already in progress`);
    }
    await handle.lock(() => lifecycle.remove(this, handle, options));
  }

  /** `docker update`: new limits on the live cgroup and in the record; restart policy. */
  update(reference: string, request: UpdateRequest): Promise<{ Warnings: string[] }> {
    const handle = this.find(reference);
    return handle.lock(() => update(this, handle, request));
  }

  /** Called by lifecycle.remove once everything of the container is gone. */
  forget(handle: ContainerHandle): void {
    this.handles.delete(handle.id);
    if (this.names.get(handle.record.name) === handle.id) this.names.delete(handle.record.name);
  }

  async rename(reference: string, newName: string): Promise<void> {
    const handle = this.find(reference);
    const name = validateContainerName(newName);
    if (name === handle.record.name) {
      throw new InvalidArgumentError(`Renaming a container with the same name as its current name`);
    }
    const holder = this.names.get(name);
    if (holder) throw new ConflictError(`Error when allocating new name: Conflict. The container name "/${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    await handle.lock(async () => {
      const oldName = handle.record.name;
      this.names.delete(oldName);
      this.names.set(name, handle.id);
      handle.record.name = name;
      await this.persist(handle);
      this.emit(handle.record, 'rename', { oldName: `/${oldName}` });
    });
  }

  /** Resolves when the condition holds, with the exit code then. */
  async wait(reference: string, condition: WaitCondition): Promise<ExitInfo> {
    const handle = this.find(reference);
    switch (condition) {
      case 'removed':
        return handle.whenRemoved();
      case 'next-exit':
        return handle.nextExit();
      default:
        if (!handle.isRunning && !handle.record.state.Restarting) return handle.lastExit();
        return handle.nextExit();
    }
  }

  /**
   * Opens an attach stream to the container's process. For a container that is not running, the
   * stream connects at its next start (docker run and start -a attach before starting).
   */
  attach(reference: string, flags: AttachFlags): { handle: ContainerHandle; connection: Promise<Socket> } {
    const handle = this.find(reference);
    if (handle.record.state.Paused) {
      // A paused container can be attached to; its output resumes with it.
    }
    const connection = handle.isRunning
      ? this.deps.runtime.attach('c', handle.id, flags)
      : new Promise<Socket>((resolve, reject) => handle.pendingAttaches.push({ flags, resolve, reject }));
    return { handle, connection };
  }

  resize(reference: string, height: number, width: number): void {
    const handle = this.find(reference);
    if (!handle.isRunning) throw new ConflictError(`Container ${handle.id} is not running`);
    if (!Number.isInteger(height) || !Number.isInteger(width) || height < 0 || width < 0) {
      throw new InvalidArgumentError('invalid terminal size: height and width must be non-negative integers');
    }
    handle.control?.resize(height, width);
  }
}
