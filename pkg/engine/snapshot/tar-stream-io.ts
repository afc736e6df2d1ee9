// Reading and writing tar streams entry by entry with backpressure, over tar-stream (whose streams
// are streamx, not Node, streams). Effectful only through the streams given.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';

export type TarHeader = tar.Header;
export type TarEntryHeader = Parameters<tar.Pack['entry']>[0];
export type TarEntryBody = AsyncIterable<unknown>;

/**
 * Feeds `source` to a tar parser and calls `onEntry` for each entry in order; the next entry is
 * parsed only after `onEntry` returns (it must consume or drain the body). Consumes `source` to its
 * very end, trailing zero blocks included, so a hash tapped before this sees every byte.
 */
export async function readTarEntries(source: Readable, onEntry: (header: TarHeader, body: TarEntryBody) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const feeding = (async () => {
    try {
      for await (const chunk of source) {
        if (!extract.write(chunk as Buffer)) await once(extract, 'drain');
      }
      extract.end(null);
    } catch (err) {
      extract.destroy(err as Error);
      throw err;
    }
  })();
  try {
    for await (const entry of extract) await onEntry(entry.header, entry);
  } catch (err) {
    extract.destroy(err as Error);
    source.destroy();
    await feeding.catch(() => undefined);
    throw err;
  }
  await feeding;
}

export async function drainBody(body: TarEntryBody): Promise<void> {
  for await (const _chunk of body) {
    // discard
  }
}

export async function readBody(body: TarEntryBody, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new Error(`tar entry is larger than ${maxBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Adds an entry without data (directory, link, device) or with a small in-memory body. */
export async function packEntry(pack: tar.Pack, header: TarEntryHeader, data?: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (data === undefined) pack.entry(header, done);
    else pack.entry({ ...header, size: data.length }, data, done);
  });
}

/** Adds an entry whose `header.size` bytes come from `body`; fewer or more bytes is an error. */
export async function packStream(
  pack: tar.Pack,
  header: TarEntryHeader & { size: number },
  body: AsyncIterable<unknown>,
): Promise<void> {
  let finished!: (err?: Error | null) => void;
  const done = new Promise<void>((resolve, reject) => {
    finished = (err) => (err ? reject(err) : resolve());
  });
  const entry = pack.entry(header, finished);
  let written = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      written += buffer.length;
      if (written > header.size) throw new Error(`${header.name} grew while being archived`);
      if (!entry.write(buffer)) await once(entry, 'drain');
    }
    if (written < header.size) throw new Error(`${header.name} shrank while being archived`);
  } catch (err) {
    entry.destroy(err as Error);
    await done.catch(() => undefined);
    throw err;
  }
  entry.end(null);
  await done;
}
