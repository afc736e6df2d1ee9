// Public surface of the snapshot package: layer unpacking, overlay rootfs, scoped paths and the
// docker cp archive helpers. Everything else in this directory is internal.
//
// Terms. A layer tar's diffID is the sha256 of its uncompressed bytes; a chain id names a layer
// together with everything below it (chainId(L0) = diffID(L0), chainId(Ln) =
// sha256(chainId(Ln-1) + " " + diffID(Ln))), so equal stacks share one unpacked copy.
//
// Lifecycle. applyTar(parent, tar) unpacks a layer (once per chain id) → the ImageStore marks the
// chains its images need (setRetainer) → prepareRootfs(container, chainId) makes the writable
// upper/work dirs → mountRootfs returns the merged overlay → changes()/diffTar() read what the
// container changed → unmountRootfs → removeRootfs deletes the container layer and releases image
// layers no image retains any more. release(chainId) does the same walk after an image is deleted.
//
// On disk (root, e.g. /var/lib/berth/overlay2):
//   <chain hex>/diff          the unpacked layer        <chain hex>/layer.json  diffId, parent, size, link
//   l/<26 chars> -> ../<chain hex>/diff   short names so 100+ lower dirs fit one mount option page
//   <container id>/{diff,work,merged}     a container's rootfs; rootfs.json names its chain
//   tmp/                      unpacking and deletions in progress; emptied by open()
export { LayerStore, type AppliedLayer, type LayerInfo, type LayerStoreOptions } from './layer-store.js';
export type { RootfsPaths } from './rootfs.js';
export { ChangeKind, type Change } from './changes.js';
export { resolveInRoot, statInRoot, goFileMode, type PathStat } from './scoped-path.js';
export { tarFromPath, tarOfTree, extractTarToPath, type ExtractToPathOptions, type TarFromPathOptions } from './archive.js';
export { detectCompression, decompressed, peek, type Compression } from './decompress.js';
export { chainIdOf, chainIds, sha256Digest, sha256Hex, isSha256Digest, hexOf, HashingTap, SHA256_PREFIX } from './digest.js';
export { writeFileAtomic, syncDirectory } from './atomic-file.js';
export { directorySize } from './dir-size.js';
export { normalizeEntryName } from './entry-path.js';
export { untar, type UntarOptions } from './untar.js';
export { readTarEntries, drainBody, readBody, packEntry, packStream, type TarHeader, type TarEntryHeader, type TarEntryBody } from './tar-stream-io.js';
