// Manifest documents as a pulling client reads them and a pushing client writes them: media types,
// the Accept header, index and image manifest parsing, and the Docker v2 schema 2 manifest push
// produces. Pure.
import { InvalidArgumentError } from '../../errdefs/index.js';

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  /** Buildkit's attestation manifests sit in indexes with platform unknown/unknown. */
  attestation: 'application/vnd.in-toto+json',
} as const;

/** What a pull accepts, in dockerd's order of preference. */
export const MANIFEST_ACCEPT = [MEDIA_TYPES.dockerManifest, MEDIA_TYPES.dockerList, MEDIA_TYPES.ociManifest, MEDIA_TYPES.ociIndex].join(', ');

export interface ManifestDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface ImageManifest {
  mediaType: string;
  config: ManifestDescriptor;
  layers: ManifestDescriptor[];
}

function parseJson(bytes: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new InvalidArgumentError('the registry sent a manifest that is not JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('the registry sent a manifest that is not a JSON object');
  return parsed as Record<string, unknown>;
}

function descriptor(value: unknown, where: string): ManifestDescriptor {
  const item = value as Partial<ManifestDescriptor> | undefined;
  if (typeof item !== 'object' || item === null || typeof item.digest !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(item.digest) || typeof item.size !== 'number') {
    throw new InvalidArgumentError(`invalid manifest: ${where} is not a sha256 descriptor with a size`);
  }
  return { ...item, mediaType: typeof item.mediaType === 'string' ? item.mediaType : '' } as ManifestDescriptor;
}

/** The index's entries when the document is a manifest list or OCI index; undefined otherwise. */
export function parseIndex(bytes: Buffer, contentType: string): { manifests: ManifestDescriptor[] } | undefined {
  const document = parseJson(bytes);
  const mediaType = typeof document.mediaType === 'string' ? document.mediaType : contentType;
  const isIndex = mediaType === MEDIA_TYPES.dockerList || mediaType === MEDIA_TYPES.ociIndex || (mediaType === '' && Array.isArray(document.manifests));
  if (!isIndex) return undefined;
  if (!Array.isArray(document.manifests)) throw new InvalidArgumentError('invalid manifest list: no manifests');
  return { manifests: document.manifests.map((item, index) => descriptor(item, `manifests[${index}]`)) };
}

export function parseImageManifest(bytes: Buffer, contentType: string): ImageManifest {
  const document = parseJson(bytes);
  if (document.schemaVersion === 1) throw new InvalidArgumentError('Docker image manifest v2 schema 1 is not supported: re-push the image with a current client');
  const mediaType = typeof document.mediaType === 'string' ? document.mediaType : contentType || MEDIA_TYPES.ociManifest;
  if (mediaType !== MEDIA_TYPES.dockerManifest && mediaType !== MEDIA_TYPES.ociManifest) {
    throw new InvalidArgumentError(`unsupported manifest media type ${JSON.stringify(mediaType)}`);
  }
  if (!Array.isArray(document.layers)) throw new InvalidArgumentError('invalid manifest: no layers');
  return {
    mediaType,
    config: descriptor(document.config, 'config'),
    layers: document.layers.map((item, index) => descriptor(item, `layers[${index}]`)),
  };
}

/** A Docker v2 schema 2 manifest, indented as dockerd writes it. */
export function schema2Manifest(config: { digest: string; size: number }, layers: readonly { digest: string; size: number }[]): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.dockerManifest,
    config: { mediaType: MEDIA_TYPES.dockerConfig, size: config.size, digest: config.digest },
    layers: layers.map((layer) => ({ mediaType: MEDIA_TYPES.dockerLayerGzip, size: layer.size, digest: layer.digest })),
  };
  return Buffer.from(JSON.stringify(manifest, null, 3));
}
