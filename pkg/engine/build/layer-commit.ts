// Turning a build step's writable layer into an image layer (effectful): the overlay upper dir as a
// layer tar, minus what only exists because runc needed a mount point (/proc, /sys, /dev, empty
// /etc/hosts, /etc/hostname, /etc/resolv.conf) and directories that are merely copied up, then
// ingested by the image store. Nothing is ingested for a step that changed nothing.
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { hasErrno } from '../../errdefs/index.js';
import type { ImageStore } from '../image/index.js';
import { packEntry, packStream, readTarEntries, type LayerStore, type TarEntryBody, type TarHeader } from '../snapshot/index.js';

/** Mount points runc creates in the rootfs when the image lacks them. */
const MOUNT_POINT_DIRS = new Set(['proc', 'sys', 'dev', 'etc']);
const MOUNT_POINT_FILES = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf']);

interface PendingDir {
  name: string;
  header: TarHeader;
  emitted: boolean;
  /** Worth a layer entry even with nothing below it (new, or its metadata changed). */
  keepAlone: boolean;
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err) {
    if (hasErrno(err, 'ENOENT') || hasErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** The entry's path in the topmost lower layer that has it (whiteouts are not interpreted). */
async function lowerStat(lowerDirs: readonly string[], name: string): Promise<Stats | undefined> {
  for (const dir of lowerDirs) {
    const stats = await lstatOrUndefined(join(dir, name));
    if (stats !== undefined) return stats;
  }
  return undefined;
}

function entryName(header: TarHeader): string {
  return header.name.replace(/^\.\//, '').replace(/\/+$/, '');
}

/**
 * Streams `source` (a layer tar in depth-first order, as diffTar writes it) into `pack`, dropping
 * mount-point leftovers and copied-up directories nothing below changed. Calls `onFirst` before
 * the first entry it keeps.
 */
export async function filterLayerTar(source: Readable, pack: tar.Pack, lowerDirs: readonly string[], onFirst: () => void): Promise<number> {
  const stack: PendingDir[] = [];
  let emitted = 0;
  const emit = async (header: TarHeader, body?: TarEntryBody): Promise<void> => {
    if (emitted === 0) onFirst();
    emitted++;
    if (body === undefined) await packEntry(pack, header);
    else await packStream(pack, { ...header, size: header.size ?? 0 }, body);
  };
  const emitAncestors = async (): Promise<void> => {
    for (const dir of stack) {
      if (dir.emitted) continue;
      dir.emitted = true;
      await emit(dir.header);
    }
  };
  const closeUntilParentOf = async (name: string): Promise<void> => {
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (name.startsWith(`${top.name}/`)) return;
      if (!top.emitted && top.keepAlone) await emitAncestors();
      stack.pop();
    }
  };
  await readTarEntries(source, async (header, body) => {
    const name = entryName(header);
    await closeUntilParentOf(name);
    if (header.type === 'directory') {
      for await (const chunk of body) void chunk;
      const lower = await lowerStat(lowerDirs, name);
      let keepAlone: boolean;
      if (lower === undefined) keepAlone = !(MOUNT_POINT_DIRS.has(name) && !name.includes('/'));
      else keepAlone = !lower.isDirectory() || (lower.mode & 0o7777) !== ((header.mode ?? 0) & 0o7777) || lower.uid !== header.uid || lower.gid !== header.gid;
      stack.push({ name, header, emitted: false, keepAlone });
      return;
    }
    if (MOUNT_POINT_FILES.has(name) && header.type === 'file' && (header.size ?? 0) === 0) {
      for await (const chunk of body) void chunk;
      return;
    }
    await emitAncestors();
    if (header.type === 'file' || header.type === 'contiguous-file') await emit(header, body);
    else {
      for await (const chunk of body) void chunk;
      await emit(header);
    }
  });
  await closeUntilParentOf('\0');
  return emitted;
}

/**
 * Ingests the writable layer of `rootfsId` (a container's or a build step's) on top of
 * `parentChainId`; undefined when the step left nothing worth a layer.
 */
export async function commitLayer(
  layers: LayerStore,
  images: ImageStore,
  rootfsId: string,
  parentChainId: string | null,
): Promise<{ diffId: string; chainId: string } | undefined> {
  const lowerDirs = parentChainId === null ? [] : layers.diffDirs(parentChainId);
  const source = await layers.diffTar(rootfsId);
  const pack = tar.pack();
  let sawFirst!: (value: boolean) => void;
  const first = new Promise<boolean>((resolve) => (sawFirst = resolve));
  const filtering = filterLayerTar(source, pack, lowerDirs, () => sawFirst(true)).then(
    (count) => {
      pack.finalize();
      sawFirst(count > 0);
    },
    (err: unknown) => {
      pack.destroy(err as Error);
      sawFirst(false);
      throw err;
    },
  );
  if (!(await first)) {
    await filtering;
    return undefined;
  }
  const [layer] = await Promise.all([images.ingestLayer(parentChainId, Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false })), filtering]);
  return { diffId: layer.diffId, chainId: layer.chainId };
}
