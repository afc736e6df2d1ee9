// `docker diff` for overlay: the A/C/D list read from a container's upper dir, compared with the
// image's layer dirs (Kind 0 modified, 1 added, 2 deleted, as the Engine API numbers them). Reads only.
import type { Stats } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { listOpaqueDirs } from './host-tools.js';
import { lstatOrUndefined } from './safe-fs.js';

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

/** Same directory as in a lower layer: present only because something below it changed. */
function sameDirectory(upper: Stats, lower: Stats): boolean {
  return lower.isDirectory() && upper.size === lower.size && upper.mode === lower.mode && upper.mtimeMs === lower.mtimeMs;
}

/**
 * Walks `upperDir` in lexical order like dockerd's overlay changes: a whiteout is a deletion, an
 * opaque directory is reported deleted (its lower contents are gone) with its new children added,
 * anything present in a lower dir is a modification, the rest additions; the parent of an added or
 * deleted path is reported modified once.
 */
export async function upperDirChanges(upperDir: string, lowerDirs: readonly string[]): Promise<Change[]> {
  const opaque = new Set((await listOpaqueDirs(upperDir)).map((path) => `/${posix.relative(upperDir, path)}`));
  const changes: Change[] = [];
  const changedDirs = new Set<string>();

  async function visit(relative: string): Promise<void> {
    const names = (await readdir(join(upperDir, relative))).sort();
    for (const name of names) {
      const path = posix.join('/', relative, name);
      const stats = await lstatOrUndefined(join(upperDir, path));
      if (stats === undefined) continue;
      let kind: ChangeKind | undefined;
      if (isWhiteout(stats) || (stats.isDirectory() && opaque.has(path))) {
        kind = ChangeKind.Deleted;
      } else {
        kind = ChangeKind.Added;
        for (const lower of lowerDirs) {
          const lowerStats = await lstatOrUndefined(join(lower, path));
          if (lowerStats === undefined) continue;
          kind = stats.isDirectory() && sameDirectory(stats, lowerStats) ? undefined : ChangeKind.Modified;
          break;
        }
      }
      if (kind !== undefined) {
        if (stats.isDirectory()) changedDirs.add(path);
        if (kind !== ChangeKind.Modified) {
          const parent = posix.dirname(path);
          if (parent !== '/' && !changedDirs.has(parent)) {
            changes.push({ Path: parent, Kind: ChangeKind.Modified });
            changedDirs.add(parent);
          }
        }
        changes.push({ Path: path, Kind: kind });
      }
      if (stats.isDirectory()) await visit(path.slice(1));
    }
  }

  await visit('');
  return changes;
}
