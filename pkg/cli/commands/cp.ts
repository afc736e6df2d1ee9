// `berth cp`: copy between a container and the host, or stream a tar with `-` — docker's
// copyFromContainer/copyToContainer over the archive endpoints.
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContainerPathStat } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { humanSizeWithPrecision } from '../format/units.js';
import type { CommandContext, CommandRunner, Flags } from '../spec.js';
import { extractArchive, packHostPath } from './cp-archive.js';
import { CopyError, isDirMode, isSymlinkMode, prepareArchiveCopy, preserveTrailing, rebaseName, splitCopyArgument, splitPathDirEntry, type CopyInfo } from './cp-paths.js';
import { write } from './shared.js';

function counter(total: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total.bytes += chunk.length;
      callback(null, chunk);
    },
  });
}

function localError(err: unknown, syscall: string, path: string): StatusError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StatusError(1, `${syscall} ${path}: no such file or directory`);
  if (code === 'ENOTDIR') return new StatusError(1, `${syscall} ${path}: not a directory`);
  if (code === 'EACCES') return new StatusError(1, `${syscall} ${path}: permission denied`);
  return new StatusError(1, (err as Error).message);
}

/** archive.CopyInfoDestinationPath: follows symlinks; a missing path needs an existing parent dir. */
async function destinationInfo(path: string): Promise<CopyInfo> {
  let current = path;
  for (let hops = 0; hops <= 10; hops++) {
    const info = await lstat(current).catch(() => undefined);
    if (info && !info.isSymbolicLink()) return { path: current, exists: true, isDir: info.isDirectory(), rebaseName: '' };
    if (!info) {
      const parent = splitPathDirEntry(current).dir;
      const parentInfo = await stat(parent).catch((err: unknown) => {
        throw localError(err, 'stat', parent);
      });
      if (!parentInfo.isDirectory()) throw new StatusError(1, 'not a directory');
      return { path: current, exists: false, isDir: false, rebaseName: '' };
    }
    const target = await readlink(current);
    current = target.startsWith('/') ? target : resolvePath(splitPathDirEntry(current).dir, target);
  }
  throw new StatusError(1, `too many symlinks in ${path}`);
}

async function copyFromContainer(context: CommandContext, container: string, sourcePath: string, destination: string, flags: Flags, quiet: boolean): Promise<void> {
  const client = context.client();
  const destinationPath = destination === '-' ? '-' : preserveTrailing(resolvePath(destination), destination);
  let source = sourcePath;
  let rebase = '';
  if (flags.bool('follow-link')) {
    const sourceStat = await client.containers.statPath(container, source).catch(() => undefined);
    if (sourceStat && isSymlinkMode(sourceStat.mode)) {
      let target = sourceStat.linkTarget;
      if (!target.startsWith('/')) target = resolvePath(splitPathDirEntry(source).dir, target);
      // GetRebaseName: keep the name the user asked for.
      if (source.endsWith('/.') && !target.endsWith('/.')) target += '/.';
      else if (source.endsWith('/') && !target.endsWith('/')) target += '/';
      const base = (path: string): string => splitPathDirEntry(path).base;
      if (base(source) !== base(target)) rebase = base(source);
      source = target;
    }
  }
  const { stat: sourceStat, body } = await client.containers.getArchive(container, source);
  if (destinationPath === '-') {
    await pipeline(body, context.stdout, { end: false });
    return;
  }
  const total = { bytes: 0 };
  const counted = body.pipe(counter(total));
  const sourceInfo: CopyInfo = { path: source, exists: true, isDir: isDirMode(sourceStat.mode), rebaseName: rebase };
  const destinationInfoValue = await destinationInfo(destinationPath);
  let plan;
  try {
    plan = prepareArchiveCopy(sourceInfo, destinationInfoValue);
  } catch (err) {
    body.destroy();
    if (err instanceof CopyError) throw new StatusError(1, err.message);
    throw err;
  }
  const renames = [rebase !== '' ? rebaseName(splitPathDirEntry(source).base, rebase) : (name: string) => name, plan.rename ? rebaseName(...plan.rename) : (name: string) => name];
  await extractArchive(counted, plan.dir, (name) => renames.reduce((value, fn) => fn(value), name));
  if (!quiet) context.stderr.write(`Successfully copied ${humanSizeWithPrecision(total.bytes, 3)} to ${destinationPath}\n`);
}

