// docker cp's archive endpoints on a rootfs: GET /archive as a tar of a file or directory (entries
// based at the requested base name) and PUT /archive extraction with the layer safety rules. Effectful.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { decompressed } from './decompress.js';
import { lstatOrUndefined } from './safe-fs.js';
import { notFound, resolveContainerPath, resolveInRoot } from './scoped-path.js';
import { untar } from './untar.js';
import { packEntry, packStream, type TarEntryHeader } from './tar-stream-io.js';

export interface TarFromPathOptions {
  containerName?: string;
}

/**
 * A tar of `path` inside `root` (the last element not followed, as dockerd does): a file becomes one
 * entry named by its base name, a directory `name/` and everything below it. Hard links inside the
 * tree are stored once and linked. The stream errors if reading fails midway.
 */
export async function tarFromPath(root: string, path: string, options: TarFromPathOptions = {}): Promise<Readable> {
  const { absPath, resolvedPath } = await resolveContainerPath(root, path);
  const stats = await lstatOrUndefined(resolvedPath);
  if (stats === undefined) throw notFound(absPath, options.containerName);
  const cleaned = posix.normalize(absPath);
  const followAll = absPath.endsWith('/') || absPath.endsWith('/.');
  // A trailing "/" or "/." asks for the directory the path resolves to, symlinks included.
  const source = followAll ? await resolveInRoot(root, cleaned) : resolvedPath;
  const baseName = cleaned === '/' || absPath.endsWith('/.') ? '.' : posix.basename(cleaned);
  const pack = tar.pack();
  void writeTree(pack, source, baseName).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

async function writeTree(pack: tar.Pack, hostPath: string, entryName: string): Promise<void> {
  const seenInodes = new Map<number, string>();
  const stack: { hostPath: string; entryName: string }[] = [{ hostPath, entryName }];
  while (stack.length > 0) {
    const item = stack.pop() as { hostPath: string; entryName: string };
    const stats = await lstat(item.hostPath);
    const base = {
      name: item.entryName,
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      mtime: stats.mtime,
    };
    if (stats.isDirectory()) {
      await addEntry(pack, { ...base, type: 'directory', name: item.entryName === '.' ? './' : `${item.entryName}/` });
      const names = (await readdir(item.hostPath)).sort().reverse();
      for (const name of names) {
        stack.push({ hostPath: join(item.hostPath, name), entryName: item.entryName === '.' ? name : `${item.entryName}/${name}` });
      }
    } else if (stats.isSymbolicLink()) {
      await addEntry(pack, { ...base, type: 'symlink', linkname: await readlink(item.hostPath) });
    } else if (stats.isFile()) {
      const first = stats.nlink > 1 ? seenInodes.get(stats.ino) : undefined;
      if (first !== undefined) {
        await addEntry(pack, { ...base, type: 'link', linkname: first });
        continue;
      }
      if (stats.nlink > 1) seenInodes.set(stats.ino, item.entryName);
      await addFile(pack, { ...base, type: 'file', size: stats.size }, item.hostPath);
    } else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
      await addEntry(pack, {
        ...base,
        type: stats.isCharacterDevice() ? 'character-device' : 'block-device',
        devmajor: Math.floor(stats.rdev / 256) & 0xfff,
        devminor: (stats.rdev & 0xff) | ((stats.rdev >>> 12) & 0xfff00),
      });
    } else if (stats.isFIFO()) {
      await addEntry(pack, { ...base, type: 'fifo' });
    }
    // sockets have no tar form and are skipped, as in docker's archiver
  }
}

async function addEntry(pack: tar.Pack, header: TarEntryHeader): Promise<void> {
  await packEntry(pack, header);
}

async function addFile(pack: tar.Pack, header: TarEntryHeader & { size: number }, hostPath: string): Promise<void> {
  // Read at most the size announced in the header: a file growing meanwhile must not corrupt the tar.
  const body: AsyncIterable<unknown> = header.size > 0 ? createReadStream(hostPath, { end: header.size - 1 }) : Readable.from([]);
  await packStream(pack, header, body);
}

export interface ExtractToPathOptions {
  /** docker cp sends noOverwriteDirNonDir=true: a dir and a non-dir never replace each other. */
  noOverwriteDirNonDir?: boolean;
  containerName?: string;
  /** Owner for every extracted entry instead of the tar headers' (docker cp -a semantics differ). */
  owner?: { uid: number; gid: number };
}

/**
 * PUT /containers/{id}/archive: extracts a (plain or gzip) tar into `destDir` inside `root`. The
 * destination is resolved in scope following symlinks and must be an existing directory.
 */
export async function extractTarToPath(root: string, destDir: string, source: Readable, options: ExtractToPathOptions = {}): Promise<void> {
  const absPath = posix.join('/', destDir);
  const resolved = await resolveInRoot(root, absPath);
  const stats = await lstatOrUndefined(resolved);
  if (stats === undefined) throw notFound(absPath, options.containerName);
  if (!stats.isDirectory()) {
    throw new InvalidArgumentError('extraction point is not a directory');
  }
  const { stream } = await decompressed(source);
  await untar(resolved, stream, {
    whiteouts: 'none',
    noOverwriteDirNonDir: options.noOverwriteDirNonDir,
    owner: options.owner,
    displayRoot: absPath,
  });
}
