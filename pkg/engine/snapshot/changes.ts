// `docker diff` for overlay: the A/C/D list of what a container changed relative to its image (Kind
// 0 modified, 1 added, 2 deleted, as the Engine API numbers them), read from the container's upper
// dir against the image's layer dirs. Reads only.
//
// dockerd's overlay2 answers with its naive diff (archive.ChangesDirs of the mounted container and
// image trees); only paths in the upper dir can differ, so walking it gives the same list:
// - a path the image lacks is added (and so is everything below it);
// - a path the image has is modified when its type, mode, owner or device differ, or, for
//   non-directories, its size or mtime (a directory's size and mtime are no sign of change);
// - a whiteout is a deletion, and so is every entry of an image directory that an opaque directory
//   of the container hides;
// - a directory with any change below it is reported modified, before its contents.
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { hasErrno } from '../../errdefs/index.js';
import { listOpaqueDirs } from './host-tools.js';

export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

export interface Change {
  /** Absolute path inside the container, e.g. "/etc/passwd". */
  Path: string;
  Kind: ChangeKind;
}

function isWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

/** lstat, or undefined when the path (or a component of it) does not exist as a directory tree. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (hasErrno(err, 'ENOENT') || hasErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** dockerd's statDifferent: directories differ only in type, mode, owner or device. */
function statDifferent(image: Stats, container: Stats): boolean {
  if (image.mode !== container.mode || image.uid !== container.uid || image.gid !== container.gid || image.rdev !== container.rdev) return true;
  return !image.isDirectory() && (image.size !== container.size || image.mtimeMs !== container.mtimeMs);
}

/** Opaque directories of an image layer ("/data", …); layers never change, so each is read once. */
const layerOpaqueDirs = new Map<string, Promise<Set<string>>>();

function opaqueDirsOf(layerDir: string): Promise<Set<string>> {
  let dirs = layerOpaqueDirs.get(layerDir);
  if (dirs === undefined) {
    dirs = listOpaqueDirs(layerDir).then((paths) => new Set(paths.map((path) => `/${posix.relative(layerDir, path)}`)));
    dirs.catch(() => layerOpaqueDirs.delete(layerDir));
    layerOpaqueDirs.set(layerDir, dirs);
  }
  return dirs;
}

function ancestors(path: string): string[] {
  const result: string[] = [];
  for (let dir = posix.dirname(path); dir !== '/'; dir = posix.dirname(dir)) result.push(dir);
  return result;
}

/** The image as overlayfs shows it: the layer dirs top-most first, whiteouts and opaque dirs applied. */
class ImageView {
  private constructor(
    private readonly layers: readonly string[],
    private readonly opaque: readonly Set<string>[],
  ) {}

  static async open(layers: readonly string[]): Promise<ImageView> {
    return new ImageView(layers, await Promise.all(layers.map(opaqueDirsOf)));
  }

  /** Whether layer `index` hides `path` in the layers below it (a whiteout, file or opaque dir above it). */
  private async hides(index: number, path: string): Promise<boolean> {
    for (const dir of ancestors(path)) {
      if (this.opaque[index].has(dir)) return true;
      const stats = await statOrUndefined(join(this.layers[index], dir));
      if (stats && !stats.isDirectory()) return true;
    }
    return false;
  }

  /** The image's entry at `path`, or undefined when the image has none. */
  async entry(path: string): Promise<Stats | undefined> {
    for (let index = 0; index < this.layers.length; index++) {
      const stats = await statOrUndefined(join(this.layers[index], path));
      if (stats) return isWhiteout(stats) ? undefined : stats;
      if (await this.hides(index, path)) return undefined;
    }
    return undefined;
  }

  /** The names in the image's directory `path`. */
  async children(path: string): Promise<Set<string>> {
    const names = new Set<string>();
    const gone = new Set<string>();
    for (let index = 0; index < this.layers.length; index++) {
      const dir = join(this.layers[index], path);
      const stats = await statOrUndefined(dir);
      if (!stats) {
        if (await this.hides(index, path)) break;
        continue;
      }
      if (!stats.isDirectory()) break;
      for (const name of await readdir(dir)) {
        if (names.has(name) || gone.has(name)) continue;
        const child = await statOrUndefined(join(dir, name));
        if (child && isWhiteout(child)) gone.add(name);
        else names.add(name);
      }
      if (this.opaque[index].has(path)) break;
    }
    return names;
  }
}

/** What the container changed: its upper dir against the image's layer dirs (top-most first). */
export async function upperDirChanges(upperDir: string, lowerDirs: readonly string[]): Promise<Change[]> {
  const opaque = new Set((await listOpaqueDirs(upperDir)).map((path) => `/${posix.relative(upperDir, path)}`));
  const image = await ImageView.open(lowerDirs);
  const changes: Change[] = [];

  /** `imageDir`: the image has a directory here whose entries the container may hide or change. */
  async function visit(dir: string, imageDir: boolean): Promise<void> {
    const names = new Set(await readdir(join(upperDir, dir)));
    const hidden = imageDir && opaque.has(dir) ? [...(await image.children(dir))].filter((name) => !names.has(name)) : [];
    for (const name of [...names, ...hidden].sort()) {
      const path = posix.join(dir, name);
      if (!names.has(name)) {
        changes.push({ Path: path, Kind: ChangeKind.Deleted });
        continue;
      }
      const stats = await statOrUndefined(join(upperDir, path));
      if (stats === undefined) continue;
      const before = imageDir ? await image.entry(path) : undefined;
      if (isWhiteout(stats)) {
        if (before) changes.push({ Path: path, Kind: ChangeKind.Deleted });
        continue;
      }
      const start = changes.length;
      const kind = before === undefined ? ChangeKind.Added : statDifferent(before, stats) ? ChangeKind.Modified : undefined;
      if (kind !== undefined) changes.push({ Path: path, Kind: kind });
      if (stats.isDirectory()) {
        await visit(path, before?.isDirectory() ?? false);
        if (kind === undefined && changes.length > start) changes.splice(start, 0, { Path: path, Kind: ChangeKind.Modified });
      }
    }
  }

  await visit('/', true);
  return changes;
}
