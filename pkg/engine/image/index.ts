// Public surface of the image package: the ImageStore service, reference parsing and the types the
// API routes and container manager need. Everything else in this directory is internal.
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
