// docker cp's archive endpoints on a rootfs: GET /archive as a tar of a file or directory (entries
// based at the requested base name) and PUT /archive extraction with the layer safety rules. Effectful.
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { decompressed } from './decompress.js';
import { lstatOrUndefined } from './safe-fs.js';
import { notFound, resolveContainerPath, resolveInRoot } from './scoped-path.js';
import { untar } from './untar.js';
import { packTree } from './tar-tree.js';

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
  void packTree(pack, source, baseName).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

/**
 * A tar of everything below the directory `root`, without an entry for `root` itself and with bare
 * names ("bin/", "bin/sh"): the layout of `docker export`. The stream errors if reading fails midway.
 */
export function tarOfTree(root: string): Readable {
  const pack = tar.pack();
  void packTree(pack, root, '').then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
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
