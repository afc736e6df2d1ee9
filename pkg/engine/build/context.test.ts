import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, describe, expect, test } from 'vitest';
import { BuildContext, contextEntryPath } from './context.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; content?: string; linkname?: string; mode?: number; uid?: number };

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    const header = { name: entry.name, type: entry.type ?? 'file', linkname: entry.linkname, mode: entry.mode ?? 0o644, uid: entry.uid ?? 0, gid: 0 } as const;
    if ((entry.type ?? 'file') === 'file') pack.entry(header, entry.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('BuildContext', () => {
  let dir = '';
  const receive = async (body: Buffer): Promise<BuildContext> => {
    dir = await mkdtemp(join(tmpdir(), 'berth-context-'));
    return BuildContext.receive(join(dir, 'context'), Readable.from([body]));
  };
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('unpacks a plain or gzip tar and records every entry', async () => {
    const body = await tarOf([{ name: 'Dockerfile', content: 'FROM x\n' }, { name: 'src/a.txt', content: 'a' }, { name: 'link', type: 'symlink', linkname: '/etc' }]);
    for (const variant of [body, gzipSync(body)]) {
      const context = await receive(variant);
      expect([...context.entries.keys()].sort()).toEqual(['Dockerfile', 'link', 'src/a.txt']);
      expect(await readFile(join(context.root, 'src/a.txt'), 'utf8')).toBe('a');
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('refuses ".." entries and entries through a link it made', async () => {
    await expect(receive(await tarOf([{ name: 'a/../../x' }]))).rejects.toThrow('invalid build context: the tar entry "a/../../x" points outside the build context ("..")');
    await rm(dir, { recursive: true, force: true });
    await expect(receive(await tarOf([{ name: 'l', type: 'symlink', linkname: '/tmp' }, { name: 'l/x', content: 'x' }]))).rejects.toThrow(
      'the tar entry "l/x" passes through the symlink "l"',
    );
    await rm(dir, { recursive: true, force: true });
    await expect(receive(await tarOf([{ name: 'h', type: 'link', linkname: '/etc/passwd' }]))).rejects.toThrow(/is not a file in the context/);
  });

  test('a body that is not a tar is the Dockerfile itself', async () => {
    const context = await receive(Buffer.from('FROM busybox\nRUN true\n'));
    expect(await context.takeDockerfile(undefined)).toEqual({ text: 'FROM busybox\nRUN true\n', path: 'Dockerfile' });
  });

  test('finds the Dockerfile (falling back to "dockerfile") and drops it and .dockerignore when they are ignored', async () => {
    const context = await receive(await tarOf([{ name: 'dockerfile', content: 'FROM x\n' }, { name: '.dockerignore', content: 'dockerfile\n.dockerignore\n' }, { name: 'keep', content: 'k' }]));
    expect((await context.takeDockerfile(undefined)).text).toBe('FROM x\n');
    expect([...context.entries.keys()]).toEqual(['keep']);
    await expect(context.takeDockerfile('missing/Dockerfile')).rejects.toThrow('Cannot locate specified Dockerfile: missing/Dockerfile');
  });

  test('source digests follow content, mode and owner but not mtime', async () => {
    const digest = async (entries: Entry[], path: string): Promise<string> => {
      const context = await receive(await tarOf(entries));
      const value = context.sourceDigest(path);
      await rm(dir, { recursive: true, force: true });
      return value;
    };
    const base = await digest([{ name: 'f', content: 'one' }], 'f');
    expect(base).toMatch(/^file:[0-9a-f]{64}$/);
    expect(await digest([{ name: 'f', content: 'one' }], 'f')).toBe(base);
    expect(await digest([{ name: 'f', content: 'two' }], 'f')).not.toBe(base);
    expect(await digest([{ name: 'f', content: 'one', mode: 0o755 }], 'f')).not.toBe(base);
    expect(await digest([{ name: 'f', content: 'one', uid: 5 }], 'f')).not.toBe(base);
    const tree = await digest([{ name: 'd/a', content: '1' }, { name: 'd/b', content: '2' }], 'd');
    expect(tree).toMatch(/^dir:/);
    expect(await digest([{ name: 'd/a', content: '1' }, { name: 'd/b', content: '3' }], 'd')).not.toBe(tree);
  });

  test('contextEntryPath cleans names', () => {
    expect(contextEntryPath('./a//b/')).toBe('a/b');
    expect(contextEntryPath('/abs')).toBe('abs');
    expect(() => contextEntryPath('a\0b')).toThrow(/NUL/);
  });
});
