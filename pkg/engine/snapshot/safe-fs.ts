// Filesystem steps that never follow a symlink: walking and creating parent directories component
// by component with lstat, and removing what an entry replaces. Effectful.
import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { hasErrno } from '../../errdefs/index.js';
import { entryError } from './entry-path.js';

export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/**
 * Makes sure every directory above `relative` (a normalised path below `root`) exists as a real
 * directory, creating missing ones with mode 0755. Refuses (naming `entryName`) when a component
 * is a symlink or not a directory, so that nothing is ever written through a link.
 * Returns the absolute path of the parent directory.
 */
export async function ensureParentDirs(root: string, relative: string, entryName: string, memo?: ExtractionMemo): Promise<string> {
  const components = relative.split('/').slice(0, -1);
  let current = root;
  let currentRelative = '';
  for (const component of components) {
    current = join(current, component);
    currentRelative = currentRelative === '' ? component : `${currentRelative}/${component}`;
    if (memo?.isKnownDir(currentRelative)) continue;
    memo?.markDir(currentRelative, false);
    const stats = await lstatOrUndefined(current);
    if (stats === undefined) {
      try {
        await mkdir(current, { mode: 0o755 });
        await chmod(current, 0o755); // whatever the daemon's umask
      } catch (err) {
        if (!hasErrno(err, 'EEXIST')) throw err;
        const again = await lstat(current);
        if (!again.isDirectory()) throw entryError(entryName, 'path passes through a non-directory');
      }
      continue;
    }
    if (stats.isSymbolicLink()) throw entryError(entryName, 'path passes through a symlink');
    if (!stats.isDirectory()) throw entryError(entryName, 'path passes through a non-directory');
  }
  return current;
}

/**
 * What one extraction into a fresh directory that nobody else writes to has created itself, so it
 * can skip the lstat calls that could only confirm its own work (a 3x speed-up on busybox). Each
 * replacement of a path forgets it and everything below it, so a directory later replaced by a
 * symlink is checked again. Never used for a rootfs others can write to (docker cp).
 */
export class ExtractionMemo {
  private readonly dirs = new Set<string>();
  private readonly paths = new Set<string>();
  private readonly setgidDirs = new Set<string>();

  isKnownDir(relative: string): boolean {
    return this.dirs.has(relative);
  }

  /** False only when nothing was ever created at `relative` in this extraction. */
  mayExist(relative: string): boolean {
    return this.paths.has(relative) || this.dirs.has(relative);
  }

  markDir(relative: string, setgid: boolean): void {
    this.dirs.add(relative);
    this.paths.add(relative);
    if (setgid) this.setgidDirs.add(relative);
    else this.setgidDirs.delete(relative);
  }

  markPath(relative: string): void {
    this.forget(relative);
    this.paths.add(relative);
  }

  /** New entries in a setgid directory take its group, not the creator's. */
  isSetgidDir(relative: string): boolean {
    return this.setgidDirs.has(relative);
  }

  forget(relative: string): void {
    if (this.dirs.has(relative)) {
      const prefix = `${relative}/`;
      for (const set of [this.dirs, this.paths, this.setgidDirs]) {
        for (const item of set) if (item.startsWith(prefix)) set.delete(item);
      }
    }
    this.dirs.delete(relative);
    this.paths.delete(relative);
    this.setgidDirs.delete(relative);
  }
}

/** Like ensureParentDirs but creates nothing: the parents of an existing path, for hardlink targets. */
export async function checkParentDirs(root: string, relative: string, entryName: string): Promise<string> {
  const components = relative.split('/').slice(0, -1);
  let current = root;
  for (const component of components) {
    current = join(current, component);
    const stats = await lstatOrUndefined(current);
    if (stats === undefined) return current;
    if (stats.isSymbolicLink()) throw entryError(entryName, 'link target passes through a symlink');
    if (!stats.isDirectory()) throw entryError(entryName, 'link target passes through a non-directory');
  }
  return current;
}

/** Removes a file, link or whole directory tree at `path` without following links. */
export async function removePath(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
