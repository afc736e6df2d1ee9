// Test helper: builds small tar archives in memory from entry lists (effect-free apart from streams).
import { Readable } from 'node:stream';
import tar from 'tar-stream';

type EntryHeader = Parameters<tar.Pack['entry']>[0];

export interface TarEntry extends Omit<EntryHeader, 'size'> {
  content?: string | Buffer;
}

export async function buildTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const { content, ...header } of entries) {
    const body = content === undefined ? undefined : Buffer.from(content);
    await new Promise<void>((resolve, reject) => {
      const callback = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body === undefined) pack.entry({ mtime: new Date(1_700_000_000_000), ...header }, callback);
      else pack.entry({ mtime: new Date(1_700_000_000_000), ...header, size: body.length }, body, callback);
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export function streamOf(buffer: Buffer): Readable {
  return Readable.from([buffer]);
}
