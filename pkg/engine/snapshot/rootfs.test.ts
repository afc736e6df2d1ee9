import { execFileSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, readdir, rm, unlink, writeFile, mkdir } from 'node:fs/promises';
import tar from 'tar-stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ChangeKind, LayerStore } from './index.js';
import { listMountPoints } from './mount.js';
import { buildTar, streamOf } from './testdata/tar-builder.js';

const logger = pino({ level: 'silent' });
let work: string;
let store: LayerStore;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'berth-rootfs-'));
  store = new LayerStore({ root: join(work, 'overlay2'), logger });
  await store.open();
});

afterEach(async () => {
  for (const point of [...(await listMountPoints())].filter((p) => p.startsWith(work)).reverse()) {
    execFileSync('umount', ['-l', point]);
  }
  await rm(work, { recursive: true, force: true });
});

async function mountCount(path: string): Promise<number> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text.split('\n').filter((line) => line.split(' ')[4] === path).length;
}

async function twoLayerImage(): Promise<string> {
  const bottom = await store.applyTar(
    null,
    streamOf(
      await buildTar([
        { name: 'etc/', type: 'directory', mode: 0o755 },
        { name: 'etc/keep.conf', content: 'keep' },
        { name: 'etc/gone.conf', content: 'gone' },
        { name: 'data/', type: 'directory', mode: 0o755 },
        { name: 'data/old1', content: 'old1' },
        { name: 'data/sub/old2', content: 'old2' },
      ]),
    ),
  );
  const top = await store.applyTar(
    bottom.chainId,
    streamOf(
      await buildTar([
        { name: 'etc/', type: 'directory', mode: 0o755 },
        { name: 'etc/.wh.gone.conf', content: '' },
        { name: 'data/', type: 'directory', mode: 0o755 },
        { name: 'data/.wh..wh..opq', content: '' },
        { name: 'data/new', content: 'new' },
      ]),
    ),
  );
  return top.chainId;
}

