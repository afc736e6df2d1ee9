// The image store's state and primitives: image records over config blobs, tags, the diffID →
// original-blob mapping of layers, registration and deletion. ImageStore (image-store.ts) and the
// import/load/save/remove operations build on it. Effectful.
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errdefs/index.js';
import {
  type LayerStore,
  chainIds,
  decompressed,
  detectCompression,
  HashingTap,
  hexOf,
  peek,
  sha256Digest,
  writeFileAtomic,
} from '../snapshot/index.js';
import { ContentStore } from './content-store.js';
import { type ImageConfig, formatTime, parseImageConfig } from './image-config.js';
import { type ImageReference, familiarString, parseLookup, storeKey } from './reference.js';
import { ReferenceStore } from './reference-store.js';

export type ImageEventAction = 'import' | 'tag' | 'untag' | 'delete' | 'load' | 'save';
export type ImageEventSink = (action: ImageEventAction, imageIdOrRef: string, attributes: Record<string, string>) => void;

export interface ImageRecord {
  /** "sha256:<hex>": the digest of the exact config bytes. */
  id: string;
  config: ImageConfig;
  /** Parent image id ("" when none), as the legacy builder and docker load record it. */
  parent: string;
  /** RFC 3339, set whenever a tag is added. */
  lastTagTime: string | undefined;
  /** Top of the layer chain, null for an image without layers. */
  chainId: string | null;
}

interface ImageMeta {
  parent?: string;
  lastTagTime?: string;
}

export interface LayerBlob {
  digest: string;
  size: number;
  mediaType: string;
}

export const MEDIA_TYPE_LAYER = 'application/vnd.oci.image.layer.v1.tar';
export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface CoreOptions {
  root: string;
  layerStore: LayerStore;
  logger: Logger;
  onEvent: ImageEventSink;
  now?: () => Date;
}

