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
export async function ensureParentDirs(root: string, relative: string, entryName: string): Promise<string> {
  const components = relative.split('/').slice(0, -1);
  let current = root;
  for (const component of components) {
    current = join(current, component);
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
