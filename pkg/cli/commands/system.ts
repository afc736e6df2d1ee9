// `berth system df`: disk usage summary (or -v per-object tables) in docker's layout.
import { StatusError } from '../errors.js';
import { CONTAINER_HEADERS, ContainerContext } from '../format/container-context.js';
import { DF_HEADERS, DF_TABLE_FORMAT, diskUsageRows } from '../format/df-context.js';
import { renderRows } from '../format/formatter.js';
import { IMAGE_HEADERS, ImageContext } from '../format/image-context.js';
import { parseReference } from '../format/reference.js';
import { humanSize } from '../format/units.js';
import type { CommandRunner } from '../spec.js';
import { write } from './shared.js';

const DF_IMAGES = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const DF_CONTAINERS = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const DF_VOLUMES = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';

export const diskUsage: CommandRunner = async (context, _args, flags) => {
  const usage = await context.client().df();
  const format = flags.string('format') ?? '';
  const now = context.now();
  try {
    if (!flags.bool('verbose')) {
      await write(context.stdout, renderRows(format === '' || format === 'table' ? DF_TABLE_FORMAT : format, diskUsageRows(usage), DF_HEADERS));
      return;
    }
    const images = (usage.Images ?? []).map((image) => {
      const reference = (image.RepoTags ?? []).length > 0 ? parseReference(image.RepoTags![0]!) : undefined;
      return new ImageContext(image, reference?.tag !== undefined ? reference.name : '<none>', reference?.tag ?? '<none>', '', true, now);
    });
    const containers = (usage.Containers ?? []).map((container) => new ContainerContext({ ...container, SizeRootFs: 0 }, true, now));
    const volumes = (usage.Volumes ?? []).map((volume) => ({
      Name: volume.Name,
      Links: String(volume.UsageData?.RefCount ?? 0),
      Size: humanSize(volume.UsageData?.Size ?? 0),
    }));
    let out = 'Images space usage:\n\n';
    out += renderRows(DF_IMAGES, images, IMAGE_HEADERS);
    out += '\nContainers space usage:\n\n';
    out += renderRows(DF_CONTAINERS, containers, CONTAINER_HEADERS);
    out += '\nLocal Volumes space usage:\n\n';
    out += renderRows(DF_VOLUMES, volumes, { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' });
    const builderSize = (usage.BuildCache ?? []).filter((record) => !record.Shared).reduce((sum, record) => sum + record.Size, 0);
    out += `\nBuild cache usage: ${humanSize(builderSize)}\n\n`;
    out += renderRows('table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}', [], {
      ID: 'CACHE ID',
      CacheType: 'CACHE TYPE',
      Size: 'SIZE',
      CreatedSince: 'CREATED',
      LastUsedSince: 'LAST USED',
      UsageCount: 'USAGE',
      Shared: 'SHARED',
    });
    await write(context.stdout, out);
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};
