// LayerStore: unpacked image layers shared by every image that has them, keyed by chain id, and
// the per-container overlay rootfs stacked on them (rootfs.ts holds the container half). Effectful.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError, hasErrno } from '../../errdefs/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { decompressed } from './decompress.js';
import { HashingTap, chainIdOf, hexOf, isSha256Digest } from './digest.js';
import { directorySize } from './dir-size.js';
import { RootfsManager, type RootfsPaths } from './rootfs.js';
import type { Change } from './changes.js';
import { untar } from './untar.js';

export interface AppliedLayer {
  diffId: string;
  chainId: string;
  /** Bytes of file content in the unpacked layer (dockerd's layer Size). */
  size: number;
}

export interface LayerInfo extends AppliedLayer {
  parent: string | null;
  /** Absolute path of the unpacked layer. */
  diffDir: string;
}

interface LayerMeta {
  chainId: string;
  diffId: string;
  parent: string | null;
  size: number;
  /** Short name of this layer's `l/` symlink. */
  link: string;
}

export interface LayerStoreOptions {
  /** e.g. /var/lib/berth/overlay2 */
  root: string;
  logger: Logger;
}

const META_FILE = 'layer.json';
const LINK_DIR = 'l';
const TEMP_DIR = 'tmp';

/** 26 characters like overlay2's `l/` names: 100 lower dirs stay well inside the 4 KiB option page. */
function newLinkId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return Array.from(randomBytes(26), (byte) => alphabet[byte % 32]).join('');
}

export class LayerStore {
  readonly root: string;
  private readonly logger: Logger;
  private readonly layers = new Map<string, LayerMeta>();
  /** Layers being unpacked on top of a parent: the parent must not be released meanwhile. */
  private readonly pendingChildren = new Map<string, number>();
  private readonly rootfs: RootfsManager;
  /** Says whether an image still needs a chain; keep-everything until the ImageStore sets it. */
  private isRetained: (chainId: string) => boolean = () => true;

  constructor(options: LayerStoreOptions) {
    this.root = options.root;
    this.logger = options.logger.child({ component: 'layer-store' });
    this.rootfs = new RootfsManager({
      root: this.root,
      logger: this.logger,
      lowerDirs: (chainId) => this.lowerDirs(chainId),
      diffDirs: (chainId) => this.diffDirs(chainId),
      hasLayer: (chainId) => this.layers.has(chainId),
    });
  }

  /** Creates the directories, discards half-finished work from a crash, loads every layer and rootfs. */
  async open(): Promise<void> {
    await mkdir(join(this.root, LINK_DIR), { recursive: true, mode: 0o700 });
    await rm(join(this.root, TEMP_DIR), { recursive: true, force: true });
    await mkdir(join(this.root, TEMP_DIR), { mode: 0o700 });
    this.layers.clear();
    for (const name of await readdir(this.root)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      try {
        const meta = JSON.parse(await readFile(join(this.root, name, META_FILE), 'utf8')) as LayerMeta;
        if (hexOf(meta.chainId) === name) this.layers.set(meta.chainId, meta);
      } catch (err) {
        if (!hasErrno(err, 'ENOENT')) this.logger.warn({ err, dir: name }, 'unreadable layer metadata, ignoring');
      }
    }
    await this.repairLinks();
    await this.rootfs.open();
    this.logger.debug({ layers: this.layers.size }, 'layer store opened');
  }

  /** The ImageStore tells which chains images still need; release() keeps those. */
  setRetainer(isRetained: (chainId: string) => boolean): void {
    this.isRetained = isRetained;
  }

  has(chainId: string): boolean {
    return this.layers.has(chainId);
  }

  get(chainId: string): LayerInfo | undefined {
    const meta = this.layers.get(chainId);
    return meta === undefined ? undefined : this.info(meta);
  }

  list(): LayerInfo[] {
    return [...this.layers.values()].map((meta) => this.info(meta));
  }

