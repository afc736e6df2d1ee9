// Sniffing a stream's compression from its magic bytes and inflating gzip; other compressions are a
// clear 400 (Effectful: consumes the source stream).
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidArgumentError } from '../../errdefs/index.js';

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: { compression: Exclude<Compression, 'none'>; bytes: number[] }[] = [
  { compression: 'gzip', bytes: [0x1f, 0x8b, 0x08] },
  { compression: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { compression: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { compression: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
];

/** Identifies the compression from a stream's first bytes (pure). */
export function detectCompression(head: Uint8Array): Compression {
  for (const { compression, bytes } of MAGIC) {
    if (head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte)) return compression;
  }
  return 'none';
}

/** Reads up to `size` bytes off the front of `source`, then returns a stream replaying everything. */
export async function peek(source: Readable, size: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    while (true) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  // Never destroys `source` (often an HTTP request whose response is still to be sent): a consumer
  // that stops early just stops reading.
  const stream = Readable.from(replay(), { objectMode: false });
  return { head: head.subarray(0, size), stream };
}

/**
 * Returns the uncompressed tar stream behind `source`: plain tar passes through, gzip is inflated,
 * and bzip2/xz/zstd are refused with an InvalidArgumentError naming the format.
 */
export async function decompressed(source: Readable): Promise<{ stream: Readable; compression: Compression }> {
  const { head, stream } = await peek(source, 6);
  const compression = detectCompression(head);
  switch (compression) {
    case 'none':
      return { stream, compression };
    case 'gzip': {
      const gunzip = createGunzip();
      stream.on('error', (err) => gunzip.destroy(err));
      stream.pipe(gunzip);
      return { stream: gunzip, compression };
    }
    default:
      stream.destroy();
      throw new InvalidArgumentError(
        `unsupported compression: the archive is ${compression}-compressed; send a plain or gzip-compressed tar`,
      );
  }
}
