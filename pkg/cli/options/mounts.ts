// --mount values to HostConfig.Mounts (pure apart from the injected cwd): docker's opts.MountOpt,
// a CSV of key=value fields, with its defaults, validation and error texts.
import { posix } from 'node:path';
import type { MountSpec } from '../../client/index.js';
import { ramInBytes, SizeParseError } from '../format/units.js';
import { readCsvRecord } from './go-csv.js';
import { parseBool, sortedMap, ValueError } from './values.js';

type BindOptions = NonNullable<MountSpec['BindOptions']>;
type VolumeOptions = NonNullable<MountSpec['VolumeOptions']>;
type TmpfsOptions = NonNullable<MountSpec['TmpfsOptions']>;

/** The reason text after `invalid argument "…" for "--mount" flag: `. */
export class MountSpecError extends Error {}

interface Draft {
  type: string;
  source?: string;
  target?: string;
  readOnly: boolean;
  consistency?: string;
  bind?: BindOptions;
  volume?: VolumeOptions & { labels: Record<string, string>; driver: { name?: string; options?: Record<string, string> } };
  image?: { Subpath?: string };
  tmpfs?: TmpfsOptions;
}

function setOnMap(target: Record<string, string>, value: string): void {
  const separator = value.indexOf('=');
  const key = separator === -1 ? value : value.slice(0, separator);
  if (key !== '') target[key] = separator === -1 ? '' : value.slice(separator + 1);
}

function boolValue(key: string, value: string): boolean {
  try {
    return parseBool(value);
  } catch (err) {
    if (err instanceof ValueError) throw new MountSpecError(`invalid value for ${key}: ${value}`);
    throw err;
  }
}

/** Builds the wire object with docker's field order and omitempty rules. */
function toMountSpec(draft: Draft): MountSpec {
  const mount: Record<string, unknown> = { Type: draft.type };
  if (draft.source) mount.Source = draft.source;
  if (draft.target) mount.Target = draft.target;
  if (draft.readOnly) mount.ReadOnly = true;
  if (draft.consistency) mount.Consistency = draft.consistency;
  if (draft.bind) {
    const bind: BindOptions = {};
    if (draft.bind.Propagation) bind.Propagation = draft.bind.Propagation;
    if (draft.bind.NonRecursive) bind.NonRecursive = true;
    if (draft.bind.ReadOnlyNonRecursive) bind.ReadOnlyNonRecursive = true;
    if (draft.bind.ReadOnlyForceRecursive) bind.ReadOnlyForceRecursive = true;
    mount.BindOptions = bind;
  }
  if (draft.volume) {
    const volume: VolumeOptions = {};
    if (draft.volume.NoCopy) volume.NoCopy = true;
    if (Object.keys(draft.volume.labels).length > 0) volume.Labels = sortedMap(draft.volume.labels);
    if (draft.volume.Subpath) volume.Subpath = draft.volume.Subpath;
    const driver: { Name?: string; Options?: Record<string, string> } = {};
    if (draft.volume.driver.name) driver.Name = draft.volume.driver.name;
    if (draft.volume.driver.options && Object.keys(draft.volume.driver.options).length > 0) driver.Options = sortedMap(draft.volume.driver.options);
    volume.DriverConfig = driver;
    mount.VolumeOptions = volume;
  }
  if (draft.image) mount.ImageOptions = draft.image.Subpath ? { Subpath: draft.image.Subpath } : {};
  if (draft.tmpfs) {
    const tmpfs: TmpfsOptions = {};
    if (draft.tmpfs.SizeBytes) tmpfs.SizeBytes = draft.tmpfs.SizeBytes;
    if (draft.tmpfs.Mode) tmpfs.Mode = draft.tmpfs.Mode;
    mount.TmpfsOptions = tmpfs;
  }
  return mount as unknown as MountSpec;
}