  /**
   * Unpacks a layer tar (plain or gzip) on top of `parentChainId`. The diffID is the sha256 of the
   * uncompressed bytes. A layer whose chain id is already present is discarded and the existing one
   * returned: each layer is unpacked once. On any error nothing is left behind.
   */
  async applyTar(parentChainId: string | null, source: Readable): Promise<AppliedLayer> {
    if (parentChainId !== null && !this.layers.has(parentChainId)) throw new NotFoundError(`layer ${parentChainId} does not exist`);
    const parentKey = parentChainId ?? '';
    this.pendingChildren.set(parentKey, (this.pendingChildren.get(parentKey) ?? 0) + 1);
    const tempDir = await mkdtemp(join(this.root, TEMP_DIR, 'apply-'));
    try {
      const diffDir = join(tempDir, 'diff');
      await mkdir(diffDir, { mode: 0o755 });
      const { stream } = await decompressed(source);
      const tap = new HashingTap();
      stream.on('error', (err) => tap.destroy(err));
      stream.pipe(tap);
      try {
        await untar(diffDir, tap, { whiteouts: 'overlay', privateRoot: true });
      } catch (err) {
        stream.destroy(); // our own replay/gunzip stage; the caller's source is left to the caller
        throw err;
      }
      const diffId = tap.digest();
      const chainId = chainIdOf(parentChainId, diffId);
      const existing = this.layers.get(chainId);
      if (existing !== undefined) {
        this.logger.debug({ chainId }, 'layer already present, discarding the duplicate');
        return { diffId, chainId, size: existing.size };
      }
      const meta: LayerMeta = { chainId, diffId, parent: parentChainId, size: await directorySize(diffDir), link: newLinkId() };
      await writeFileAtomic(join(tempDir, META_FILE), JSON.stringify(meta));
      const finalDir = join(this.root, hexOf(chainId));
      try {
        await rename(tempDir, finalDir);
      } catch (err) {
        if (!hasErrno(err, 'ENOTEMPTY') && !hasErrno(err, 'EEXIST')) throw err;
        // Another unpack of the same layer won the race; use its copy.
        const winner = JSON.parse(await readFile(join(finalDir, META_FILE), 'utf8')) as LayerMeta;
        return { diffId, chainId, size: winner.size };
      }
      await symlink(`../${hexOf(chainId)}/diff`, join(this.root, LINK_DIR, meta.link));
      this.layers.set(chainId, meta);
      this.logger.info({ chainId, diffId, size: meta.size }, 'layer unpacked');
      return { diffId, chainId, size: meta.size };
    } finally {
      await rm(tempDir, { recursive: true, force: true });
      const left = (this.pendingChildren.get(parentKey) ?? 1) - 1;
      if (left === 0) this.pendingChildren.delete(parentKey);
      else this.pendingChildren.set(parentKey, left);
    }
  }

  /** Absolute unpacked directories of the chain, top-most first (GraphDriver Upper/LowerDir). */
  diffDirs(chainId: string): string[] {
    return this.chain(chainId).map((meta) => join(this.root, hexOf(meta.chainId), 'diff'));
  }

  /** `l/<id>` paths relative to the store root, top-most first, for an overlay mount run with cwd=root. */
  lowerDirs(chainId: string): string[] {
    return this.chain(chainId).map((meta) => `${LINK_DIR}/${meta.link}`);
  }

  /** Removes one layer. Conflict when a layer above it or a container rootfs still uses it. */
  async remove(chainId: string): Promise<void> {
    const meta = this.layers.get(chainId);
    if (meta === undefined) throw new NotFoundError(`layer ${chainId} does not exist`);
    const reason = this.usedBy(chainId);
    if (reason !== undefined) throw new ConflictError(`layer ${chainId} is in use: ${reason}`);
    this.layers.delete(chainId);
    await unlink(join(this.root, LINK_DIR, meta.link)).catch((err: unknown) => {
      if (!hasErrno(err, 'ENOENT')) throw err;
    });
    const doomed = join(this.root, TEMP_DIR, `remove-${hexOf(chainId)}-${randomBytes(4).toString('hex')}`);
    await rename(join(this.root, hexOf(chainId)), doomed);
    await rm(doomed, { recursive: true, force: true });
    this.logger.info({ chainId }, 'layer removed');
  }

