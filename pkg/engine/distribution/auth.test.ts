import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { decodeRegistryAuth, normalizeAuth, parseChallenges, repositoryScope } from './auth.js';

const encode = (value: unknown, encoding: BufferEncoding = 'base64url'): string => Buffer.from(JSON.stringify(value)).toString(encoding);

describe('X-Registry-Auth', () => {
  test('anonymous forms', () => {
    expect(decodeRegistryAuth(undefined)).toEqual({});
    expect(decodeRegistryAuth('')).toEqual({});
    expect(decodeRegistryAuth('e30=')).toEqual({});
    expect(decodeRegistryAuth('e30')).toEqual({});
  });
  test('base64url and standard base64 JSON', () => {
    const auth = { username: 'u?>', password: 'p~~~?', serveraddress: '127.0.0.1:5000' };
    expect(decodeRegistryAuth(encode(auth))).toEqual(auth);
    expect(decodeRegistryAuth(encode(auth, 'base64'))).toEqual(auth);
  });
  test('identity and registry tokens are kept; empty fields dropped', () => {
    expect(decodeRegistryAuth(encode({ username: '', identitytoken: 'refresh', registrytoken: 'bearer' }))).toEqual({ identitytoken: 'refresh', registrytoken: 'bearer' });
  });
  test("docker config's auth field is split into username and password", () => {
    expect(normalizeAuth({ auth: Buffer.from('me:se:cret').toString('base64') })).toMatchObject({ username: 'me', password: 'se:cret' });
  });
  test('garbage is a 400', () => {
    expect(() => decodeRegistryAuth('!!!notbase64')).toThrow(InvalidArgumentError);
    expect(() => decodeRegistryAuth(encode([1, 2]))).toThrow(InvalidArgumentError);
  });
});

describe('WWW-Authenticate', () => {
  test('a bearer challenge with quoted parameters', () => {
    expect(parseChallenges('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push' } },
    ]);
  });
  test('basic, bare values, escapes and several challenges', () => {
    expect(parseChallenges(['Basic realm="Berth \\"Registry\\""', 'Bearer realm=https://x/token, error=insufficient_scope'])).toEqual([
      { scheme: 'basic', params: { realm: 'Berth "Registry"' } },
      { scheme: 'bearer', params: { realm: 'https://x/token', error: 'insufficient_scope' } },
    ]);
    expect(parseChallenges('Basic realm="a", Bearer realm="b"').map((challenge) => challenge.scheme)).toEqual(['basic', 'bearer']);
  });
  test('nothing to parse', () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges('')).toEqual([]);
  });
  test('scopes', () => expect(repositoryScope('a/b', ['pull', 'push'])).toBe('repository:a/b:pull,push'));
});
