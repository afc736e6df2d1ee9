// The Engine API wire types the client speaks (pure declarations), grouped by area in types-*.ts.
export type * from './types-container.js';
export type * from './types-image.js';
export type * from './types-network.js';
export type * from './types-system.js';
