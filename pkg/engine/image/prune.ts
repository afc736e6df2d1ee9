// `docker image prune` (POST /images/prune): removes dangling images, or with dangling=false every
// image no container uses, through the ordinary rmi path; reports what went and the bytes freed.
// Effectful via the core.
import { InvalidArgumentError, isConflict } from '../../errdefs/index.js';
import { type ImageFilters, danglingFilter, filterValues, labelsMatch } from './filters.js';
import { type ContainerUse, type DeleteResponseItem, removeImage } from './remove.js';
import { canonicalString } from './reference.js';
import type { ImageCore } from './store-core.js';

export interface PruneOptions {
  /** dangling (default true), until, label, label! */
  filters?: ImageFilters;
  containersUsing?: (imageId: string) => ContainerUse[];
}

export interface PruneReport {
  ImagesDeleted: DeleteResponseItem[] | null;
  SpaceReclaimed: number;
}

export async function pruneImages(core: ImageCore, options: PruneOptions = {}): Promise<PruneReport> {
  const { filters } = options;
  for (const key of Object.keys(filters ?? {})) {
    if (!['dangling', 'until', 'label', 'label!'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
  const danglingOnly = danglingFilter(filters) ?? true;
  const until = filterValues(filters, 'until').map((value) => (/^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value)));
  const labels = filterValues(filters, 'label');
  const notLabels = filterValues(filters, 'label!');
  const layerSizes = new Map(core.layers.list().map((layer) => [layer.chainId, layer.size]));
  const candidates = [...core.images.values()].filter((image) => {
    if (danglingOnly && core.children(image.id).length > 0) return false;
    const created = Date.parse(image.config.created ?? '');
    if (until.some((limit) => !(created < limit))) return false;
    const imageLabels = image.config.config?.Labels;
    if (labels.length > 0 && !labelsMatch(labels, imageLabels)) return false;
    if (notLabels.length > 0 && notLabels.some((label) => labelsMatch([label], imageLabels))) return false;
    return true;
  });
  const deleted: DeleteResponseItem[] = [];
  const tryRemove = async (name: string): Promise<void> => {
    try {
      deleted.push(...(await removeImage(core, name, { containersUsing: options.containersUsing })));
    } catch (err) {
      // In use, has children, or already gone with another: dockerd skips those quietly.
      if (!isConflict(err) && !(err instanceof Error && /No such image/.test(err.message))) throw err;
    }
  };
  for (const image of candidates) {
    if (!core.images.has(image.id)) continue;
    const refs = core.refs.referencesTo(image.id);
    if (refs.length === 0) {
      await tryRemove(image.id.slice('sha256:'.length));
      continue;
    }
    // Dangling-only pruning still removes images that have digests but no tag.
    const hasTag = refs.some((ref) => ref.digest === undefined);
    if (danglingOnly && hasTag) continue;
    for (const ref of refs) await tryRemove(canonicalString(ref));
  }
  const space = deleted.reduce((total, item) => total + ('Deleted' in item ? (layerSizes.get(item.Deleted) ?? 0) : 0), 0);
  return { ImagesDeleted: deleted.length === 0 ? null : deleted, SpaceReclaimed: space };
}
