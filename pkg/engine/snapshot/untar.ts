// Extracting an uncompressed tar stream into a directory with the safety rules of layer unpacking
// and docker cp: no entry may escape the root or pass through a symlink. Effectful.
import { constants, type Stats } from 'node:fs';
import { chmod, link, lchown, lutimes, mkdir, open, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { classifyWhiteout, entryError, normalizeEntryName } from './entry-path.js';
import { makeNode, makeWhiteout, setOpaque } from './host-tools.js';
import { ExtractionMemo, checkParentDirs, ensureParentDirs, lstatOrUndefined, removePath } from './safe-fs.js';
import { drainBody, readTarEntries, type TarEntryBody, type TarHeader } from './tar-stream-io.js';

export interface UntarOptions {
  /** 'overlay' turns `.wh.` entries into overlay whiteouts (layers); 'none' stores them as files. */
  whiteouts: 'overlay' | 'none';
  /** PUT /archive's noOverwriteDirNonDir: never replace a directory by a non-directory or back. */
  noOverwriteDirNonDir?: boolean;
  /** Owner for every entry instead of the one in its header. */
  owner?: { uid: number; gid: number };
  /** How the root is named in dir/non-dir errors (docker cp shows the in-container path). */
  displayRoot?: string;
  /**
   * The root is a fresh directory only this extraction writes to (a layer's temp dir): lets it
   * trust what it created itself instead of re-checking with lstat (see ExtractionMemo).
   */
  privateRoot?: boolean;
}

export interface UntarResult {
  entries: number;
}

interface PendingTimes {
  path: string;
  mtime: Date;
}

interface ExtractionState {
  directoryTimes: PendingTimes[];
  memo: ExtractionMemo | undefined;
}

const OWN_UID = process.geteuid?.() ?? 0;
const OWN_GID = process.getegid?.() ?? 0;

/** Reads `source` (an uncompressed tar) to its very end and unpacks it below `root`. */
export async function untar(root: string, source: Readable, options: UntarOptions): Promise<UntarResult> {
  const state: ExtractionState = { directoryTimes: [], memo: options.privateRoot ? new ExtractionMemo() : undefined };
  let entries = 0;
  try {
    await readTarEntries(source, async (header, body) => {
      entries++;
      await unpackEntry(root, header, body, options, state);
    });
  } catch (err) {
    throw wrapTarError(err);
  }
  // Directory mtimes last: creating children inside a directory changes its mtime.
  for (const { path, mtime } of state.directoryTimes.reverse()) await lutimes(path, mtime, mtime);
  return { entries };
}

function wrapTarError(err: unknown): Error {
  if (err instanceof InvalidArgumentError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/Invalid tar header|Unexpected end of data|Invalid header/i.test(message)) {
    return new InvalidArgumentError(`invalid tar archive: ${message}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(message);
}

const drain = drainBody;

async function unpackEntry(
  root: string,
  header: TarHeader,
  entry: TarEntryBody,
  options: UntarOptions,
  state: ExtractionState,
): Promise<void> {
  const { memo } = state;
  const name = header.name;
  const relative = normalizeEntryName(name);
  if (relative === '') {
    // "./": the root already exists and keeps its own metadata, as dockerd does.
    await drain(entry);
    return;
  }
  const baseName = posix.basename(relative);
  const parentRelative = posix.dirname(relative) === '.' ? '' : posix.dirname(relative);
  const owner = options.owner ?? { uid: header.uid ?? 0, gid: header.gid ?? 0 };
  // A node we just created already belongs to us; chown only when that is not what the tar says.
  const needsChown = !(memo !== undefined && owner.uid === OWN_UID && owner.gid === OWN_GID && !memo.isSetgidDir(parentRelative));

  if (options.whiteouts === 'overlay') {
    const whiteout = classifyWhiteout(baseName);
    if (whiteout.kind === 'opaque') {
      await drain(entry);
      if (parentRelative === '') {
        await setOpaque(root);
        return;
      }
      await ensureParentDirs(root, `${parentRelative}/x`, name, memo);
      await setOpaque(join(root, parentRelative));
      return;
    }
    if (whiteout.kind === 'meta') {
      await drain(entry);
      return;
    }
    if (whiteout.kind === 'whiteout') {
      await drain(entry);
      const parent = await ensureParentDirs(root, relative, name, memo);
      const target = join(parent, whiteout.target);
      const targetRelative = parentRelative === '' ? whiteout.target : `${parentRelative}/${whiteout.target}`;
      if (memo === undefined || memo.mayExist(targetRelative)) await removePath(target);
      await makeWhiteout(target);
      memo?.markPath(targetRelative);
      if (needsChown) await lchown(target, owner.uid, owner.gid);
      return;
    }
  }

  const parent = await ensureParentDirs(root, relative, name, memo);
  const path = join(parent, baseName);
  const isDirectory = header.type === 'directory';
  const existing = memo === undefined || memo.mayExist(relative) ? await lstatOrUndefined(path) : undefined;
  if (existing !== undefined) {
    checkOverwrite(existing, isDirectory, relative, options);
    if (!(existing.isDirectory() && isDirectory)) {
      await removePath(path);
      memo?.forget(relative);
    }
  }
  if (isDirectory) memo?.markDir(relative, ((header.mode ?? 0) & 0o2000) !== 0);
  else memo?.markPath(relative);
  const mode = (header.mode ?? (isDirectory ? 0o755 : 0o644)) & 0o7777;
  const mtime = header.mtime ?? new Date(0);

  switch (header.type) {
    case 'file':
    case 'contiguous-file':
    case null:
    case undefined: {
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        for await (const chunk of entry) await handle.write(chunk as Buffer);
        if (needsChown) await handle.chown(owner.uid, owner.gid);
        await handle.chmod(mode); // after chown, which clears setuid/setgid
        await handle.utimes(mtime, mtime);
      } finally {
        await handle.close();
      }
      return;
    }
    case 'directory': {
      await drain(entry);
      if (existing === undefined || !existing.isDirectory()) await mkdir(path, { mode: 0o700 });
      const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      try {
        if (needsChown) await handle.chown(owner.uid, owner.gid);
        await handle.chmod(mode);
      } finally {
        await handle.close();
      }
      state.directoryTimes.push({ path, mtime });
      return;
    }
    case 'symlink': {
      await drain(entry);
      // The target is content, stored as is (busybox applets point at /bin/busybox); never followed here.
      await symlink(header.linkname ?? '', path);
      if (needsChown) await lchown(path, owner.uid, owner.gid);
      await lutimes(path, mtime, mtime);
      return;
    }
    case 'link': {
      await drain(entry);
      await hardlink(root, name, header.linkname ?? '', path);
      return;
    }
    case 'character-device':
    case 'block-device':
    case 'fifo': {
      await drain(entry);
      const kind = header.type === 'fifo' ? 'fifo' : header.type === 'block-device' ? 'block' : 'char';
      await makeNode(path, kind, header.devmajor ?? 0, header.devminor ?? 0, 0o600);
      if (needsChown) await lchown(path, owner.uid, owner.gid);
      await chmod(path, mode); // the node was just created by us and is not a symlink
      await lutimes(path, mtime, mtime);
      return;
    }
    default:
      // pax/gnu long-name headers are folded in by tar-stream; anything else has no filesystem form.
      await drain(entry);
  }
}

function checkOverwrite(existing: Stats, isDirectory: boolean, relative: string, options: UntarOptions): void {
  if (!options.noOverwriteDirNonDir) return;
  const destination = options.displayRoot ?? '/';
  const shown = JSON.stringify(posix.join(destination, relative));
  if (existing.isDirectory() && !isDirectory) {
    throw new InvalidArgumentError(`cannot overwrite directory ${shown} with non-directory ${JSON.stringify(destination)}`);
  }
  if (!existing.isDirectory() && isDirectory) {
    throw new InvalidArgumentError(`cannot overwrite non-directory ${shown} with directory ${JSON.stringify(destination)}`);
  }
}

async function hardlink(root: string, name: string, linkname: string, path: string): Promise<void> {
  let targetRelative: string;
  try {
    targetRelative = normalizeEntryName(linkname);
  } catch {
    throw entryError(name, `hardlink target ${JSON.stringify(linkname)} escapes the root`);
  }
  if (targetRelative === '') throw entryError(name, `hardlink target ${JSON.stringify(linkname)} is a directory`);
  const targetParent = await checkParentDirs(root, targetRelative, name);
  const target = join(targetParent, posix.basename(targetRelative));
  const stats = await lstatOrUndefined(target);
  if (stats === undefined) throw entryError(name, `hardlink target ${JSON.stringify(linkname)} does not exist`);
  if (stats.isDirectory()) throw entryError(name, `hardlink target ${JSON.stringify(linkname)} is a directory`);
  await link(target, path); // link(2) never follows a symlink target
}