  /**
   * Walks down from `chainId` removing every layer that no image retains and nothing else uses.
   * Returns the removed chain ids, top-most first (dockerd lists them as "Deleted").
   */
  async release(chainId: string | null): Promise<string[]> {
    const removed: string[] = [];
    let current = chainId;
    while (current !== null) {
      const meta = this.layers.get(current);
      if (meta === undefined || this.isRetained(current) || this.usedBy(current) !== undefined) break;
      await this.remove(current);
      removed.push(current);
      current = meta.parent;
    }
    return removed;
  }

  /** Why a layer cannot go, or undefined when nothing above it needs it. */
  private usedBy(chainId: string): string | undefined {
    if ((this.pendingChildren.get(chainId) ?? 0) > 0) return 'a layer is being unpacked on top of it';
    for (const meta of this.layers.values()) if (meta.parent === chainId) return `layer ${meta.chainId} is based on it`;
    const container = this.rootfs.containerUsing(chainId);
    if (container !== undefined) return `container ${container} is based on it`;
    return undefined;
  }

  // ---- container rootfs (see rootfs.ts) ----

  /** Creates the container's writable upper and work dirs on top of `chainId` (null: empty image). Idempotent. */
  async prepareRootfs(containerId: string, chainId: string | null): Promise<RootfsPaths> {
    return this.rootfs.prepare(containerId, chainId);
  }

  /** Mounts the overlay (no-op when already mounted) and returns the merged path. */
  async mountRootfs(containerId: string): Promise<string> {
    return this.rootfs.mount(containerId);
  }

  async unmountRootfs(containerId: string): Promise<void> {
    await this.rootfs.unmount(containerId);
  }

  /** Unmounts and deletes the container's layer, then releases image layers nobody needs any more. */
  async removeRootfs(containerId: string): Promise<string[]> {
    const base = await this.rootfs.remove(containerId);
    return base === undefined ? [] : this.release(base);
  }

  rootfsPaths(containerId: string): RootfsPaths | undefined {
    return this.rootfs.paths(containerId);
  }

  /** `docker diff`: what the container changed relative to its image. */
  async changes(containerId: string): Promise<Change[]> {
    return this.rootfs.changes(containerId);
  }

  /**
   * The container's changes as a layer tar (deletions as `.wh.` whiteouts, replaced directories
   * with `.wh..wh..opq`): what docker commit turns into a new layer. Pause a running container first.
   */
  async diffTar(containerId: string): Promise<Readable> {
    return this.rootfs.diffTar(containerId);
  }

  /** Bytes written by the container (SizeRw). */
  async rootfsSize(containerId: string): Promise<number> {
    return this.rootfs.size(containerId);
  }

  private chain(chainId: string): LayerMeta[] {
    if (!isSha256Digest(chainId)) throw new NotFoundError(`layer ${chainId} does not exist`);
    const result: LayerMeta[] = [];
    let current: string | null = chainId;
    while (current !== null) {
      const meta = this.layers.get(current);
      if (meta === undefined) throw new NotFoundError(`layer ${current} does not exist`);
      result.push(meta);
      current = meta.parent;
    }
    return result;
  }

  private info(meta: LayerMeta): LayerInfo {
    const { chainId, diffId, parent, size } = meta;
    return { chainId, diffId, parent, size, diffDir: join(this.root, hexOf(chainId), 'diff') };
  }

  /** After a crash between rename and symlink: recreate missing `l/` links, drop dangling ones. */
  private async repairLinks(): Promise<void> {
    const linkDir = join(this.root, LINK_DIR);
    const wanted = new Map([...this.layers.values()].map((meta) => [meta.link, meta]));
    for (const name of await readdir(linkDir)) {
      const meta = wanted.get(name);
      if (meta !== undefined && (await readlink(join(linkDir, name))) === `../${hexOf(meta.chainId)}/diff`) {
        wanted.delete(name);
        continue;
      }
      await unlink(join(linkDir, name));
    }
    for (const meta of wanted.values()) await symlink(`../${hexOf(meta.chainId)}/diff`, join(linkDir, meta.link));
  }
}
