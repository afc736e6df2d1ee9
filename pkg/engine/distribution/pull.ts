// Pulling an image (POST /images/create?fromImage=): manifest (an index picks linux/amd64 or the
// requested platform), config, then each missing layer streamed from the registry through a
// digest check straight into the image store; layers the layer store already has are skipped.
// The config is registered byte for byte, so the image id is the one the pusher had. Effectful.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { InternalError, InvalidArgumentError, NotFoundError, isNotFound } from '../../errdefs/index.js';
import { type ImageReference, type Platform, familiarName, familiarString, fullName, hostPlatform, parsePlatform } from '../image/index.js';
import { chainIds } from '../snapshot/index.js';
import type { DistributionDeps } from './deps.js';
import { MANIFEST_ACCEPT, MEDIA_TYPES, type ImageManifest, type ManifestDescriptor, parseImageManifest, parseIndex } from './manifests.js';
import { ProgressThrottle, type ProgressSink, progress, shortDigest, status } from './progress.js';
import { type RegistrySession, readBodyBytes } from './session.js';

/** Manifests and configs are read into memory up to these sizes. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

export interface PullTarget {
  reference: ImageReference;
  platform?: string;
}

interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** GET a manifest by tag or digest, checking the digest when the reference names one. */
async function fetchManifest(session: RegistrySession, reference: ImageReference, tagOrDigest: string): Promise<FetchedManifest> {
  let response;
  try {
    response = await session.request('GET', `/v2/${reference.path}/manifests/${tagOrDigest}`, { headers: { Accept: MANIFEST_ACCEPT } });
  } catch (err) {
    if (isNotFound(err)) {
      const what = tagOrDigest.includes(':') ? `${familiarName(reference)}@${tagOrDigest}` : `${familiarName(reference)}:${tagOrDigest}`;
      throw new NotFoundError(`manifest for ${what} not found: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
  const bytes = await readBodyBytes(response, MAX_MANIFEST_BYTES, `manifest ${tagOrDigest}`);
  const digest = sha256(bytes);
  if (tagOrDigest.startsWith('sha256:') && digest !== tagOrDigest) {
    throw new InternalError(`manifest verification failed for digest ${tagOrDigest}: the registry sent content hashing to ${digest}`);
  }
  const mediaType = String(response.headers['content-type'] ?? '').split(';')[0].trim();
  return { digest, mediaType, bytes };
}

/** The image manifest to pull: the reference's own, or an index entry for the platform. */
async function resolveImageManifest(session: RegistrySession, reference: ImageReference, top: FetchedManifest, platform: Platform): Promise<ImageManifest> {
  let current = top;
  for (let depth = 0; depth < 4; depth++) {
    const index = parseIndex(current.bytes, current.mediaType);
    if (index === undefined) return parseImageManifest(current.bytes, current.mediaType);
    const match = choosePlatform(index.manifests, platform);
    if (match === undefined) {
      throw new NotFoundError(`no matching manifest for ${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''} in the manifest list entries`);
    }
    current = await fetchManifest(session, reference, match.digest);
  }
  throw new InternalError('manifest lists nested too deep');
}

/** The index entry for the platform: exact variant first, then any variant, as containerd's matcher prefers. */
export function choosePlatform(manifests: readonly ManifestDescriptor[], platform: Platform): ManifestDescriptor | undefined {
  const candidates = manifests.filter(
    (item) => item.platform?.os === platform.os && item.platform.architecture === platform.architecture && item.mediaType !== MEDIA_TYPES.attestation,
  );
  return candidates.find((item) => (item.platform?.variant ?? '') === (platform.variant ?? '')) ?? candidates[0];
}

/** Counts and hashes a blob as it streams; errors if it is longer than, or differs from, its descriptor. */
class BlobVerifier extends Transform {
  private readonly hash = createHash('sha256');
  received = 0;

  constructor(
    private readonly expected: { digest: string; size: number },
    private readonly onProgress: (received: number) => void,
    private readonly onVerified: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.expected.size) {
      callback(new InternalError(`blob ${this.expected.digest} is longer than the ${this.expected.size} bytes its manifest gives`));
      return;
    }
    this.hash.update(chunk);
    this.onProgress(this.received);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actual = `sha256:${this.hash.digest('hex')}`;
    if (this.received !== this.expected.size || actual !== this.expected.digest) {
      callback(new InternalError(`filesystem layer verification failed for digest ${this.expected.digest}: received ${this.received} bytes hashing to ${actual}`));
      return;
    }
    this.onVerified();
    callback();
  }
}

/** Pulls one tag or digest; `emit` receives dockerd's progress messages (none before the manifest resolved). */
export async function pullImage(deps: DistributionDeps, session: RegistrySession, target: PullTarget, emit: ProgressSink): Promise<string> {
  const { reference } = target;
  const tagOrDigest = reference.digest ?? reference.tag ?? 'latest';
  const platform = target.platform ? parsePlatform(target.platform) : hostPlatform();
  const top = await fetchManifest(session, reference, tagOrDigest);
  const manifest = await resolveImageManifest(session, reference, top, platform);
  emit(status(tagOrDigest, `Pulling from ${reference.path}`));

  const configResponse = await session.request('GET', `/v2/${reference.path}/blobs/${manifest.config.digest}`);
  const configBytes = await readBodyBytes(configResponse, MAX_CONFIG_BYTES, `image config ${manifest.config.digest}`);
  if (sha256(configBytes) !== manifest.config.digest) throw new InternalError(`image config verification failed for digest ${manifest.config.digest}`);
  let diffIds: string[];
  try {
    diffIds = (JSON.parse(configBytes.toString('utf8')) as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
  } catch (err) {
    throw new InvalidArgumentError(`image config ${manifest.config.digest} is not JSON`, { cause: err });
  }
  if (diffIds.length !== manifest.layers.length) {
    throw new InvalidArgumentError(`invalid manifest: ${manifest.layers.length} layers but the config lists ${diffIds.length} diff ids`);
  }

  const referenceKey = reference.digest === undefined ? familiarString(reference) : familiarString({ ...reference, tag: undefined });
  const before = tryResolve(deps, referenceKey);
  const chain = chainIds(diffIds);
  const missing = manifest.layers.map((_, index) => !deps.layers.has(chain[index]));
  for (const [index, layer] of manifest.layers.entries()) emit(status(shortDigest(layer.digest), missing[index] ? 'Pulling fs layer' : 'Already exists'));
  const registry = session.registryHost;
  for (const [index, layer] of manifest.layers.entries()) {
    await deps.layerMap.remember(diffIds[index], { digest: layer.digest, size: layer.size, registry, repository: reference.path });
    if (!missing[index]) continue;
    if ((layer.urls?.length ?? 0) > 0) throw new InvalidArgumentError(`layer ${layer.digest} is a foreign layer (fetched from ${layer.urls![0]}), which berthd does not download`);
    const id = shortDigest(layer.digest);
    const throttle = new ProgressThrottle((current) => emit(progress(id, 'Downloading', current, layer.size)));
    const verifier = new BlobVerifier(layer, (received) => throttle.update(received), () => {
      throttle.update(layer.size, true);
      emit(status(id, 'Verifying Checksum'));
      emit(status(id, 'Download complete'));
    });
    const response = await session.request('GET', `/v2/${reference.path}/blobs/${layer.digest}`);
    response.on('error', (err) => verifier.destroy(err));
    response.pipe(verifier);
    let ingested;
    try {
      ingested = await deps.images.ingestLayer(index === 0 ? null : chain[index - 1], verifier);
    } finally {
      // A failed ingest may stop reading midway: drop the connection rather than leave it hanging.
      if (!response.complete) response.destroy();
      verifier.destroy();
    }
    if (ingested.diffId !== diffIds[index]) {
      throw new InternalError(`layer ${layer.digest} unpacks to ${ingested.diffId}, but the image config expects ${diffIds[index]}`);
    }
    emit(status(id, 'Pull complete'));
  }

  const imageId = await deps.images.registerConfig(configBytes);
  const repository = fullName(reference);
  if (reference.digest === undefined && reference.tag !== undefined) await deps.images.tag(imageId, repository, reference.tag);
  await deps.images.addRepoDigest(imageId, repository, top.digest);
  emit(status(undefined, `Digest: ${top.digest}`));
  const upToDate = before === imageId && !missing.some(Boolean);
  emit(status(undefined, `Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${referenceKey}`));
  deps.onEvent('pull', referenceKey, { name: referenceKey });
  deps.logger.info({ reference: referenceKey, imageId, digest: top.digest, downloaded: missing.filter(Boolean).length }, 'image pulled');
  return imageId;
}

function tryResolve(deps: DistributionDeps, reference: string): string | undefined {
  try {
    return deps.images.resolve(reference).id;
  } catch {
    return undefined;
  }
}
