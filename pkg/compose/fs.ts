// The compose loader's only contact with the file system (effect shell): synchronous reads and
// stats through node:fs, behind the ComposeFileSystem interface the pure loader takes.

import { readFileSync, statSync } from 'node:fs';
import type { ComposeFileSystem } from './loader.js';

export const nodeFileSystem: ComposeFileSystem = {
  readFile(path: string): string | undefined {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  stat(path: string): 'file' | 'directory' | undefined {
    try {
      const s = statSync(path);
      return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  },
};

/** An in-memory file system (absolute paths to contents), for tests and for loading generated files. */
export function memoryFileSystem(files: Readonly<Record<string, string>>): ComposeFileSystem {
  const directories = new Set<string>();
  for (const path of Object.keys(files)) {
    let dir = path;
    while (dir.includes('/') && dir !== '/') {
      dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
      directories.add(dir);
    }
  }
  return {
    readFile: (path) => files[path],
    stat: (path) => (files[path] !== undefined ? 'file' : directories.has(path) ? 'directory' : undefined),
  };
}
