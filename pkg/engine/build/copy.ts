// COPY and ADD on a mounted rootfs (effectful): source paths (globs, directories, symlinks
// followed only inside their own root) from the build context or another stage's rootfs, the
// destination rules of the Dockerfile reference, --chown/--chmod, heredoc files and local tar
// archives unpacked by ADD. Nothing is read or written outside the given roots.
import { constants, type Stats } from 'node:fs';
import { chmod, copyFile, lchown, lstat, lutimes, mkdir, open, readFile, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join, posix } from 'node:path';
import { InvalidArgumentError, hasErrno } from '../../errdefs/index.js';
import { decompressed, resolveInRoot, untar } from '../snapshot/index.js';

export interface Owner {
  uid: number;
  gid: number;
}

/** One thing to copy: a path inside `root` (already resolved there) and the name it is copied as. */
export interface CopySource {
  /** Host directory the source lives in: the context or a stage's rootfs. */
  root: string;
  /** Host path of the source, below `root`, symlinks already resolved in scope. */
  hostPath: string;
  /** Base name the source is copied as (the name written in the Dockerfile or matched by a glob). */
  name: string;
}

export interface CopyOptions {
  /** --chown resolved to numbers; root when absent. */
  owner?: Owner;
  /** --chmod: permission bits for every copied file and directory. */
  mode?: number;
  /** ADD: unpack local tar archives instead of copying them. */
  extractArchives?: boolean;
  /** "COPY" or "ADD", for messages. */
  instruction: string;
}

const ROOT_OWNER: Owner = { uid: 0, gid: 0 };

export function hasWildcards(path: string): boolean {
  return /[*?[\\]/.test(path);
}

/** filepath.Match for one path element → RegExp (`*`, `?`, `[…]` with `^`/`!` negation, `\` escapes). */
export function elementPattern(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) source += `\\${pattern[++i]}`;
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new InvalidArgumentError(`syntax error in pattern: ${pattern}`);
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\(?!.)/g, '\\\\')}]`;
      i = end;
    } else source += ch.replace(/[.+^${}()|\]\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`, 's');
}

