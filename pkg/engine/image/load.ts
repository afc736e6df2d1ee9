// `docker load`: docker save archives (manifest.json), OCI image layouts (index.json + blobs/) and
// legacy v1 archives (repositories + <id>/json + <id>/layer.tar), with dockerd's messages. Effectful.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { type BlobInfo } from './content-store.js';
import { chainIdOf, detectCompression, drainBody, normalizeEntryName, peek, readTarEntries } from '../snapshot/index.js';
import { parseImageConfig, type HistoryEntry, type ImageConfig, hostPlatform } from './image-config.js';
import { familiarString, parseReference, type ImageReference } from './reference.js';
import { type ImageCore, type ImageRecord, MEDIA_TYPE_LAYER, MEDIA_TYPE_LAYER_GZIP } from './store-core.js';

export interface LoadOptions {
  /** Called with each progress line as dockerd would stream it ("Loaded image: busybox:latest\n"). */
  onMessage?: (message: string) => void;
}

export interface LoadResult {
  imageIds: string[];
  messages: string[];
}

/** JSON documents in an archive (manifests, configs, index) are read into memory up to this size. */
const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

function invalidArchive(message: string, cause?: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`invalid archive: ${message}`, cause === undefined ? undefined : { cause });
}

/** The archive's files, each stored as a blob, and its links. */
class ArchiveFiles {
  readonly files = new Map<string, BlobInfo>();
  readonly links = new Map<string, string>();

  constructor(private readonly core: ImageCore) {}

  find(path: string): BlobInfo | undefined {
    let current = posix.normalize(path).replace(/^\/+/, '');
    for (let hops = 0; hops < 16; hops++) {
      const file = this.files.get(current);
      if (file !== undefined) return file;
      const target = this.links.get(current);
      if (target === undefined) return undefined;
      current = target;
    }
    return undefined;
  }

  has(path: string): boolean {
    return this.find(path) !== undefined;
  }

  require(path: string): BlobInfo {
    const file = this.find(path);
    if (file === undefined) throw invalidArchive(`${path} is missing`);
    return file;
  }

