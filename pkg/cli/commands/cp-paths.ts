// Path rules of `docker cp` (pure): argument splitting, docker's archive.SplitPathDirEntry,
// directory assertions, entry renaming, and PrepareArchiveCopy's decision table.
import { posix } from 'node:path';

/** `container:path` or a local path (absolute paths and ./ paths are always local). */
export function splitCopyArgument(argument: string): { container: string; path: string } {
  if (argument.startsWith('/')) return { container: '', path: argument };
  const colon = argument.indexOf(':');
  if (colon === -1 || argument.slice(0, colon).startsWith('.')) return { container: '', path: argument };
  return { container: argument.slice(0, colon), path: argument.slice(colon + 1) };
}

export function specifiesCurrentDir(path: string): boolean {
  return path === '.' || path.endsWith('/.');
}

export function hasTrailingSeparator(path: string): boolean {
  return path.length > 0 && path.endsWith('/');
}

/** A path that must name a directory (`dir/` or `dir/.`). */
export function assertsDirectory(path: string): boolean {
  return hasTrailingSeparator(path) || specifiesCurrentDir(path);
}

/** archive.SplitPathDirEntry: "/a/b/" → ["/a", "b"], "/a/b/." → ["/a/b", "."]. */
export function splitPathDirEntry(path: string): { dir: string; base: string } {
  let cleaned = posix.normalize(path);
  if (cleaned.length > 1) cleaned = cleaned.replace(/\/+$/, '');
  if (specifiesCurrentDir(path)) cleaned = cleaned === '/' ? '/.' : `${cleaned}/.`;
  return { dir: posix.dirname(cleaned), base: cleaned === '/' ? '/' : posix.basename(cleaned) };
}

/** archive's name rebaser: renames the leading `oldBase` component of an entry to `newBase`. */
export function rebaseName(oldBase: string, newBase: string): (name: string) => string {
  const from = oldBase.replace(/\/+$/, '');
  const to = newBase.replace(/\/+$/, '');
  if (from === '') {
    return (name) => {
      const trimmed = name.replace(/^\/+/, '');
      return to === '' ? trimmed : `${to}/${trimmed}`;
    };
  }
  return (name) => {
    if (!name.startsWith(from)) return name;
    const suffix = name.slice(from.length);
    if (suffix !== '' && !suffix.startsWith('/')) return name;
    return to + suffix;
  };
}

export interface CopyInfo {
  path: string;
  exists: boolean;
  isDir: boolean;
  rebaseName: string;
}

export class CopyError extends Error {}

/**
 * archive.PrepareArchiveCopy: where to extract a source archive for a destination, and which
 * rename (if any) its entries need.
 */
export function prepareArchiveCopy(source: CopyInfo, destination: CopyInfo): { dir: string; rename: [string, string] | undefined } {
  const { dir: destinationDir, base: destinationBase } = splitPathDirEntry(destination.path);
  let sourceBase = splitPathDirEntry(source.path).base;
  if (source.rebaseName !== '') sourceBase = source.rebaseName;
  if (destination.exists && destination.isDir) return { dir: destination.path, rename: undefined };
  if (destination.exists && source.isDir) throw new CopyError('cannot copy directory');
  if (destination.exists) return { dir: destinationDir, rename: [sourceBase, destinationBase] };
  if (source.isDir) return { dir: destinationDir, rename: [sourceBase, destinationBase] };
  if (assertsDirectory(destination.path)) throw new CopyError('no such directory');
  return { dir: destinationDir, rename: [sourceBase, destinationBase] };
}

/** Keeps a trailing "/" or "/." of the original on an absolute path (PreserveTrailingDotOrSeparator). */
export function preserveTrailing(absolute: string, original: string): string {
  if (specifiesCurrentDir(original) && !specifiesCurrentDir(absolute)) return `${absolute.replace(/\/$/, '')}/.`;
  if (hasTrailingSeparator(original) && !hasTrailingSeparator(absolute)) return `${absolute}/`;
  return absolute;
}

/** Go's os.FileMode type bits as docker's path-stat header carries them. */
export const MODE_DIR = 2 ** 31;
export const MODE_SYMLINK = 2 ** 27;
export const isDirMode = (mode: number): boolean => mode >= MODE_DIR;
export const isSymlinkMode = (mode: number): boolean => Math.floor(mode / MODE_SYMLINK) % 2 === 1;
