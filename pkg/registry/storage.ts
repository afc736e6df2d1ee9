// The registry's on-disk store (effectful). Everything is a file written temp + fsync + rename, so
// a crash leaves either the old state or the new one:
//
//   blobs/sha256/<hex>                              every blob and manifest, once, by digest
//   repositories/<name>/_layers/sha256/<hex>        the repository may serve that blob (content: digest)
//   repositories/<name>/_manifests/revisions/sha256/<hex>   a manifest of the repository ({"mediaType"})
//   repositories/<name>/_manifests/tags/<tag>       the digest the tag points at
//   uploads/<id>/{data,info.json}                   upload sessions in progress (survive restarts)
//   quarantine/<hex>.<time>                         blobs found corrupt on read, kept for inspection
//   tmp/                                            half-written files; emptied by open()
//
// Names are validated by names.ts before they reach here, so joining them under repositories/ is
// safe. Blobs are never trusted on read: readVerified() and openVerified() check the digest.
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../fsutil/index.js';
import { RegistryError } from './errors.js';
import { isSha256, isTag } from './names.js';

/** Uploads untouched for this long are dropped when the registry starts. */
const STALE_UPLOAD_MS = 7 * 24 * 3600 * 1000;

export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

interface UploadState {
  /** Hash of bytes [0, offset) when known; dropped (and recomputed at the end) after a failed write. */
  hash: Hash | undefined;
  offset: number;
  busy: boolean;
}

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Corruption found while reading a blob: the caller answers 500 (or cuts the transfer) and logs. */
export class CorruptBlobError extends Error {
  constructor(
    readonly digest: string,
    readonly actual: string,
  ) {
    super(`blob ${digest} is corrupt on disk (its content hashes to ${actual}); it has been quarantined`);
    this.name = 'CorruptBlobError';
  }
}

