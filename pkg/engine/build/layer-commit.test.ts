import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { filterLayerTar } from './layer-commit.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink'; content?: string; mode?: number };

async function tarOf(entries: Entry[]): Promise<Readable> {
  const pack = tar.pack();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = { name: entry.name, type, mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: 0, gid: 0, linkname: type === 'symlink' ? 'x' : undefined };
    if (type === 'file') pack.entry(header, entry.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Readable.from([Buffer.concat(chunks)]);
}

async function kept(entries: Entry[], lowerDirs: string[]): Promise<string[]> {
  const pack = tar.pack();
  const names: string[] = [];
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      names.push(entry.header.name);
      entry.resume();
    }
  })();
  (pack as unknown as NodeJS.ReadableStream).pipe(extract as unknown as NodeJS.WritableStream);
  await filterLayerTar(await tarOf(entries), pack, lowerDirs, () => undefined);
  pack.finalize();
  await reading;
  return names;
}

describe('filterLayerTar', () => {
  let lower = '';
  beforeEach(async () => {
    lower = await mkdtemp(join(tmpdir(), 'berth-lower-'));
    for (const dir of ['etc', 'usr/bin', 'proc', 'tmp']) await mkdir(join(lower, dir), { recursive: true, mode: 0o755 });
    await chmod(join(lower, 'etc'), 0o755);
    await chmod(join(lower, 'usr'), 0o755);
    await chmod(join(lower, 'usr/bin'), 0o755);
  });
  afterEach(async () => {
    await rm(lower, { recursive: true, force: true });
  });

  test('drops runc mount points and copied-up directories, keeps real changes with their parents', async () => {
    const names = await kept(
      [
        { name: 'dev/', type: 'directory' },
        { name: 'etc/', type: 'directory' },
        { name: 'etc/hostname', content: '' },
        { name: 'etc/hosts', content: '' },
        { name: 'etc/resolv.conf', content: '' },
        { name: 'newdir/', type: 'directory' },
        { name: 'proc/', type: 'directory' },
        { name: 'sys/', type: 'directory' },
        { name: 'usr/', type: 'directory' },
        { name: 'usr/bin/', type: 'directory' },
        { name: 'usr/bin/tool', content: '#!/bin/sh\n' },
      ],
      [lower],
    );
    expect(names).toEqual(['newdir/', 'usr/', 'usr/bin/', 'usr/bin/tool']);
  });

  test('keeps a mount-point file that has content and a directory whose mode changed', async () => {
    const names = await kept(
      [
        { name: 'etc/', type: 'directory' },
        { name: 'etc/hosts', content: '127.0.0.1 app\n' },
        { name: 'tmp/', type: 'directory', mode: 0o1777 },
      ],
      [lower],
    );
    expect(names).toEqual(['etc/', 'etc/hosts', 'tmp/']);
  });

  test('whiteouts are kept', async () => {
    const names = await kept([{ name: 'etc/', type: 'directory' }, { name: 'etc/.wh.motd', content: '' }], [lower]);
    expect(names).toEqual(['etc/', 'etc/.wh.motd']);
  });

  test('nothing left means no entries (an empty layer)', async () => {
    expect(await kept([{ name: 'proc/', type: 'directory' }, { name: 'etc/', type: 'directory' }, { name: 'etc/hosts', content: '' }], [lower])).toEqual([]);
  });
});
