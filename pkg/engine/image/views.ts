// The Engine API shapes of images, per API version: GET /images/json items, GET /images/{name}/json
// and GET /images/{name}/history. Key order follows dockerd's output. Pure.
import { type ContainerDefaults, type ImageConfig, ZERO_TIME, unixSeconds } from './image-config.js';

/** Everything the views need to know about one image. */
export interface ImageFacts {
  id: string;
  config: ImageConfig;
  parent: string;
  size: number;
  lastTagTime: string | undefined;
  repoTags: string[];
  repoDigests: string[];
  graphDriverData: Record<string, string> | null;
}

/** "1.41" < "1.44" numerically, as dockerd's versions.LessThan. */
export function versionLess(a: string, b: string): boolean {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

/** container.Config's keys in dockerd's order, with what API < 1.50 printed when unset. */
const LEGACY_CONFIG_ORDER: [string, unknown][] = [
  ['Hostname', ''],
  ['Domainname', ''],
  ['User', ''],
  ['AttachStdin', false],
  ['AttachStdout', false],
  ['AttachStderr', false],
  ['ExposedPorts', undefined],
  ['Tty', false],
  ['OpenStdin', false],
  ['StdinOnce', false],
  ['Env', null],
  ['Cmd', null],
  ['Healthcheck', undefined],
  ['ArgsEscaped', undefined],
  ['Image', ''],
  ['Volumes', null],
  ['WorkingDir', ''],
  ['Entrypoint', null],
  ['NetworkDisabled', undefined],
  ['MacAddress', undefined],
  ['OnBuild', null],
  ['Labels', null],
  ['StopSignal', undefined],
  ['StopTimeout', undefined],
  ['Shell', undefined],
];

/** DockerOCIImageConfig's keys in order; the second value is what API 1.50-1.51 always printed. */
const OCI_CONFIG_ORDER: [string, unknown][] = [
  ['User', ''],
  ['ExposedPorts', undefined],
  ['Env', null],
  ['Entrypoint', null],
  ['Cmd', null],
  ['Volumes', null],
  ['WorkingDir', ''],
  ['Labels', null],
  ['StopSignal', undefined],
  ['ArgsEscaped', undefined],
  ['Healthcheck', undefined],
  ['OnBuild', null],
  ['Shell', undefined],
];

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** The image's container defaults as the API version shows them. */
export function configView(defaults: ContainerDefaults | undefined, apiVersion: string): Record<string, unknown> {
  const source: ContainerDefaults = defaults ?? {};
  const result: Record<string, unknown> = {};
  if (versionLess(apiVersion, '1.50')) {
    for (const [key, fallback] of LEGACY_CONFIG_ORDER) {
      const value = source[key];
      if (value !== undefined && !(fallback === undefined && isEmpty(value))) result[key] = value;
      else if (fallback !== undefined) result[key] = fallback;
    }
    return result;
  }
  for (const [key, fallback] of OCI_CONFIG_ORDER) {
    const value = source[key];
    if (!isEmpty(value)) result[key] = value;
    else if (fallback !== undefined) result[key] = versionLess(apiVersion, '1.52') ? fallback : undefined;
  }
  return result;
}

/** GET /images/{name}/json */
export function inspectView(image: ImageFacts, apiVersion: string): Record<string, unknown> {
  const { config } = image;
  const history = config.history ?? [];
  const comment = config.comment ?? (history.length > 0 ? (history[history.length - 1].comment ?? '') : '');
  const view: Record<string, unknown> = {
    Id: image.id,
    RepoTags: image.repoTags,
    RepoDigests: image.repoDigests,
    Parent: image.parent,
    Comment: comment,
  };
  if (config.created !== undefined) view.Created = config.created;
  else if (versionLess(apiVersion, '1.44')) view.Created = ZERO_TIME;
  if (versionLess(apiVersion, '1.45')) {
    view.Container = config.container ?? '';
    view.ContainerConfig = configView(config.container_config, '1.41');
  }
  view.DockerVersion = config.docker_version ?? '';
  view.Author = config.author ?? '';
  view.Config = configView(config.config, apiVersion);
  view.Architecture = config.architecture;
  if (config.variant) view.Variant = config.variant;
  view.Os = config.os;
  if (config['os.version']) view.OsVersion = config['os.version'];
  view.Size = image.size;
  if (versionLess(apiVersion, '1.44')) view.VirtualSize = image.size;
  view.GraphDriver = { Data: image.graphDriverData, Name: 'overlay2' };
  const rootFS: Record<string, unknown> = { Type: config.rootfs.type };
  if (config.rootfs.diff_ids.length > 0) rootFS.Layers = config.rootfs.diff_ids;
  view.RootFS = rootFS;
  view.Metadata = { LastTagTime: image.lastTagTime ?? ZERO_TIME };
  return view;
}

export interface SummaryOptions {
  apiVersion: string;
  /** Containers using the image; dockerd reports -1 below API 1.51. */
  containers?: number;
  sharedSize?: number;
}

/** One item of GET /images/json */
export function summaryView(image: ImageFacts, options: SummaryOptions): Record<string, unknown> {
  let repoTags = image.repoTags;
  let repoDigests = image.repoDigests;
  if (versionLess(options.apiVersion, '1.43') && repoTags.length === 0 && repoDigests.length === 0) {
    repoTags = ['<none>:<none>'];
    repoDigests = ['<none>@<none>'];
  }
  const labels = image.config.config?.Labels;
  const view: Record<string, unknown> = {
    Containers: versionLess(options.apiVersion, '1.51') ? -1 : (options.containers ?? -1),
    Created: unixSeconds(image.config.created),
    Id: image.id,
    Labels: labels ?? null,
    ParentId: image.parent,
    RepoDigests: repoDigests,
    RepoTags: repoTags,
    SharedSize: options.sharedSize ?? -1,
    Size: image.size,
  };
  if (versionLess(options.apiVersion, '1.44')) view.VirtualSize = image.size;
  return view;
}

export interface HistoryItem {
  Comment: string;
  Created: number;
  CreatedBy: string;
  Id: string;
  Size: number;
  Tags: string[] | null;
}
