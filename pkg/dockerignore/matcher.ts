// .dockerignore patterns (pure), with moby/patternmatcher's rules: one pattern per line, `#`
// comments, `!` exceptions evaluated in order (the last match wins), `*` and `?` within one path
// element, `**` across any number of elements, `[…]` classes, `\` escapes, and a pattern that
// matches a parent directory excluding everything below it. Used by the daemon and the client.
import { posix } from 'node:path';

export interface IgnorePattern {
  /** The cleaned pattern without its `!`. */
  text: string;
  exclusion: boolean;
  regex: RegExp;
}

/** `.+()|{}$` mean nothing in these patterns and are matched literally. */
const LITERAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

function compile(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        // `**` at the end takes everything; elsewhere any number of whole elements, even none.
        source += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else source += '[^/]*';
    } else if (ch === '?') source += '[^/]';
    else if (LITERAL.has(ch)) source += `\\${ch}`;
    else if (ch === '\\') source += i + 1 < pattern.length ? `\\${pattern[++i]}` : '\\\\';
    else source += ch;
  }
  try {
    return new RegExp(`${source}$`, 's');
  } catch {
    // An unbalanced class ("[a"): match it literally rather than fail the whole build.
    return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 's');
  }
}

/** Reads .dockerignore text into patterns (comments and blank lines dropped, paths cleaned). */
export function parseDockerignore(text: string): IgnorePattern[] {
  const patterns: IgnorePattern[] = [];
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (rawLine.startsWith('#')) continue;
    let line = rawLine.trim();
    if (line === '') continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    if (line !== '') {
      line = posix.normalize(line);
      if (line.length > 1 && line.endsWith('/')) line = line.slice(0, -1);
      if (line.length > 1 && line.startsWith('/')) line = line.replace(/^\/+/, '') || '/';
    }
    patterns.push({ text: line, exclusion, regex: compile(line) });
  }
  return patterns;
}

/**
 * True when `relativePath` (slash-separated, relative to the context root) is excluded: the
 * patterns are applied in order, each matching the path itself or one of its parent directories.
 */
export function isExcluded(patterns: readonly IgnorePattern[], relativePath: string): boolean {
  const path = posix.normalize(relativePath).replace(/^\.\/|^\/+/, '').replace(/\/+$/, '');
  const parents = path.split('/');
  let matched = false;
  for (const pattern of patterns) {
    // An include pattern cannot change a match, nor an exception a non-match.
    if (pattern.exclusion !== matched) continue;
    let match = pattern.regex.test(path);
    for (let i = 1; !match && i < parents.length; i++) match = pattern.regex.test(parents.slice(0, i).join('/'));
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}

/** True if some exception pattern could re-include something below an excluded directory. */
export function hasExceptions(patterns: readonly IgnorePattern[]): boolean {
  return patterns.some((pattern) => pattern.exclusion);
}
