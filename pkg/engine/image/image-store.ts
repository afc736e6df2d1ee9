// ImageStore: the image service the container manager and API routes call: resolve, list, inspect,
// history, tag, remove, import, load, save, createImage, with dockerd's shapes and errors. Effectful.
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { InvalidArgumentError, NotFoundError } from '../../errdefs/index.js';
import { type LayerStore, chainIds } from '../snapshot/index.js';
import { type ImageFilters, danglingFilter, filterValues, labelsMatch, pathMatch, validateFilters } from './filters.js';
import { type ImageConfig, type ImageConfigBase, formatTime, unixSeconds } from './image-config.js';
import { type ImportOptions, importRootfs } from './import.js';
import { type LoadOptions, type LoadResult, loadImages } from './load.js';
import { canonicalString, familiarName, familiarString, fullName, parseReference, parseRepoTag } from './reference.js';
import { type DeleteResponseItem, type RemoveOptions, removeImage } from './remove.js';
import { saveImages } from './save.js';
import { type PruneOptions, type PruneReport, pruneImages } from './prune.js';
import { ImageCore, type ImageEventSink, type ImageRecord, type LayerBlob } from './store-core.js';
import { type HistoryItem, type ImageFacts, inspectView, summaryView } from './views.js';

export interface ImageStoreOptions {
  /** e.g. /var/lib/berth/image */
  root: string;
  layerStore: LayerStore;
  logger: Logger;
  /** Docker events: import, tag, untag, delete, load, save; attributes carry `name` and the image labels. */
  onEvent: ImageEventSink;
  /** Injected clock (tests). */
  now?: () => Date;
}

export interface ListOptions {
  all?: boolean;
  filters?: ImageFilters;
  /** Negotiated API version, e.g. "1.41" or "1.50": decides VirtualSize and <none> placeholders. */
  apiVersion?: string;
  /** API ≥ 1.42 shared-size=1 */
  sharedSize?: boolean;
  containerCount?: (imageId: string) => number;
}

export interface CreateImageOptions {
  /** The new image's config; rootfs is set from layerDiffIds and created defaults to now. */
  config: ImageConfigBase;
  /** Bottom first; every chain must already be in the LayerStore (see ingestLayer). */
  layerDiffIds: string[];
  /** Legacy-builder parent image id. */
  parent?: string;
  /** "repo[:tag]" */
  reference?: string;
}

const CURRENT_API = '1.50';

export class ImageStore {
  private readonly core: ImageCore;

  constructor(options: ImageStoreOptions) {
    this.core = new ImageCore(options);
  }

  /** Loads images, tags and layer blob mappings from disk; call once before anything else. */
  async open(): Promise<void> {
    await this.core.open();
  }

  /** A reference, full id or unique id prefix → the image; NotFoundError "No such image: <ref>". */
  resolve(refOrId: string): Readonly<ImageRecord> {
    return this.core.resolve(refOrId);
  }

  /** The parsed OCI image config. */
  config(refOrId: string): Readonly<ImageConfig> {
    return this.core.resolve(refOrId).config;
  }

  /** GET /images/json, newest first. */
  list(options: ListOptions = {}): Record<string, unknown>[] {
    const { filters } = options;
    validateFilters(filters);
    const apiVersion = options.apiVersion ?? CURRENT_API;
    const danglingOnly = danglingFilter(filters) === true;
    const createdOf = (ref: string): number => Date.parse(this.core.resolve(ref).config.created ?? '') || 0;
    const before = filterValues(filters, 'before').map(createdOf);
    const since = filterValues(filters, 'since').map(createdOf);
    const until = filterValues(filters, 'until').map((value) => parseUntil(value, this.core.now()));
    const labelFilters = filterValues(filters, 'label');
    const referencePatterns = filterValues(filters, 'reference');
    const images = [...this.core.images.values()];
    const shared = options.sharedSize ? this.sharedSizes() : undefined;
    const results: { created: number; view: Record<string, unknown> }[] = [];
    for (const image of images) {
      const hasChildren = this.core.children(image.id).length > 0;
      if (danglingOnly && hasChildren) continue;
      const created = Date.parse(image.config.created ?? '');
      if ([...before, ...until].some((limit) => !(created < limit))) continue;
      if (since.some((limit) => !(created > limit))) continue;
      if (labelFilters.length > 0 && !labelsMatch(labelFilters, image.config.config?.Labels)) continue;
      const refs = this.core.refs.referencesTo(image.id).filter((ref) => {
        if (referencePatterns.length === 0) return true;
        const targets = [familiarString(ref), familiarName(ref), canonicalString(ref), fullName(ref)];
        return referencePatterns.some((pattern) => targets.some((target) => pathMatch(pattern, target)));
      });
      const repoTags = refs.filter((ref) => ref.digest === undefined).map((ref) => familiarString(ref));
      const repoDigests = refs.filter((ref) => ref.digest !== undefined).map((ref) => familiarString({ ...ref, tag: undefined }));
      if (repoTags.length === 0 && repoDigests.length === 0) {
        if (!(options.all || !hasChildren)) continue;
        if (filters?.dangling !== undefined && !danglingOnly) continue;
        if (referencePatterns.length > 0) continue;
      } else if (danglingOnly && repoTags.length > 0) {
        continue;
      }
      const view = summaryView(this.facts(image, repoTags, repoDigests), {
        apiVersion,
        containers: options.containerCount?.(image.id),
        sharedSize: shared?.get(image.id),
      });
      results.push({ created: unixSeconds(image.config.created), view });
    }
    return results.sort((a, b) => b.created - a.created).map((result) => result.view);
  }

