// The volume package: named volumes, bind mounts and tmpfs mounts of containers.
export { BasicVolumeHooks } from './basic.js';
