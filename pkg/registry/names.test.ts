import { describe, expect, test } from 'vitest';
import { isDigest, isRepositoryName, isTag, matchEndpoint } from './names.js';

describe('repository names', () => {
  const valid = ['a', 'busybox', 'library/busybox', 'a/b/c/d', 'a.b', 'a_b', 'a__b', 'a-b', 'a---b', 'x1/y2.z3', 'a'.repeat(255)];
  const invalid = ['', 'A', 'Busybox', '.', '..', '../etc', 'a/../b', 'a/./b', '/a', 'a/', 'a//b', '_a', 'a_', 'a___b', 'a-', '-a', 'a.', 'a..b', 'a/_manifests', 'a b', 'a%2fb', 'a\\b', 'a'.repeat(256), 'a:b'];
  for (const name of valid) test(`accepts ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}`, () => expect(isRepositoryName(name)).toBe(true));
  for (const name of invalid) test(`refuses ${JSON.stringify(name.length > 20 ? `${name.slice(0, 8)}…(${name.length})` : name)}`, () => expect(isRepositoryName(name)).toBe(false));
});

describe('tags and digests', () => {
  test('tags follow [A-Za-z0-9_][A-Za-z0-9._-]{0,127}', () => {
    for (const tag of ['latest', 'v1.2.3', 'A_b-c.d', '_x', 'a'.repeat(128)]) expect(isTag(tag)).toBe(true);
    for (const tag of ['', '.x', '-x', 'a/b', 'a:b', '..', 'a'.repeat(129)]) expect(isTag(tag)).toBe(false);
  });
  test('digests are algorithm:encoded', () => {
    expect(isDigest(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigest(`sha512:${'a'.repeat(128)}`)).toBe(true);
    expect(isDigest('sha256')).toBe(false);
    expect(isDigest('sha256:')).toBe(false);
    expect(isDigest('SHA256:abc')).toBe(false);
    expect(isDigest('sha256:../x')).toBe(false);
    expect(isDigest('sha256:xyz')).toBe(false);
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDigest('blake3:abc')).toBe(true);
  });
});

describe('endpoint routes', () => {
  const digest = `sha256:${'b'.repeat(64)}`;
  const cases: { path: string; expected: ReturnType<typeof matchEndpoint> }[] = [
    { path: '/v2/', expected: { kind: 'base' } },
    { path: '/v2', expected: { kind: 'base' } },
    { path: '/v2/_catalog', expected: { kind: 'catalog' } },
    { path: '/v2/a/b/tags/list', expected: { kind: 'tags', name: 'a/b' } },
    { path: '/v2/a/b/manifests/latest', expected: { kind: 'manifest', name: 'a/b', reference: 'latest' } },
    { path: `/v2/a/manifests/${digest}`, expected: { kind: 'manifest', name: 'a', reference: digest } },
    { path: '/v2/a/blobs/uploads/', expected: { kind: 'uploads', name: 'a' } },
    { path: '/v2/a/blobs/uploads', expected: { kind: 'uploads', name: 'a' } },
    { path: '/v2/a/blobs/uploads/1234', expected: { kind: 'upload', name: 'a', id: '1234' } },
    { path: `/v2/a/b/blobs/${digest}`, expected: { kind: 'blob', name: 'a/b', digest } },
    { path: '/v2/manifests/manifests/x', expected: { kind: 'manifest', name: 'manifests', reference: 'x' } },
    { path: '/v2/blobs/blobs/uploads/', expected: { kind: 'uploads', name: 'blobs' } },
    { path: '/v3/a/tags/list', expected: undefined },
    { path: '/v2/a/unknown', expected: undefined },
  ];
  for (const { path, expected } of cases) test(`${path}`, () => expect(matchEndpoint(path)).toEqual(expected));
});