  /** GET /images/{name}/json */
  inspect(refOrId: string, options: { apiVersion?: string } = {}): Record<string, unknown> {
    const image = this.core.resolve(refOrId);
    return inspectView(this.facts(image, this.core.tagsOf(image.id), this.core.digestsOf(image.id)), options.apiVersion ?? CURRENT_API);
  }

  /** GET /images/{name}/history, newest first. */
  history(refOrId: string): HistoryItem[] {
    const image = this.core.resolve(refOrId);
    const chain = chainIds(image.config.rootfs.diff_ids);
    let layer = 0;
    const items: HistoryItem[] = [];
    for (const entry of image.config.history ?? []) {
      let size = 0;
      if (!entry.empty_layer) {
        const chainId = chain[layer++];
        size = chainId === undefined ? 0 : (this.core.layers.get(chainId)?.size ?? 0);
      }
      items.unshift({
        Comment: entry.comment ?? '',
        Created: unixSeconds(entry.created),
        CreatedBy: entry.created_by ?? '',
        Id: '<missing>',
        Size: size,
        Tags: null,
      });
    }
    let current: ImageRecord | undefined = image;
    for (const item of items) {
      if (current === undefined) break;
      item.Id = current.id;
      const tags = this.core.tagsOf(current.id);
      item.Tags = tags.length === 0 ? null : tags;
      current = current.parent === '' ? undefined : this.core.images.get(current.parent);
    }
    return items;
  }

  /** POST /images/{name}/tag */
  async tag(refOrId: string, repository: string, tag?: string): Promise<void> {
    const reference = parseRepoTag(repository, tag);
    await this.core.exclusive(async () => {
      const image = this.core.resolve(refOrId);
      await this.core.setReference(reference, image);
      this.core.emit('tag', image.id, familiarString(reference));
    });
  }

  /** Records that `repository@digest` (a manifest digest, e.g. after a push or pull) is this image. */
  async addRepoDigest(refOrId: string, repository: string, digest: string): Promise<void> {
    const named = parseReference(repository, { defaultTag: false });
    const reference = parseReference(`${fullName(named)}@${digest}`, { defaultTag: false });
    await this.core.exclusive(async () => {
      await this.core.refs.add(reference, this.core.resolve(refOrId).id);
    });
  }

  /** DELETE /images/{name}: the Untagged/Deleted list, or dockerd's conflict errors. */
  async remove(refOrId: string, options: RemoveOptions = {}): Promise<DeleteResponseItem[]> {
    return this.core.exclusive(() => removeImage(this.core, refOrId, options));
  }

  /** POST /images/prune: {ImagesDeleted, SpaceReclaimed}; images in use or with children are skipped. */
  async prune(options: PruneOptions = {}): Promise<PruneReport> {
    return this.core.exclusive(() => pruneImages(this.core, options));
  }

  /** POST /images/create?fromSrc=-: a rootfs tar (plain or gzip) becomes a one-layer image; returns its id. */
  async importRootfs(stream: Readable, options: ImportOptions = {}): Promise<string> {
    return importRootfs(this.core, stream, options);
  }

  /** POST /images/load */
  async load(stream: Readable, options: LoadOptions = {}): Promise<LoadResult> {
    return loadImages(this.core, stream, options);
  }