/** opts.MountOpt.Set for one `--mount` value. */
export function parseMountSpec(value: string, cwd: string): MountSpec {
  let fields: string[];
  try {
    fields = readCsvRecord(value);
  } catch (err) {
    throw new MountSpecError((err as Error).message);
  }
  const draft: Draft = { type: 'volume', readOnly: false };
  const volume = (): NonNullable<Draft['volume']> => (draft.volume ??= { labels: {}, driver: {} });
  const bind = (): BindOptions => (draft.bind ??= {});
  const tmpfs = (): TmpfsOptions => (draft.tmpfs ??= {});

  for (const field of fields) {
    const separator = field.indexOf('=');
    // The keys are case-insensitive in docker (a known wart it keeps for compatibility).
    const key = (separator === -1 ? field : field.slice(0, separator)).toLowerCase();
    const text = separator === -1 ? '' : field.slice(separator + 1);
    if (separator === -1) {
      if (key === 'readonly' || key === 'ro') draft.readOnly = true;
      else if (key === 'volume-nocopy') volume().NoCopy = true;
      else if (key === 'bind-nonrecursive') bind().NonRecursive = true;
      else throw new MountSpecError(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case 'type':
        draft.type = text.toLowerCase();
        break;
      case 'source':
      case 'src':
        draft.source = !posix.isAbsolute(text) && text.startsWith('.') ? posix.resolve(cwd, text) : text;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        draft.target = text;
        break;
      case 'readonly':
      case 'ro':
        draft.readOnly = boolValue(key, text);
        break;
      case 'consistency':
        draft.consistency = text.toLowerCase();
        break;
      case 'bind-propagation':
        bind().Propagation = text.toLowerCase();
        break;
      case 'bind-nonrecursive':
        bind().NonRecursive = boolValue(key, text);
        break;
      case 'bind-recursive':
        if (text === 'disabled') bind().NonRecursive = true;
        else if (text === 'writable') bind().ReadOnlyNonRecursive = true;
        else if (text === 'readonly') bind().ReadOnlyForceRecursive = true;
        else if (text !== 'enabled') throw new MountSpecError(`invalid value for ${key}: ${text} (must be "enabled", "disabled", "writable", or "readonly")`);
        break;
      case 'volume-subpath':
        volume().Subpath = text;
        break;
      case 'volume-nocopy':
        try {
          volume().NoCopy = parseBool(text);
        } catch {
          throw new MountSpecError(`invalid value for volume-nocopy: ${text}`);
        }
        break;
      case 'volume-label':
        setOnMap(volume().labels, text);
        break;
      case 'volume-driver':
        volume().driver.name = text;
        break;
      case 'volume-opt':
        setOnMap((volume().driver.options ??= {}), text);
        break;
      case 'image-subpath':
        (draft.image ??= {}).Subpath = text;
        break;
      case 'tmpfs-size':
        try {
          tmpfs().SizeBytes = ramInBytes(text);
        } catch (err) {
          if (err instanceof SizeParseError) throw new MountSpecError(`invalid value for ${key}: ${text}`);
          throw err;
        }
        break;
      case 'tmpfs-mode':
        // strconv.ParseUint(text, 8, 32)
        if (!/^[0-7]+$/.test(text) || parseInt(text, 8) > 0xffffffff) throw new MountSpecError(`invalid value for ${key}: ${text}`);
        tmpfs().Mode = parseInt(text, 8);
        break;
      default:
        throw new MountSpecError(`unexpected key '${key}' in '${field}'`);
    }
  }

  if (draft.type === '') throw new MountSpecError('type is required');
  if (!draft.target) throw new MountSpecError('target is required');
  if (draft.volume && draft.type !== 'volume') throw new MountSpecError(`cannot mix 'volume-*' options with mount type '${draft.type}'`);
  if (draft.image && draft.type !== 'image') throw new MountSpecError(`cannot mix 'image-*' options with mount type '${draft.type}'`);
  if (draft.bind && draft.type !== 'bind') throw new MountSpecError(`cannot mix 'bind-*' options with mount type '${draft.type}'`);
  if (draft.tmpfs && draft.type !== 'tmpfs') throw new MountSpecError(`cannot mix 'tmpfs-*' options with mount type '${draft.type}'`);
  if (draft.bind?.ReadOnlyNonRecursive && !draft.readOnly) {
    throw new MountSpecError("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
  }
  if (draft.bind?.ReadOnlyForceRecursive) {
    if (!draft.readOnly) throw new MountSpecError("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
    if (draft.bind.Propagation !== 'rprivate') {
      throw new MountSpecError("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
    }
  }
  return toMountSpec(draft);
}
