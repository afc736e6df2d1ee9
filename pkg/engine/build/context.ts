// The build context a client uploads (effectful): a tar (plain or gzip) unpacked into a private
// directory, refusing entries that leave it (".." components, paths through a symlink), with a
// content digest of every file taken on the way so cache lookups never read the files again. A
// body that is not a tar is taken as the Dockerfile itself (`curl --data-binary @Dockerfile`).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, link, lutimes, mkdir, open, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { decompressed, drainBody, peek, readTarEntries, type TarEntryBody, type TarHeader } from '../snapshot/index.js';
import { isExcluded, parseDockerignore } from '../../dockerignore/index.js';

export type ContextEntryType = 'file' | 'directory' | 'symlink';

export interface ContextEntry {
  type: ContextEntryType;
  /** Permission bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string;
  /** sha256 hex of a file's bytes; "" otherwise. */
  digest: string;
  mtime: Date;
}

const DEFAULT_DOCKERFILE = 'Dockerfile';

/** Refuses names that would leave the context; returns the cleaned relative path ("" for the root). */
export function contextEntryPath(name: string): string {
  if (name.includes('\0')) throw new InvalidArgumentError(`invalid build context: the tar entry ${JSON.stringify(name)} contains a NUL byte`);
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw new InvalidArgumentError(`invalid build context: the tar entry ${JSON.stringify(name)} points outside the build context ("..")`);
  }
  return parts.join('/');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export class BuildContext {
  private constructor(
    /** The unpacked context (files owned by the daemon, modes as sent). */
    readonly root: string,
    readonly entries: Map<string, ContextEntry>,
    /** The Dockerfile text when the body was a bare Dockerfile rather than a tar. */
    private readonly bareDockerfile: string | undefined,
  ) {}

  /** Unpacks `source` into `root` (which must not exist yet). */
  static async receive(root: string, source: Readable): Promise<BuildContext> {
    await mkdir(root, { recursive: true, mode: 0o700 });
    const { stream } = await decompressed(source);
    const { head, stream: replay } = await peek(stream, 512);
    if (head.length > 0 && !isTar(head)) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of replay) {
        size += (chunk as Buffer).length;
        if (size > 16 * 1024 * 1024) throw new InvalidArgumentError('the request body is neither a tar archive nor a Dockerfile');
        chunks.push(chunk as Buffer);
      }
      return new BuildContext(root, new Map(), Buffer.concat(chunks).toString('utf8'));
    }
    const entries = new Map<string, ContextEntry>();
    const directories: { path: string; mode: number; mtime: Date }[] = [];
    await readTarEntries(Readable.from(completed(replay)), async (header, body) => {
      await unpackEntry(root, header, body, entries, directories);
    });
    // Directory modes and times last: creating their children would change them.
    for (const dir of directories.reverse()) {
      await chmod(dir.path, dir.mode);
      await lutimes(dir.path, dir.mtime, dir.mtime);
    }
    return new BuildContext(root, entries, undefined);
  }

  /**
   * The Dockerfile text at `path` inside the context (dockerd falls back from "Dockerfile" to
   * "dockerfile"); then, as dockerd does, drops the Dockerfile and .dockerignore from the context
   * when .dockerignore excludes them.
   */
  async takeDockerfile(path: string | undefined): Promise<{ text: string; path: string }> {
    const requested = path || DEFAULT_DOCKERFILE;
    if (this.bareDockerfile !== undefined) return { text: this.bareDockerfile, path: requested };
    let name: string;
    try {
      name = contextEntryPath(requested);
    } catch {
      throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${requested}`);
    }
    let found = this.entries.get(name);
    if (found === undefined && requested === DEFAULT_DOCKERFILE) {
      name = DEFAULT_DOCKERFILE.toLowerCase();
      found = this.entries.get(name);
    }
    if (found === undefined || found.type !== 'file') throw new InvalidArgumentError(`Cannot locate specified Dockerfile: ${requested}`);
    const text = await readFile(join(this.root, name), 'utf8');
    const ignore = this.entries.get('.dockerignore');
    if (ignore?.type === 'file') {
      const patterns = parseDockerignore(await readFile(join(this.root, '.dockerignore'), 'utf8'));
      for (const candidate of ['.dockerignore', name]) {
        if (!isExcluded(patterns, candidate)) continue;
        this.entries.delete(candidate);
        await rm(join(this.root, candidate), { force: true });
      }
    }
    return { text, path: requested };
  }

  /** Metadata digest of one entry: type, mode, owner, link target and content, never the mtime. */
  entryDigest(relative: string): string {
    const entry = this.entries.get(relative);
    if (entry === undefined) return sha256(`implicit-directory\0${relative}`);
    return sha256([entry.type, entry.mode.toString(8), entry.uid, entry.gid, entry.linkname, entry.digest].join('\0'));
  }

  /**
   * The legacy builder's source hash of a context path: "file:<hex>" for a file or link,
   * "dir:<hex>" over every entry below a directory (names and entry digests).
   */
  sourceDigest(relative: string): string {
    const entry = this.entries.get(relative);
    if (relative !== '' && entry !== undefined && entry.type !== 'directory') return `file:${this.entryDigest(relative)}`;
    const prefix = relative === '' ? '' : `${relative}/`;
    const lines: string[] = [];
    for (const name of [...this.entries.keys()].sort()) {
      if (name === relative || name.startsWith(prefix)) lines.push(`${name.slice(prefix.length)}\0${this.entryDigest(name)}`);
    }
    return `dir:${sha256(lines.join('\n'))}`;
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/**
 * The stream with its last block padded and two end-of-archive blocks added: the docker CLI's
 * `build -f -` appends a .dockerignore entry and stops right after its data (dockerd's Go tar
 * reader takes that; extra zero blocks after a complete archive are ignored anyway).
 */
async function* completed(source: Readable): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of source) {
    size += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  yield Buffer.alloc((512 - (size % 512)) % 512 + 1024);
}

/** POSIX ustar ("ustar\0") or GNU ("ustar  ") magic at offset 257, or an all-zero first block (empty tar). */
function isTar(head: Buffer): boolean {
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return true;
  return head.length >= 512 && head.subarray(0, 512).every((byte) => byte === 0);
}

async function unpackEntry(
  root: string,
  header: TarHeader,
  body: TarEntryBody,
  entries: Map<string, ContextEntry>,
  directories: { path: string; mode: number; mtime: Date }[],
): Promise<void> {
  const relative = contextEntryPath(header.name);
  const type = header.type ?? 'file';
  if (relative === '' || !['file', 'contiguous-file', 'directory', 'symlink', 'link'].includes(type)) {
    await drainBody(body);
    return;
  }
  // Parents: created here as real directories, never through something this tar made a link or file.
  const parts = relative.split('/');
  for (let i = 1; i < parts.length; i++) {
    const parent = parts.slice(0, i).join('/');
    const known = entries.get(parent);
    if (known === undefined) {
      await mkdir(join(root, parent), { recursive: true, mode: 0o755 });
      continue;
    }
    if (known.type !== 'directory') {
      throw new InvalidArgumentError(`invalid build context: the tar entry ${JSON.stringify(header.name)} passes through the ${known.type} ${JSON.stringify(parent)}`);
    }
  }
  const path = join(root, relative);
  const previous = entries.get(relative);
  if (previous !== undefined && !(previous.type === 'directory' && type === 'directory')) {
    await rm(path, { recursive: true, force: true });
    for (const name of [...entries.keys()]) if (name === relative || name.startsWith(`${relative}/`)) entries.delete(name);
  }
  const mode = (header.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777;
  const mtime = header.mtime ?? new Date(0);
  const entry: ContextEntry = { type: 'file', mode, uid: header.uid ?? 0, gid: header.gid ?? 0, size: 0, linkname: '', digest: '', mtime };
  switch (type) {
    case 'directory':
      await drainBody(body);
      await mkdir(path, { recursive: true, mode: 0o755 });
      directories.push({ path, mode, mtime });
      entry.type = 'directory';
      break;
    case 'symlink':
      await drainBody(body);
      // Stored as written; COPY resolves it inside the context root, never on the host.
      await symlink(header.linkname ?? '', path);
      await lutimes(path, mtime, mtime);
      entry.type = 'symlink';
      entry.linkname = header.linkname ?? '';
      break;
    case 'link': {
      await drainBody(body);
      const target = contextEntryPath(header.linkname ?? '');
      const source = entries.get(target);
      if (source === undefined || source.type !== 'file') {
        throw new InvalidArgumentError(`invalid build context: the hard link ${JSON.stringify(header.name)} points to ${JSON.stringify(header.linkname)}, which is not a file in the context`);
      }
      await link(join(root, target), path);
      Object.assign(entry, { ...source, mtime });
      break;
    }
    default: {
      const hash = createHash('sha256');
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      let size = 0;
      try {
        for await (const chunk of body) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
          await handle.write(chunk as Buffer);
        }
        await handle.chmod(mode);
        await handle.utimes(mtime, mtime);
      } finally {
        await handle.close();
      }
      entry.size = size;
      entry.digest = hash.digest('hex');
    }
  }
  entries.set(relative, entry);
}
