import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, test } from 'vitest';
import { injectionArchive } from './inject.js';

async function entries(archive: Buffer): Promise<Array<{ name: string; mode: number; uid: number; gid: number; size: number; mtime: number; content: string }>> {
  const extract = tar.extract();
  const out: Array<{ name: string; mode: number; uid: number; gid: number; size: number; mtime: number; content: string }> = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      let content = '';
      stream.on('data', (chunk: unknown) => (content += String(chunk)));
      stream.on('end', () => {
        out.push({ name: header.name, mode: header.mode ?? 0, uid: header.uid ?? 0, gid: header.gid ?? 0, size: header.size ?? 0, mtime: Math.floor((header.mtime?.getTime() ?? 0) / 1000), content });
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.from([archive]).pipe(extract);
  await done;
  return out;
}

describe('injectionArchive', () => {
  test('holds each file at its target, with mode, owner and content', async () => {
    const archive = injectionArchive(
      [
        { target: '/run/secrets/token', content: 's3cret', mode: 0o444 },
        { target: '/etc/app.conf', content: 'x'.repeat(700), mode: 0o440, uid: '1000', gid: '50' },
      ],
      1_700_000_000,
    );
    expect(archive.length % 512).toBe(0);
    expect(await entries(archive)).toEqual([
      { name: 'run/secrets/token', mode: 0o444, uid: 0, gid: 0, size: 6, mtime: 1_700_000_000, content: 's3cret' },
      { name: 'etc/app.conf', mode: 0o440, uid: 1000, gid: 50, size: 700, mtime: 1_700_000_000, content: 'x'.repeat(700) },
    ]);
  });

  test('long paths go in the ustar prefix; non-numeric owners are refused', async () => {
    const target = `/${'d'.repeat(80)}/${'e'.repeat(60)}/file`;
    const [entry] = await entries(injectionArchive([{ target, content: 'x', mode: 0o444 }], 0));
    expect(entry!.name).toBe(target.slice(1));
    expect(() => injectionArchive([{ target: '/x', content: '', mode: 0o444, uid: 'root' }], 0)).toThrow('uid of /x must be numeric');
  });
});
