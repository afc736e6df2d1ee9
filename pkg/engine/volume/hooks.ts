// The container layer's volume hooks: binds, named and anonymous volumes and tmpfs mounts from a
// container's configuration, created at `create`, mounted (and populated from the image) at
// start, released at stop and, with `rm -v`, anonymous volumes removed with the container.

import { execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import { InvalidArgumentError, hasErrno } from '../../errdefs/index.js';
import type { ContainerRecord, MountPoint, MountSetup, VolumeHooks } from '../container/index.js';
import type { OciMount } from '../runtime/index.js';
import { resolveInRoot } from '../snapshot/index.js';
import { mountRequests, type MountRequest } from './specs.js';
import type { VolumeStore } from './store.js';

function requestsOf(record: ContainerRecord): MountRequest[] {
  return mountRequests(record.hostConfig.Binds, record.hostConfig.Mounts, Object.keys(record.config.Volumes ?? {}), record.hostConfig.Tmpfs);
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return true;
    throw err;
  }
}

function copyTree(source: string, destination: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('cp', ['-a', `${source}/.`, `${destination}/`], { timeout: 600_000 }, (err, _stdout, stderr) => {
      if (err) reject(new InvalidArgumentError(`populating volume from ${source}: ${String(stderr).trim() || err.message}`, { cause: err }));
      else resolve();
    });
  });
}

export class LocalVolumeHooks implements VolumeHooks {
  constructor(private readonly store: VolumeStore) {}

  async validate(record: ContainerRecord, lookup: (ref: string) => ContainerRecord): Promise<MountPoint[]> {
    const points: MountPoint[] = [];
    const toCreate: Array<{ request: Extract<MountRequest, { kind: 'volume' }>; point: MountPoint }> = [];
    for (const request of requestsOf(record)) {
      if (request.kind === 'bind') {
        if (!request.createSource) {
          try {
            await stat(request.source);
          } catch {
            throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${request.source}`);
          }
        }
        points.push({ Type: 'bind', Source: request.source, Destination: request.destination, Mode: request.mode, RW: !request.readOnly, Propagation: request.propagation });
      } else if (request.kind === 'tmpfs') {
        points.push({ Type: 'tmpfs', Source: '', Destination: request.destination, Mode: '', RW: !request.readOnly, Propagation: '' });
      } else {
        const point: MountPoint = { Type: 'volume', Name: request.name ?? '', Source: '', Destination: request.destination, Driver: 'local', Mode: request.mode, RW: !request.readOnly, Propagation: '' };
        points.push(point);
        toCreate.push({ request, point });
      }
    }
    // --volumes-from: the source's volumes and binds, read-only with ":ro", where nothing else is mounted.
    for (const entry of record.hostConfig.VolumesFrom ?? []) {
      const [name, mode] = entry.split(':');
      if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw new InvalidArgumentError(`invalid mode for volumes-from: ${mode}`);
      const source = lookup(name);
      for (const point of source.mounts) {
        if (point.Type === 'tmpfs' || points.some((p) => p.Destination === point.Destination)) continue;
        points.push({ ...point, RW: mode === undefined ? point.RW : mode === 'rw', Mode: mode ?? point.Mode });
      }
    }
    // Volumes last, once everything else validated: nothing is created for a refused container.
    for (const { request, point } of toCreate) {
      const volume = await this.store.create({ Name: request.name, Labels: request.labels, DriverOpts: request.driverOptions }, request.name === undefined);
      point.Name = volume.Name;
      point.Source = this.store.dataPath(volume.Name);
    }
    return points;
  }

  async setup(record: ContainerRecord, rootfs: string): Promise<MountSetup> {
    const requests = new Map(requestsOf(record).map((r) => [r.destination, r]));
    const mounts: OciMount[] = [];
    for (const point of record.mounts) {
      const request = requests.get(point.Destination);
      const readOnly = point.RW ? [] : ['ro'];
      if (point.Type === 'bind') {
        if (request?.kind === 'bind' && request.createSource) await mkdir(point.Source, { recursive: true });
        mounts.push({ destination: point.Destination, type: 'bind', source: point.Source, options: ['rbind', point.Propagation || 'rprivate', ...readOnly] });
      } else if (point.Type === 'tmpfs') {
        const options = request?.kind === 'tmpfs' ? request.options : [];
        mounts.push({ destination: point.Destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...options, ...readOnly] });
      } else {
        const name = point.Name!;
        const dir = await this.store.acquire(name, record.id, { destination: point.Destination, rw: point.RW, propagation: point.Propagation });
        const noCopy = request?.kind === 'volume' && request.noCopy;
        if (!noCopy) await this.populate(rootfs, point.Destination, dir);
        const subpath = request?.kind === 'volume' ? request.subpath : undefined;
        const source = subpath ? await resolveInRoot(dir, subpath) : dir;
        mounts.push({ destination: point.Destination, type: 'bind', source, options: ['rbind', 'rprivate', ...readOnly] });
      }
    }
    // Parents before children, so a volume inside a bind shows.
    mounts.sort((a, b) => a.destination.split('/').length - b.destination.split('/').length);
    return { mounts, mountPoints: record.mounts };
  }

  /** First use of an empty volume: copy what the image has at that path, owner and mode too. */
  private async populate(rootfs: string, destination: string, dir: string): Promise<void> {
    if (!(await isEmptyDir(dir))) return;
    let source: string;
    try {
      source = await resolveInRoot(rootfs, destination);
      const info = await lstat(source);
      if (!info.isDirectory()) return;
      await chown(dir, info.uid, info.gid);
      await chmod(dir, info.mode & 0o7777);
      if (await isEmptyDir(source)) return;
    } catch (err) {
      if (hasErrno(err, 'ENOENT') || hasErrno(err, 'ENOTDIR')) return;
      throw err;
    }
    await copyTree(source, dir);
  }

  async teardown(record: ContainerRecord): Promise<void> {
    for (const point of record.mounts) {
      if (point.Type === 'volume' && point.Name) await this.store.releaseFor(point.Name, record.id);
    }
  }

  async release(record: ContainerRecord, removeAnonymous: boolean): Promise<void> {
    await this.teardown(record);
    if (!removeAnonymous) return;
    for (const point of record.mounts) {
      if (point.Type !== 'volume' || !point.Name || !this.store.has(point.Name)) continue;
      if (!this.store.get(point.Name).anonymous) continue;
      const others = this.store.usedBy(point.Name).filter((id) => id !== record.id);
      if (others.length === 0) {
        await this.store.remove(point.Name, true, record.id).catch(() => undefined);
      }
    }
  }

  /** Running containers after a daemon restart: their volumes are in use. */
  restore(record: ContainerRecord): void {
    for (const point of record.mounts) {
      if (point.Type === 'volume' && point.Name) this.store.markActive(point.Name, record.id);
    }
  }
}

