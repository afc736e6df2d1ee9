// What pull and push work with: the image and layer stores (through their public APIs), the
// layer-source map, the session pool and the daemon's insecure registries. Types only.
import type { Logger } from 'pino';
import type { ImageStore } from '../image/index.js';
import type { LayerStore } from '../snapshot/index.js';
import type { LayerMap } from './layer-map.js';

export interface DistributionDeps {
  images: ImageStore;
  layers: LayerStore;
  layerMap: LayerMap;
  logger: Logger;
  /** Docker image events: pull and push, with the reference as id. */
  onEvent: (action: 'pull' | 'push', reference: string, attributes: Record<string, string>) => void;
}
