// Local volumes: <data-root>/volumes/<name>/_data plus metadata, created on demand or by the API,
// with the local driver's options (type=tmpfs, type=none,o=bind,device=/path) mounted while in use.

import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConflictError, InvalidArgumentError, NotFoundError, hasErrno } from '../../errdefs/index.js';
import { writeJsonAtomic } from '../../fsutil/index.js';
import type { EventBus } from '../events/index.js';
import { validateVolumeName } from './specs.js';

export interface VolumeRecord {
  Name: string;
  Driver: 'local';
  Labels: Record<string, string>;
  Options: Record<string, string>;
  CreatedAt: string;
  anonymous: boolean;
}

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';
const LOCAL_OPTIONS = new Set(['type', 'device', 'o', 'size']);

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new ConflictError(`${file} ${args.join(' ')}: ${String(stderr).trim() || err.message}`, { cause: err }));
      else resolve(String(stdout));
    });
  });
}

export class VolumeStore {
  private readonly volumes = new Map<string, VolumeRecord>();
  /** Containers currently running with each volume mounted (for tmpfs/bind driver mounts). */
  private readonly active = new Map<string, Set<string>>();
  /** Which containers reference a volume (running or not); set by the engine. */
  usedBy: (name: string) => string[] = () => [];

  constructor(
    readonly root: string,
    private readonly events: EventBus,
    private readonly log: Logger,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o701 });
    for (const name of await readdir(this.root)) {
      try {
        const record = JSON.parse(await readFile(path.join(this.root, name, 'volume.json'), 'utf8')) as VolumeRecord;
        this.volumes.set(record.Name, record);
      } catch (err) {
        if (!hasErrno(err, 'ENOENT')) this.log.warn({ volume: name, err }, 'unreadable volume metadata, skipped');
      }
    }
  }

  dataPath(name: string): string {
    return path.join(this.root, name, '_data');
  }

  get(name: string): VolumeRecord {
    const volume = this.volumes.get(name);
    if (!volume) throw new NotFoundError(`get ${name}: no such volume`);
    return volume;
  }

  has(name: string): boolean {
    return this.volumes.has(name);
  }

  /** Creates a volume, or returns the existing one of that name (as dockerd does). */
  async create(request: { Name?: string; Driver?: string; DriverOpts?: Record<string, string> | null; Labels?: Record<string, string> | null }, anonymous = false): Promise<VolumeRecord> {
    const driver = request.Driver || 'local';
    if (driver !== 'local') throw new NotFoundError(`plugin "${driver}" not found: berth supports the local volume driver`);
    const name = request.Name || randomBytes(32).toString('hex');
    validateVolumeName(name);
    const options = request.DriverOpts ?? {};
    for (const key of Object.keys(options)) {
      if (!LOCAL_OPTIONS.has(key)) throw new InvalidArgumentError(`invalid option key: "${key}"`);
    }
    if (options.type && !['tmpfs', 'none', 'bind'].includes(options.type)) {
      throw new InvalidArgumentError(`unsupported volume type "${options.type}": berth's local driver mounts tmpfs or binds (type=none,o=bind,device=/path)`);
    }
    if ((options.type === 'none' || options.type === 'bind') && (!options.device || !options.device.startsWith('/'))) {
      throw new InvalidArgumentError('a bind volume needs an absolute device=/path option');
    }
    const existing = this.volumes.get(name);
    if (existing) {
      if (JSON.stringify(existing.Options) !== JSON.stringify(options) && Object.keys(options).length) {
        throw new ConflictError(`volume ${name} already exists with different options`);
      }
      return existing;
    }
    const record: VolumeRecord = {
      Name: name,
      Driver: 'local',
      Labels: { ...(request.Labels ?? {}), ...(anonymous ? { [ANONYMOUS_LABEL]: '' } : {}) },
      Options: options,
      CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      anonymous,
    };
    await mkdir(this.dataPath(name), { recursive: true, mode: 0o755 });
    await writeJsonAtomic(path.join(this.root, name, 'volume.json'), record);
    this.volumes.set(name, record);
    this.events.emit('volume', 'create', name, { driver: 'local' });
    return record;
  }

  view(record: VolumeRecord): Record<string, unknown> {
    return {
      CreatedAt: record.CreatedAt,
      Driver: record.Driver,
      Labels: Object.keys(record.Labels).length ? record.Labels : null,
      Mountpoint: this.dataPath(record.Name),
      Name: record.Name,
      Options: Object.keys(record.Options).length ? record.Options : null,
      Scope: 'local',
    };
  }

  list(filters: Record<string, string[]>): VolumeRecord[] {
    for (const key of Object.keys(filters)) {
      if (!['dangling', 'driver', 'label', 'name'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    }
    const any = (key: string, test: (value: string) => boolean): boolean => !filters[key]?.length || filters[key].some(test);
    return [...this.volumes.values()].filter(
      (v) =>
        any('name', (value) => v.Name.includes(value)) &&
        any('driver', (value) => value === v.Driver) &&
        any('dangling', (value) => (value === 'true' || value === '1') === (this.usedBy(v.Name).length === 0)) &&
        (filters.label ?? []).every((value) => {
          const eq = value.indexOf('=');
          return eq < 0 ? value in v.Labels : v.Labels[value.slice(0, eq)] === value.slice(eq + 1);
        }),
    );
  }

  /** `exceptContainer`: a container being removed with the volume (rm -v), not a user any more. */
  async remove(name: string, force: boolean, exceptContainer?: string): Promise<void> {
    const volume = this.volumes.get(name);
    if (!volume) {
      if (force) return;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    const users = this.usedBy(name).filter((id) => id !== exceptContainer);
    if (users.length) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    await this.unmountDriver(name).catch(() => undefined);
    await rm(path.join(this.root, name), { recursive: true, force: true });
    this.volumes.delete(name);
    this.events.emit('volume', 'destroy', name, { driver: 'local' });
  }

  /** Bytes of the files in a volume (directories count nothing, as dockerd reports). */
  async size(name: string): Promise<number> {
    let total = 0;
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) total += (await stat(full).catch(() => ({ size: 0 }))).size;
      }
    };
    await walk(this.dataPath(name));
    return total;
  }

  private async isMounted(dir: string): Promise<boolean> {
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    return mountinfo.split('\n').some((line) => line.split(' ')[4] === dir);
  }

  /**
   * Marks the volume in use by a running container, mounting its driver options first. `mount`
   * describes where it goes, for the `mount` event (dockerd's destination, read/write, propagation).
   */
  async acquire(name: string, containerId: string, mount: { destination: string; rw: boolean; propagation: string } = { destination: '', rw: true, propagation: '' }): Promise<string> {
    const volume = this.get(name);
    const dir = this.dataPath(name);
    let users = this.active.get(name);
    if (!users) this.active.set(name, (users = new Set()));
    if (volume.Options.type && !(await this.isMounted(dir))) {
      await mkdir(dir, { recursive: true });
      if (volume.Options.type === 'tmpfs') {
        await run('mount', ['-t', 'tmpfs', ...(volume.Options.o ? ['-o', volume.Options.o] : []), 'tmpfs', dir]);
      } else {
        await stat(volume.Options.device!).catch(() => {
          throw new NotFoundError(`volume ${name}: bind device ${volume.Options.device} does not exist`);
        });
        await run('mount', ['--bind', ...(volume.Options.o ? ['-o', volume.Options.o.replace(/(^|,)bind(,|$)/, '$1$2').replace(/^,|,$/g, '') || 'defaults'] : []), volume.Options.device!, dir]);
      }
    }
    users.add(containerId);
    this.events.emit('volume', 'mount', name, {
      container: containerId,
      destination: mount.destination,
      driver: 'local',
      propagation: mount.propagation,
      'read/write': String(mount.rw),
    });
    return dir;
  }

  async releaseFor(name: string, containerId: string): Promise<void> {
    const users = this.active.get(name);
    if (!users || !users.delete(containerId)) return;
    this.events.emit('volume', 'unmount', name, { container: containerId, driver: 'local' });
    if (users.size === 0) {
      this.active.delete(name);
      await this.unmountDriver(name);
    }
  }

  private async unmountDriver(name: string): Promise<void> {
    const volume = this.volumes.get(name);
    const dir = this.dataPath(name);
    if (volume?.Options.type && (await this.isMounted(dir))) await run('umount', [dir]);
  }

  /** Adopts running containers' use after a daemon restart (no mount: it survived). */
  markActive(name: string, containerId: string): void {
    let users = this.active.get(name);
    if (!users) this.active.set(name, (users = new Set()));
    users.add(containerId);
  }
}