describe('overlay rootfs', () => {
  test('layer 2 deleting a file and making a dir opaque shows through the mounted overlay', async () => {
    const chainId = await twoLayerImage();
    const topDiff = store.get(chainId)?.diffDir ?? '';
    const whiteout = await lstat(join(topDiff, 'etc/gone.conf'));
    expect(whiteout.isCharacterDevice() && whiteout.rdev === 0).toBe(true);
    expect(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(topDiff, 'data')]).toString()).toBe('y');

    await store.prepareRootfs('c1', chainId);
    const merged = await store.mountRootfs('c1');
    expect((await readdir(join(merged, 'etc'))).sort()).toEqual(['keep.conf']);
    expect(await readFile(join(merged, 'etc/keep.conf'), 'utf8')).toBe('keep');
    expect((await readdir(join(merged, 'data'))).sort()).toEqual(['new']);
  });

  test('mount, unmount, prepare and remove are idempotent', async () => {
    const chainId = await twoLayerImage();
    const paths = await store.prepareRootfs('c2', chainId);
    expect(await store.prepareRootfs('c2', chainId)).toEqual(paths);
    await expect(store.prepareRootfs('c2', null)).rejects.toThrow(/already exists/);
    const merged = await store.mountRootfs('c2');
    expect(await store.mountRootfs('c2')).toBe(merged);
    expect(await mountCount(merged)).toBe(1);
    await store.unmountRootfs('c2');
    await store.unmountRootfs('c2');
    expect(await mountCount(merged)).toBe(0);
    await store.mountRootfs('c2');
    await store.removeRootfs('c2');
    expect(await mountCount(merged)).toBe(0);
    expect(store.rootfsPaths('c2')).toBeUndefined();
    expect(await store.removeRootfs('c2')).toEqual([]);
  });

  test('a rootfs survives a re-open of the store and can still be mounted', async () => {
    const chainId = await twoLayerImage();
    await store.prepareRootfs('c3', chainId);
    const reopened = new LayerStore({ root: store.root, logger });
    await reopened.open();
    const merged = await reopened.mountRootfs('c3');
    expect(await readFile(join(merged, 'data/new'), 'utf8')).toBe('new');
  });

  test('changes lists additions, modifications and deletions like docker diff', async () => {
    const chainId = await twoLayerImage();
    await store.prepareRootfs('c4', chainId);
    const merged = await store.mountRootfs('c4');
    await writeFile(join(merged, 'etc/keep.conf'), 'changed');
    await unlink(join(merged, 'data/new'));
    await mkdir(join(merged, 'srv/www'), { recursive: true });
    await writeFile(join(merged, 'srv/www/index.html'), 'hi');
    const changes = await store.changes('c4');
    expect(changes).toEqual([
      { Path: '/data', Kind: ChangeKind.Modified },
      { Path: '/data/new', Kind: ChangeKind.Deleted },
      // /etc itself is unchanged, but dockerd's diff lists a directory with changes inside it
      { Path: '/etc', Kind: ChangeKind.Modified },
      { Path: '/etc/keep.conf', Kind: ChangeKind.Modified },
      { Path: '/srv', Kind: ChangeKind.Added },
      { Path: '/srv/www', Kind: ChangeKind.Added },
      { Path: '/srv/www/index.html', Kind: ChangeKind.Added },
    ]);
    expect(await store.rootfsSize('c4')).toBe('changed'.length + 'hi'.length);
  });

  test('changes of a replaced directory list what it hides as deleted, as dockerd\'s diff does', async () => {
    const chainId = await twoLayerImage();
    await store.prepareRootfs('c5', chainId);
    const merged = await store.mountRootfs('c5');
    await rm(join(merged, 'data'), { recursive: true });
    await mkdir(join(merged, 'data'), { mode: 0o755 });
    await writeFile(join(merged, 'data/fresh'), 'fresh');
    await unlink(join(merged, 'etc/keep.conf'));
    await writeFile(join(merged, 'etc/gone.conf'), 'back');
    expect(await store.changes('c5')).toEqual([
      // data/old1 and data/sub were already hidden by the image's own opaque /data
      { Path: '/data', Kind: ChangeKind.Modified },
      { Path: '/data/fresh', Kind: ChangeKind.Added },
      { Path: '/data/new', Kind: ChangeKind.Deleted },
      { Path: '/etc', Kind: ChangeKind.Modified },
      // deleted in the image's top layer, so new again
      { Path: '/etc/gone.conf', Kind: ChangeKind.Added },
      { Path: '/etc/keep.conf', Kind: ChangeKind.Deleted },
    ]);
  });

  test('the diff tar of a container, applied as a new layer, reproduces its filesystem (commit)', async () => {
    const chainId = await twoLayerImage();
    await store.prepareRootfs('c8', chainId);
    const merged = await store.mountRootfs('c8');
    await unlink(join(merged, 'etc/keep.conf'));
    await rm(join(merged, 'data'), { recursive: true });
    await mkdir(join(merged, 'data'));
    await writeFile(join(merged, 'data/fresh'), 'fresh');
    await writeFile(join(merged, 'hello.txt'), 'hello');
    const entries: string[] = [];
    const tarBytes: Buffer[] = [];
    for await (const chunk of await store.diffTar('c8')) tarBytes.push(chunk as Buffer);
    const extract = tar.extract();
    const listing = (async () => {
      for await (const entry of extract) {
        entries.push(entry.header.name);
        entry.resume();
      }
    })();
    extract.end(Buffer.concat(tarBytes));
    await listing;
    expect(entries).toEqual(['data/', 'data/.wh..wh..opq', 'data/fresh', 'etc/', 'etc/.wh.keep.conf', 'hello.txt']);

    const committed = await store.applyTar(chainId, streamOf(Buffer.concat(tarBytes)));
    await store.prepareRootfs('c9', committed.chainId);
    const again = await store.mountRootfs('c9');
    expect((await readdir(again)).sort()).toEqual(['data', 'etc', 'hello.txt']);
    expect(await readdir(join(again, 'etc'))).toEqual([]);
    expect(await readdir(join(again, 'data'))).toEqual(['fresh']);
    expect(await readFile(join(again, 'hello.txt'), 'utf8')).toBe('hello');
  });

  test('an image of 100 layers mounts within the option page limit', async () => {
    let parent: string | null = null;
    for (let i = 0; i < 100; i++) {
      const layer = await store.applyTar(parent, streamOf(await buildTar([{ name: `layer-${i}`, content: String(i) }])));
      parent = layer.chainId;
    }
    await store.prepareRootfs('c5', parent);
    const merged = await store.mountRootfs('c5');
    expect(await readFile(join(merged, 'layer-0'), 'utf8')).toBe('0');
    expect((await readdir(merged)).length).toBe(100);
  });

  test('an image without layers still gets a writable rootfs', async () => {
    await store.prepareRootfs('c6', null);
    const merged = await store.mountRootfs('c6');
    await writeFile(join(merged, 'hello'), 'x');
    expect(await store.changes('c6')).toEqual([{ Path: '/hello', Kind: ChangeKind.Added }]);
  });

  test('layers stay while a container uses them and go with it once no image needs them', async () => {
    const chainId = await twoLayerImage();
    const bottom = store.get(chainId)?.parent ?? '';
    await store.prepareRootfs('c7', chainId);
    store.setRetainer(() => false);
    expect(await store.release(chainId)).toEqual([]);
    await expect(store.remove(chainId)).rejects.toThrow(/container c7 is based on it/);
    await expect(store.remove(bottom)).rejects.toThrow(/is based on it/);
    expect(await store.removeRootfs('c7')).toEqual([chainId, bottom]);
    expect(store.list()).toEqual([]);
    expect(await readdir(join(store.root, 'l'))).toEqual([]);
  });
});
