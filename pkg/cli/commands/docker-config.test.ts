import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DOCKER_HUB_AUTH_KEY, authKey, configPath, encodeAuthHeader, loadCredentials, registryHostname, registryOfImage, removeCredentials, storeCredentials } from './docker-config.js';

describe('registry keys', () => {
  test('hostnames as docker converts them', () => {
    expect(registryHostname('https://127.0.0.1:5000/v2/')).toBe('127.0.0.1:5000');
    expect(registryHostname('http://reg.example.com')).toBe('reg.example.com');
    expect(registryHostname('reg.example.com:443')).toBe('reg.example.com:443');
  });
  test('Docker Hub has its legacy key', () => {
    expect(authKey(undefined)).toBe(DOCKER_HUB_AUTH_KEY);
    expect(authKey('docker.io')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(authKey('https://index.docker.io/v1/')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(authKey('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });
  test('the registry of an image reference', () => {
    expect(registryOfImage('busybox')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(registryOfImage('docker.io/library/busybox')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(registryOfImage('someuser/app')).toBe(DOCKER_HUB_AUTH_KEY);
    expect(registryOfImage('127.0.0.1:5000/x/y')).toBe('127.0.0.1:5000');
    expect(registryOfImage('localhost/x')).toBe('localhost');
  });
  test('X-Registry-Auth is base64url JSON, {} when anonymous', () => {
    expect(encodeAuthHeader(undefined)).toBe('e30=');
    expect(JSON.parse(Buffer.from(encodeAuthHeader({ username: 'a', password: '?>?' }), 'base64url').toString())).toEqual({ username: 'a', password: '?>?' });
  });
});

describe('config.json credentials', () => {
  const dirs: string[] = [];
  const env = (): NodeJS.ProcessEnv => {
    const dir = mkdtempSync('/tmp/berth-docker-config-');
    dirs.push(dir);
    return { DOCKER_CONFIG: join(dir, 'cfg') };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test('store, load and remove keep the other keys of the file', async () => {
    const e = env();
    await storeCredentials(e, 'first:1', { username: 'x', password: 'y' });
    const path = configPath(e);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), detachKeys: 'ctrl-x' }));
    await storeCredentials(e, '127.0.0.1:5000', { username: 'alice', password: 'p:w' });
    const file = JSON.parse(readFileSync(path, 'utf8')) as { auths: Record<string, { auth: string }>; detachKeys: string };
    expect(file.detachKeys).toBe('ctrl-x');
    expect(Buffer.from(file.auths['127.0.0.1:5000'].auth, 'base64').toString()).toBe('alice:p:w');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await loadCredentials(e, '127.0.0.1:5000')).toEqual({ serveraddress: '127.0.0.1:5000', username: 'alice', password: 'p:w' });
    expect(await removeCredentials(e, '127.0.0.1:5000')).toBe(true);
    expect(await removeCredentials(e, '127.0.0.1:5000')).toBe(false);
    expect(await loadCredentials(e, '127.0.0.1:5000')).toBeUndefined();
    expect(await loadCredentials(e, 'first:1')).toMatchObject({ username: 'x' });
  });

  test('an identity token replaces the password; keys written as URLs still match', async () => {
    const e = env();
    await storeCredentials(e, 'reg:5000', { username: 'bob', password: 'secret', identitytoken: 'refresh' });
    const file = JSON.parse(readFileSync(configPath(e), 'utf8')) as { auths: Record<string, { auth: string; identitytoken: string }> };
    expect(Buffer.from(file.auths['reg:5000'].auth, 'base64').toString()).toBe('bob:');
    expect(file.auths['reg:5000'].identitytoken).toBe('refresh');
    writeFileSync(configPath(e), JSON.stringify({ auths: { 'https://other:5000': { auth: Buffer.from('c:d').toString('base64') } } }));
    expect(await loadCredentials(e, 'other:5000')).toMatchObject({ username: 'c', password: 'd' });
  });
});
