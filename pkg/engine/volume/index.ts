// The volume package: local volumes and a container's bind/volume/tmpfs mounts.
export { VolumeStore, ANONYMOUS_LABEL, type VolumeRecord } from './store.js';
export { LocalVolumeHooks } from './hooks.js';
export { parseBind, parseMount, mountRequests, validateVolumeName, type MountRequest } from './specs.js';