/** A source path as written → path relative to the context root; refuses anything above it. */
export function contextRelative(source: string): string {
  const cleaned = posix.normalize(source.replace(/^\/+/, '') || '.');
  if (cleaned === '..' || cleaned.startsWith('../')) throw new InvalidArgumentError(`forbidden path outside the build context: ${source}`);
  return cleaned === '.' ? '' : cleaned.replace(/\/+$/, '');
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (hasErrno(err, 'ENOENT') || hasErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/**
 * Expands one source (relative to `root`, cleaned) into the matching paths: literal paths as is,
 * glob elements matched against directory listings (symlinked directories are not descended).
 */
async function expandGlob(root: string, relative: string): Promise<string[]> {
  if (!hasWildcards(relative)) return [relative];
  let candidates = [''];
  for (const element of relative.split('/')) {
    const next: string[] = [];
    for (const base of candidates) {
      if (!hasWildcards(element)) {
        next.push(base === '' ? element : `${base}/${element}`);
        continue;
      }
      const dir = join(root, base);
      const stats = await lstatOrUndefined(dir);
      if (stats === undefined || !stats.isDirectory()) continue;
      const regex = elementPattern(element);
      for (const name of (await readdir(dir)).sort()) if (regex.test(name)) next.push(base === '' ? name : `${base}/${name}`);
    }
    candidates = next;
  }
  return candidates;
}

/**
 * Resolves the sources of a COPY/ADD inside `root`: globs expanded, each match followed through
 * symlinks without leaving `root`. Throws the legacy builder's "file not found" error when a path
 * matches nothing.
 */
export async function resolveSources(root: string, sources: readonly string[], where: string, options: { image?: boolean } = {}): Promise<CopySource[]> {
  const result: CopySource[] = [];
  for (const source of sources) {
    // In an image every path is absolute and ".." stops at its root; in the context ".." above it is refused.
    const relative = options.image ? posix.normalize(`/${source}`).replace(/^\/+|\/+$/g, '') : contextRelative(source);
    const matches = await expandGlob(root, relative);
    if (matches.length === 0 && hasWildcards(relative)) continue;
    for (const match of matches) {
      const hostPath = await resolveInRoot(root, match);
      if ((await lstatOrUndefined(hostPath)) === undefined) {
        throw new InvalidArgumentError(`file not found in ${where}: stat ${source}: file does not exist`);
      }
      result.push({ root, hostPath, name: match === '' ? '.' : posix.basename(match) });
    }
  }
  if (result.length === 0) throw new InvalidArgumentError('no source files were specified');
  return result;
}

/** Makes `absolute` (inside the rootfs at `root`) a directory, creating missing parts as `owner`. */
export async function ensureDirectory(root: string, absolute: string, owner: Owner): Promise<string> {
  const resolved = await resolveInRoot(root, absolute);
  const relative = posix.relative(root, resolved);
  let current = root;
  for (const part of relative === '' ? [] : relative.split('/')) {
    current = join(current, part);
    const stats = await lstatOrUndefined(current);
    if (stats?.isDirectory()) continue;
    if (stats !== undefined) throw new InvalidArgumentError(`cannot copy to ${absolute}: ${posix.join('/', posix.relative(root, current))} is not a directory`);
    await mkdir(current, { mode: 0o755 });
    await chmod(current, 0o755);
    await lchown(current, owner.uid, owner.gid);
  }
  return resolved;
}

async function replaceable(path: string, keepDirectory: boolean): Promise<Stats | undefined> {
  const stats = await lstatOrUndefined(path);
  if (stats === undefined) return undefined;
  if (keepDirectory && stats.isDirectory()) return stats;
  await rm(path, { recursive: true, force: true });
  return undefined;
}

async function copyRegularFile(source: string, stats: Stats, target: string, owner: Owner, mode: number | undefined): Promise<void> {
  await replaceable(target, false);
  await copyFile(source, target, constants.COPYFILE_EXCL);
  await lchown(target, owner.uid, owner.gid);
  await chmod(target, mode ?? stats.mode & 0o7777); // after chown, which clears setuid bits
  await lutimes(target, stats.atime, stats.mtime);
}

/** Copies `source` (file, symlink or directory tree) to `target`, never following links. */
async function copyTree(source: string, target: string, owner: Owner, mode: number | undefined): Promise<void> {
  const stats = await lstat(source);
  if (stats.isDirectory()) {
    if ((await replaceable(target, true)) === undefined) await mkdir(target, { mode: 0o700 });
    for (const name of await readdir(source)) await copyTree(join(source, name), join(target, name), owner, mode);
    await lchown(target, owner.uid, owner.gid);
    await chmod(target, mode ?? stats.mode & 0o7777);
    await lutimes(target, stats.atime, stats.mtime);
  } else if (stats.isSymbolicLink()) {
    await replaceable(target, false);
    await symlink(await readlink(source), target);
    await lchown(target, owner.uid, owner.gid);
    await lutimes(target, stats.atime, stats.mtime);
  } else if (stats.isFile()) {
    await copyRegularFile(source, stats, target, owner, mode);
  }
  // Sockets, fifos and devices have no place in a build context or a copied tree.
}

/** True when the file starts like a (possibly gzip-compressed) tar archive. */
async function isTarArchive(path: string): Promise<'tar' | 'gzip' | 'other-compression' | false> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    if (bytesRead >= 3 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead >= 3 && head.subarray(0, 3).toString('latin1') === 'BZh') return 'other-compression';
    if (bytesRead >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'other-compression';
    if (bytesRead >= 4 && head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'other-compression';
    if (bytesRead >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return false;
  } finally {
    await handle.close();
  }
}

/** Unpacks a gzip-compressed tar, checking it really is a tar before writing anything. */
async function extractArchive(archive: string, kind: 'tar' | 'gzip', destination: string, owner: Owner | undefined): Promise<boolean> {
  if (kind === 'gzip') {
    const { stream } = await decompressed(createReadStream(archive));
    const head: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      head.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= 262) break;
    }
    stream.destroy();
    const bytes = Buffer.concat(head);
    if (bytes.length < 262 || bytes.subarray(257, 262).toString('latin1') !== 'ustar') return false;
  }
  const { stream } = await decompressed(createReadStream(archive));
  await untar(destination, stream, { whiteouts: 'none', ...(owner ? { owner } : {}) });
  return true;
}

/**
 * Copies the sources into the rootfs at `root` following the Dockerfile reference: several sources
 * need a directory destination ending in "/", a directory's contents are copied, a file lands at
 * `dest` or inside it when it is (or names) a directory.
 */
export async function copyToRootfs(root: string, dest: string, sources: readonly CopySource[], inline: readonly { name: string; content: string }[], options: CopyOptions): Promise<void> {
  const owner = options.owner ?? ROOT_OWNER;
  const count = sources.length + inline.length;
  const destIsDirectory = dest.endsWith('/') || dest.endsWith('/.');
  if (count > 1 && !destIsDirectory) {
    throw new InvalidArgumentError(`When using ${options.instruction} with more than one source file, the destination must be a directory and end with a /`);
  }
  for (const source of sources) {
    const stats = await lstat(source.hostPath);
    if (stats.isDirectory()) {
      const target = await ensureDirectory(root, dest, owner);
      for (const name of await readdir(source.hostPath)) await copyTree(join(source.hostPath, name), join(target, name), owner, options.mode);
      continue;
    }
    if (options.extractArchives && stats.isFile()) {
      const kind = await isTarArchive(source.hostPath);
      if (kind === 'other-compression') {
        throw new InvalidArgumentError(`${options.instruction} ${source.name}: only plain and gzip-compressed tar archives can be unpacked by berthd; recompress it with gzip`);
      }
      if (kind !== false) {
        const target = await ensureDirectory(root, dest, owner);
        if (await extractArchive(source.hostPath, kind, target, options.owner)) continue;
      }
    }
    await copyFileSource(root, dest, destIsDirectory, source.name, owner, (target) => copyTree(source.hostPath, target, owner, options.mode));
  }
  for (const file of inline) {
    await copyFileSource(root, dest, destIsDirectory, file.name, owner, async (target) => {
      await replaceable(target, false);
      const handle = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await handle.writeFile(file.content);
        await handle.chown(owner.uid, owner.gid);
        await handle.chmod(options.mode ?? 0o644);
      } finally {
        await handle.close();
      }
    });
  }
}

