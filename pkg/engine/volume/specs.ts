// Parsing a container's mount requests (pure): `-v`/Binds strings, `--mount`/Mounts objects, and
// the image's VOLUME paths, into one list of mount requests with Docker's validation messages.

import path from 'node:path';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { MountSpec } from '../container/index.js';

export type MountRequest =
  | { kind: 'bind'; source: string; destination: string; readOnly: boolean; propagation: string; mode: string; createSource: boolean }
  | { kind: 'volume'; name: string | undefined; destination: string; readOnly: boolean; noCopy: boolean; mode: string; labels: Record<string, string>; driverOptions: Record<string, string>; subpath?: string }
  | { kind: 'tmpfs'; destination: string; readOnly: boolean; options: string[] };

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

export function validateVolumeName(name: string): void {
  if (!VOLUME_NAME.test(name)) {
    throw new InvalidArgumentError(
      `"${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

function checkDestination(destination: string, spec: string): string {
  if (!destination.startsWith('/')) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${destination}' mount path must be absolute`);
  }
  const clean = path.posix.normalize(destination);
  if (clean === '/') throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config: destination can't be '/'`);
  return clean.replace(/\/$/, '');
}

/** One `-v` / Binds entry: "/host:/ctr[:opts]", "name:/ctr[:opts]", or "/ctr" (anonymous). */
export function parseBind(spec: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length === 1) {
    return { kind: 'volume', name: undefined, destination: checkDestination(parts[0], spec), readOnly: false, noCopy: false, mode: '', labels: {}, driverOptions: {} };
  }
  if (parts.length > 3 || parts.some((p) => p === '')) throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  const [source, target, mode = ''] = parts;
  if (parts.length === 2 && !target.startsWith('/') && /^(ro|rw|z|Z|nocopy)(,|$)/.test(target)) {
    // "/ctr:ro": an anonymous volume with a mode.
    return { kind: 'volume', name: undefined, destination: checkDestination(source, spec), readOnly: target.split(',').includes('ro'), noCopy: target.includes('nocopy'), mode: target, labels: {}, driverOptions: {} };
  }
  const destination = checkDestination(target, spec);
  const modes = mode ? mode.split(',') : [];
  for (const m of modes) {
    if (!['ro', 'rw', 'z', 'Z', 'nocopy', ...PROPAGATIONS].includes(m)) throw new InvalidArgumentError(`invalid mode: ${m}`);
  }
  if (modes.includes('ro') && modes.includes('rw')) throw new InvalidArgumentError(`invalid mode: ${mode}`);
  const readOnly = modes.includes('ro');
  if (source.startsWith('/')) {
    if (modes.includes('nocopy')) throw new InvalidArgumentError(`invalid mode: nocopy: only volumes can be populated`);
    return { kind: 'bind', source: path.normalize(source), destination, readOnly, propagation: modes.find((m) => PROPAGATIONS.includes(m)) ?? 'rprivate', mode, createSource: true };
  }
  validateVolumeName(source);
  if (modes.some((m) => PROPAGATIONS.includes(m))) throw new InvalidArgumentError(`invalid mode: propagation is only valid for bind mounts`);
  return { kind: 'volume', name: source, destination, readOnly, noCopy: modes.includes('nocopy'), mode, labels: {}, driverOptions: {} };
}

/** One `--mount` / HostConfig.Mounts entry. */
export function parseMount(mount: MountSpec): MountRequest {
  const spec = `type=${mount.Type},target=${mount.Target}`;
  const destination = checkDestination(mount.Target ?? '', spec);
  switch (mount.Type) {
    case 'bind': {
      if (!mount.Source) throw new InvalidArgumentError('invalid mount config for type "bind": field Source must not be empty');
      if (!mount.Source.startsWith('/')) throw new InvalidArgumentError(`invalid mount config for type "bind": invalid mount path: '${mount.Source}' mount path must be absolute`);
      if (mount.VolumeOptions || mount.TmpfsOptions) throw new InvalidArgumentError('invalid mount config for type "bind": only BindOptions are allowed');
      const propagation = mount.BindOptions?.Propagation || 'rprivate';
      if (!PROPAGATIONS.includes(propagation)) throw new InvalidArgumentError(`invalid propagation mode: ${propagation}`);
      return { kind: 'bind', source: path.normalize(mount.Source), destination, readOnly: Boolean(mount.ReadOnly), propagation, mode: '', createSource: Boolean(mount.BindOptions?.CreateMountpoint) };
    }
    case 'volume': {
      if (mount.Source) validateVolumeName(mount.Source);
      if (mount.BindOptions || mount.TmpfsOptions) throw new InvalidArgumentError('invalid mount config for type "volume": only VolumeOptions are allowed');
      return {
        kind: 'volume',
        name: mount.Source || undefined,
        destination,
        readOnly: Boolean(mount.ReadOnly),
        noCopy: Boolean(mount.VolumeOptions?.NoCopy),
        mode: '',
        labels: mount.VolumeOptions?.Labels ?? {},
        driverOptions: mount.VolumeOptions?.DriverConfig?.Options ?? {},
        ...(mount.VolumeOptions?.Subpath ? { subpath: mount.VolumeOptions.Subpath } : {}),
      };
    }
    case 'tmpfs': {
      if (mount.Source) throw new InvalidArgumentError('invalid mount config for type "tmpfs": field Source must not be specified');
      const options: string[] = [];
      if (mount.TmpfsOptions?.SizeBytes) options.push(`size=${mount.TmpfsOptions.SizeBytes}`);
      if (mount.TmpfsOptions?.Mode) options.push(`mode=${mount.TmpfsOptions.Mode.toString(8)}`);
      return { kind: 'tmpfs', destination, readOnly: Boolean(mount.ReadOnly), options };
    }
    default:
      throw new InvalidArgumentError(`mount type "${mount.Type}" is not supported by berth`);
  }
}

/** Every mount of a container, image VOLUMEs last (only where nothing else is mounted). */
export function mountRequests(binds: string[] | null, mounts: MountSpec[] | undefined, imageVolumes: string[], tmpfs: Record<string, string> | undefined): MountRequest[] {
  const requests = [...(binds ?? []).map(parseBind), ...(mounts ?? []).map(parseMount)];
  const targets = new Set<string>();
  for (const request of requests) {
    if (targets.has(request.destination)) throw new InvalidArgumentError(`Duplicate mount point: ${request.destination}`);
    targets.add(request.destination);
  }
  for (const target of Object.keys(tmpfs ?? {})) {
    const clean = path.posix.normalize(target).replace(/\/$/, '');
    if (targets.has(clean)) throw new InvalidArgumentError(`Duplicate mount point: ${clean}`);
    targets.add(clean);
  }
  for (const volume of imageVolumes) {
    const destination = path.posix.normalize(volume).replace(/\/$/, '');
    if (targets.has(destination)) continue;
    targets.add(destination);
    requests.push({ kind: 'volume', name: undefined, destination, readOnly: false, noCopy: false, mode: '', labels: {}, driverOptions: {} });
  }
  return requests;
}
