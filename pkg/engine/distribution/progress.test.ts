import { describe, expect, test } from 'vitest';
import { choosePlatform } from './pull.js';
import { MEDIA_TYPES, parseImageManifest, parseIndex, schema2Manifest } from './manifests.js';
import { ProgressThrottle, humanSize, progress, progressBar, shortDigest, status } from './progress.js';

const D = (c: string): string => `sha256:${c.repeat(64)}`;

describe('progress messages', () => {
  test('sizes like go-units HumanSize', () => {
    expect(humanSize(0)).toBe('0B');
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(1000)).toBe('1kB');
    expect(humanSize(1_035_800)).toBe('1.036MB');
    expect(humanSize(209_715_200)).toBe('209.7MB');
  });
  test('the bar is 50 wide with the counts after it', () => {
    expect(progressBar(0, 100)).toBe(`[>${' '.repeat(50)}]       0B/100B`);
    expect(progressBar(50, 100)).toBe(`[${'='.repeat(25)}>${' '.repeat(25)}]      50B/100B`);
    expect(progressBar(100, 100)).toBe(`[${'='.repeat(50)}>]     100B/100B`);
    expect(progressBar(5, 0)).toBe('      5B');
  });
  test('message shapes', () => {
    expect(status('abc', 'Pull complete')).toEqual({ status: 'Pull complete', progressDetail: {}, id: 'abc' });
    expect(status(undefined, 'Digest: x')).toEqual({ status: 'Digest: x' });
    expect(progress('abc', 'Downloading', 1, 2)).toMatchObject({ status: 'Downloading', progressDetail: { current: 1, total: 2 }, id: 'abc' });
    expect(shortDigest(D('ab'))).toBe('abababababab');
  });
  test('the throttle passes one update per interval and always the final one', () => {
    let now = 0;
    const seen: number[] = [];
    const throttle = new ProgressThrottle((current) => seen.push(current), 100, () => now);
    throttle.update(1);
    throttle.update(2);
    now = 150;
    throttle.update(3);
    throttle.update(4, true);
    expect(seen).toEqual([1, 3, 4]);
  });
});

describe('manifests on the client side', () => {
  const amd64 = { mediaType: MEDIA_TYPES.dockerManifest, digest: D('a'), size: 1, platform: { os: 'linux', architecture: 'amd64' } };
  const armV7 = { mediaType: MEDIA_TYPES.dockerManifest, digest: D('b'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } };
  const armV6 = { mediaType: MEDIA_TYPES.dockerManifest, digest: D('c'), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } };
  const attestation = { mediaType: MEDIA_TYPES.attestation, digest: D('d'), size: 1, platform: { os: 'linux', architecture: 'amd64' } };
  test('platform choice', () => {
    expect(choosePlatform([attestation, armV7, amd64], { os: 'linux', architecture: 'amd64' })?.digest).toBe(D('a'));
    expect(choosePlatform([armV6, armV7], { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest).toBe(D('b'));
    expect(choosePlatform([armV6], { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest).toBe(D('c'));
    expect(choosePlatform([armV7], { os: 'linux', architecture: 'amd64' })).toBeUndefined();
  });
  test('index detection by mediaType, Content-Type or shape', () => {
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [amd64] }));
    expect(parseIndex(index, MEDIA_TYPES.ociIndex)?.manifests).toHaveLength(1);
    expect(parseIndex(index, '')?.manifests).toHaveLength(1);
    expect(parseIndex(Buffer.from(JSON.stringify({ schemaVersion: 2, config: amd64, layers: [] })), MEDIA_TYPES.ociManifest)).toBeUndefined();
  });
  test('schema 2 manifests round-trip through the parser', () => {
    const bytes = schema2Manifest({ digest: D('c'), size: 300 }, [{ digest: D('1'), size: 1000 }]);
    expect(bytes.toString()).toContain('\n   "schemaVersion": 2');
    const parsed = parseImageManifest(bytes, '');
    expect(parsed).toMatchObject({ mediaType: MEDIA_TYPES.dockerManifest, config: { digest: D('c'), size: 300 }, layers: [{ digest: D('1'), size: 1000, mediaType: MEDIA_TYPES.dockerLayerGzip }] });
  });
  test('schema 1 is refused', () => expect(() => parseImageManifest(Buffer.from('{"schemaVersion":1}'), '')).toThrow(/schema 1/));
});