/** Where a single file goes: into `dest` when it ends in "/" or is an existing directory, else at `dest`. */
async function copyFileSource(
  root: string,
  dest: string,
  destIsDirectory: boolean,
  name: string,
  owner: Owner,
  write: (target: string) => Promise<void>,
): Promise<void> {
  if (destIsDirectory) {
    const directory = await ensureDirectory(root, dest, owner);
    await write(join(directory, name));
    return;
  }
  const parent = await ensureDirectory(root, posix.dirname(dest), owner);
  const target = join(parent, posix.basename(dest));
  const existing = await lstatOrUndefined(target);
  if (existing?.isDirectory()) await write(join(target, name));
  else await write(target);
}

/** Parses --chmod: octal permission bits ("755", "0644"). */
export function parseChmod(text: string): number {
  if (!/^[0-7]{3,4}$/.test(text)) throw new InvalidArgumentError(`invalid chmod parameter: ${text}: use octal permission bits like 755`);
  return Number.parseInt(text, 8);
}

function lookup(file: string, name: string): number | undefined {
  for (const line of file.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[2] !== undefined && /^\d+$/.test(fields[2])) return Number(fields[2]);
  }
  return undefined;
}

/**
 * --chown=user[:group] → numbers, names looked up in the rootfs's /etc/passwd and /etc/group. A
 * user without a group uses the user's numeric id as the group id (the Dockerfile reference's rule).
 */
export async function resolveChown(root: string, chown: string): Promise<Owner> {
  const [user, group] = chown.split(':', 2) as [string, string | undefined];
  const readEtc = async (name: string): Promise<string> => {
    try {
      return await readFile(await resolveInRoot(root, `/etc/${name}`), 'utf8');
    } catch {
      return '';
    }
  };
  const prefix = 'unable to convert uid/gid chown string to host mapping';
  let uid: number;
  if (/^\d+$/.test(user)) uid = Number(user);
  else {
    const found = lookup(await readEtc('passwd'), user);
    if (found === undefined) throw new InvalidArgumentError(`${prefix}: can't find uid for user ${user}: no such user: ${user}`);
    uid = found;
  }
  if (group === undefined || group === '') return { uid, gid: uid };
  if (/^\d+$/.test(group)) return { uid, gid: Number(group) };
  const gid = lookup(await readEtc('group'), group);
  if (gid === undefined) throw new InvalidArgumentError(`${prefix}: can't find gid for group ${group}: no such group: ${group}`);
  return { uid, gid };
}
