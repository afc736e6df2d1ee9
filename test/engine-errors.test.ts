// Bad input gets a clear error with dockerd's status code and changes nothing: unknown objects,
// name conflicts, malformed JSON, wrong types, invalid limits, and tarballs that try to escape.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon } from './helpers/daemon.js';

interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  content?: string;
  linkname?: string;
}

function makeTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    pack.entry({ name: entry.name, type: entry.type ?? 'file', linkname: entry.linkname, mode: entry.type === 'directory' ? 0o755 : 0o644 }, entry.content ?? '');
  }
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

describe('bad input', () => {
  const daemon = new TestDaemon('berr');
  const outside = mkdtempSync('/tmp/berr-outside-');
  const canary = path.join(outside, 'pwned');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(outside, { recursive: true, force: true });
  });

  async function containerCount(): Promise<number> {
    return (await daemon.request('GET', '/containers/json?all=1')).json<unknown[]>().length;
  }

  async function imageCount(): Promise<number> {
    return (await daemon.request('GET', '/images/json?all=1')).json<unknown[]>().length;
  }

  test('unknown container and image: 404 with docker\'s message', async () => {
    for (const [method, url] of [
      ['GET', '/containers/nope/json'],
      ['POST', '/containers/nope/start'],
      ['POST', '/containers/nope/stop'],
      ['DELETE', '/containers/nope'],
      ['GET', '/containers/nope/logs?stdout=1'],
    ] as const) {
      const res = await daemon.request(method, `/v1.50${url}`);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect(res.json()).toEqual({ message: 'No such container: nope' });
    }
    const image = await daemon.request('POST', '/containers/create', { Image: 'nosuchimage', Cmd: ['true'] });
    expect(image.status).toBe(404);
    expect(image.json()).toEqual({ message: 'No such image: nosuchimage:latest' });
    expect((await daemon.request('GET', '/images/nosuchimage/json')).status).toBe(404);
    expect((await daemon.request('GET', '/nonexistent/endpoint')).json()).toEqual({ message: 'page not found' });
  });

  test('unsupported API versions are refused with 400', async () => {
    const old = await daemon.request('GET', '/v1.12/version');
    expect(old.status).toBe(400);
    expect(old.json<{ message: string }>().message).toContain('client version 1.12 is too old. Minimum supported API version is 1.24');
    const future = await daemon.request('GET', '/v1.99/version');
    expect(future.status).toBe(400);
    expect(future.json<{ message: string }>().message).toContain('client version 1.99 is too new');
  });

  test('malformed JSON and wrong types: 400 naming the problem, nothing created', async () => {
    const before = await containerCount();
    const malformed = await daemon.request('POST', '/containers/create', '{"Image": "busybox", "Cmd": [', { 'Content-Type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.json<{ message: string }>().message).toMatch(/invalid JSON/);
    const wrongType = await daemon.request('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { Memory: 'lots' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json<{ message: string }>().message).toContain('/HostConfig/Memory must be integer');
    const envType = await daemon.request('POST', '/containers/create', { Image: 'busybox', Env: 'A=1' });
    expect(envType.status).toBe(400);
    expect(await containerCount()).toBe(before);
  });

  test('name conflict: 409 and the first container is untouched', async () => {
    const first = await daemon.request('POST', '/containers/create?name=taken', { Image: 'busybox', Cmd: ['true'] });
    expect(first.status).toBe(201);
    const second = await daemon.request('POST', '/containers/create?name=taken', { Image: 'busybox', Cmd: ['false'] });
    expect(second.status).toBe(409);
    expect(second.json<{ message: string }>().message).toContain('The container name "/taken" is already in use by container');
    const inspect = (await daemon.request('GET', '/containers/taken/json')).json<{ Id: string; Path: string }>();
    expect(inspect).toMatchObject({ Id: first.json<{ Id: string }>().Id, Path: 'true' });
    const badName = await daemon.request('POST', '/containers/create?name=bad%20name', { Image: 'busybox', Cmd: ['true'] });
    expect(badName.status).toBe(400);
  });

  test('invalid limits: 400 with docker\'s texts', async () => {
    const before = await containerCount();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Memory: 1024 }, 'Minimum memory limit allowed is 6MB'],
      [{ Memory: -5 }, 'invalid memory limit'],
      [{ NanoCpus: 1000 * 1e9 }, 'Range of CPUs is from 0.01 to'],
      [{ NanoCpus: 1e9, CpuQuota: 50000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
      [{ Memory: 64 * 1024 * 1024, MemorySwap: 32 * 1024 * 1024 }, 'Minimum memoryswap limit should be larger than memory limit'],
      [{ RestartPolicy: { Name: 'sometimes' } }, "invalid restart policy 'sometimes'"],
      [{ Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] }, 'soft limit must be less than or equal to hard limit'],
      [{ Ulimits: [{ Name: 'nofile', Soft: 1048576, Hard: 1048576 }] }, "above the daemon's hard limit"],
      [{ CapAdd: ['NOT_A_CAP'] }, 'unknown capability: "CAP_NOT_A_CAP"'],
      [{ Sysctls: { 'kernel.hostname': 'x' } }, 'not namespaced'],
    ];
    for (const [hostConfig, message] of cases) {
      const res = await daemon.request('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: hostConfig });
      expect(res.status, JSON.stringify(hostConfig)).toBe(400);
      expect(res.json<{ message: string }>().message).toContain(message);
    }
    expect(await containerCount()).toBe(before);
  });

  test('import of a tarball with ../ entries is rejected and writes nothing outside', async () => {
    const before = await imageCount();
    const body = await makeTar([
      { name: 'ok.txt', content: 'fine' },
      { name: `../../../../../../..${canary}`, content: 'escaped' },
    ]);
    const res = await daemon.request('POST', '/images/create?fromSrc=-&repo=evil&tag=dots', body, { 'Content-Type': 'application/x-tar' });
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/invalid tar entry .*escapes/);
    expect(existsSync(canary)).toBe(false);
    expect(await imageCount()).toBe(before);
  });

  test('import of a tarball writing through an absolute symlink is rejected', async () => {
    const before = await imageCount();
    const body = await makeTar([
      { name: 'evil', type: 'symlink', linkname: outside },
      { name: 'evil/pwned', content: 'escaped' },
    ]);
    const res = await daemon.request('POST', '/images/create?fromSrc=-&repo=evil&tag=symlink', body, { 'Content-Type': 'application/x-tar' });
    expect(res.status).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/symlink|escapes/);
    expect(existsSync(canary)).toBe(false);
    expect(await imageCount()).toBe(before);
  });

  test('docker cp into a container cannot escape through a symlink or ../', async () => {
    const created = await daemon.request('POST', '/containers/create?name=cptarget', { Image: 'busybox', Cmd: ['sleep', '100'] });
    const id = created.json<{ Id: string }>().Id;
    expect((await daemon.request('POST', `/containers/${id}/start`)).status).toBe(204);
    const dots = await makeTar([{ name: `../../../../../../../..${canary}`, content: 'escaped' }]);
    const res = await daemon.request('PUT', `/containers/${id}/archive?path=/tmp`, dots, { 'Content-Type': 'application/x-tar' });
    expect(res.status).toBe(400);
    const link = await makeTar([
      { name: 'hop', type: 'symlink', linkname: outside },
      { name: 'hop/pwned', content: 'escaped' },
    ]);
    const linked = await daemon.request('PUT', `/containers/${id}/archive?path=/tmp`, link, { 'Content-Type': 'application/x-tar' });
    expect(linked.status).toBe(400);
    expect(existsSync(canary)).toBe(false);
  });

  test('load of an archive whose manifest points outside is rejected', async () => {
    const before = await imageCount();
    const body = await makeTar([
      { name: 'manifest.json', content: JSON.stringify([{ Config: '../../../etc/passwd', RepoTags: ['evil:load'], Layers: [] }]) },
    ]);
    const res = await daemon.request('POST', '/images/load', body, { 'Content-Type': 'application/x-tar' });
    expect(res.status).toBe(400);
    expect(await imageCount()).toBe(before);
    const garbage = await daemon.request('POST', '/images/load', Buffer.from('this is not a tar archive at all'.repeat(40)), { 'Content-Type': 'application/x-tar' });
    expect(garbage.status).toBe(400);
  });
});