export class RegistryStorage {
  private readonly uploads = new Map<string, UploadState>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly root: string,
    private readonly logger: Logger,
  ) {}

  async open(): Promise<void> {
    for (const dir of ['blobs/sha256', 'repositories', 'uploads', 'quarantine']) await mkdir(join(this.root, dir), { recursive: true, mode: 0o755 });
    await rm(join(this.root, 'tmp'), { recursive: true, force: true });
    await mkdir(join(this.root, 'tmp'), { mode: 0o700 });
    const now = Date.now();
    for (const id of await readdir(join(this.root, 'uploads'))) {
      const info = await stat(join(this.root, 'uploads', id, 'data')).catch(() => undefined);
      if (info === undefined || now - info.mtimeMs > STALE_UPLOAD_MS) await rm(join(this.root, 'uploads', id), { recursive: true, force: true });
    }
  }

  /**
   * Runs `action` after every earlier one: linking, manifest writes and deletions (which remove
   * unreferenced blob data) never interleave, so a delete cannot drop data a new link needs.
   */
  async exclusive<T>(action: () => Promise<T>): Promise<T> {
    const run = this.queue.then(action, action);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  // ---- blobs ----

  blobPath(digest: string): string {
    if (!isSha256(digest)) throw new RegistryError('DIGEST_INVALID', 'only sha256 digests are stored', { digest });
    return join(this.root, 'blobs', 'sha256', hexOf(digest));
  }

  private repoDir(name: string): string {
    return join(this.root, 'repositories', name);
  }

  private layerLink(name: string, digest: string): string {
    return join(this.repoDir(name), '_layers', 'sha256', hexOf(digest));
  }

  private revisionLink(name: string, digest: string): string {
    return join(this.repoDir(name), '_manifests', 'revisions', 'sha256', hexOf(digest));
  }

  private tagFile(name: string, tag: string): string {
    if (!isTag(tag)) throw new RegistryError('TAG_INVALID', 'invalid tag', { tag });
    return join(this.repoDir(name), '_manifests', 'tags', tag);
  }

  /** Size of the stored blob, or undefined. */
  async blobSize(digest: string): Promise<number | undefined> {
    try {
      const info = await stat(this.blobPath(digest));
      return info.isFile() ? info.size : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  /** The blob's size when the repository may serve it (linked as a layer or a manifest). */
  async repoBlobSize(name: string, digest: string): Promise<number | undefined> {
    if (!isSha256(digest)) return undefined;
    const linked = (await exists(this.layerLink(name, digest))) || (await exists(this.revisionLink(name, digest)));
    return linked ? this.blobSize(digest) : undefined;
  }

  async linkBlob(name: string, digest: string): Promise<void> {
    const link = this.layerLink(name, digest);
    if (await exists(link)) return;
    await mkdir(join(this.repoDir(name), '_layers', 'sha256'), { recursive: true });
    await writeFileAtomic(link, digest, 0o644);
  }

  /** Removes the repository's link; deletes the data when nothing links it any more. */
  async deleteBlob(name: string, digest: string): Promise<boolean> {
    return this.exclusive(async () => {
      try {
        await unlink(this.layerLink(name, digest));
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
      await this.collect(digest);
      return true;
    });
  }

  /** Deletes the blob's data unless some repository still links it. Call inside exclusive(). */
  private async collect(digest: string): Promise<void> {
    for (const name of await this.repositories({ all: true })) {
      if ((await exists(this.layerLink(name, digest))) || (await exists(this.revisionLink(name, digest)))) return;
    }
    await rm(this.blobPath(digest), { force: true });
    this.logger.info({ digest }, 'blob data deleted: no repository refers to it');
  }

  /** Moves a corrupt blob aside so it is never served again. */
  async quarantine(digest: string, actual: string): Promise<void> {
    const target = join(this.root, 'quarantine', `${hexOf(digest)}.${Date.now()}`);
    try {
      await rename(this.blobPath(digest), target);
      this.logger.error({ digest, actual, quarantined: target }, 'corrupt blob detected on read and quarantined');
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }

  /** Reads a whole (small) blob and checks its digest; CorruptBlobError (after quarantine) if it fails. */
  async readVerified(digest: string): Promise<Buffer | undefined> {
    let data: Buffer;
    try {
      data = await readFile(this.blobPath(digest));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (actual !== digest) {
      await this.quarantine(digest, actual);
      throw new CorruptBlobError(digest, actual);
    }
    return data;
  }

  /**
   * Streams a blob, hashing it on the way and holding back the last chunk until the digest is
   * checked: a corrupt blob ends in an error before its final bytes leave, so a reader never gets a
   * complete (Content-Length-satisfying) copy of wrong content.
   */
  openVerified(digest: string): Readable {
    const hash = createHash('sha256');
    let held: Buffer | undefined;
    const quarantine = (actual: string): Promise<void> => this.quarantine(digest, actual);
    const verifier = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        hash.update(chunk);
        const previous = held;
        held = chunk;
        callback(null, previous);
      },
      flush(callback: TransformCallback) {
        const actual = `sha256:${hash.digest('hex')}`;
        if (actual === digest) {
          callback(null, held);
          return;
        }
        quarantine(actual).then(
          () => callback(new CorruptBlobError(digest, actual)),
          () => callback(new CorruptBlobError(digest, actual)),
        );
      },
    });
    const file = createReadStream(this.blobPath(digest), { highWaterMark: 256 * 1024 });
    file.on('error', (err) => verifier.destroy(err));
    verifier.on('close', () => file.destroy());
    return file.pipe(verifier);
  }

  /** Hashes the whole blob without sending it (before serving a byte range of it). */
  async verify(digest: string): Promise<void> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.blobPath(digest), { highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) {
      await this.quarantine(digest, actual);
      throw new CorruptBlobError(digest, actual);
    }
  }

  /** Bytes [start, end] of a blob already verified. */
  openRange(digest: string, start: number, end: number): Readable {
    return createReadStream(this.blobPath(digest), { start, end, highWaterMark: 256 * 1024 });
  }

  /** Stores bytes (a manifest) as a blob under their digest. */
  async writeBlob(data: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if ((await this.blobSize(digest)) === data.length) return digest;
    const temp = join(this.root, 'tmp', `blob-${randomUUID()}`);
    await writeFileAtomic(temp, data, 0o644);
    await rename(temp, this.blobPath(digest));
    await syncDir(join(this.root, 'blobs', 'sha256'));
    return digest;
  }

  // ---- uploads ----

  private uploadDir(id: string): string {
    return join(this.root, 'uploads', id);
  }

  async createUpload(name: string): Promise<string> {
    const id = randomUUID();
    await mkdir(this.uploadDir(id), { mode: 0o700 });
    await writeFileAtomic(join(this.uploadDir(id), 'info.json'), JSON.stringify({ name, startedAt: new Date().toISOString() }));
    await (await open(join(this.uploadDir(id), 'data'), 'wx', 0o600)).close();
    this.uploads.set(id, { hash: createHash('sha256'), offset: 0, busy: false });
    return id;
  }

  /** The upload's offset (bytes received), or BLOB_UPLOAD_UNKNOWN when it is not this repository's. */
  async uploadOffset(name: string, id: string): Promise<number> {
    let info: { name?: string };
    try {
      info = JSON.parse(await readFile(join(this.uploadDir(id), 'info.json'), 'utf8')) as { name?: string };
    } catch (err) {
      if (isMissing(err) || err instanceof SyntaxError) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
      throw err;
    }
    if (info.name !== name) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
    const size = (await stat(join(this.uploadDir(id), 'data'))).size;
    const state = this.uploads.get(id);
    if (state === undefined) this.uploads.set(id, { hash: undefined, offset: size, busy: false });
    else if (state.offset !== size && !state.busy) {
      state.offset = size;
      state.hash = undefined;
    }
    return size;
  }

  /**
   * Appends the request body to the upload. `start`, when given (Content-Range), must equal the
   * current offset; RANGE_INVALID otherwise. Returns the new offset.
   */
  async appendUpload(name: string, id: string, body: Readable, start?: number): Promise<number> {
    const offset = await this.uploadOffset(name, id);
    const state = this.uploads.get(id)!;
    if (state.busy) throw new RegistryError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload', { id });
    if (start !== undefined && start !== offset) throw rangeInvalid(offset);
    state.busy = true;
    let written = 0;
    const hash = state.hash;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        written += chunk.length;
        hash?.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(join(this.uploadDir(id), 'data'), { flags: 'a' }));
      state.offset = offset + written;
    } catch (err) {
      // Some bytes may have reached the file: the offset is re-read from disk and the hash redone.
      state.hash = undefined;
      state.offset = -1;
      throw err;
    } finally {
      state.busy = false;
    }
    return state.offset;
  }

  /**
   * Finishes an upload: checks the content against `digest` (DIGEST_INVALID, upload kept so the
   * client may retry), moves it into blobs/ and links it to the repository. Returns the size.
   */
  async completeUpload(name: string, id: string, digest: string): Promise<number> {
    const offset = await this.uploadOffset(name, id);
    const state = this.uploads.get(id)!;
    if (state.busy) throw new RegistryError('BLOB_UPLOAD_INVALID', 'another request is writing to this upload', { id });
    const dataPath = join(this.uploadDir(id), 'data');
    let actual: string;
    if (state.hash !== undefined && state.offset === offset) {
      actual = `sha256:${state.hash.copy().digest('hex')}`;
    } else {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(dataPath, { highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
      actual = `sha256:${hash.digest('hex')}`;
    }
    if (actual !== digest) throw new RegistryError('DIGEST_INVALID', undefined, { expected: digest, actual });
    const handle = await open(dataPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.exclusive(async () => {
      if ((await this.blobSize(digest)) !== offset) {
        await rename(dataPath, this.blobPath(digest));
        await syncDir(join(this.root, 'blobs', 'sha256'));
      }
      await this.linkBlob(name, digest);
    });
    await this.cancelUpload(id);
    return offset;
  }

  async cancelUpload(id: string): Promise<void> {
    this.uploads.delete(id);
    await rm(this.uploadDir(id), { recursive: true, force: true });
  }

  // ---- manifests and tags ----

  async manifestMediaType(name: string, digest: string): Promise<string | undefined> {
    try {
      const text = await readFile(this.revisionLink(name, digest), 'utf8');
      return (JSON.parse(text) as { mediaType?: string }).mediaType ?? '';
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async resolveTag(name: string, tag: string): Promise<string | undefined> {
    try {
      const digest = (await readFile(this.tagFile(name, tag), 'utf8')).trim();
      return isSha256(digest) ? digest : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  /** A manifest of the repository by tag or digest, verified; undefined when unknown. */
  async getManifest(name: string, reference: string): Promise<StoredManifest | undefined> {
    const digest = isSha256(reference) ? reference : await this.resolveTag(name, reference);
    if (digest === undefined) return undefined;
    const mediaType = await this.manifestMediaType(name, digest);
    if (mediaType === undefined) return undefined;
    const bytes = await this.readVerified(digest);
    if (bytes === undefined) return undefined;
    return { digest, mediaType, bytes };
  }

  /** Stores the manifest and links it; with `tag`, points the tag at it. Call inside exclusive(). */
  async putManifest(name: string, bytes: Buffer, mediaType: string, tag?: string): Promise<string> {
    const digest = await this.writeBlob(bytes);
    await mkdir(join(this.repoDir(name), '_manifests', 'revisions', 'sha256'), { recursive: true });
    await writeFileAtomic(this.revisionLink(name, digest), JSON.stringify({ mediaType }), 0o644);
    if (tag !== undefined) {
      await mkdir(join(this.repoDir(name), '_manifests', 'tags'), { recursive: true });
      await writeFileAtomic(this.tagFile(name, tag), digest, 0o644);
    }
    return digest;
  }

  /** Deletes a manifest revision and every tag pointing at it; false when unknown. */
  async deleteManifest(name: string, digest: string): Promise<boolean> {
    return this.exclusive(async () => {
      try {
        await unlink(this.revisionLink(name, digest));
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
      for (const tag of (await this.listTags(name)) ?? []) {
        if ((await this.resolveTag(name, tag)) === digest) await rm(this.tagFile(name, tag), { force: true });
      }
      await this.collect(digest);
      return true;
    });
  }

  async deleteTag(name: string, tag: string): Promise<boolean> {
    return this.exclusive(async () => {
      try {
        await unlink(this.tagFile(name, tag));
        return true;
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
    });
  }

  /** The repository's tags (unsorted), or undefined when the repository does not exist. */
  async listTags(name: string): Promise<string[] | undefined> {
    if (!(await exists(this.repoDir(name)))) return undefined;
    try {
      return (await readdir(join(this.repoDir(name), '_manifests', 'tags'))).filter((tag) => isTag(tag));
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  async repositoryExists(name: string): Promise<boolean> {
    return exists(this.repoDir(name));
  }

  /** Repository names (unsorted): those holding a manifest, or with `all` any with a layer too. */
  async repositories(options: { all?: boolean } = {}): Promise<string[]> {
    const names: string[] = [];
    const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
      if (depth > 64) return;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      const isRepo = entries.some((entry) => entry.isDirectory() && (entry.name === '_manifests' || (options.all === true && entry.name === '_layers')));
      if (isRepo && prefix !== '') names.push(prefix);
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
        await walk(join(dir, entry.name), prefix === '' ? entry.name : `${prefix}/${entry.name}`, depth + 1);
      }
    };
    await walk(join(this.root, 'repositories'), '', 0);
    return names;
  }
}

function rangeInvalid(offset: number): RegistryError {
  return new RegistryError('RANGE_INVALID', `the chunk must start at byte ${offset}`, { offset }, { headers: { Range: `0-${Math.max(offset - 1, 0)}` } });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isMissing(err)) return false;
    throw err;
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