export class ImageCore {
  readonly content: ContentStore;
  readonly refs: ReferenceStore;
  readonly layers: LayerStore;
  readonly logger: Logger;
  readonly now: () => Date;
  private readonly onEvent: ImageEventSink;
  private readonly imageDir: string;
  private readonly layerDir: string;
  readonly images = new Map<string, ImageRecord>();
  /** diffID → stored original tars (compressed or not) that decompress to it. */
  private readonly layerBlobs = new Map<string, LayerBlob[]>();
  /** Tail of the queue of reference/registration changes (see exclusive). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: CoreOptions) {
    this.content = new ContentStore(options.root);
    this.refs = new ReferenceStore(join(options.root, 'repositories.json'));
    this.layers = options.layerStore;
    this.logger = options.logger.child({ component: 'image-store' });
    this.onEvent = options.onEvent;
    this.now = options.now ?? (() => new Date());
    this.imageDir = join(options.root, 'images');
    this.layerDir = join(options.root, 'layers');
  }

  async open(): Promise<void> {
    await this.content.open();
    await mkdir(this.imageDir, { recursive: true, mode: 0o700 });
    await mkdir(this.layerDir, { recursive: true, mode: 0o700 });
    await this.refs.open();
    this.images.clear();
    for (const name of await readdir(this.imageDir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(name)) continue;
      const id = `sha256:${name.slice(0, 64)}`;
      try {
        const meta = JSON.parse(await readFile(join(this.imageDir, name), 'utf8')) as ImageMeta;
        const config = parseImageConfig(await this.content.readBytes(id));
        const record = this.makeRecord(id, config, meta);
        if (record.chainId !== null && !this.layers.has(record.chainId)) {
          this.logger.warn({ imageId: id, chainId: record.chainId }, 'image layers missing, skipping image');
          continue;
        }
        this.images.set(id, record);
      } catch (err) {
        this.logger.warn({ err, imageId: id }, 'unreadable image, skipping');
      }
    }
    this.layerBlobs.clear();
    for (const name of await readdir(this.layerDir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(name)) continue;
      const blobs = JSON.parse(await readFile(join(this.layerDir, name), 'utf8')) as LayerBlob[];
      this.layerBlobs.set(`sha256:${name.slice(0, 64)}`, blobs);
    }
    this.layers.setRetainer((chainId) => [...this.images.values()].some((image) => image.chainId === chainId));
    this.logger.debug({ images: this.images.size }, 'image store opened');
  }

  private makeRecord(id: string, config: ImageConfig, meta: ImageMeta): ImageRecord {
    const chain = chainIds(config.rootfs.diff_ids);
    return {
      id,
      config,
      parent: meta.parent ?? (typeof config.parent === 'string' ? config.parent : ''),
      lastTagTime: meta.lastTagTime,
      chainId: chain.length === 0 ? null : chain[chain.length - 1],
    };
  }

  /**
   * Runs `action` after every earlier one has finished: tagging, registering and deleting never
   * interleave, so a removal cannot race a tag of the same image. Long work (unpacking layers)
   * stays outside. Not re-entrant.
   */
  async exclusive<T>(action: () => Promise<T>): Promise<T> {
    const run = this.queue.then(action, action);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  emit(action: ImageEventAction, id: string, name: string): void {
    const labels = this.images.get(id)?.config.config?.Labels ?? {};
    try {
      this.onEvent(action, id, { ...labels, name });
    } catch (err) {
      this.logger.warn({ err, action, imageId: id }, 'image event listener failed');
    }
  }

  /** dockerd's GetImage: full id, then reference, then unique id prefix; else "No such image". */
  resolve(refOrId: string): ImageRecord {
    const lookup = parseLookup(refOrId);
    if (lookup.kind === 'id') {
      const image = this.images.get(lookup.id);
      if (image === undefined) throw new NotFoundError(`No such image: ${lookup.id}`);
      return image;
    }
    const target = this.refs.get(lookup.reference);
    const byRef = target === undefined ? undefined : this.images.get(target);
    if (byRef !== undefined) return byRef;
    if (lookup.idPrefix !== undefined) {
      const prefix = `sha256:${lookup.idPrefix}`;
      const matches = [...this.images.keys()].filter((id) => id.startsWith(prefix));
      if (matches.length === 1) return this.images.get(matches[0]) as ImageRecord;
    }
    throw new NotFoundError(`No such image: ${familiarString(lookup.reference)}`);
  }

  children(id: string): ImageRecord[] {
    return [...this.images.values()].filter((image) => image.parent === id);
  }

  /** Sum of the unpacked sizes of every layer of the image (dockerd's Size). */
  size(image: ImageRecord): number {
    return chainIds(image.config.rootfs.diff_ids).reduce((total, chainId) => total + (this.layers.get(chainId)?.size ?? 0), 0);
  }

  /** Stores the config (if new) and records the image; every layer must already be unpacked. */
  async registerImage(configBytes: Buffer, options: { parent?: string } = {}): Promise<ImageRecord> {
    const config = parseImageConfig(configBytes);
    const id = sha256Digest(configBytes);
    const chain = chainIds(config.rootfs.diff_ids);
    const missing = chain.find((chainId) => !this.layers.has(chainId));
    if (missing !== undefined) throw new InvalidArgumentError(`layer ${missing} of image ${id} is not in the layer store`);
    if (options.parent !== undefined && options.parent !== '' && !this.images.has(options.parent)) {
      throw new NotFoundError(`No such image: ${options.parent}`);
    }
    const existing = this.images.get(id);
    if (existing !== undefined) {
      if (options.parent !== undefined && options.parent !== '' && existing.parent !== options.parent) {
        existing.parent = options.parent;
        await this.writeMeta(existing);
      }
      return existing;
    }
    await this.content.writeBytes(configBytes, id);
    const record = this.makeRecord(id, config, { parent: options.parent });
    await this.writeMeta(record);
    this.images.set(id, record);
    this.logger.info({ imageId: id, layers: chain.length }, 'image registered');
    return record;
  }

  private async writeMeta(record: ImageRecord): Promise<void> {
    const meta: ImageMeta = {};
    if (record.parent !== '') meta.parent = record.parent;
    if (record.lastTagTime !== undefined) meta.lastTagTime = record.lastTagTime;
    await writeFileAtomic(join(this.imageDir, `${hexOf(record.id)}.json`), JSON.stringify(meta));
  }

  /** Points `reference` at the image; returns the id it pointed at before, if another. */
  async setReference(reference: ImageReference, image: ImageRecord): Promise<string | undefined> {
    const previous = await this.refs.add(reference, image.id);
    image.lastTagTime = formatTime(this.now());
    await this.writeMeta(image);
    return previous;
  }

  async setParent(image: ImageRecord, parentId: string): Promise<void> {
    image.parent = parentId;
    await this.writeMeta(image);
  }

  async deleteReference(reference: ImageReference): Promise<void> {
    await this.refs.delete(reference);
  }

  /**
   * Stores a layer tar's original bytes as a blob, unpacks it on `parentChainId` and remembers which
   * blob gives which diffID (docker save and registry push need the exact bytes back).
   */
  async ingestLayer(parentChainId: string | null, source: Readable): Promise<{ diffId: string; chainId: string; size: number; blob: LayerBlob }> {
    const { stream, compression } = await decompressedProbe(source);
    const written = await this.content.write(stream);
    const blob: LayerBlob = { digest: written.digest, size: written.size, mediaType: compression === 'gzip' ? MEDIA_TYPE_LAYER_GZIP : MEDIA_TYPE_LAYER };
    try {
      const layer = await this.layers.applyTar(parentChainId, await this.content.readStream(blob.digest));
      await this.recordLayerBlob(layer.diffId, blob);
      return { ...layer, blob };
    } catch (err) {
      if (written.created && !this.isBlobReferenced(blob.digest)) await this.content.delete(blob.digest);
      throw err;
    }
  }

  /** The diffID a stored blob decompresses to, without unpacking it. */
  async diffIdOfBlob(digest: string): Promise<string> {
    const { stream } = await decompressed(await this.content.readStream(digest));
    const tap = new HashingTap();
    for await (const chunk of stream.pipe(tap)) void chunk;
    return tap.digest();
  }

  async recordLayerBlob(diffId: string, blob: LayerBlob): Promise<void> {
    const blobs = this.layerBlobs.get(diffId) ?? [];
    if (blobs.some((known) => known.digest === blob.digest)) return;
    const next = [...blobs, blob];
    await writeFileAtomic(join(this.layerDir, `${hexOf(diffId)}.json`), JSON.stringify(next));
    this.layerBlobs.set(diffId, next);
  }

  layerBlob(diffId: string): LayerBlob | undefined {
    return this.layerBlobs.get(diffId)?.[0];
  }

  /** True while an image config or a layer mapping points at the blob. */
  isBlobReferenced(digest: string): boolean {
    if (this.images.has(digest)) return true;
    for (const blobs of this.layerBlobs.values()) if (blobs.some((blob) => blob.digest === digest)) return true;
    return false;
  }

  /**
   * Forgets the image (its references must already be gone), releases the layers no other image
   * needs and deletes blobs nothing refers to. Returns the removed layer chain ids, top first.
   */
  async deleteImage(id: string): Promise<string[]> {
    const image = this.images.get(id);
    if (image === undefined) throw new NotFoundError(`No such image: ${id}`);
    if (this.refs.referencesTo(id).length > 0) throw new ConflictError(`image ${id} still has references`);
    this.images.delete(id);
    await rm(join(this.imageDir, `${hexOf(id)}.json`), { force: true });
    for (const child of this.children(id)) {
      child.parent = '';
      await this.writeMeta(child);
    }
    const removed = await this.layers.release(image.chainId);
    const stillUsed = new Set([...this.images.values()].flatMap((other) => other.config.rootfs.diff_ids));
    for (const diffId of new Set(image.config.rootfs.diff_ids)) {
      if (stillUsed.has(diffId)) continue;
      const blobs = this.layerBlobs.get(diffId) ?? [];
      this.layerBlobs.delete(diffId);
      await rm(join(this.layerDir, `${hexOf(diffId)}.json`), { force: true });
      for (const blob of blobs) if (!this.isBlobReferenced(blob.digest)) await this.content.delete(blob.digest);
    }
    if (!this.isBlobReferenced(id)) await this.content.delete(id);
    this.logger.info({ imageId: id, removedLayers: removed.length }, 'image deleted');
    return removed;
  }

  tagsOf(id: string): string[] {
    return this.refs.referencesTo(id).filter((ref) => ref.digest === undefined).map((ref) => familiarString(ref));
  }

  digestsOf(id: string): string[] {
    return this.refs
      .referencesTo(id)
      .filter((ref) => ref.digest !== undefined)
      .map((ref) => familiarString({ domain: ref.domain, path: ref.path, digest: ref.digest }));
  }

  keyOf(reference: ImageReference): string {
    return storeKey(reference);
  }
}

/** Refuses bzip2/xz/zstd up front (400) while keeping the original bytes for storage. */
async function decompressedProbe(source: Readable): Promise<{ stream: Readable; compression: 'none' | 'gzip' }> {
  const { head, stream } = await peek(source, 6);
  const compression = detectCompression(head);
  if (compression !== 'none' && compression !== 'gzip') {
    stream.destroy();
    throw new InvalidArgumentError(`unsupported compression: the archive is ${compression}-compressed; send a plain or gzip-compressed tar`);
  }
  return { stream, compression };
}
