// Disk usage of a directory tree the way dockerd's overlay2 counts it: the sizes of every
// non-directory, each hard-linked inode once, never following symlinks. Effectful (reads only).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function directorySize(root: string): Promise<number> {
  const seen = new Set<number>();
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    const names = await readdir(dir);
    for (const name of names) {
      const path = join(dir, name);
      const stats = await lstat(path);
      if (stats.isDirectory()) {
        stack.push(path);
        continue;
      }
      if (stats.size === 0 || seen.has(stats.ino)) continue;
      seen.add(stats.ino);
      total += stats.size;
    }
  }
  return total;
}
