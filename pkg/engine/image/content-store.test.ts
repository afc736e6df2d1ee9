import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ContentStore } from './content-store.js';

let dir: string;
let store: ContentStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-content-'));
  store = new ContentStore(dir);
  await store.open();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const digestOf = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('ContentStore', () => {
  test('stores a streamed blob under the sha256 of its bytes, once', async () => {
    const first = await store.write(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    expect(first).toEqual({ digest: digestOf('hello world'), size: 11, created: true });
    expect(await store.writeBytes('hello world')).toEqual({ digest: digestOf('hello world'), size: 11, created: false });
    expect((await store.readBytes(first.digest)).toString()).toBe('hello world');
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('refuses bytes that do not match the expected digest and keeps nothing', async () => {
    await expect(store.writeBytes('tampered', digestOf('original'))).rejects.toThrow(
      `digest mismatch: expected ${digestOf('original')}, got ${digestOf('tampered')}`,
    );
    expect(await readdir(join(dir, 'blobs/sha256'))).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('never returns a blob whose bytes changed on disk', async () => {
    const { digest } = await store.writeBytes('config');
    await writeFile(store.path(digest), 'CONFIG');
    await expect(store.readBytes(digest)).rejects.toThrow(`blob ${digest} is corrupt on disk`);
    const chunks: Buffer[] = [];
    const reading = (async () => {
      for await (const chunk of await store.readStream(digest)) chunks.push(chunk as Buffer);
    })();
    await expect(reading).rejects.toThrow(/is corrupt on disk/);
  });

  test('a missing blob is a 404 and a malformed digest a 400', async () => {
    await expect(store.readBytes(digestOf('nothing'))).rejects.toMatchObject({ httpStatus: 404 });
    expect(() => store.path('sha256:../../etc/passwd')).toThrow(/invalid blob digest/);
  });
});
