// `system df` rows (pure): the four summary rows (images, containers, local volumes, build cache)
// with docker's size and reclaimable arithmetic.
import type { ContainerSummary, DiskUsage } from '../../client/index.js';
import { RowContext } from './formatter.js';
import { humanSize } from './units.js';

export const DF_TABLE_FORMAT = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
export const DF_HEADERS: Record<string, string> = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize(reclaimable)} (${Math.trunc((reclaimable * 100) / total)}%)` : humanSize(reclaimable);
}

const isActive = (container: ContainerSummary): boolean => ['running', 'paused', 'restarting'].includes(container.State);

export class DiskUsageRow extends RowContext {
  readonly goTypeName = '*formatter.diskUsageContext';
  protected readonly jsonFields = ['Active', 'Reclaimable', 'Size', 'TotalCount', 'Type'];

  constructor(
    private readonly type: string,
    private readonly total: number,
    private readonly active: number,
    private readonly size: string,
    private readonly reclaimable: string,
  ) {
    super();
  }
  Type(): string {
    return this.type;
  }
  TotalCount(): string {
    return String(this.total);
  }
  Active(): string {
    return String(this.active);
  }
  Size(): string {
    return this.size;
  }
  Reclaimable(): string {
    return this.reclaimable;
  }
}

export function diskUsageRows(usage: DiskUsage): DiskUsageRow[] {
  const images = usage.Images ?? [];
  const containers = usage.Containers ?? [];
  const volumes = usage.Volumes ?? [];
  const cache = usage.BuildCache ?? [];

  const totalImages = usage.LayersSize ?? 0;
  let usedByContainers = 0;
  for (const image of images) {
    if (image.Containers !== 0 && image.Size !== -1 && image.SharedSize !== -1) usedByContainers += image.Size - image.SharedSize;
  }
  const imageRow = new DiskUsageRow('Images', images.length, images.filter((image) => image.Containers > 0).length, humanSize(totalImages), withPercent(totalImages - usedByContainers, totalImages));

  let containerSize = 0;
  let containerReclaimable = 0;
  for (const container of containers) {
    containerSize += container.SizeRw ?? 0;
    if (!isActive(container)) containerReclaimable += container.SizeRw ?? 0;
  }
  const containerRow = new DiskUsageRow('Containers', containers.length, containers.filter(isActive).length, humanSize(containerSize), withPercent(containerReclaimable, containerSize));

  let volumeSize = 0;
  let volumeReclaimable = 0;
  for (const volume of volumes) {
    const size = volume.UsageData?.Size ?? -1;
    if (size === -1) continue;
    volumeSize += size;
    if ((volume.UsageData?.RefCount ?? 0) === 0) volumeReclaimable += size;
  }
  const volumeRow = new DiskUsageRow('Local Volumes', volumes.length, volumes.filter((volume) => (volume.UsageData?.RefCount ?? 0) > 0).length, humanSize(volumeSize), withPercent(volumeReclaimable, volumeSize));

  let builderSize = 0;
  let inUse = 0;
  for (const record of cache) {
    if (!record.Shared) builderSize += record.Size;
    if (record.InUse && !record.Shared) inUse += record.Size;
  }
  const cacheRow = new DiskUsageRow('Build Cache', cache.length, cache.filter((record) => record.InUse).length, humanSize(builderSize), humanSize(builderSize - inUse));

  return [imageRow, containerRow, volumeRow, cacheRow];
}
