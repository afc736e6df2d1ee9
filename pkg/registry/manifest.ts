// Manifest documents the registry accepts (Docker v2 schema 2, OCI image manifest, Docker manifest
// list, OCI index): media types, structural validation of a PUT body, the blobs and manifests it
// references, and Accept negotiation on GET. Pure.
import { RegistryError } from './errors.js';
import { isDigest } from './names.js';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

const IMAGE_TYPES = new Set<string>([MEDIA_TYPES.dockerManifest, MEDIA_TYPES.ociManifest]);
const INDEX_TYPES = new Set<string>([MEDIA_TYPES.dockerList, MEDIA_TYPES.ociIndex]);

/** Layers that live elsewhere (their `urls`) and need not be in the registry. */
const FOREIGN_LAYER_TYPES = new Set([
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);

/** The spec's limit on manifests a registry must accept; larger ones are refused. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ValidatedManifest {
  mediaType: string;
  kind: 'image' | 'index';
  /** Blobs that must exist in the repository (config and non-foreign layers). */
  blobs: Descriptor[];
  /** Manifests an index refers to; they must exist in the repository. */
  manifests: Descriptor[];
}

export function isManifestMediaType(mediaType: string): boolean {
  return IMAGE_TYPES.has(mediaType) || INDEX_TYPES.has(mediaType);
}

export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_TYPES.has(mediaType);
}

/** "application/json; charset=utf-8" → "application/json" */
export function bareMediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

