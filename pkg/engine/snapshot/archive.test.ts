import { link, mkdir, mkdtemp, readFile, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { extractTarToPath, resolveInRoot, statInRoot, tarFromPath } from './index.js';
import { buildTar, streamOf } from './testdata/tar-builder.js';

let work: string;
let root: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-archive-'));
  root = join(work, 'rootfs');
  await mkdir(join(root, 'etc'), { recursive: true });
  await mkdir(join(root, 'var/www'), { recursive: true });
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n', { mode: 0o644 });
  await utimes(join(root, 'etc/passwd'), new Date('2026-11-22T17:26:38Z'), new Date('2026-11-22T17:26:38Z'));
  await symlink('/etc', join(root, 'config'));
  await symlink('../../../../../../../..', join(root, 'up'));
  await symlink('/var/www', join(root, 'www'));
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function entriesOf(stream: Readable): Promise<{ name: string; type: string; linkname: string | null }[]> {
  const extract = tar.extract();
  const result: { name: string; type: string; linkname: string | null }[] = [];
  const feeding = (async () => {
    for await (const chunk of stream) extract.write(chunk);
    extract.end(null);
  })();
  for await (const entry of extract) {
    result.push({ name: entry.header.name, type: entry.header.type, linkname: entry.header.linkname || null });
    for await (const _ of entry) {
      // drain
    }
  }
  await feeding;
  return result;
}

describe('resolveInRoot', () => {
  const cases = [
    { path: '/config/passwd', expected: 'etc/passwd' },
    { path: '/up/etc/passwd', expected: 'etc/passwd' },
    { path: '/../../../etc', expected: 'etc' },
    { path: '/www/missing/file', expected: 'var/www/missing/file' },
    { path: 'etc/passwd', expected: 'etc/passwd' },
  ];
  for (const { path, expected } of cases) {
    test(`keeps ${path} inside the root`, async () => {
      expect(await resolveInRoot(root, path)).toBe(join(root, expected));
    });
  }

  test('gives up on symlink loops', async () => {
    await symlink('/loop', join(root, 'loop'));
    await expect(resolveInRoot(root, '/loop/x')).rejects.toThrow(/too many levels of symbolic links/);
  });
});

describe('statInRoot', () => {
  test('matches the X-Docker-Container-Path-Stat dockerd sent for /etc/passwd', async () => {
    const stat = await statInRoot(root, '/etc/passwd');
    expect(stat).toEqual({ name: 'passwd', size: 30, mode: 420, mtime: '2026-11-22T17:26:38Z', linkTarget: '' });
  });

  test('reports a symlink with its resolved in-container target and Go mode bits', async () => {
    const stat = await statInRoot(root, '/config');
    expect(stat.linkTarget).toBe('/etc');
    expect(stat.mode).toBe(2 ** 27 + 0o777);
    expect((await statInRoot(root, '/etc')).mode).toBe(2 ** 31 + 0o755);
  });

  test('a missing path is a 404 naming the container', async () => {
    await expect(statInRoot(root, '/tmp/cp-in.txt', { containerName: 'cpbox' })).rejects.toThrow(
      'Could not find the file /tmp/cp-in.txt in container cpbox',
    );
  });
});

describe('tarFromPath', () => {
  test('a file becomes one entry named by its base name', async () => {
    expect(await entriesOf(await tarFromPath(root, '/etc/passwd'))).toEqual([{ name: 'passwd', type: 'file', linkname: null }]);
  });

  test('a directory is archived below its base name, hard links stored once', async () => {
    await writeFile(join(root, 'var/www/index.html'), 'hi');
    await link(join(root, 'var/www/index.html'), join(root, 'var/www/copy.html'));
    expect(await entriesOf(await tarFromPath(root, '/var/www'))).toEqual([
      { name: 'www/', type: 'directory', linkname: null },
      { name: 'www/copy.html', type: 'file', linkname: null },
      { name: 'www/index.html', type: 'link', linkname: 'www/copy.html' },
    ]);
  });

  test('the last element is not followed unless the path ends in a slash', async () => {
    expect(await entriesOf(await tarFromPath(root, '/www'))).toEqual([{ name: 'www', type: 'symlink', linkname: '/var/www' }]);
    expect((await entriesOf(await tarFromPath(root, '/www/')))[0]).toEqual({ name: 'www/', type: 'directory', linkname: null });
  });
});

describe('extractTarToPath', () => {
  test('extracts into a directory reached through a symlink', async () => {
    await extractTarToPath(root, '/www', streamOf(await buildTar([{ name: 'cp-in.txt', content: 'copied in\n' }])), {
      noOverwriteDirNonDir: true,
    });
    expect(await readFile(join(root, 'var/www/cp-in.txt'), 'utf8')).toBe('copied in\n');
  });

  test('refuses to replace a directory with a file, and a file with a directory', async () => {
    const fileOverDir = await buildTar([{ name: 'www', content: 'x' }]);
    await expect(extractTarToPath(root, '/var', streamOf(fileOverDir), { noOverwriteDirNonDir: true })).rejects.toThrow(
      'cannot overwrite directory "/var/www" with non-directory "/var"',
    );
    const dirOverFile = await buildTar([{ name: 'passwd', type: 'directory' }]);
    await expect(extractTarToPath(root, '/etc', streamOf(dirOverFile), { noOverwriteDirNonDir: true })).rejects.toThrow(
      'cannot overwrite non-directory "/etc/passwd" with directory "/etc"',
    );
  });

  test('the destination must be an existing directory', async () => {
    const tarBytes = await buildTar([{ name: 'a', content: 'a' }]);
    await expect(extractTarToPath(root, '/etc/passwd', streamOf(tarBytes))).rejects.toThrow('extraction point is not a directory');
    await expect(extractTarToPath(root, '/nope', streamOf(tarBytes), { containerName: 'web' })).rejects.toThrow(
      'Could not find the file /nope in container web',
    );
  });

  test('entries escaping the destination are refused and nothing lands outside', async () => {
    const evil = await buildTar([
      { name: 'link', type: 'symlink', linkname: work },
      { name: 'link/pwned', content: 'pwned' },
    ]);
    await expect(extractTarToPath(root, '/etc', streamOf(evil))).rejects.toThrow(/passes through a symlink/);
    const climbing = await buildTar([{ name: '../../../../../pwned', content: 'pwned' }]);
    await expect(extractTarToPath(root, '/etc', streamOf(climbing))).rejects.toThrow(/path escapes the root/);
    expect((await readdir(work)).sort()).toEqual(['rootfs']);
  });
});
