import { describe, expect, test } from 'vitest';
import { RegistryError } from './errors.js';
import { MEDIA_TYPES, negotiate, validateManifest } from './manifest.js';

const D = (c: string): string => `sha256:${c.repeat(64)}`;
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const image = (mediaType?: string, extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  ...(mediaType === undefined ? {} : { mediaType }),
  config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: D('c'), size: 10 },
  layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: D('1'), size: 100 }],
  ...extra,
});

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (err) {
    return err instanceof RegistryError ? `${err.code} ${err.status}` : 'other';
  }
}

describe('manifest validation', () => {
  test('a Docker schema 2 manifest lists its config and layers', () => {
    const result = validateManifest(json(image(MEDIA_TYPES.dockerManifest)), MEDIA_TYPES.dockerManifest);
    expect(result.kind).toBe('image');
    expect(result.mediaType).toBe(MEDIA_TYPES.dockerManifest);
    expect(result.blobs.map((blob) => blob.digest)).toEqual([D('c'), D('1')]);
  });
  test('an OCI manifest without mediaType takes the Content-Type, or is recognised by shape', () => {
    expect(validateManifest(json(image()), MEDIA_TYPES.ociManifest).mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(validateManifest(json(image()), 'application/json').mediaType).toBe(MEDIA_TYPES.ociManifest);
    expect(validateManifest(json(image()), undefined).mediaType).toBe(MEDIA_TYPES.ociManifest);
  });
  test('Content-Type parameters are ignored', () => {
    expect(validateManifest(json(image(MEDIA_TYPES.dockerManifest)), `${MEDIA_TYPES.dockerManifest}; charset=utf-8`).mediaType).toBe(MEDIA_TYPES.dockerManifest);
  });
  test('an index lists its manifests, no blobs', () => {
    const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: D('a'), size: 5, platform: { os: 'linux', architecture: 'amd64' } }] };
    const result = validateManifest(json(index), MEDIA_TYPES.ociIndex);
    expect(result.kind).toBe('index');
    expect(result.manifests.map((item) => item.digest)).toEqual([D('a')]);
    expect(result.blobs).toEqual([]);
  });
  test('foreign layers with urls need not be in the registry', () => {
    const manifest = image(MEDIA_TYPES.dockerManifest, {
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', digest: D('f'), size: 1, urls: ['https://example.com/layer'] }],
    });
    expect(validateManifest(json(manifest), MEDIA_TYPES.dockerManifest).blobs.map((blob) => blob.digest)).toEqual([D('c')]);
  });
  const refusals: { name: string; body: Buffer; type?: string; expected: string }[] = [
    { name: 'not JSON', body: Buffer.from('{'), type: MEDIA_TYPES.ociManifest, expected: 'MANIFEST_INVALID 400' },
    { name: 'a JSON array', body: json([]), expected: 'MANIFEST_INVALID 400' },
    { name: 'schemaVersion 1', body: json({ schemaVersion: 1, name: 'x', tag: 'y', fsLayers: [] }), expected: 'MANIFEST_INVALID 400' },
    { name: 'schema 1 content type', body: json(image()), type: MEDIA_TYPES.dockerSchema1Signed, expected: 'MANIFEST_INVALID 400' },
    { name: 'mediaType differing from Content-Type', body: json(image(MEDIA_TYPES.dockerManifest)), type: MEDIA_TYPES.ociManifest, expected: 'MANIFEST_INVALID 400' },
    { name: 'Docker type without mediaType in the body', body: json(image()), type: MEDIA_TYPES.dockerManifest, expected: 'MANIFEST_INVALID 400' },
    { name: 'no layers', body: json({ schemaVersion: 2, config: image().config }), type: MEDIA_TYPES.ociManifest, expected: 'MANIFEST_INVALID 400' },
    { name: 'config without size', body: json(image(undefined, { config: { mediaType: 'x', digest: D('c') } })), type: MEDIA_TYPES.ociManifest, expected: 'MANIFEST_INVALID 400' },
    { name: 'negative size', body: json(image(undefined, { config: { mediaType: 'x', digest: D('c'), size: -1 } })), type: MEDIA_TYPES.ociManifest, expected: 'MANIFEST_INVALID 400' },
    { name: 'malformed digest', body: json(image(undefined, { config: { mediaType: 'x', digest: 'sha256:../../etc', size: 1 } })), type: MEDIA_TYPES.ociManifest, expected: 'DIGEST_INVALID 400' },
    { name: 'index without manifests', body: json({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex }), type: MEDIA_TYPES.ociIndex, expected: 'MANIFEST_INVALID 400' },
    { name: 'unknown media type', body: json({ schemaVersion: 2, mediaType: 'application/x-foo' }), type: 'application/x-foo', expected: 'MANIFEST_INVALID 400' },
    { name: 'over 4 MiB', body: Buffer.alloc(4 * 1024 * 1024 + 1, 32), type: MEDIA_TYPES.ociManifest, expected: 'MANIFEST_INVALID 413' },
  ];
  for (const { name, body, type, expected } of refusals) test(`refuses ${name}`, () => expect(codeOf(() => validateManifest(body, type))).toBe(expected));
});

describe('Accept negotiation', () => {
  const index = { manifests: [{ mediaType: MEDIA_TYPES.dockerManifest, digest: D('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } }] };
  test('serves what is accepted, or anything without Accept', () => {
    expect(negotiate(MEDIA_TYPES.ociManifest, undefined)).toEqual({ kind: 'serve' });
    expect(negotiate(MEDIA_TYPES.ociManifest, `${MEDIA_TYPES.dockerManifest}, ${MEDIA_TYPES.ociManifest};q=0.9`)).toEqual({ kind: 'serve' });
    expect(negotiate(MEDIA_TYPES.ociManifest, '*/*')).toEqual({ kind: 'serve' });
  });
  test('refuses a type the client does not take', () => {
    expect(negotiate(MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest)).toEqual({ kind: 'refuse', reason: 'OCI manifest found, but accept header does not support OCI manifests' });
    expect(negotiate(MEDIA_TYPES.ociIndex, MEDIA_TYPES.ociManifest, index).kind).toBe('refuse');
  });
  test("an index goes to a client that only takes image manifests as its linux/amd64 entry", () => {
    expect(negotiate(MEDIA_TYPES.dockerList, MEDIA_TYPES.dockerManifest, index)).toEqual({ kind: 'platform-manifest', descriptor: index.manifests[0] });
  });
});
