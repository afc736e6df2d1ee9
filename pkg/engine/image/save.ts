// `docker save`: a tar with an OCI image layout (oci-layout, index.json, blobs/sha256/…) plus
// docker's manifest.json, holding each layer's original bytes so the archive loads back to the same
// image ids, in dockerd and in Berth. Effectful.
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InternalError } from '../../errdefs/index.js';
import { packEntry, packStream, sha256Digest } from '../snapshot/index.js';
import { familiarString, fullName, parseLookup, parseReference, storeKey, type ImageReference } from './reference.js';
import type { ImageCore, ImageRecord, LayerBlob } from './store-core.js';

const MEDIA_TYPE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MEDIA_TYPE_INDEX = 'application/vnd.oci.image.index.v1+json';
const MEDIA_TYPE_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** Fixed entry times keep two saves of the same images byte-identical. */
const ENTRY_TIME = new Date(0);

interface SavedImage {
  image: ImageRecord;
  tags: ImageReference[];
}

/** dockerd's parseNames: an id saves untagged, a name without tag saves every tag of the repository. */
function selectImages(core: ImageCore, names: string[]): SavedImage[] {
  const selected = new Map<string, SavedImage>();
  const add = (image: ImageRecord, tag?: ImageReference): void => {
    const entry = selected.get(image.id) ?? { image, tags: [] };
    if (tag !== undefined && !entry.tags.some((known) => storeKey(known) === storeKey(tag))) entry.tags.push(tag);
    selected.set(image.id, entry);
  };
  for (const name of names) {
    const image = core.resolve(name);
    const lookup = parseLookup(name);
    if (lookup.kind === 'id' || core.refs.get(lookup.reference) !== image.id) {
      add(image);
      continue;
    }
    const bare = parseReference(name, { defaultTag: false });
    if (bare.tag === undefined && bare.digest === undefined) {
      for (const { reference, id } of core.refs.byRepository(bare)) {
        const tagged = core.images.get(id);
        if (reference.tag !== undefined && tagged !== undefined) add(tagged, reference);
      }
      continue;
    }
    add(image, bare.digest === undefined ? bare : undefined);
  }
  return [...selected.values()];
}

function layerBlobsOf(core: ImageCore, image: ImageRecord): LayerBlob[] {
  return image.config.rootfs.diff_ids.map((diffId) => {
    const blob = core.layerBlob(diffId);
    if (blob === undefined) {
      throw new InternalError(`cannot save image ${image.id}: the original tar of layer ${diffId} is not stored`);
    }
    return blob;
  });
}

/**
 * Resolves every name first (errors before any byte is sent), then streams the archive. The
 * stream errors if a blob turns out unreadable or corrupt midway.
 */
export async function saveImages(core: ImageCore, names: string[]): Promise<Readable> {
  const images = selectImages(core, names);
  const plans = images.map(({ image, tags }) => ({ image, tags, layers: layerBlobsOf(core, image) }));
  const pack = tar.pack();
  const write = async (): Promise<void> => {
    const written = new Set<string>();
    const index: Record<string, unknown>[] = [];
    const manifestJson: Record<string, unknown>[] = [];
    await packEntry(pack, { name: 'blobs/', type: 'directory', mode: 0o755, mtime: ENTRY_TIME });
    await packEntry(pack, { name: 'blobs/sha256/', type: 'directory', mode: 0o755, mtime: ENTRY_TIME });
    const addBlob = async (digest: string, size: number): Promise<void> => {
      if (written.has(digest)) return;
      written.add(digest);
      const name = `blobs/sha256/${digest.slice('sha256:'.length)}`;
      await packStream(pack, { name, size, mode: 0o644, mtime: ENTRY_TIME }, await core.content.readStream(digest));
    };
    for (const { image, tags, layers } of plans) {
      core.emit('save', image.id, image.id);
      const configBytes = await core.content.readBytes(image.id);
      await addBlob(image.id, configBytes.length);
      for (const layer of layers) await addBlob(layer.digest, layer.size);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MEDIA_TYPE_MANIFEST,
          config: { mediaType: MEDIA_TYPE_CONFIG, digest: image.id, size: configBytes.length },
          layers: layers.map((layer) => ({ mediaType: layer.mediaType, digest: layer.digest, size: layer.size })),
        }),
      );
      const manifestDigest = sha256Digest(manifest);
      if (!written.has(manifestDigest)) {
        written.add(manifestDigest);
        await packEntry(pack, { name: `blobs/sha256/${manifestDigest.slice(7)}`, mode: 0o644, mtime: ENTRY_TIME }, manifest);
      }
      const descriptor = { mediaType: MEDIA_TYPE_MANIFEST, digest: manifestDigest, size: manifest.length };
      if (tags.length === 0) index.push(descriptor);
      for (const tag of tags) {
        const name = `${fullName(tag)}:${tag.tag}`;
        index.push({ ...descriptor, annotations: { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': tag.tag } });
      }
      manifestJson.push({
        Config: `blobs/sha256/${image.id.slice(7)}`,
        RepoTags: tags.length === 0 ? null : tags.map((tag) => familiarString(tag)),
        Layers: layers.map((layer) => `blobs/sha256/${layer.digest.slice(7)}`),
      });
    }
    const indexDocument = { schemaVersion: 2, mediaType: MEDIA_TYPE_INDEX, manifests: index };
    await packEntry(pack, { name: 'index.json', mode: 0o644, mtime: ENTRY_TIME }, Buffer.from(JSON.stringify(indexDocument)));
    await packEntry(pack, { name: 'manifest.json', mode: 0o644, mtime: ENTRY_TIME }, Buffer.from(JSON.stringify(manifestJson)));
    await packEntry(pack, { name: 'oci-layout', mode: 0o644, mtime: ENTRY_TIME }, Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    pack.finalize();
  };
  write().catch((err: unknown) => {
    core.logger.warn({ err }, 'image save failed midway');
    pack.destroy(err as Error);
  });
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}