async function copyToContainer(context: CommandContext, container: string, source: string, destinationPath: string, flags: Flags, quiet: boolean): Promise<void> {
  const client = context.client();
  let destination: CopyInfo = { path: destinationPath, exists: false, isDir: false, rebaseName: '' };
  let destinationStat: ContainerPathStat | undefined = await client.containers.statPath(container, destinationPath).catch(() => undefined);
  if (destinationStat && isSymlinkMode(destinationStat.mode)) {
    let target = destinationStat.linkTarget;
    if (!target.startsWith('/')) target = resolvePath(splitPathDirEntry(destinationPath).dir, target);
    destination = { ...destination, path: target };
    destinationStat = await client.containers.statPath(container, target).catch(() => undefined);
  }
  if (destinationStat) {
    const mode = destinationStat.mode;
    const special = mode >= 2 ** 31 ? false : Math.floor(mode / 2 ** 25) % 64 !== 0 || Math.floor(mode / 2 ** 21) % 8 !== 0;
    if (special) throw new StatusError(1, `destination "${container}:${destinationPath}" must be a directory or a regular file`);
    destination = { ...destination, exists: true, isDir: isDirMode(mode) };
  }

  let content: Readable;
  let target: string;
  const total = { bytes: 0 };
  if (source === '-') {
    if (!destination.isDir) throw new StatusError(1, `destination "${container}:${destinationPath}" must be a directory`);
    content = context.stdin;
    target = destination.path;
  } else {
    const absolute = preserveTrailing(resolvePath(source), source);
    const followLink = flags.bool('follow-link');
    let resolved: string;
    let sourceRebase = '';
    try {
      if (followLink) {
        resolved = preserveTrailing(await realpath(absolute), absolute);
        if (splitPathDirEntry(absolute).base !== splitPathDirEntry(resolved).base) sourceRebase = splitPathDirEntry(absolute).base;
      } else {
        // Only the parent is resolved: a symlink named as the source is copied as a link.
        const slash = absolute.lastIndexOf('/');
        resolved = `${(await realpath(absolute.slice(0, slash + 1) || '/')).replace(/\/$/, '')}/${absolute.slice(slash + 1)}`;
      }
    } catch (err) {
      throw localError(err, 'lstat', absolute);
    }
    const info = await lstat(resolved).catch((err: unknown) => {
      throw localError(err, 'lstat', resolved);
    });
    const sourceInfo: CopyInfo = { path: resolved, exists: true, isDir: info.isDirectory(), rebaseName: sourceRebase };
    let plan;
    try {
      plan = prepareArchiveCopy(sourceInfo, destination);
    } catch (err) {
      if (err instanceof CopyError) throw new StatusError(1, err.message);
      throw err;
    }
    const rename = plan.rename ? rebaseName(...plan.rename) : (name: string) => name;
    const archive = await packHostPath(resolved, rename, { rebaseName: sourceRebase });
    content = archive.pipe(counter(total));
    target = plan.dir;
  }
  await client.containers.putArchive(container, target, content.pipe(new PassThrough()), { noOverwriteDirNonDir: true, copyUIDGID: flags.bool('archive') });
  if (!quiet) context.stderr.write(`Successfully copied ${humanSizeWithPrecision(total.bytes, 3)} to ${container}:${destination.path}\n`);
}

export const cp: CommandRunner = async (context, args, flags) => {
  const source = splitCopyArgument(args[0]!);
  const destination = splitCopyArgument(args[1]!);
  // Progress is for terminals only, unless -q was given explicitly.
  const quiet = flags.changed('quiet') ? flags.bool('quiet') : context.stdout.isTTY !== true;
  if (source.container !== '' && destination.container !== '') throw new StatusError(1, 'copying between containers is not supported');
  if (source.container === '' && destination.container === '') throw new StatusError(1, 'must specify at least one container source');
  if (source.container !== '') await copyFromContainer(context, source.container, source.path, destination.path, flags, quiet);
  else await copyToContainer(context, destination.container, source.path, destination.path, flags, quiet);
  await write(context.stdout, '');
};
