// A container's filesystem as image material, at the engine level where containers, layers and
// images meet: `docker commit` (the writable layer ingested on the image's chain as a new layer of
// a new image), `docker diff` (the LayerStore's change list) and `docker export` (the flattened
// rootfs as a tar, volumes not included). Effectful.

import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { ConflictError, InvalidArgumentError } from '../errdefs/index.js';
import { commitConfig, commitCreatedBy, withCommitPause, type ContainerConfig, type ContainerHandle } from './container/index.js';
import { BERTH_VERSION, type Engine } from './engine.js';
import { familiarString, formatTime, parseReference, parseRepoTag, type HistoryEntry, type ImageConfigBase } from './image/index.js';
import { drainBody, packEntry, packStream, readTarEntries, tarOfTree, type Change } from './snapshot/index.js';

/**
 * Mount points the runtime makes in a rootfs that lacks them (the /etc files berthd bind-mounts,
 * /proc, /sys, …): dockerd's per-container init layer holds exactly these, so they never show in
 * `docker diff` or a committed layer. berthd's rootfs has no such layer, so they are left out here.
 * Other mount points (volumes, tmpfs, /sbin/docker-init) are in dockerd's container layer too.
 */
const RUNTIME_MOUNTPOINTS = ['.dockerenv', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'etc/mtab', 'dev', 'dev/console', 'dev/pts', 'dev/shm', 'dev/mqueue', 'proc', 'sys'];

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/** Which runtime mount points the container layer holds as empty placeholders the image lacks. */
async function placeholderMountpoints(upperDir: string, lowerDirs: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const relative of RUNTIME_MOUNTPOINTS) {
    const stats = await lstat(path.join(upperDir, relative)).catch(() => undefined);
    if (!stats) continue;
    const empty = stats.isDirectory() ? (await readdir(path.join(upperDir, relative))).length === 0 : stats.isFile() && stats.size === 0;
    if (!empty) continue;
    let inImage = false;
    for (const lower of lowerDirs) if ((inImage = await exists(path.join(lower, relative)))) break;
    if (!inImage) found.add(relative);
  }
  return found;
}

/** The container's changes without the placeholders, and without directories changed only by them. */
export function withoutPlaceholders(changes: readonly Change[], placeholders: ReadonlySet<string>): Change[] {
  const kept = changes.filter((change) => !placeholders.has(change.Path.slice(1)));
  const parentsOfDropped = new Set([...placeholders].map((relative) => `/${path.posix.dirname(relative)}`));
  return kept.filter(
    (change) => !(change.Kind === 0 && parentsOfDropped.has(change.Path) && !kept.some((other) => other.Path.startsWith(`${change.Path}/`))),
  );
}

/** The placeholders plus the directories holding nothing else (copied up only for them). */
async function withPlaceholderOnlyDirs(upperDir: string, placeholders: ReadonlySet<string>): Promise<Set<string>> {
  const skip = new Set(placeholders);
  for (const relative of placeholders) {
    const parent = path.posix.dirname(relative);
    if (parent === '.' || skip.has(parent)) continue;
    const names = await readdir(path.join(upperDir, parent)).catch(() => [] as string[]);
    if (names.every((name) => placeholders.has(`${parent}/${name}`))) skip.add(parent);
  }
  return skip;
}

