// `docker system df` (GET /system/df): what images, containers, local volumes and the build cache
// take on disk, in dockerd's DiskUsage shape (LayersSize, Images with Containers and SharedSize,
// Containers with SizeRw/SizeRootFs, Volumes with UsageData). Effectful (walks directories).

import { InvalidArgumentError } from '../errdefs/index.js';
import { parseTimestamp, summaryView } from './container/index.js';
import type { Engine } from './engine.js';
import { chainIds, directorySize } from './snapshot/index.js';

export const DISK_USAGE_TYPES = ['container', 'image', 'volume', 'build-cache'] as const;
export type DiskUsageType = (typeof DISK_USAGE_TYPES)[number];

/** The `type` query values (API ≥ 1.42); none given means every type. */
export function parseDiskUsageTypes(values: readonly string[]): Set<DiskUsageType> {
  if (values.length === 0) return new Set(DISK_USAGE_TYPES);
  const types = new Set<DiskUsageType>();
  for (const value of values) {
    if (!(DISK_USAGE_TYPES as readonly string[]).includes(value)) throw new InvalidArgumentError(`unknown object type: ${value}`);
    types.add(value as DiskUsageType);
  }
  return types;
}

/** Sum of the unpacked sizes of the layers any image uses, each layer once (dockerd's LayersSize). */
function layersSize(engine: Engine): number {
  const used = new Set<string>();
  for (const view of engine.images.list({ all: true })) {
    for (const chainId of chainIds(engine.images.resolve(view.Id as string).config.rootfs.diff_ids)) used.add(chainId);
  }
  let total = 0;
  for (const chainId of used) total += engine.layers.get(chainId)?.size ?? 0;
  return total;
}

function imageUsage(engine: Engine, apiVersion: number): Record<string, unknown>[] {
  const counts = new Map<string, number>();
  for (const handle of engine.containers.list()) counts.set(handle.record.imageId, (counts.get(handle.record.imageId) ?? 0) + 1);
  return engine.images.list({ apiVersion: '1.50', sharedSize: true }).map((view) => {
    const item: Record<string, unknown> = { ...view, Containers: counts.get(view.Id as string) ?? 0 };
    // The df list is the image service's own: no [] or <none> placeholders for untagged images.
    if ((item.RepoDigests as string[]).length === 0) item.RepoDigests = null;
    if ((item.RepoTags as string[]).length === 0) item.RepoTags = null;
    if (apiVersion < 1044) item.VirtualSize = item.Size;
    return item;
  });
}

async function containerUsage(engine: Engine, apiVersion: number): Promise<Record<string, unknown>[]> {
  const handles = engine.containers
    .list()
    .filter((handle) => !handle.removed)
    .sort((a, b) => parseTimestamp(b.record.created) - parseTimestamp(a.record.created) || (b.record.created > a.record.created ? 1 : -1));
  const views: Record<string, unknown>[] = [];
  for (const handle of handles) {
    const sizeRw = await engine.layers.rootfsSize(handle.id).catch(() => 0);
    views.push(summaryView(handle.record, engine.viewContext(handle, apiVersion, sizeRw)));
  }
  return views;
}

/** dockerd counts only local volumes without driver options (tmpfs/bind volumes have no data here). */
async function volumeUsage(engine: Engine): Promise<Record<string, unknown>[]> {
  const views: Record<string, unknown>[] = [];
  for (const volume of engine.volumes.list({})) {
    if (Object.keys(volume.Options).length > 0) continue;
    const size = await directorySize(engine.volumes.dataPath(volume.Name)).catch(() => -1);
    views.push({ ...engine.volumes.view(volume), UsageData: { Size: size, RefCount: engine.volumes.usedBy(volume.Name).length } });
  }
  return views.sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
}

/** The body of GET /system/df for the negotiated API version (1050 for "1.50"). */
export async function diskUsage(engine: Engine, types: ReadonlySet<DiskUsageType>, apiVersion: number): Promise<Record<string, unknown>> {
  const images = types.has('image');
  return {
    LayersSize: images ? layersSize(engine) : 0,
    Images: images ? imageUsage(engine, apiVersion) : null,
    Containers: types.has('container') ? await containerUsage(engine, apiVersion) : null,
    Volumes: types.has('volume') ? await volumeUsage(engine) : null,
    // Berth's builder keeps its layer cache as images, so the BuildKit-style cache list is empty.
    BuildCache: types.has('build-cache') ? [] : null,
  };
}
