// Pushing an image (POST /images/{name}/push): for each layer, skip it when the registry has a
// known blob for it (HEAD) or mount it from another repository of the same registry, else upload:
// stored gzip blobs as they are, uncompressed layers gzip-compressed once on the fly (the resulting
// digest is remembered so later pushes find it); then the config exactly as stored (so the image
// id survives the round trip) and a Docker v2 schema 2 manifest. Effectful.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { createGzip } from 'node:zlib';
import { InternalError } from '../../errdefs/index.js';
import { type ImageReference, familiarName, fullName } from '../image/index.js';
import type { DistributionDeps } from './deps.js';
import type { LayerSource } from './layer-map.js';
import { MEDIA_TYPES, schema2Manifest } from './manifests.js';
import { ProgressThrottle, type ProgressSink, progress, shortDigest, status } from './progress.js';
import { type RegistrySession, readBodyText } from './session.js';

interface PushedBlob {
  digest: string;
  size: number;
}

/** Counts bytes going through; reports progress. */
class Counter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes: (bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes(this.bytes);
    callback(null, chunk);
  }
}

class Hasher extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

function withDigest(location: string, digest: string, base: string): string {
  const url = new URL(location, base);
  url.searchParams.set('digest', digest);
  return url.href;
}

async function drained(response: IncomingMessage): Promise<void> {
  await readBodyText(response);
}

/** Size of the blob when the target repository has it (HEAD 200), else undefined. */
async function blobSize(session: RegistrySession, repository: string, digest: string): Promise<number | undefined> {
  const response = await session.request('HEAD', `/v2/${repository}/blobs/${digest}`, { accept: [404] });
  response.resume();
  if (response.statusCode !== 200) return undefined;
  const length = Number(response.headers['content-length']);
  return Number.isFinite(length) ? length : undefined;
}

/** Starts an upload session (POST); a mount request answered 201 returns `mounted`. */
async function startUpload(session: RegistrySession, repository: string, mount?: { digest: string; from: string }): Promise<{ mounted: true } | { mounted: false; location: string }> {
  const query = mount === undefined ? '' : `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}`;
  const response = await session.request('POST', `/v2/${repository}/blobs/uploads/${query}`, { accept: [201, 202] });
  await drained(response);
  if (response.statusCode === 201) return { mounted: true };
  const location = response.headers.location;
  if (response.statusCode !== 202 || location === undefined) throw new InternalError(`starting an upload to ${repository} answered ${response.statusCode} without a Location`);
  return { mounted: false, location };
}

/** Uploads one blob of known digest and size in a single PUT. */
async function uploadKnown(session: RegistrySession, location: string, blob: PushedBlob, body: NodeJS.ReadableStream): Promise<void> {
  const response = await session.request('PUT', withDigest(location, blob.digest, session.baseUrl), {
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': blob.size },
    body: body as never,
  });
  await drained(response);
}

export class Pusher {
  constructor(
    private readonly deps: DistributionDeps,
    private readonly session: RegistrySession,
    private readonly reference: ImageReference,
    private readonly emit: ProgressSink,
  ) {}

  private get repository(): string {
    return this.reference.path;
  }

