// Public surface of the snapshot package: layer unpacking, overlay rootfs, scoped paths and the
// docker cp archive helpers. Everything else in this directory is internal.
export { LayerStore, type AppliedLayer, type LayerInfo, type LayerStoreOptions } from './layer-store.js';
export type { RootfsPaths } from './rootfs.js';
export { ChangeKind, type Change } from './changes.js';
export { resolveInRoot, statInRoot, goFileMode, type PathStat } from './scoped-path.js';
export { tarFromPath, extractTarToPath, type ExtractToPathOptions, type TarFromPathOptions } from './archive.js';
export { detectCompression, decompressed, peek, type Compression } from './decompress.js';
export { chainIdOf, chainIds, sha256Digest, sha256Hex, isSha256Digest, hexOf, HashingTap, SHA256_PREFIX } from './digest.js';
export { writeFileAtomic, syncDirectory } from './atomic-file.js';
export { normalizeEntryName } from './entry-path.js';
export { untar, type UntarOptions } from './untar.js';
export { readTarEntries, drainBody, readBody, packEntry, packStream, type TarHeader, type TarEntryHeader, type TarEntryBody } from './tar-stream-io.js';
export { entryError } from './entry-path.js';
