// Paths inside a container rootfs: symlinks followed but never out of the root (like Go's
// securejoin), and docker's X-Docker-Container-Path-Stat. Reads only.
import type { Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../errdefs/index.js';
import { lstatOrUndefined } from './safe-fs.js';

/** Linux's own limit on symlinks followed in one lookup. */
const MAX_SYMLINKS = 40;

/**
 * Resolves `path` (taken as absolute inside `root`) to a host path below `root`, following every
 * symlink as the container would see it: absolute targets restart at `root` and ".." never climbs
 * above it. Components that do not exist are appended lexically.
 */
export async function resolveInRoot(root: string, path: string): Promise<string> {
  const cleanRoot = posix.resolve(root);
  let pending = posix.normalize(`/${path}`).split('/').filter((part) => part !== '' && part !== '.');
  let resolved: string[] = [];
  let followed = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = posix.join(cleanRoot, ...resolved, part);
    const stats = await lstatOrUndefined(candidate);
    if (stats === undefined || !stats.isSymbolicLink()) {
      resolved.push(part);
      continue;
    }
    if (++followed > MAX_SYMLINKS) throw new InvalidArgumentError(`too many levels of symbolic links resolving ${path}`);
    const target = await readlink(candidate);
    const targetParts = target.split('/').filter((item) => item !== '' && item !== '.');
    if (target.startsWith('/')) resolved = [];
    pending = [...targetParts, ...pending];
  }
  return posix.join(cleanRoot, ...resolved);
}

/** Go's os.FileMode bits (what docker puts in PathStat.mode), from an lstat result. */
export function goFileMode(stats: Stats): number {
  const GO_DIR = 2 ** 31;
  const GO_SYMLINK = 2 ** 27;
  const GO_DEVICE = 2 ** 26;
  const GO_NAMED_PIPE = 2 ** 25;
  const GO_SOCKET = 2 ** 24;
  const GO_SETUID = 2 ** 23;
  const GO_SETGID = 2 ** 22;
  const GO_CHAR_DEVICE = 2 ** 21;
  const GO_STICKY = 2 ** 20;
  let mode = stats.mode & 0o777;
  if (stats.isDirectory()) mode += GO_DIR;
  else if (stats.isSymbolicLink()) mode += GO_SYMLINK;
  else if (stats.isFIFO()) mode += GO_NAMED_PIPE;
  else if (stats.isSocket()) mode += GO_SOCKET;
  else if (stats.isBlockDevice()) mode += GO_DEVICE;
  else if (stats.isCharacterDevice()) mode += GO_DEVICE + GO_CHAR_DEVICE;
  if (stats.mode & 0o4000) mode += GO_SETUID;
  if (stats.mode & 0o2000) mode += GO_SETGID;
  if (stats.mode & 0o1000) mode += GO_STICKY;
  return mode;
}

/** RFC 3339 in UTC with Go's trimmed fractional seconds ("2026-11-22T17:26:38Z"). */
export function goTime(ms: number, nanosecondsPart?: bigint): string {
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, '');
  const nanos = nanosecondsPart ?? BigInt(Math.round((ms % 1000) * 1e6));
  if (nanos === 0n) return `${iso}Z`;
  return `${iso}.${nanos.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

export interface ResolvedContainerPath {
  /** The path the user asked for, absolute inside the container (trailing "/" or "/." kept). */
  absPath: string;
  /** Host path: parent directories resolved in root, the last element itself not followed. */
  resolvedPath: string;
}

/** docker's ResolvePath: resolve the directory part in scope, then append the base name as is. */
export async function resolveContainerPath(root: string, path: string): Promise<ResolvedContainerPath> {
  let absPath = posix.join('/', path);
  if ((path.endsWith('/') || path.endsWith('/.')) && !absPath.endsWith('/')) absPath += path.endsWith('/.') ? '/.' : '/';
  const slash = absPath.lastIndexOf('/');
  const dirPart = absPath.slice(0, slash + 1);
  const basePart = absPath.slice(slash + 1);
  const resolvedDir = await resolveInRoot(root, dirPart);
  const resolvedPath = basePart === '' || basePart === '.' ? resolvedDir : posix.join(resolvedDir, basePart);
  return { absPath, resolvedPath };
}

/** HEAD /containers/{id}/archive: stat `path` inside `root` without following its last element. */
export async function statInRoot(root: string, path: string, options: { containerName?: string } = {}): Promise<PathStat> {
  const { absPath, resolvedPath } = await resolveContainerPath(root, path);
  const stats = await lstatOrUndefined(resolvedPath);
  if (stats === undefined) throw notFound(absPath, options.containerName);
  let linkTarget = '';
  if (stats.isSymbolicLink()) {
    const hostTarget = await resolveInRoot(root, absPath);
    linkTarget = `/${posix.relative(posix.resolve(root), hostTarget)}`;
  }
  const cleaned = posix.normalize(absPath);
  return {
    name: cleaned === '/' ? '/' : posix.basename(cleaned),
    size: stats.size,
    mode: goFileMode(stats),
    mtime: goTime(stats.mtimeMs),
    linkTarget,
  };
}

export function notFound(absPath: string, containerName?: string): NotFoundError {
  const where = containerName === undefined ? 'the container' : `container ${containerName}`;
  return new NotFoundError(`Could not find the file ${absPath} in ${where}`);
}
