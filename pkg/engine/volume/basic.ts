// Bind and tmpfs mounts from HostConfig.Binds / HostConfig.Mounts, validated at create time.

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { ContainerRecord, MountPoint, MountSetup, VolumeHooks } from '../container/index.js';
import type { OciMount } from '../runtime/index.js';

function parseBind(spec: string): MountPoint {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  const [source, destination, mode = ''] = parts;
  if (!destination.startsWith('/')) throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "bind": invalid mount path: '${destination}' mount path must be absolute`);
  if (!source.startsWith('/')) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': named volumes are not supported yet`);
  }
  const modes = mode ? mode.split(',') : [];
  for (const m of modes) {
    if (!['ro', 'rw', 'z', 'Z', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'nocopy'].includes(m)) {
      throw new InvalidArgumentError(`invalid mode: ${m}`);
    }
  }
  return {
    Type: 'bind', Source: path.normalize(source), Destination: path.posix.normalize(destination), Mode: mode,
    RW: !modes.includes('ro'), Propagation: modes.find((m) => /private|shared|slave/.test(m)) ?? 'rprivate',
  };
}

export class BasicVolumeHooks implements VolumeHooks {
  async validate(record: ContainerRecord): Promise<MountPoint[]> {
    const points: MountPoint[] = [];
    for (const bind of record.hostConfig.Binds ?? []) points.push(parseBind(bind));
    for (const mount of record.hostConfig.Mounts ?? []) {
      if (!mount.Target?.startsWith('/')) throw new InvalidArgumentError(`invalid mount config: mount path must be absolute: '${mount.Target}'`);
      if (mount.Type === 'bind') {
        if (!mount.Source?.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid mount path: '${mount.Source ?? ''}' mount path must be absolute`);
        try {
          await stat(mount.Source);
        } catch {
          throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${mount.Source}`);
        }
        points.push({ Type: 'bind', Source: mount.Source, Destination: mount.Target, Mode: '', RW: !mount.ReadOnly, Propagation: mount.BindOptions?.Propagation ?? 'rprivate' });
      } else if (mount.Type === 'tmpfs') {
        points.push({ Type: 'tmpfs', Source: '', Destination: mount.Target, Mode: '', RW: !mount.ReadOnly, Propagation: '' });
      } else {
        throw new InvalidArgumentError(`mount type "${mount.Type}" is not supported yet`);
      }
    }
    const targets = new Set<string>();
    for (const point of points) {
      if (targets.has(point.Destination)) throw new InvalidArgumentError(`Duplicate mount point: ${point.Destination}`);
      targets.add(point.Destination);
    }
    return points;
  }

  async setup(record: ContainerRecord): Promise<MountSetup> {
    const mounts: OciMount[] = [];
    for (const point of record.mounts) {
      if (point.Type === 'bind') {
        // Docker creates a missing bind source dir for -v (not for --mount).
        mounts.push({ destination: point.Destination, type: 'bind', source: point.Source, options: ['rbind', point.Propagation || 'rprivate', ...(point.RW ? [] : ['ro'])] });
      } else if (point.Type === 'tmpfs') {
        mounts.push({ destination: point.Destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(point.RW ? [] : ['ro'])] });
      }
    }
    return { mounts, mountPoints: record.mounts };
  }

  async teardown(): Promise<void> {}
  async release(): Promise<void> {}
}
