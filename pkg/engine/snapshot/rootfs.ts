// Container rootfs on overlayfs: a writable upper dir, a work dir and a merged mount point per
// container under the store root, stacked on an image's layer chain. Effectful.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Logger } from 'pino';
import { ConflictError, InvalidArgumentError, NotFoundError, hasErrno } from '../../errdefs/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { type Change, upperDirChanges } from './changes.js';
import { directorySize } from './dir-size.js';
import { listOpaqueDirs } from './host-tools.js';
import { isMountPoint, mountOverlay, unmount } from './mount.js';
import { packTree } from './tar-tree.js';

export interface RootfsPaths {
  containerId: string;
  /** The image chain the rootfs is stacked on; null for an image without layers. */
  chainId: string | null;
  upperDir: string;
  workDir: string;
  mergedDir: string;
}

interface RootfsMeta {
  containerId: string;
  chainId: string | null;
}

export interface RootfsManagerOptions {
  root: string;
  logger: Logger;
  lowerDirs(chainId: string): string[];
  diffDirs(chainId: string): string[];
  hasLayer(chainId: string): boolean;
}

const META_FILE = 'rootfs.json';
/** Lower dir used when the image has no layers: overlayfs needs at least one. */
const EMPTY_LOWER = 'empty';
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export class RootfsManager {
  private readonly containers = new Map<string, RootfsMeta>();
  /** Serialises mount/unmount/remove per container so concurrent calls stay idempotent. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly options: RootfsManagerOptions) {}

  async open(): Promise<void> {
    this.containers.clear();
    for (const name of await readdir(this.options.root)) {
      try {
        const meta = JSON.parse(await readFile(join(this.options.root, name, META_FILE), 'utf8')) as RootfsMeta;
        if (meta.containerId === name) this.containers.set(name, meta);
      } catch (err) {
        if (!hasErrno(err, 'ENOENT') && !hasErrno(err, 'ENOTDIR')) {
          this.options.logger.warn({ err, dir: name }, 'unreadable rootfs metadata, ignoring');
        }
      }
    }
  }

  containerUsing(chainId: string): string | undefined {
    for (const meta of this.containers.values()) if (meta.chainId === chainId) return meta.containerId;
    return undefined;
  }

  paths(containerId: string): RootfsPaths | undefined {
    const meta = this.containers.get(containerId);
    return meta === undefined ? undefined : this.pathsOf(meta);
  }

  async prepare(containerId: string, chainId: string | null): Promise<RootfsPaths> {
    checkId(containerId);
    return this.locked(containerId, async () => {
      const existing = this.containers.get(containerId);
      if (existing !== undefined) {
        if (existing.chainId !== chainId) {
          throw new ConflictError(`rootfs of container ${containerId} already exists on layer ${existing.chainId ?? '<none>'}`);
        }
        return this.pathsOf(existing);
      }
      if (chainId !== null && !this.options.hasLayer(chainId)) throw new NotFoundError(`layer ${chainId} does not exist`);
      const temp = join(this.options.root, 'tmp', `rootfs-${containerId}-${randomBytes(4).toString('hex')}`);
      await mkdir(temp, { mode: 0o700 });
      try {
        await mkdir(join(temp, 'diff'), { mode: 0o755 });
        await mkdir(join(temp, 'work'), { mode: 0o700 });
        await mkdir(join(temp, 'merged'), { mode: 0o700 });
        if (chainId === null) await mkdir(join(temp, EMPTY_LOWER), { mode: 0o755 });
        const meta: RootfsMeta = { containerId, chainId };
        await writeFileAtomic(join(temp, META_FILE), JSON.stringify(meta));
        await rename(temp, join(this.options.root, containerId)).catch((err: unknown) => {
          if (hasErrno(err, 'ENOTEMPTY') || hasErrno(err, 'EEXIST')) {
            throw new ConflictError(`cannot create rootfs for ${containerId}: the name is taken in the layer store`, { cause: err });
          }
          throw err;
        });
        this.containers.set(containerId, meta);
        this.options.logger.info({ containerId, chainId }, 'rootfs prepared');
        return this.pathsOf(meta);
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    });
  }

  async mount(containerId: string): Promise<string> {
    return this.locked(containerId, async () => {
      const meta = this.require(containerId);
      const paths = this.pathsOf(meta);
      if (await isMountPoint(paths.mergedDir)) return paths.mergedDir;
      const lowerDirs = meta.chainId === null ? [`${containerId}/${EMPTY_LOWER}`] : this.options.lowerDirs(meta.chainId);
      await mountOverlay({
        lowerDirs,
        upperDir: `${containerId}/diff`,
        workDir: `${containerId}/work`,
        target: paths.mergedDir,
        cwd: this.options.root,
      });
      this.options.logger.info({ containerId, layers: lowerDirs.length }, 'rootfs mounted');
      return paths.mergedDir;
    });
  }

  async unmount(containerId: string): Promise<void> {
    await this.locked(containerId, async () => {
      const meta = this.containers.get(containerId);
      if (meta === undefined) return;
      await this.unmountAll(this.pathsOf(meta).mergedDir);
    });
  }

  /** Deletes the container's layer; returns the chain it was stacked on, or undefined when absent. */
  async remove(containerId: string): Promise<string | null | undefined> {
    return this.locked(containerId, async () => {
      const meta = this.containers.get(containerId);
      if (meta === undefined) return undefined;
      const dir = join(this.options.root, containerId);
      await this.unmountAll(join(dir, 'merged'));
      const doomed = join(this.options.root, 'tmp', `remove-${containerId}-${randomBytes(4).toString('hex')}`);
      await rename(dir, doomed);
      this.containers.delete(containerId);
      await rm(doomed, { recursive: true, force: true });
      this.options.logger.info({ containerId }, 'rootfs removed');
      return meta.chainId;
    });
  }

  async changes(containerId: string): Promise<Change[]> {
    const meta = this.require(containerId);
    const lowers = meta.chainId === null ? [] : this.options.diffDirs(meta.chainId);
    return upperDirChanges(this.pathsOf(meta).upperDir, lowers);
  }

  /** The container's changes as a layer tar (whiteouts as `.wh.` entries), for docker commit. */
  async diffTar(containerId: string): Promise<Readable> {
    const upperDir = this.pathsOf(this.require(containerId)).upperDir;
    const opaqueDirs = new Set(await listOpaqueDirs(upperDir));
    const pack = tar.pack();
    void packTree(pack, upperDir, '', { overlay: { opaqueDirs } }).then(
      () => pack.finalize(),
      (err: unknown) => pack.destroy(err as Error),
    );
    return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
  }

  async size(containerId: string): Promise<number> {
    return directorySize(this.pathsOf(this.require(containerId)).upperDir);
  }

  private async unmountAll(target: string): Promise<void> {
    // Stacked mounts on one target come off one at a time.
    for (let attempt = 0; attempt < 8 && (await isMountPoint(target)); attempt++) {
      await unmount(target);
      this.options.logger.info({ target }, 'rootfs unmounted');
    }
  }

  private require(containerId: string): RootfsMeta {
    const meta = this.containers.get(containerId);
    if (meta === undefined) throw new NotFoundError(`no rootfs for container ${containerId}`);
    return meta;
  }

  private pathsOf(meta: RootfsMeta): RootfsPaths {
    const dir = join(this.options.root, meta.containerId);
    return {
      containerId: meta.containerId,
      chainId: meta.chainId,
      upperDir: join(dir, 'diff'),
      workDir: join(dir, 'work'),
      mergedDir: join(dir, 'merged'),
    };
  }

  private async locked<T>(containerId: string, action: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(containerId) ?? Promise.resolve();
    const next = previous.then(action, action);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(containerId, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(containerId) === settled) this.locks.delete(containerId);
    }
  }
}

function checkId(containerId: string): void {
  if (!ID_PATTERN.test(containerId) || containerId === 'tmp' || containerId === 'l') {
    throw new InvalidArgumentError(`invalid container id ${JSON.stringify(containerId)}`);
  }
}