  /** Pushes one tag; returns the manifest digest. */
  async pushTag(tag: string): Promise<string> {
    const { images } = this.deps;
    const name = `${fullName(this.reference)}:${tag}`;
    const image = images.resolve(name);
    const configBytes = await images.configBytes(image.id);
    const diffIds = image.config.rootfs.diff_ids;
    for (const diffId of [...diffIds].reverse()) this.emit(status(shortDigest(diffId), 'Preparing'));
    const layers: PushedBlob[] = [];
    for (const diffId of diffIds) layers.push(await this.pushLayer(diffId));
    const config = { digest: image.id, size: configBytes.length };
    if ((await blobSize(this.session, this.repository, config.digest)) === undefined) {
      const upload = await startUpload(this.session, this.repository);
      if (!upload.mounted) {
        const response = await this.session.request('PUT', withDigest(upload.location, config.digest, this.session.baseUrl), {
          headers: { 'Content-Type': 'application/octet-stream' },
          body: configBytes,
        });
        await drained(response);
      }
    }
    const manifest = schema2Manifest(config, layers);
    const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
    const response = await this.session.request('PUT', `/v2/${this.repository}/manifests/${tag}`, {
      headers: { 'Content-Type': MEDIA_TYPES.dockerManifest },
      body: manifest,
    });
    await drained(response);
    await images.addRepoDigest(image.id, fullName(this.reference), digest);
    this.emit(status(undefined, `${tag}: digest: ${digest} size: ${manifest.length}`));
    this.emit({ progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: manifest.length } });
    const familiar = `${familiarName(this.reference)}:${tag}`;
    this.deps.onEvent('push', familiar, { name: familiar });
    this.deps.logger.info({ reference: familiar, imageId: image.id, digest, layers: layers.length }, 'image pushed');
    return digest;
  }

  private async pushLayer(diffId: string): Promise<PushedBlob> {
    const { images, layerMap } = this.deps;
    const id = shortDigest(diffId);
    const stored = images.layerBlob(diffId);
    if (stored === undefined) throw new InternalError(`cannot push layer ${diffId}: its tar is not stored (the image was made before berthd kept layer tars); re-create the image`);
    const registry = this.session.registryHost;
    const compressed = stored.mediaType.endsWith('+gzip');
    const known: LayerSource[] = [...(compressed ? [{ digest: stored.digest, size: stored.size }] : []), ...layerMap.sources(diffId).filter((source) => !compressed || source.digest === stored.digest)];
    const remember = (blob: PushedBlob): Promise<void> => layerMap.remember(diffId, { ...blob, registry, repository: this.repository });

    // 1. Already in the target repository?
    for (const digest of new Set(known.map((source) => source.digest))) {
      const size = await blobSize(this.session, this.repository, digest);
      if (size !== undefined) {
        this.emit(status(id, 'Layer already exists'));
        await remember({ digest, size });
        return { digest, size };
      }
    }
    // 2. In another repository of the same registry: mount it.
    let location: string | undefined;
    for (const source of known) {
      if (source.registry !== registry || source.repository === undefined || source.repository === this.repository) continue;
      const upload = await startUpload(this.session, this.repository, { digest: source.digest, from: source.repository });
      if (upload.mounted) {
        this.emit(status(id, `Mounted from ${source.repository}`));
        await remember(source);
        return { digest: source.digest, size: source.size };
      }
      location = upload.location;
      break;
    }
    // 3. Upload.
    if (location === undefined) {
      const upload = await startUpload(this.session, this.repository);
      if (upload.mounted) throw new InternalError(`the registry answered an upload start to ${this.repository} as a mount`);
      location = upload.location;
    }
    const throttle = new ProgressThrottle((current) => this.emit(progress(id, 'Pushing', current, stored.size)));
    const counter = new Counter((bytes) => throttle.update(bytes));
    const source = await images.openLayerBlob(diffId);
    source.on('error', (err) => counter.destroy(err));
    let blob: PushedBlob;
    if (compressed) {
      blob = { digest: stored.digest, size: stored.size };
      await uploadKnown(this.session, location, blob, source.pipe(counter));
    } else {
      // Compress on the fly: the digest is known only at the end, so the bytes go in a PATCH
      // (chunked) and the PUT that closes the upload names the digest.
      const gzip = createGzip();
      const hasher = new Hasher();
      counter.on('error', (err) => gzip.destroy(err));
      gzip.on('error', (err) => hasher.destroy(err));
      source.pipe(counter).pipe(gzip).pipe(hasher);
      const patched = await this.session.request('PATCH', location, { headers: { 'Content-Type': 'application/octet-stream' }, body: hasher });
      await drained(patched);
      const next = patched.headers.location ?? location;
      blob = { digest: hasher.digest(), size: hasher.bytes };
      const completed = await this.session.request('PUT', withDigest(next, blob.digest, this.session.baseUrl));
      await drained(completed);
    }
    throttle.update(stored.size, true);
    this.emit(status(id, 'Pushed'));
    await remember(blob);
    return blob;
  }
}