/** Copies a layer tar, leaving out the entries named in `skip` (relative paths). */
function filterTar(source: Readable, skip: ReadonlySet<string>): Readable {
  const pack = tar.pack();
  void readTarEntries(source, async (header, body) => {
    if (skip.has(header.name.replace(/\/$/, ''))) return drainBody(body);
    const isFile = header.type === 'file' || header.type === 'contiguous-file';
    if (isFile && (header.size ?? 0) > 0) return packStream(pack, { ...header, size: header.size ?? 0 }, body);
    await drainBody(body);
    // tar-stream waits for the body of a file entry: an empty one is given as an empty buffer.
    await packEntry(pack, header, isFile ? Buffer.alloc(0) : undefined);
  }).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

function lowerDirsOf(engine: Engine, handle: ContainerHandle): string[] {
  return handle.record.layerChainId ? engine.layers.diffDirs(handle.record.layerChainId) : [];
}

/** The diffID of an empty layer tar (1024 zero bytes): dockerd records such a commit as an empty layer. */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export interface CommitRequest {
  /** Container id or name (the API's `container`). */
  container: string;
  repo?: string;
  tag?: string;
  author?: string;
  comment?: string;
  /** Pause a running container while its layer is read (the API's default). */
  pause: boolean;
  /** Dockerfile lines (CMD, ENV, …) applied to the config. */
  changes: string[];
  /** The request body: a container Config to merge, or null for the container's own. */
  config: Partial<ContainerConfig> | null;
}

/** POST /commit: returns the new image id. Nothing is created when the request is invalid. */
export async function commitContainer(engine: Engine, request: CommitRequest): Promise<string> {
  let reference: string | undefined;
  if (request.repo) {
    if (parseReference(request.repo, { defaultTag: false }).digest !== undefined) throw new InvalidArgumentError('cannot commit to digest reference');
    reference = familiarString(parseRepoTag(request.repo, request.tag));
  }
  const handle = engine.containers.find(request.container);
  const record = handle.record;
  const config = commitConfig(record.config, request.config, request.changes);
  const parent = engine.images.resolve(record.imageId);

  const imageId = await withCommitPause(engine.containers, handle, request.pause, async () => {
    const paths = engine.layers.rootfsPaths(handle.id);
    if (!paths) throw new ConflictError(`container ${handle.id} has no rootfs`);
    const diffIds = [...parent.config.rootfs.diff_ids];
    let newChain: string | undefined;
    const placeholders = await placeholderMountpoints(paths.upperDir, lowerDirsOf(engine, handle));
    const changes = withoutPlaceholders(await engine.layers.changes(handle.id), placeholders);
    if (changes.length > 0) {
      const diff = await engine.layers.diffTar(handle.id);
      const skip = await withPlaceholderOnlyDirs(paths.upperDir, placeholders);
      const layer = await engine.images.ingestLayer(record.layerChainId, skip.size > 0 ? filterTar(diff, skip) : diff);
      if (layer.diffId !== EMPTY_LAYER_DIFF_ID) {
        diffIds.push(layer.diffId);
        newChain = layer.chainId;
      }
    }
    const created = formatTime(new Date());
    const entry: HistoryEntry = {
      created,
      ...(request.author ? { author: request.author } : {}),
      created_by: commitCreatedBy(record.config),
      ...(request.comment ? { comment: request.comment } : {}),
      ...(newChain === undefined ? { empty_layer: true } : {}),
    };
    const base = parent.config;
    const imageConfig: ImageConfigBase = {
      architecture: base.architecture,
      ...(base.variant ? { variant: base.variant } : {}),
      os: base.os,
      ...(base['os.version'] ? { 'os.version': base['os.version'] } : {}),
      ...(request.author ? { author: request.author } : {}),
      ...(request.comment ? { comment: request.comment } : {}),
      config,
      container: handle.id,
      container_config: record.config as unknown as ImageConfigBase["container_config"],
      created,
      docker_version: BERTH_VERSION,
      history: [...(base.history ?? []), entry],
    };
    try {
      return await engine.images.createImage({ config: imageConfig, layerDiffIds: diffIds, parent: parent.id });
    } catch (err) {
      if (newChain !== undefined) await engine.layers.release(newChain).catch(() => undefined);
      throw err;
    }
  });
  engine.events.emit('image', 'create', imageId, { ...(config.Labels ?? {}), name: imageId });
  if (reference !== undefined) await engine.images.tag(imageId, reference);
  engine.containers.emit(record, 'commit', { comment: request.comment ?? '', imageID: imageId, imageRef: reference ?? '' });
  engine.containers.deps.log.info({ containerId: handle.id, imageId, reference }, 'container committed');
  return imageId;
}

/** GET /containers/{id}/changes: null when nothing changed, as dockerd answers. */
export async function containerChanges(engine: Engine, reference: string): Promise<Change[] | null> {
  const handle = engine.containers.find(reference);
  const paths = engine.layers.rootfsPaths(handle.id);
  if (!paths) throw new ConflictError(`container ${handle.id} has no rootfs`);
  const placeholders = await placeholderMountpoints(paths.upperDir, lowerDirsOf(engine, handle));
  const changes = withoutPlaceholders(await engine.layers.changes(handle.id), placeholders);
  return changes.length > 0 ? changes : null;
}

function checkExportable(handle: ContainerHandle): void {
  const state = handle.record.state;
  if (state.Dead || state.Status === 'dead') throw new ConflictError(`You cannot export container ${handle.id} which is Dead`);
  if (handle.removed || state.Status === 'removing') throw new ConflictError(`You cannot export container ${handle.id} which is being removed`);
}

/**
 * GET /containers/{id}/export: `send` streams the tar of the container's merged rootfs (without its
 * volumes and binds, which are only mounted inside the container). A stopped container's rootfs is
 * mounted for the duration, under its lock so it cannot start meanwhile. Emits `export` once sent.
 */
export async function exportContainer(engine: Engine, reference: string, send: (tar: Readable) => Promise<void>): Promise<void> {
  const handle = engine.containers.find(reference);
  checkExportable(handle);
  const record = handle.record;
  if (record.state.Running) {
    await send(tarOfTree(await engine.layers.mountRootfs(handle.id)));
  } else {
    await handle.lock(async () => {
      checkExportable(handle);
      const root = await engine.layers.mountRootfs(handle.id);
      try {
        await send(tarOfTree(root));
      } finally {
        if (!record.state.Running) await engine.layers.unmountRootfs(handle.id).catch(() => undefined);
      }
    });
  }
  engine.containers.emit(record, 'export');
}
