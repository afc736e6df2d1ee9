import { describe, expect, test } from 'vitest';
import { canonicalString, familiarString, parseLookup, parseReference, parseRepoTag } from './index.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  const good: { input: string; canonical: string; familiar: string }[] = [
    { input: 'busybox', canonical: 'docker.io/library/busybox:latest', familiar: 'busybox:latest' },
    { input: 'busybox:latest', canonical: 'docker.io/library/busybox:latest', familiar: 'busybox:latest' },
    { input: 'busybox:1.36.1-musl', canonical: 'docker.io/library/busybox:1.36.1-musl', familiar: 'busybox:1.36.1-musl' },
    { input: 'docker.io/library/busybox', canonical: 'docker.io/library/busybox:latest', familiar: 'busybox:latest' },
    { input: 'index.docker.io/library/busybox', canonical: 'docker.io/library/busybox:latest', familiar: 'busybox:latest' },
    { input: 'library/busybox', canonical: 'docker.io/library/busybox:latest', familiar: 'busybox:latest' },
    { input: 'someuser/app', canonical: 'docker.io/someuser/app:latest', familiar: 'someuser/app:latest' },
    { input: 'localhost:5000/a/b:t', canonical: 'localhost:5000/a/b:t', familiar: 'localhost:5000/a/b:t' },
    { input: 'localhost/app', canonical: 'localhost/app:latest', familiar: 'localhost/app:latest' },
    { input: 'registry.example.com/team/app:v2', canonical: 'registry.example.com/team/app:v2', familiar: 'registry.example.com/team/app:v2' },
    { input: '[::1]:5000/app', canonical: '[::1]:5000/app:latest', familiar: '[::1]:5000/app:latest' },
    { input: `busybox@${DIGEST}`, canonical: `docker.io/library/busybox@${DIGEST}`, familiar: `busybox@${DIGEST}` },
    { input: `busybox:1.0@${DIGEST}`, canonical: `docker.io/library/busybox:1.0@${DIGEST}`, familiar: `busybox:1.0@${DIGEST}` },
    { input: 'a__b.c-d/e', canonical: 'a__b.c-d/e:latest', familiar: 'a__b.c-d/e:latest' },
  ];
  for (const { input, canonical, familiar } of good) {
    test(`${input} → ${canonical}`, () => {
      const reference = parseReference(input);
      expect(canonicalString(reference)).toBe(canonical);
      expect(familiarString(reference)).toBe(familiar);
    });
  }

  const bad: { input: string; message: string }[] = [
    { input: 'Busybox', message: 'invalid reference format: repository name (library/Busybox) must be lowercase' },
    { input: 'docker.io/Library/busybox', message: 'invalid reference format: repository name (Library/busybox) must be lowercase' },
    { input: 'busybox:', message: 'invalid reference format' },
    { input: 'busy box', message: 'invalid reference format' },
    { input: 'busybox::latest', message: 'invalid reference format' },
    { input: '-busybox', message: 'invalid reference format' },
    { input: 'busybox@sha256:abc', message: 'invalid reference format' },
    { input: `busybox@sha256:${'A'.repeat(64)}`, message: 'invalid checksum digest format' },
    { input: `busybox@md5:${'a'.repeat(32)}`, message: 'unsupported digest algorithm' },
    { input: `busybox:${'t'.repeat(129)}`, message: 'invalid reference format' },
    { input: 'a'.repeat(64), message: `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings` },
    { input: '', message: 'invalid reference format' },
  ];
  for (const { input, message } of bad) {
    test(`rejects ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, () => {
      let error: unknown;
      try {
        parseReference(input);
      } catch (err) {
        error = err;
      }
      expect((error as Error | undefined)?.message).toBe(message);
      expect((error as { httpStatus?: number }).httpStatus).toBe(400);
    });
  }
});

describe('parseLookup', () => {
  test('recognises full ids with and without the algorithm', () => {
    expect(parseLookup('b'.repeat(64))).toEqual({ kind: 'id', id: `sha256:${'b'.repeat(64)}` });
    expect(parseLookup(`sha256:${'b'.repeat(64)}`)).toEqual({ kind: 'id', id: `sha256:${'b'.repeat(64)}` });
  });

  test('a short hex string is both a name and an id prefix, as in dockerd', () => {
    const lookup = parseLookup('74f50ecff0b9');
    expect(lookup.kind).toBe('reference');
    expect(lookup.kind === 'reference' && lookup.idPrefix).toBe('74f50ecff0b9');
    const withAlgorithm = parseLookup('sha256:74f5');
    expect(withAlgorithm.kind === 'reference' && withAlgorithm.idPrefix).toBe('74f5');
    const name = parseLookup('busybox');
    expect(name.kind === 'reference' && name.idPrefix).toBe(undefined);
  });
});

describe('parseRepoTag', () => {
  test('combines repository and tag like POST /images/{name}/tag', () => {
    expect(familiarString(parseRepoTag('myrepo', 'v1'))).toBe('myrepo:v1');
    expect(familiarString(parseRepoTag('myrepo'))).toBe('myrepo:latest');
    expect(familiarString(parseRepoTag('localhost:5000/x:old', 'new'))).toBe('localhost:5000/x:new');
  });

  test('refuses digests, bad tags and the name sha256', () => {
    expect(() => parseRepoTag(`x@${DIGEST}`)).toThrow('cannot import digest reference');
    expect(() => parseRepoTag('x', 'bad tag')).toThrow('invalid tag format');
    expect(() => parseRepoTag('sha256', 'x')).toThrow('refusing to create an ambiguous tag using digest algorithm as name');
  });
});
