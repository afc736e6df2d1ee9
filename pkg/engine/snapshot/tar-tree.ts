// Packing a host directory tree (or one file) into tar entries, optionally turning overlayfs
// whiteouts and opaque dirs into their `.wh.` tar forms (a container's diff for commit). Effectful.
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import type tar from 'tar-stream';
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './entry-path.js';
import { packEntry, packStream, type TarEntryHeader } from './tar-stream-io.js';

export interface PackTreeOptions {
  /**
   * Overlay upper-dir mode: char devices 0:0 become `.wh.<name>` files and the listed directories
   * (host paths) get a `.wh..wh..opq` entry, as in layer tars.
   */
  overlay?: { opaqueDirs: ReadonlySet<string> };
}

/** Entry name of a child: "." as the base yields bare names ("etc", "etc/passwd"). */
function childName(parent: string, name: string): string {
  return parent === '.' || parent === '' ? name : `${parent}/${name}`;
}

/**
 * Adds `hostPath` and (for a directory) everything below it, in lexical order, entry names based
 * at `entryName` ("" packs a directory's contents without an entry for itself). Hard links inside
 * the tree are stored once and linked; sockets are skipped like docker's archiver does.
 */
export async function packTree(pack: tar.Pack, hostPath: string, entryName: string, options: PackTreeOptions = {}): Promise<void> {
  const seenInodes = new Map<number, string>();
  const stack: { hostPath: string; entryName: string }[] = [{ hostPath, entryName }];
  while (stack.length > 0) {
    const item = stack.pop() as { hostPath: string; entryName: string };
    const stats = await lstat(item.hostPath);
    const base = { name: item.entryName, mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, mtime: stats.mtime };
    if (stats.isDirectory()) {
      if (item.entryName !== '') {
        await packEntry(pack, { ...base, type: 'directory', name: item.entryName === '.' ? './' : `${item.entryName}/` });
      }
      if (options.overlay?.opaqueDirs.has(item.hostPath) && item.entryName !== '') {
        await packEntry(pack, { ...base, type: 'file', mode: 0, name: childName(item.entryName, OPAQUE_WHITEOUT) }, Buffer.alloc(0));
      }
      const names = (await readdir(item.hostPath)).sort().reverse();
      for (const name of names) stack.push({ hostPath: join(item.hostPath, name), entryName: childName(item.entryName, name) });
    } else if (stats.isSymbolicLink()) {
      await packEntry(pack, { ...base, type: 'symlink', linkname: await readlink(item.hostPath) });
    } else if (stats.isFile()) {
      const first = stats.nlink > 1 ? seenInodes.get(stats.ino) : undefined;
      if (first !== undefined) {
        await packEntry(pack, { ...base, type: 'link', linkname: first });
        continue;
      }
      if (stats.nlink > 1) seenInodes.set(stats.ino, item.entryName);
      await packFile(pack, { ...base, type: 'file', size: stats.size }, item.hostPath);
    } else if (options.overlay !== undefined && stats.isCharacterDevice() && stats.rdev === 0) {
      const dir = posix.dirname(item.entryName);
      const name = `${WHITEOUT_PREFIX}${posix.basename(item.entryName)}`;
      await packEntry(pack, { ...base, type: 'file', mode: 0, name: dir === '.' ? name : `${dir}/${name}` }, Buffer.alloc(0));
    } else if (stats.isCharacterDevice() || stats.isBlockDevice()) {
      await packEntry(pack, {
        ...base,
        type: stats.isCharacterDevice() ? 'character-device' : 'block-device',
        devmajor: Math.floor(stats.rdev / 256) & 0xfff,
        devminor: (stats.rdev & 0xff) | ((stats.rdev >>> 12) & 0xfff00),
      });
    } else if (stats.isFIFO()) {
      await packEntry(pack, { ...base, type: 'fifo' });
    }
  }
}

async function packFile(pack: tar.Pack, header: TarEntryHeader & { size: number }, hostPath: string): Promise<void> {
  // Read at most the size announced in the header: a file growing meanwhile must not corrupt the tar.
  const body: AsyncIterable<unknown> = header.size > 0 ? createReadStream(hostPath, { end: header.size - 1 }) : Readable.from([]);
  await packStream(pack, header, body);
}
