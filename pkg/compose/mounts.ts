// Mounts of a service container (pure): which volumes go through the legacy Binds API (so the
// engine creates missing host paths, as compose relies on) and which need Mounts, plus secrets and
// configs mounted read-only from files or injected from environment/content, like docker compose v2.

import type { Project, ServiceConfig, ServiceVolume } from './model.js';

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster' | 'image';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean; NonRecursive?: boolean; ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Subpath?: string; Labels?: Record<string, string> };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
  ImageOptions?: { Subpath?: string };
}

/** A file compose copies into the container before starting it (secret/config from env or content). */
export interface FileInjection {
  readonly target: string;
  readonly content: string;
  readonly uid?: string;
  readonly gid?: string;
  /** File mode, default 0444. */
  readonly mode: number;
}

const isAbs = (p: string): boolean => p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p);

function bindString(source: string, volume: ServiceVolume): string {
  const opts = [volume.read_only === true ? 'ro' : 'rw'];
  if (volume.bind?.selinux !== undefined && volume.bind.selinux !== '') opts.push(volume.bind.selinux);
  if (volume.bind?.propagation !== undefined && volume.bind.propagation !== '') opts.push(volume.bind.propagation);
  if (volume.volume?.nocopy === true) opts.push('nocopy');
  return `${source}:${volume.target}:${opts.join(',')}`;
}

function bindNeedsMountApi(volume: ServiceVolume): boolean {
  const bind = volume.bind;
  if (bind === undefined) return false;
  return bind.create_host_path !== true || (bind.propagation ?? '') !== '' || (bind.recursive ?? '') !== '';
}

function volumeNeedsMountApi(volume: ServiceVolume): boolean {
  const v = volume.volume;
  if (v === undefined) return false;
  return Object.keys(v.labels ?? {}).length > 0 || (v.subpath ?? '') !== '' || v.nocopy === true;
}

function toMount(project: Project, volume: ServiceVolume): Mount {
  let source = volume.source;
  if (volume.type === 'volume' && source !== undefined && source !== '') source = project.volumes[source]?.name ?? source;
  const mount: Mount = { Type: volume.type ?? 'volume', Target: volume.target ?? '' };
  if (source !== undefined && source !== '') mount.Source = source;
  if (volume.read_only === true) mount.ReadOnly = true;
  if (volume.consistency !== undefined) mount.Consistency = volume.consistency;
  if (volume.type === 'bind' && volume.bind !== undefined) {
    mount.BindOptions = { CreateMountpoint: volume.bind.create_host_path === true };
    if (volume.bind.propagation !== undefined) mount.BindOptions.Propagation = volume.bind.propagation;
    if (volume.bind.recursive === 'disabled') mount.BindOptions.NonRecursive = true;
    if (volume.bind.recursive === 'writable') mount.BindOptions.ReadOnlyNonRecursive = true;
    if (volume.bind.recursive === 'readonly') mount.BindOptions.ReadOnlyForceRecursive = true;
  }
  if (volume.type === 'volume' && volume.volume !== undefined) mount.VolumeOptions = { NoCopy: volume.volume.nocopy === true, Subpath: volume.volume.subpath, Labels: volume.volume.labels };
  if (volume.type === 'tmpfs' && volume.tmpfs !== undefined) mount.TmpfsOptions = { SizeBytes: volume.tmpfs.size, Mode: volume.tmpfs.mode };
  if (volume.type === 'image' && volume.image !== undefined) mount.ImageOptions = { Subpath: volume.image.subpath };
  return mount;
}

/** Binds (legacy API, creates missing host paths) and Mounts, plus secret/config files. */
export function volumesOf(project: Project, service: ServiceConfig): { binds: string[]; mounts: Mount[]; injections: FileInjection[] } {
  const binds: string[] = [];
  const mounts: Mount[] = [];
  const injections: FileInjection[] = [];
  const taken = new Set<string>();
  for (const volume of service.volumes ?? []) {
    taken.add(volume.target ?? '');
    if (volume.type === 'bind' && !bindNeedsMountApi(volume)) binds.push(bindString(volume.source ?? '', volume));
    else if (volume.type === 'volume' && volume.source !== undefined && volume.source !== '' && project.volumes[volume.source] !== undefined && !volumeNeedsMountApi(volume)) {
      binds.push(bindString(project.volumes[volume.source].name ?? volume.source, volume));
    } else mounts.push(toMount(project, volume));
  }
  for (const [kind, base, refs] of [
    ['secrets', '/run/secrets/', service.secrets ?? []],
    ['configs', '/', service.configs ?? []],
  ] as const) {
    for (const ref of refs) {
      const source = ref.source ?? '';
      const target = ref.target === undefined || ref.target === '' ? `${base}${source}` : isAbs(ref.target) ? ref.target : `${base}${ref.target}`;
      if (taken.has(target)) continue;
      taken.add(target);
      const defined = project[kind][source];
      if (defined === undefined || defined.external === true) continue;
      const inline = defined.environment !== undefined && defined.environment !== '' ? project.environment[defined.environment] : kind === 'configs' ? defined.content : undefined;
      if (inline !== undefined || (defined.environment ?? '') !== '') {
        injections.push({ target, content: inline ?? '', uid: ref.uid, gid: ref.gid, mode: ref.mode ?? 0o444 });
        continue;
      }
      const mount: Mount = { Type: 'bind', Source: defined.file, Target: target, ReadOnly: true };
      if (kind === 'secrets') mount.BindOptions = { CreateMountpoint: false };
      mounts.push(mount);
    }
  }
  return { binds, mounts, injections };
}

