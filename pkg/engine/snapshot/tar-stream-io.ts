// Reading and writing tar streams entry by entry with backpressure, over tar-stream (whose streams
// are streamx, not Node, streams). Effectful only through the streams given.
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { BerthError, InvalidArgumentError } from '../../errdefs/index.js';

export type TarHeader = tar.Header;
export type TarEntryHeader = Parameters<tar.Pack['entry']>[0];
export type TarEntryBody = AsyncIterable<unknown>;

/**
 * Feeds `source` to a tar parser and calls `onEntry` for each entry in order; the next entry is
 * parsed only after `onEntry` returns (it must consume or drain the body). Consumes `source` to its
 * very end, trailing zero blocks included, so a hash tapped before this sees every byte. On an
 * error it stops reading but leaves `source` to its owner.
 */
export async function readTarEntries(source: Readable, onEntry: (header: TarHeader, body: TarEntryBody) => Promise<void>): Promise<void> {
  const extract = tar.extract();
  const feeding = (async () => {
    try {
      // destroyOnReturn false: stopping early must not destroy the caller's stream (an HTTP request
      // still waiting for its error response).
      for await (const chunk of source.iterator({ destroyOnReturn: false })) {
        if (extract.destroyed) throw new Error('tar reading stopped');
        if (!extract.write(chunk as Buffer)) await drained(extract);
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
    await feeding.catch(() => undefined);
    throw asTarError(err);
  }
  await feeding.catch((err: unknown) => {
    throw asTarError(err);
  });
}

/** The parser's own failures (garbage, truncation) are the client's bad input: a 400. */
function asTarError(err: unknown): unknown {
  if (err instanceof BerthError || !(err instanceof Error)) return err;
  if (/tar header|Unexpected end|corrupted|checksum|gunzip|incorrect header|invalid/i.test(err.message)) {
    return new InvalidArgumentError(`invalid tar archive: ${err.message}`, { cause: err });
  }
  return err;
}

/** Resolves on 'drain'; rejects if the stream is or gets destroyed first (no 'drain' would come). */
async function drained(stream: { destroyed: boolean; once(event: string, listener: (...args: unknown[]) => void): unknown; off(event: string, listener: (...args: unknown[]) => void): unknown }): Promise<void> {
  if (stream.destroyed) throw new Error('stream destroyed');
  await new Promise<void>((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      stream.off('drain', onDrain);
      reject(new Error('stream destroyed'));
    };
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
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
      if (!entry.write(buffer)) await drained(entry);
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