function invalid(reason: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', undefined, reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function descriptor(value: unknown, where: string, options: { mediaTypeRequired: boolean }): Descriptor {
  if (!isObject(value)) throw invalid(`${where} is not a descriptor object`);
  const { mediaType, digest, size, urls, platform, annotations } = value;
  if (mediaType !== undefined && typeof mediaType !== 'string') throw invalid(`${where}.mediaType is not a string`);
  if (options.mediaTypeRequired && (typeof mediaType !== 'string' || mediaType === '')) throw invalid(`${where}.mediaType is missing`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw new RegistryError('DIGEST_INVALID', 'invalid digest in manifest', { digest, field: where });
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw invalid(`${where}.size is not a non-negative integer`);
  if (urls !== undefined && !(Array.isArray(urls) && urls.every((url) => typeof url === 'string'))) throw invalid(`${where}.urls is not a list of strings`);
  const result: Descriptor = { mediaType: (mediaType as string | undefined) ?? '', digest, size };
  if (urls !== undefined) result.urls = urls as string[];
  if (isObject(platform)) result.platform = platform as Descriptor['platform'];
  if (isObject(annotations)) result.annotations = annotations as Record<string, string>;
  return result;
}

/**
 * Checks a manifest body against its Content-Type (or, when that names no manifest type, the body's
 * own mediaType, or its shape) and lists what it references. Throws MANIFEST_INVALID (or
 * DIGEST_INVALID for a malformed digest) with the reason as detail.
 */
export function validateManifest(body: Buffer, contentType: string | undefined): ValidatedManifest {
  if (body.length > MAX_MANIFEST_BYTES) {
    throw new RegistryError('MANIFEST_INVALID', `manifest is larger than ${MAX_MANIFEST_BYTES} bytes`, undefined, { status: 413 });
  }
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw invalid(`not JSON: ${(err as Error).message}`);
  }
  if (!isObject(document)) throw invalid('not a JSON object');
  const declared = bareMediaType(contentType);
  if (declared === MEDIA_TYPES.dockerSchema1 || declared === MEDIA_TYPES.dockerSchema1Signed || document.schemaVersion === 1) {
    throw invalid('Docker image manifest v2 schema 1 is not supported: push with a current client (schema 2 or OCI)');
  }
  if (document.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const bodyType = document.mediaType;
  if (bodyType !== undefined && typeof bodyType !== 'string') throw invalid('mediaType is not a string');
  let mediaType: string;
  if (isManifestMediaType(declared)) {
    if (bodyType !== undefined && bodyType !== declared) throw invalid(`mediaType ${bodyType} does not match the Content-Type ${declared}`);
    mediaType = declared;
  } else if (typeof bodyType === 'string' && isManifestMediaType(bodyType)) {
    mediaType = bodyType;
  } else if (bodyType === undefined && Array.isArray(document.manifests)) {
    mediaType = MEDIA_TYPES.ociIndex;
  } else if (bodyType === undefined && document.config !== undefined) {
    mediaType = MEDIA_TYPES.ociManifest;
  } else {
    throw invalid(`unsupported manifest media type ${JSON.stringify(declared || bodyType || '')}`);
  }
  if ((mediaType === MEDIA_TYPES.dockerManifest || mediaType === MEDIA_TYPES.dockerList) && bodyType !== mediaType) {
    throw invalid(`a ${mediaType} document must carry "mediaType": "${mediaType}"`);
  }
  const subject = document.subject === undefined ? [] : [descriptor(document.subject, 'subject', { mediaTypeRequired: true })];
  void subject; // validated for shape; the referrers API is not served, so nothing else is done with it
  if (IMAGE_TYPES.has(mediaType)) {
    const config = descriptor(document.config, 'config', { mediaTypeRequired: true });
    if (!Array.isArray(document.layers)) throw invalid('layers is missing');
    const layers = document.layers.map((layer, index) => descriptor(layer, `layers[${index}]`, { mediaTypeRequired: true }));
    const blobs = [config, ...layers.filter((layer) => !(FOREIGN_LAYER_TYPES.has(layer.mediaType) && (layer.urls?.length ?? 0) > 0))];
    return { mediaType, kind: 'image', blobs, manifests: [] };
  }
  if (!Array.isArray(document.manifests)) throw invalid('manifests is missing');
  const manifests = document.manifests.map((item, index) => descriptor(item, `manifests[${index}]`, { mediaTypeRequired: true }));
  return { mediaType, kind: 'index', blobs: [], manifests };
}

/** The media types an Accept header lists (parameters dropped); empty when absent. */
export function acceptedTypes(accept: string | undefined): string[] {
  if (accept === undefined) return [];
  return accept
    .split(',')
    .map((part) => bareMediaType(part))
    .filter((type) => type !== '');
}

export type Negotiation =
  | { kind: 'serve' }
  /** An index the client cannot take: serve its linux/amd64 image manifest instead (distribution's fallback). */
  | { kind: 'platform-manifest'; descriptor: Descriptor }
  | { kind: 'refuse'; reason: string };

/** Whether a stored manifest of `mediaType` can be served to a client that sent `accept`. */
export function negotiate(mediaType: string, accept: string | undefined, index?: { manifests: Descriptor[] }): Negotiation {
  const types = acceptedTypes(accept);
  if (types.length === 0 || types.includes(mediaType) || types.includes('*/*') || types.includes('application/*')) return { kind: 'serve' };
  if (isIndexMediaType(mediaType) && index !== undefined) {
    const child = index.manifests.find(
      (item) => item.platform?.os === 'linux' && item.platform.architecture === 'amd64' && types.includes(item.mediaType),
    );
    if (child !== undefined) return { kind: 'platform-manifest', descriptor: child };
  }
  const label: Record<string, string> = {
    [MEDIA_TYPES.ociIndex]: 'OCI index',
    [MEDIA_TYPES.ociManifest]: 'OCI manifest',
    [MEDIA_TYPES.dockerList]: 'manifest list',
    [MEDIA_TYPES.dockerManifest]: 'schema 2 manifest',
  };
  const what = label[mediaType] ?? mediaType;
  return { kind: 'refuse', reason: `${what} found, but accept header does not support ${what.endsWith('x') ? `${what}es` : `${what}s`}` };
}

/** The `manifests` of a stored index (already validated on PUT). */
export function indexChildren(body: Buffer): Descriptor[] {
  const document = JSON.parse(body.toString('utf8')) as { manifests?: Descriptor[] };
  return document.manifests ?? [];
}