  /** A small document (config, manifest, index) as bytes, refusing anything over the cap. */
  async document(path: string): Promise<Buffer> {
    const file = this.require(path);
    if (file.size > MAX_DOCUMENT_BYTES) throw invalidArchive(`${path} is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    return this.core.content.readBytes(file.digest);
  }

  async json<T>(path: string): Promise<T> {
    const bytes = await this.document(path);
    try {
      return JSON.parse(bytes.toString('utf8')) as T;
    } catch (err) {
      throw invalidArchive(`failed to decode ${path}: ${(err as Error).message}`, err);
    }
  }
}

export async function loadImages(core: ImageCore, stream: Readable, options: LoadOptions = {}): Promise<LoadResult> {
  const archive = new ArchiveFiles(core);
  const created = new Set<string>();
  const result: LoadResult = { imageIds: [], messages: [] };
  const say = (message: string): void => {
    result.messages.push(message);
    options.onMessage?.(message);
  };
  try {
    await readTarEntries(stream, async (header, body) => {
      let name: string;
      try {
        name = normalizeEntryName(header.name);
      } catch (err) {
        throw invalidArchive((err as Error).message, err);
      }
      if (header.type === 'file' || header.type === 'contiguous-file') {
        const blob = await core.content.write(body as AsyncIterable<Uint8Array>);
        if (blob.created) created.add(blob.digest);
        archive.files.set(name, { digest: blob.digest, size: blob.size });
        return;
      }
      await drainBody(body);
      if (header.type === 'symlink' && header.linkname) {
        const target = posix.normalize(posix.join(posix.dirname(name), header.linkname));
        if (!target.startsWith('..') && !header.linkname.startsWith('/')) archive.links.set(name, target);
      } else if (header.type === 'link' && header.linkname) {
        archive.links.set(name, normalizeEntryName(header.linkname));
      }
    });
    for (const [path, file] of archive.files) {
      const match = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(path);
      if (match !== null && file.digest !== `sha256:${match[1]}`) throw invalidArchive(`${path} does not match its digest`);
    }
    if (archive.has('manifest.json')) await loadDockerArchive(core, archive, result, say);
    else if (archive.has('index.json')) await loadOciLayout(core, archive, result, say);
    else if (archive.has('repositories')) await loadLegacyArchive(core, archive, result, say);
    else throw invalidArchive('does not contain a manifest.json');
    return result;
  } finally {
    for (const digest of created) if (!core.isBlobReferenced(digest)) await core.content.delete(digest);
  }
}

/** Unpacks each layer not yet present (checking it yields the expected diffID) and records its blob. */
async function loadLayers(core: ImageCore, diffIds: string[], blobs: BlobInfo[]): Promise<void> {
  const applied: string[] = [];
  let parent: string | null = null;
  try {
    for (const [index, diffId] of diffIds.entries()) {
      const blob = blobs[index];
      const chainId = chainIdOf(parent, diffId);
      const mediaType = (await blobCompression(core, blob.digest)) === 'gzip' ? MEDIA_TYPE_LAYER_GZIP : MEDIA_TYPE_LAYER;
      if (core.layers.has(chainId)) {
        if (core.layerBlob(diffId) === undefined) {
          const actual = await core.diffIdOfBlob(blob.digest);
          if (actual !== diffId) throw invalidDiffId(index, diffId, actual);
          await core.recordLayerBlob(diffId, { ...blob, mediaType });
        }
      } else {
        const layer = await core.layers.applyTar(parent, await core.content.readStream(blob.digest));
        applied.push(layer.chainId);
        if (layer.diffId !== diffId) throw invalidDiffId(index, diffId, layer.diffId);
        await core.recordLayerBlob(diffId, { ...blob, mediaType });
      }
      parent = chainId;
    }
  } catch (err) {
    for (const chainId of applied.reverse()) await core.layers.release(chainId);
    throw err;
  }
}

function invalidDiffId(index: number, expected: string, actual: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid diffID for layer ${index}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function blobCompression(core: ImageCore, digest: string): Promise<string> {
  const { head, stream } = await peek(await core.content.readStream(digest), 6);
  stream.destroy();
  return detectCompression(head);
}

async function tagLoaded(core: ImageCore, image: ImageRecord, reference: ImageReference, say: (message: string) => void): Promise<void> {
  const previous = await core.setReference(reference, image);
  const shown = familiarString(reference);
  if (previous !== undefined) say(`The image ${shown} already exists, renaming the old one with ID ${previous} to empty string\n`);
  say(`Loaded image: ${shown}\n`);
}

interface ManifestItem {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
  Parent?: string;
}

async function loadDockerArchive(core: ImageCore, archive: ArchiveFiles, result: LoadResult, say: (message: string) => void): Promise<void> {
  const manifest = await archive.json<ManifestItem[] | null>('manifest.json');
  if (manifest === null || !Array.isArray(manifest)) throw new InvalidArgumentError('invalid manifest, manifest cannot be null (but can be [])');
  const idLines: string[] = [];
  let refCount = 0;
  const parents: [ImageRecord, string][] = [];
  for (const item of manifest) {
    const configBytes = await archive.document(item.Config);
    const config = parseImageConfig(configBytes);
    const layers = item.Layers ?? [];
    if (layers.length !== config.rootfs.diff_ids.length) {
      throw new InvalidArgumentError(`invalid manifest, layers length mismatch: expected ${layers.length}, got ${config.rootfs.diff_ids.length}`);
    }
    const references = (item.RepoTags ?? []).map((repoTag) => {
      const reference = parseReference(repoTag, { defaultTag: false });
      if (reference.tag === undefined || reference.digest !== undefined) throw new InvalidArgumentError(`invalid tag ${JSON.stringify(repoTag)}`);
      return reference;
    });
    await loadLayers(core, config.rootfs.diff_ids, layers.map((path) => archive.require(path)));
    const image = await core.exclusive(async () => {
      const registered = await core.registerImage(configBytes);
      for (const reference of references) await tagLoaded(core, registered, reference, say);
      return registered;
    });
    idLines.push(`Loaded image ID: ${image.id}\n`);
    refCount = references.length;
    if (item.Parent) parents.push([image, item.Parent]);
    result.imageIds.push(image.id);
    core.emit('load', image.id, image.id);
  }
  for (const [image, parentId] of parents) {
    const parent = core.images.get(parentId);
    const prefix = parent?.config.rootfs.diff_ids ?? [];
    if (parent !== undefined && prefix.every((diffId, i) => image.config.rootfs.diff_ids[i] === diffId)) {
      await core.setParent(image, parent.id);
    }
  }
  // dockerd prints the ids only when the last image carried no tag.
  if (refCount === 0) for (const line of idLines) say(line);
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

async function loadOciLayout(core: ImageCore, archive: ArchiveFiles, result: LoadResult, say: (message: string) => void): Promise<void> {
  const index = await archive.json<{ manifests?: Descriptor[] }>('index.json');
  const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;
  const readJson = async <T>(descriptor: Descriptor): Promise<T> => archive.json<T>(blobPath(descriptor.digest));
  const host = hostPlatform();
  for (const top of index.manifests ?? []) {
    let descriptor = top;
    for (let depth = 0; INDEX_TYPES.has(descriptor.mediaType ?? '') && depth < 4; depth++) {
      const nested = await readJson<{ manifests?: Descriptor[] }>(descriptor);
      const candidates = nested.manifests ?? [];
      const match =
        candidates.find((item) => item.platform?.os === host.os && item.platform?.architecture === host.architecture) ??
        candidates.find((item) => item.platform === undefined);
      if (match === undefined) throw new InvalidArgumentError(`no manifest for ${host.os}/${host.architecture} in ${descriptor.digest}`);
      descriptor = match;
    }
    const manifest = await readJson<{ config: Descriptor; layers?: Descriptor[] }>(descriptor);
    const configBytes = await archive.document(blobPath(manifest.config.digest));
    const config: ImageConfig = parseImageConfig(configBytes);
    const layers = manifest.layers ?? [];
    if (layers.length !== config.rootfs.diff_ids.length) {
      throw new InvalidArgumentError(`invalid manifest, layers length mismatch: expected ${layers.length}, got ${config.rootfs.diff_ids.length}`);
    }
    await loadLayers(core, config.rootfs.diff_ids, layers.map((layer) => archive.require(blobPath(layer.digest))));
    const name = top.annotations?.['io.containerd.image.name'] ?? top.annotations?.['org.opencontainers.image.ref.name'];
    let reference: ImageReference | undefined;
    try {
      reference = name === undefined ? undefined : parseReference(name, { defaultTag: false });
    } catch {
      reference = undefined; // a bare tag like "latest" names no repository
    }
    const tag = reference?.tag !== undefined && reference.digest === undefined && /[:/]/.test(name ?? '') ? reference : undefined;
    const image = await core.exclusive(async () => {
      const registered = await core.registerImage(configBytes);
      if (tag !== undefined) await tagLoaded(core, registered, tag, say);
      return registered;
    });
    if (tag === undefined) say(`Loaded image ID: ${image.id}\n`);
    result.imageIds.push(image.id);
    core.emit('load', image.id, image.id);
  }
}

interface V1Json {
  id?: string;
  parent?: string;
  created?: string;
  author?: string;
  comment?: string;
  container_config?: { Cmd?: string[] | null };
  [key: string]: unknown;
}

async function loadLegacyArchive(core: ImageCore, archive: ArchiveFiles, result: LoadResult, say: (message: string) => void): Promise<void> {
  const repositories = await archive.json<Record<string, Record<string, string>>>('repositories');
  for (const [name, tags] of Object.entries(repositories)) {
    for (const [tag, topId] of Object.entries(tags)) {
      const chain: { id: string; json: V1Json }[] = [];
      for (let id: string | undefined = topId; id; ) {
        if (!/^[a-f0-9]{64}$/.test(id) || chain.length > 256) throw invalidArchive(`bad legacy image id ${JSON.stringify(id)}`);
        const json: V1Json = await archive.json<V1Json>(`${id}/json`);
        chain.unshift({ id, json });
        id = json.parent;
      }
      const diffIds: string[] = [];
      let parent: string | null = null;
      for (const { id } of chain) {
        const blob = archive.require(`${id}/layer.tar`);
        const layer = await core.layers.applyTar(parent, await core.content.readStream(blob.digest));
        await core.recordLayerBlob(layer.diffId, { ...blob, mediaType: MEDIA_TYPE_LAYER });
        diffIds.push(layer.diffId);
        parent = layer.chainId;
      }
      const history: HistoryEntry[] = chain.map(({ json }) => ({
        ...(json.created !== undefined ? { created: json.created } : {}),
        ...(json.author ? { author: json.author } : {}),
        created_by: (json.container_config?.Cmd ?? []).join(' '),
        ...(json.comment ? { comment: json.comment } : {}),
      }));
      const top = { ...chain[chain.length - 1].json };
      for (const key of ['id', 'parent', 'Size', 'parent_id', 'layer_id', 'throwaway']) delete top[key];
      const config = { ...top, rootfs: { type: 'layers', diff_ids: diffIds }, history };
      const reference = parseReference(`${name}:${tag}`);
      const image = await core.exclusive(async () => {
        const registered = await core.registerImage(Buffer.from(JSON.stringify(config)));
        await tagLoaded(core, registered, reference, say);
        return registered;
      });
      result.imageIds.push(image.id);
      core.emit('load', image.id, image.id);
    }
  }
}
