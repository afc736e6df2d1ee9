// Public surface of the image package: the ImageStore service, reference parsing and the types the
// API routes and container manager need. Everything else in this directory is internal.
//
// On disk (root, e.g. /var/lib/berth/image):
//   blobs/sha256/<hex>     content-addressed blobs: image configs (image id = config digest) and each
//                          layer's original tar, compressed or not, exactly as received
//   images/<id hex>.json   per image: parent, lastTagTime
//   layers/<diffID hex>.json  which stored blobs decompress to that diffID (save and push send them)
//   repositories.json      tags and digests → image id, rewritten atomically on every change
//   tmp/                   blobs being written; emptied by open()
// Open the LayerStore first: ImageStore.open() checks every image's layers exist and tells the
// LayerStore which chains images retain.
export { ImageStore, type ImageStoreOptions, type ListOptions, type CreateImageOptions } from './image-store.js';
export type { ImageRecord, ImageEventAction, ImageEventSink, LayerBlob } from './store-core.js';
export type { ImportOptions } from './import.js';
export type { LoadOptions, LoadResult } from './load.js';
export type { RemoveOptions, ContainerUse, DeleteResponseItem } from './remove.js';
export type { ImageFilters } from './filters.js';
export type { PruneOptions, PruneReport } from './prune.js';
export type { HistoryItem } from './views.js';
export {
  type ImageConfig,
  type ImageConfigBase,
  type ContainerDefaults,
  type HistoryEntry,
  type HealthConfig,
  type Platform,
  hostPlatform,
  parsePlatform,
  formatTime,
} from './image-config.js';
export { applyChanges } from './changes.js';
export {
  type ImageReference,
  type ImageLookup,
  parseReference,
  parseRepoTag,
  parseLookup,
  familiarName,
  familiarString,
  canonicalString,
  fullName,
  shortId,
  validateDigest,
  DEFAULT_TAG,
} from './reference.js';
