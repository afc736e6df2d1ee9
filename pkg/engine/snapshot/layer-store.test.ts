import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LayerStore } from './index.js';
import { buildTar, streamOf } from './testdata/tar-builder.js';

const logger = pino({ level: 'silent' });
let work: string;
let store: LayerStore;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-layers-'));
  store = new LayerStore({ root: join(work, 'overlay2'), logger });
  await store.open();
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function storeFiles(): Promise<string[]> {
  const names = await readdir(store.root);
  return names.sort();
}

describe('applyTar', () => {
  test('unpacks every entry type with owners, modes and mtimes, and hashes the plain tar as diffID', async () => {
    const longName = `deep/${'d'.repeat(120)}/file.txt`;
    const tarBytes = await buildTar([
      { name: './', type: 'directory', mode: 0o755 },
      { name: 'etc/', type: 'directory', mode: 0o755 },
      { name: '/etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644, uid: 0, gid: 0 },
      { name: 'bin/su', content: 'binary', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'home/user/notes', content: 'hi', mode: 0o600, uid: 1000, gid: 1001 },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox' },
      { name: 'etc/passwd-link', type: 'link', linkname: 'etc/passwd' },
      { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
      { name: 'dev/loop9', type: 'block-device', devmajor: 7, devminor: 9, mode: 0o660 },
      { name: 'run/pipe', type: 'fifo', mode: 0o644 },
      { name: longName, content: 'long', mode: 0o644 },
    ]);
    const layer = await store.applyTar(null, streamOf(tarBytes));
    expect(layer.diffId).toBe(sha256(tarBytes));
    expect(layer.chainId).toBe(layer.diffId);
    const dir = store.get(layer.chainId)?.diffDir ?? '';
    expect(await readFile(join(dir, 'etc/passwd'), 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect((await stat(join(dir, 'bin/su'))).mode & 0o7777).toBe(0o4755);
    const notes = await stat(join(dir, 'home/user/notes'));
    expect([notes.uid, notes.gid, notes.mode & 0o777]).toEqual([1000, 1001, 0o600]);
    expect((await stat(join(dir, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect(await readlink(join(dir, 'bin/sh'))).toBe('/bin/busybox');
    expect((await stat(join(dir, 'etc/passwd-link'))).ino).toBe((await stat(join(dir, 'etc/passwd'))).ino);
    const devNull = await lstat(join(dir, 'dev/null'));
    expect(devNull.isCharacterDevice()).toBe(true);
    expect(devNull.rdev).toBe(0x103);
    expect((await lstat(join(dir, 'dev/loop9'))).isBlockDevice()).toBe(true);
    expect((await lstat(join(dir, 'run/pipe'))).isFIFO()).toBe(true);
    expect(await readFile(join(dir, longName), 'utf8')).toBe('long');
    expect((await stat(join(dir, 'etc'))).mtimeMs).toBe(1_700_000_000_000);
    // content bytes: passwd (26) + su (6) + notes (2) + long (4); the hard link counts once
    expect(layer.size).toBe(26 + 6 + 2 + 4 + '/bin/busybox'.length);
  });

  test('reads GNU tar archives with long names, hard links and fifos exactly as GNU tar wrote them', async () => {
    const source = join(work, 'gnu-src');
    const longDir = 'x'.repeat(150);
    await mkdir(join(source, longDir), { recursive: true });
    await writeFile(join(source, longDir, `${'y'.repeat(120)}.txt`), 'deep');
    execFileSync('ln', [join(source, longDir, `${'y'.repeat(120)}.txt`), join(source, 'hard')]);
    execFileSync('mkfifo', [join(source, 'pipe')]);
    for (const format of ['gnu', 'pax']) {
      const tarBytes = execFileSync('tar', ['-C', source, `--format=${format}`, '-cf', '-', '.']);
      const layer = await store.applyTar(null, streamOf(tarBytes));
      expect(layer.diffId).toBe(sha256(tarBytes));
      const dir = store.get(layer.chainId)?.diffDir ?? '';
      expect(await readFile(join(dir, longDir, `${'y'.repeat(120)}.txt`), 'utf8')).toBe('deep');
      expect((await stat(join(dir, 'hard'))).ino).toBe((await stat(join(dir, longDir, `${'y'.repeat(120)}.txt`))).ino);
      expect((await lstat(join(dir, 'pipe'))).isFIFO()).toBe(true);
    }
  });

  test('gzip input gets the diffID of its uncompressed bytes; bzip2 is refused', async () => {
    const tarBytes = await buildTar([{ name: 'a.txt', content: 'a' }]);
    const layer = await store.applyTar(null, streamOf(gzipSync(tarBytes)));
    expect(layer.diffId).toBe(sha256(tarBytes));
    await expect(store.applyTar(null, streamOf(Buffer.from('BZh91AY&SYfake')))).rejects.toThrow(/bzip2-compressed/);
  });

  test('a layer already present is not unpacked twice', async () => {
    const tarBytes = await buildTar([{ name: 'a.txt', content: 'a' }]);
    const first = await store.applyTar(null, streamOf(tarBytes));
    const before = await storeFiles();
    const second = await store.applyTar(null, streamOf(tarBytes));
    expect(second).toEqual(first);
    expect(await storeFiles()).toEqual(before);
    expect(await readdir(join(store.root, 'tmp'))).toEqual([]);
  });

  test('chain ids follow the image-spec formula and layers survive a re-open', async () => {
    const bottom = await store.applyTar(null, streamOf(await buildTar([{ name: 'a', content: 'a' }])));
    const top = await store.applyTar(bottom.chainId, streamOf(await buildTar([{ name: 'b', content: 'b' }])));
    expect(top.chainId).toBe(sha256(Buffer.from(`${bottom.chainId} ${top.diffId}`)));
    const reopened = new LayerStore({ root: store.root, logger });
    await reopened.open();
    expect(reopened.get(top.chainId)?.parent).toBe(bottom.chainId);
    expect(reopened.lowerDirs(top.chainId)).toEqual(store.lowerDirs(top.chainId));
    const [topLink] = reopened.lowerDirs(top.chainId);
    expect(await readFile(join(store.root, topLink, 'b'), 'utf8')).toBe('b');
  });

  test('refuses an unknown parent', async () => {
    const tarBytes = await buildTar([{ name: 'a', content: 'a' }]);
    await expect(store.applyTar(`sha256:${'0'.repeat(64)}`, streamOf(tarBytes))).rejects.toThrow(/does not exist/);
  });

  test('a truncated tar fails and leaves the store unchanged', async () => {
    const tarBytes = await buildTar([{ name: 'a', content: 'x'.repeat(5000) }]);
    const before = await storeFiles();
    await expect(store.applyTar(null, streamOf(tarBytes.subarray(0, 1024)))).rejects.toThrow();
    expect(await storeFiles()).toEqual(before);
    expect(await readdir(join(store.root, 'tmp'))).toEqual([]);
    expect(store.list()).toEqual([]);
  });
});

describe('unsafe archives', () => {
  let outside: string;
  beforeEach(async () => {
    outside = join(work, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret'), 'keep');
  });

  const cases: { name: string; entries: () => Parameters<typeof buildTar>[0]; message: RegExp }[] = [
    {
      name: 'a ../ name',
      entries: () => [{ name: '../../etc/passwd', content: 'pwned' }],
      message: /^invalid tar entry "\.\.\/\.\.\/etc\/passwd": path escapes the root$/,
    },
    {
      name: 'a name that climbs out after descending',
      entries: () => [{ name: 'a/../../outside/pwned', content: 'pwned' }],
      message: /invalid tar entry "a\/\.\.\/\.\.\/outside\/pwned": path escapes the root/,
    },
    {
      name: 'a file written through an absolute symlink',
      entries: () => [
        { name: 'evil', type: 'symlink', linkname: outside },
        { name: 'evil/pwned', content: 'pwned' },
      ],
      message: /invalid tar entry "evil\/pwned": path passes through a symlink/,
    },
    {
      name: 'a file written through a relative symlink climbing out',
      entries: () => [
        { name: 'evil', type: 'symlink', linkname: '../../../../../../../../..' },
        { name: `evil${outside}/pwned`, content: 'pwned' },
      ],
      message: /path passes through a symlink/,
    },
    {
      name: 'a whiteout placed through a symlink',
      entries: () => [
        { name: 'evil', type: 'symlink', linkname: outside },
        { name: 'evil/.wh.secret', content: '' },
      ],
      message: /path passes through a symlink/,
    },
    {
      name: 'an opaque marker placed through a symlink',
      entries: () => [
        { name: 'evil', type: 'symlink', linkname: outside },
        { name: 'evil/.wh..wh..opq', content: '' },
      ],
      message: /path passes through a symlink/,
    },
    {
      name: 'a hard link to a file outside',
      entries: () => [{ name: 'h', type: 'link', linkname: `../../../../../../..${outside}/secret` }],
      message: /hardlink target ".*" escapes the root/,
    },
    {
      name: 'a hard link through a symlink',
      entries: () => [
        { name: 'evil', type: 'symlink', linkname: outside },
        { name: 'h', type: 'link', linkname: 'evil/secret' },
      ],
      message: /link target passes through a symlink/,
    },
    {
      name: 'a hard link to a missing file',
      entries: () => [{ name: 'h', type: 'link', linkname: 'nothing/here' }],
      message: /hardlink target "nothing\/here" does not exist/,
    },
  ];

  for (const { name, entries, message } of cases) {
    test(`rejects ${name} and writes nothing anywhere`, async () => {
      const before = await storeFiles();
      const error = await store.applyTar(null, streamOf(await buildTar(entries()))).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(message);
      expect((error as { httpStatus?: number }).httpStatus).toBe(400);
      expect((await readdir(outside)).sort()).toEqual(['secret']);
      expect(await readFile(join(outside, 'secret'), 'utf8')).toBe('keep');
      expect((await readdir(work)).sort()).toEqual(['outside', 'overlay2']);
      expect(await storeFiles()).toEqual(before);
      expect(await readdir(join(store.root, 'tmp'))).toEqual([]);
      expect(store.list()).toEqual([]);
    });
  }

  test('rejects a directory that a later entry turns into a symlink before writing through it', async () => {
    const tarBytes = await buildTar([
      { name: 'a/', type: 'directory' },
      { name: 'a/inside', content: 'fine' },
      { name: 'a', type: 'symlink', linkname: outside },
      { name: 'a/pwned', content: 'pwned' },
    ]);
    await expect(store.applyTar(null, streamOf(tarBytes))).rejects.toThrow('invalid tar entry "a/pwned": path passes through a symlink');
    expect((await readdir(outside)).sort()).toEqual(['secret']);
  });

  test('entries in a setgid directory keep the owner the tar gives them', async () => {
    const layer = await store.applyTar(
      null,
      streamOf(
        await buildTar([
          { name: 'shared/', type: 'directory', mode: 0o2775, uid: 0, gid: 50 },
          { name: 'shared/file', content: 'x', uid: 0, gid: 0 },
          { name: 'shared/link', type: 'symlink', linkname: 'file', uid: 0, gid: 0 },
        ]),
      ),
    );
    const dir = store.get(layer.chainId)?.diffDir ?? '';
    const shared = await stat(join(dir, 'shared'));
    expect([shared.gid, shared.mode & 0o7777]).toEqual([50, 0o2775]);
    expect((await lstat(join(dir, 'shared/file'))).gid).toBe(0);
    expect((await lstat(join(dir, 'shared/link'))).gid).toBe(0);
  });

  test('stops reading a rejected tar without destroying the caller\'s stream', async () => {
    const tarBytes = await buildTar([{ name: '../escape', content: 'x' }, { name: 'big', content: Buffer.alloc(4 * 1024 * 1024) }]);
    const source = Readable.from(
      (function* () {
        for (let offset = 0; offset < tarBytes.length; offset += 16 * 1024) yield tarBytes.subarray(offset, offset + 16 * 1024);
      })(),
    );
    await expect(store.applyTar(null, source)).rejects.toThrow(/path escapes the root/);
    // An HTTP request body must stay usable so that the 400 can still be sent.
    expect(source.destroyed).toBe(false);
    expect(source.readableEnded).toBe(false);
  });

  test('stores absolute symlink targets as content and normalises leading / and ./', async () => {
    const layer = await store.applyTar(
      null,
      streamOf(
        await buildTar([
          { name: 'bin/ls', type: 'symlink', linkname: '/bin/busybox' },
          { name: '/abs/file', content: '1' },
          { name: './rel/file', content: '2' },
          { name: 'x/./y/../z', content: '3' },
        ]),
      ),
    );
    const dir = store.get(layer.chainId)?.diffDir ?? '';
    expect(await readlink(join(dir, 'bin/ls'))).toBe('/bin/busybox');
    expect(await readFile(join(dir, 'abs/file'), 'utf8')).toBe('1');
    expect(await readFile(join(dir, 'rel/file'), 'utf8')).toBe('2');
    expect(await readFile(join(dir, 'x/z'), 'utf8')).toBe('3');
  });
});
