// Tar entry names: normalisation, escape detection and whiteout classification (pure).
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errdefs/index.js';

export const WHITEOUT_PREFIX = '.wh.';
export const WHITEOUT_META_PREFIX = '.wh..wh.';
export const OPAQUE_WHITEOUT = '.wh..wh..opq';

export function entryError(name: string, reason: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid tar entry ${JSON.stringify(name)}: ${reason}`);
}

/**
 * Normalises a tar entry name to a path relative to the extraction root: leading "/" and "./" are
 * dropped, "a/./b" and "a/x/../b" collapse. Returns "" for the root itself. Throws when the
 * name escapes the root ("../x", "a/../../x") or contains a NUL byte.
 */
export function normalizeEntryName(name: string): string {
  if (name.includes('\0')) throw entryError(name, 'name contains a NUL byte');
  const normalized = posix.normalize(`/${name}`);
  // Normalising "/"+name can never climb above "/", so compare against the name's own ".."s.
  const relative = posix.normalize(name.replace(/^\/+/, '') || '.');
  if (relative === '..' || relative.startsWith('../')) throw entryError(name, 'path escapes the root');
  const result = normalized.replace(/^\/+/, '').replace(/\/+$/, '');
  return result;
}

export type WhiteoutKind =
  | { kind: 'none' }
  | { kind: 'opaque' } // the entry's directory hides everything below it in lower layers
  | { kind: 'whiteout'; target: string } // hides `target` (a sibling name) of lower layers
  | { kind: 'meta' }; // other .wh..wh.* bookkeeping files (aufs hard-link dirs): skipped

export function classifyWhiteout(baseName: string): WhiteoutKind {
  if (baseName === OPAQUE_WHITEOUT) return { kind: 'opaque' };
  if (baseName.startsWith(WHITEOUT_META_PREFIX)) return { kind: 'meta' };
  if (baseName.startsWith(WHITEOUT_PREFIX)) {
    const target = baseName.slice(WHITEOUT_PREFIX.length);
    if (target === '' || target === '.' || target === '..') return { kind: 'meta' };
    return { kind: 'whiteout', target };
  }
  return { kind: 'none' };
}