  /** GET /images/get and /images/{name}/get: names are resolved before the stream starts. */
  async save(refs: string[]): Promise<Readable> {
    return saveImages(this.core, refs);
  }

  /** For commit and build: stores and unpacks one layer tar, keeping its bytes for save/push. */
  async ingestLayer(parentChainId: string | null, stream: Readable): Promise<{ diffId: string; chainId: string; size: number; blob: LayerBlob }> {
    return this.core.ingestLayer(parentChainId, stream);
  }

  /** For commit and build: registers an image over layers already unpacked; returns its id. */
  async createImage(options: CreateImageOptions): Promise<string> {
    const reference = options.reference ? parseRepoTag(options.reference) : undefined;
    const config: ImageConfig = {
      ...options.config,
      created: options.config.created ?? formatTime(this.core.now()),
      rootfs: { type: 'layers', diff_ids: [...options.layerDiffIds] },
    };
    return this.core.exclusive(async () => {
      if (options.parent) config.parent = this.core.resolve(options.parent).id;
      const image = await this.core.registerImage(Buffer.from(JSON.stringify(config)), { parent: config.parent });
      if (reference !== undefined) {
        await this.core.setReference(reference, image);
        this.core.emit('tag', image.id, familiarString(reference));
      }
      return image.id;
    });
  }

  /** The config's exact bytes, verified (the image id is their digest): what a registry push uploads. */
  async configBytes(refOrId: string): Promise<Buffer> {
    return this.core.content.readBytes(this.core.resolve(refOrId).id);
  }

  /**
   * For registry pulls: registers an image from its config's exact bytes, so its id is the config
   * digest the registry served. Every layer must already be ingested (ingestLayer). Returns the id.
   */
  async registerConfig(configBytes: Buffer): Promise<string> {
    return this.core.exclusive(async () => (await this.core.registerImage(configBytes)).id);
  }

  /** The stored original tar of a layer (what save and registry push send), if known. */
  layerBlob(diffId: string): LayerBlob | undefined {
    return this.core.layerBlob(diffId);
  }

  /** Streams a layer's original bytes by diffID; the stream errors if they no longer match their digest. */
  async openLayerBlob(diffId: string): Promise<Readable> {
    const blob = this.core.layerBlob(diffId);
    if (blob === undefined) throw new NotFoundError(`no stored tar for layer ${diffId}`);
    return this.core.content.readStream(blob.digest);
  }

  private facts(image: ImageRecord, repoTags: string[], repoDigests: string[]): ImageFacts {
    return {
      id: image.id,
      config: image.config,
      parent: image.parent,
      size: this.core.size(image),
      lastTagTime: image.lastTagTime,
      repoTags,
      repoDigests,
      graphDriverData: this.graphDriverData(image),
    };
  }

  /** overlay2's GraphDriver.Data: the top layer's dirs, lower layers joined with ":" top first. */
  private graphDriverData(image: ImageRecord): Record<string, string> | null {
    if (image.chainId === null) return null;
    const diffDirs = this.core.layers.diffDirs(image.chainId);
    const top = dirname(diffDirs[0]);
    const data: Record<string, string> = {};
    if (diffDirs.length > 1) data.LowerDir = diffDirs.slice(1).join(':');
    data.MergedDir = `${top}/merged`;
    data.UpperDir = diffDirs[0];
    data.WorkDir = `${top}/work`;
    return data;
  }

  /** API shared-size: bytes of layers that more than one image has. */
  private sharedSizes(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const image of this.core.images.values()) {
      for (const chainId of chainIds(image.config.rootfs.diff_ids)) counts.set(chainId, (counts.get(chainId) ?? 0) + 1);
    }
    const result = new Map<string, number>();
    for (const image of this.core.images.values()) {
      let shared = 0;
      for (const chainId of chainIds(image.config.rootfs.diff_ids)) {
        if ((counts.get(chainId) ?? 0) > 1) shared += this.core.layers.get(chainId)?.size ?? 0;
      }
      result.set(image.id, shared);
    }
    return result;
  }
}

/** `until`: a Unix timestamp ("1700000000[.nnn]"), an RFC 3339 date, or a Go duration before now. */
function parseUntil(value: string, now: Date): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const duration = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
  if (duration !== null) return now.getTime() - Number(duration[1]) * { s: 1e3, m: 6e4, h: 3.6e6 }[duration[2] as 's' | 'm' | 'h'];
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError(`invalid value for 'until' filter: ${value}`);
  return parsed;
}
