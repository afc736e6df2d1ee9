// Local tar handling for `cp` (effects: filesystem): packing a host path like docker's
// TarResourceRebase and extracting a container's archive like archive.Untar with
// NoOverwriteDirNonDir, renaming entries as PrepareArchiveCopy decided.
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, link, lstat, mkdir, readdir, readlink, rm, symlink, utimes } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StatusError } from '../errors.js';
import { splitPathDirEntry } from './cp-paths.js';

type TarStream = typeof import('tar-stream');
let tarStream: TarStream | undefined;
async function loadTar(): Promise<TarStream> {
  tarStream ??= (await import('tar-stream')).default as unknown as TarStream;
  return tarStream;
}

/**
 * A tar of `sourcePath` whose entries are named from its base (`base`, `base/x`; `./x` for a
 * trailing `/.`), renamed by `rename`. The archive is produced while it is read.
 */
export async function packHostPath(sourcePath: string, rename: (name: string) => string, options: { rebaseName: string }): Promise<Readable> {
  const tar = await loadTar();
  const pack = tar.pack();
  const { dir, base } = splitPathDirEntry(sourcePath);
  const root = base === '.' ? dir : join(dir, base);
  const entryName = (relativePath: string): string => {
    let name = relativePath === '' ? base : base === '.' ? `./${relativePath}` : posix.join(base, relativePath);
    if (options.rebaseName !== '' && base !== '.') name = options.rebaseName + name.slice(base.length);
    return rename(name);
  };
  const add = async (absolute: string, relativePath: string): Promise<void> => {
    const stat = await lstat(absolute);
    const common = { mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, mtime: stat.mtime };
    if (stat.isDirectory()) {
      pack.entry({ ...common, name: `${entryName(relativePath)}/`, type: 'directory' });
      for (const child of (await readdir(absolute)).sort()) await add(join(absolute, child), relativePath === '' ? child : posix.join(relativePath, child));
    } else if (stat.isSymbolicLink()) {
      pack.entry({ ...common, name: entryName(relativePath), type: 'symlink', linkname: await readlink(absolute) });
    } else if (stat.isFile()) {
      const entry = pack.entry({ ...common, name: entryName(relativePath), type: 'file', size: stat.size });
      await pipeline(createReadStream(absolute), entry);
    }
  };
  void (async () => {
    try {
      await add(root, '');
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return Readable.from(pack);
}

function inside(root: string, target: string): boolean {
  const path = relative(root, target);
  return path === '' || (!path.startsWith('..') && !path.startsWith(sep) && path !== '..');
}

/** Extracts `archive` into `directory`, never replacing a directory by a file or the reverse. */
export async function extractArchive(archive: Readable, directory: string, rename: (name: string) => string): Promise<void> {
  const tar = await loadTar();
  const extract = tar.extract();
  const root = resolve(directory);
  const feeding = pipeline(archive, extract);
  for await (const entry of extract) {
    const header = entry.header;
    const name = rename(header.name).replace(/\/+$/, '');
    const target = resolve(root, name);
    if (!inside(root, target)) throw new StatusError(1, `invalid archive entry ${JSON.stringify(header.name)}: outside the destination`);
    const existing = await lstat(target).catch(() => undefined);
    if (header.type === 'directory') {
      if (existing && !existing.isDirectory()) throw new StatusError(1, `cannot overwrite non-directory ${JSON.stringify(target)} with directory ${JSON.stringify(name)}`);
      await mkdir(target, { recursive: true, mode: header.mode ?? 0o755 });
      entry.resume();
      continue;
    }
    if (existing?.isDirectory()) throw new StatusError(1, `cannot overwrite directory ${JSON.stringify(target)} with non-directory ${JSON.stringify(name)}`);
    await mkdir(resolve(target, '..'), { recursive: true });
    if (existing) await rm(target, { force: true });
    if (header.type === 'symlink') {
      await symlink(header.linkname ?? '', target);
      entry.resume();
    } else if (header.type === 'link') {
      const source = resolve(root, rename(header.linkname ?? ''));
      if (!inside(root, source)) throw new StatusError(1, `invalid hardlink ${JSON.stringify(header.linkname)}`);
      await link(source, target);
      entry.resume();
    } else if (header.type === 'file' || header.type === 'contiguous-file') {
      await pipeline(entry, createWriteStream(target, { mode: header.mode ?? 0o644 }));
      await chmod(target, header.mode ?? 0o644);
      if (header.mtime) await utimes(target, header.mtime, header.mtime);
    } else {
      entry.resume();
    }
  }
  await feeding;
}
