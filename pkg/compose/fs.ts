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
