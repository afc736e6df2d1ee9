// Content-addressed blobs on disk (sha256): streamed in through a temp file that is hashed while
// written, fsynced and renamed into place; read back only if the bytes still match. Effectful.
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { InternalError, InvalidArgumentError, NotFoundError, hasErrno } from '../../errdefs/index.js';
import { syncDirectory } from '../snapshot/index.js';

export interface BlobInfo {
  digest: string;
  size: number;
}

export interface WrittenBlob extends BlobInfo {
  /** False when an identical blob was already stored. */
  created: boolean;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export class ContentStore {
  private readonly blobDir: string;
  private readonly tempDir: string;

  constructor(readonly root: string) {
    this.blobDir = join(root, 'blobs', 'sha256');
    this.tempDir = join(root, 'tmp');
  }

  async open(): Promise<void> {
    await mkdir(this.blobDir, { recursive: true, mode: 0o700 });
    await rm(this.tempDir, { recursive: true, force: true });
    await mkdir(this.tempDir, { mode: 0o700 });
  }

  path(digest: string): string {
    if (!DIGEST_RE.test(digest)) throw new InvalidArgumentError(`invalid blob digest ${JSON.stringify(digest)}`);
    return join(this.blobDir, digest.slice('sha256:'.length));
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: string): Promise<Stats | undefined> {
    try {
      return await stat(this.path(digest));
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /**
   * Stores everything `source` yields. With `expected`, a different digest is an error and nothing
   * is kept; `maxBytes` caps the blob (e.g. for JSON documents read into memory later).
   */
  async write(source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, options: { expected?: string; maxBytes?: number } = {}): Promise<WrittenBlob> {
    const dir = await mkdtemp(join(this.tempDir, 'ingest-'));
    try {
      const temp = join(dir, 'data');
      const hash = createHash('sha256');
      let size = 0;
      const handle = await open(temp, 'wx', 0o600);
      try {
        for await (const chunk of source) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          size += bytes.length;
          if (options.maxBytes !== undefined && size > options.maxBytes) {
            throw new InvalidArgumentError(`blob is larger than the ${options.maxBytes}-byte limit`);
          }
          hash.update(bytes);
          await handle.write(bytes);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const digest = `sha256:${hash.digest('hex')}`;
      if (options.expected !== undefined && options.expected !== digest) {
        throw new InvalidArgumentError(`digest mismatch: expected ${options.expected}, got ${digest}`);
      }
      const existing = await this.stat(digest);
      if (existing !== undefined && existing.size === size) return { digest, size, created: false };
      await rename(temp, this.path(digest));
      await syncDirectory(this.blobDir);
      return { digest, size, created: true };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async writeBytes(data: Uint8Array | string, expected?: string): Promise<WrittenBlob> {
    return this.write([typeof data === 'string' ? Buffer.from(data) : data], { expected });
  }

  /** The whole blob, verified against its digest. */
  async readBytes(digest: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.path(digest));
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) throw new NotFoundError(`blob ${digest} not found`, { cause: err });
      throw err;
    }
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (actual !== digest) throw new InternalError(`blob ${digest} is corrupt on disk (its content hashes to ${actual})`);
    return data;
  }

  /** Streams a blob; the stream errors at its end if the bytes do not hash to `digest`. */
  async readStream(digest: string): Promise<Readable> {
    const info = await this.stat(digest);
    if (info === undefined) throw new NotFoundError(`blob ${digest} not found`);
    const hash = createHash('sha256');
    const verifier = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        hash.update(chunk);
        callback(null, chunk);
      },
      flush(callback: TransformCallback) {
        const actual = `sha256:${hash.digest('hex')}`;
        callback(actual === digest ? null : new InternalError(`blob ${digest} is corrupt on disk (its content hashes to ${actual})`));
      },
    });
    const file = createReadStream(this.path(digest));
    file.on('error', (err) => verifier.destroy(err));
    // A reader that stops early closes the file too.
    verifier.on('close', () => file.destroy());
    return file.pipe(verifier);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }
}
