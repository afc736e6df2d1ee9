// Merging compose models (pure): how an override file, an `extends` or an `include` combines with
// what is already loaded. Mappings merge key by key, sequences append, scalars override, with the
// spec's special cases (command/entrypoint/healthcheck.test override, environment/labels merge by
// key, ports/volumes/secrets unique by target, ...). Same rules as compose-go's override package.

import { configError } from './errors.js';
import { goSprint, has, isDict, type Dict } from './dict.js';
import { parseVolumeSpec } from './shortsyntax.js';
import type { Path } from './source.js';

type Merger = (base: unknown, override: unknown, path: Path) => unknown;

function matches(path: Path, pattern: readonly string[]): boolean {
  if (path.length !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*' && pattern[i] !== path[i]) return false;
  }
  return true;
}

const p = (s: string): string[] => s.split('.');

const SPECIALS: ReadonlyArray<readonly [string[], Merger]> = [
  [p('networks.*.ipam.config'), mergeIpamConfig],
  [p('networks.*.labels'), mergeToSequence],
  [p('volumes.*.labels'), mergeToSequence],
  [p('services.*.annotations'), mergeToSequence],
  [p('services.*.build'), mergeBuild],
  [p('services.*.build.args'), mergeToSequence],
  [p('services.*.build.additional_contexts'), mergeToSequence],
  [p('services.*.build.extra_hosts'), mergeExtraHosts],
  [p('services.*.build.labels'), mergeToSequence],
  [p('services.*.command'), override],
  [p('services.*.depends_on'), mergeDependsOn],
  [p('services.*.deploy.labels'), mergeToSequence],
  [p('services.*.dns'), mergeToSequence],
  [p('services.*.dns_opt'), mergeToSequence],
  [p('services.*.dns_search'), mergeToSequence],
  [p('services.*.entrypoint'), override],
  [p('services.*.env_file'), mergeToSequence],
  [p('services.*.label_file'), mergeToSequence],
  [p('services.*.environment'), mergeToSequence],
  [p('services.*.extra_hosts'), mergeExtraHosts],
  [p('services.*.healthcheck.test'), override],
  [p('services.*.labels'), mergeToSequence],
  [p('services.*.volumes.*.volume.labels'), mergeToSequence],
  [p('services.*.logging'), mergeLogging],
  [p('services.*.models'), mergeAsMapping],
  [p('services.*.networks'), mergeAsMapping],
  [p('services.*.sysctls'), mergeToSequence],
  [p('services.*.tmpfs'), mergeToSequence],
  [p('services.*.ulimits.*'), override],
];

/** Merges `override` onto `base` (both may be mutated); returns the result. */
export function mergeValues(base: unknown, over: unknown, path: Path = []): unknown {
  for (const [pattern, merger] of SPECIALS) if (matches(path, pattern)) return merger(base, over, path);
  if (over === null || over === undefined) return base;
  if (isDict(base)) {
    if (!isDict(over)) throw configError(`cannot override ${formatDotted(path)}`);
    return mergeMappings(base, over, path);
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw configError(`cannot override ${formatDotted(path)}`);
    return [...base, ...over];
  }
  return over;
}

function formatDotted(path: Path): string {
  return path.map(String).join('.');
}

function mergeMappings(base: Dict, over: Dict, path: Path): Dict {
  for (const [k, v] of Object.entries(over)) {
    if (!has(base, k)) base[k] = v;
    else base[k] = mergeValues(base[k], v, [...path, k]);
  }
  return base;
}

function override(_base: unknown, over: unknown): unknown {
  return over;
}

function toSequence(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [value];
  if (isDict(value)) {
    const seq: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) seq.push(k);
      else if (Array.isArray(v)) for (const item of v) seq.push(`${k}=${goSprint(item)}`);
      else seq.push(`${k}=${goSprint(v)}`);
    }
    return seq.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  return [];
}

function mergeToSequence(base: unknown, over: unknown): unknown {
  return [...toSequence(base), ...toSequence(over)];
}

function mergeExtraHosts(base: unknown, over: unknown): unknown {
  const right = toSequence(base);
  const left = toSequence(over).filter((v) => !right.includes(v));
  return [...right, ...left];
}

function toMapping(value: unknown, defaults: Dict | null): Dict {
  if (isDict(value)) return value;
  const out: Dict = {};
  if (Array.isArray(value)) for (const name of value) out[String(name)] = defaults === null ? null : { ...defaults };
  return out;
}

function mergeDependsOn(base: unknown, over: unknown, path: Path): unknown {
  const defaults = { condition: 'service_started', required: true };
  return mergeMappings(toMapping(base, defaults), toMapping(over, defaults), path);
}

function mergeAsMapping(base: unknown, over: unknown, path: Path): unknown {
  return mergeMappings(toMapping(base, null), toMapping(over, null), path);
}

function mergeBuild(base: unknown, over: unknown, path: Path): unknown {
  const toBuild = (v: unknown): Dict => (typeof v === 'string' ? { context: v } : isDict(v) ? v : {});
  return mergeMappings(toBuild(base), toBuild(over), path);
}

/** Logging options merge only when both sides use the same driver (or one names none). */
function mergeLogging(base: unknown, over: unknown, path: Path): unknown {
  if (!isDict(base) || !isDict(over)) return over ?? base;
  if (!has(over, 'driver') || !has(base, 'driver') || over.driver === base.driver) return mergeMappings(base, over, path);
  return over;
}

function mergeIpamConfig(base: unknown, over: unknown, path: Path): unknown {
  if (!Array.isArray(base) || !Array.isArray(over)) return over ?? base;
  const out: Dict[] = [];
  for (const original of base) {
    const right = isDict(original) ? original : {};
    for (const candidate of over) {
      const left = isDict(candidate) ? candidate : {};
      if (left.subnet !== right.subnet && !out.some((c) => c.subnet === left.subnet)) {
        out.push(left);
        continue;
      }
      const merged = mergeMappings(right, left, path);
      const index = out.findIndex((c) => c.subnet === merged.subnet);
      if (index >= 0) out[index] = merged;
      else out.push(merged);
    }
  }
  return out;
}

type Indexer = (entry: unknown, path: Path) => string;

const keyValueIndexer: Indexer = (entry, path) => {
  if (typeof entry !== 'string') throw configError(`${formatDotted(path)}: unexpected type ${typeof entry}`);
  const eq = entry.indexOf('=');
  return eq >= 0 ? entry.slice(0, eq) : entry;
};

const volumeIndexer: Indexer = (entry) => {
  if (isDict(entry)) return typeof entry.target === 'string' ? entry.target : '';
  if (typeof entry === 'string') return parseVolumeSpec(entry).target ?? '';
  return '';
};

const deviceIndexer: Indexer = (entry) => {
  if (isDict(entry)) return goSprint(entry.target);
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return '';
};

const mountIndexer =
  (base: string): Indexer =>
  (entry) => {
    if (typeof entry === 'string') return `${base}/${entry}`;
    if (isDict(entry)) return has(entry, 'target') ? goSprint(entry.target) : `${base}/${goSprint(entry.source)}`;
    return '';
  };

const portIndexer: Indexer = (entry) => {
  if (typeof entry === 'number') return String(entry);
  if (typeof entry === 'string') return entry;
  if (isDict(entry)) {
    const host = has(entry, 'host_ip') ? goSprint(entry.host_ip) : '0.0.0.0';
    const published = has(entry, 'published') ? goSprint(entry.published) : '';
    const protocol = has(entry, 'protocol') ? goSprint(entry.protocol) : 'tcp';
    return `${host}:${published}:${goSprint(entry.target)}/${protocol}`;
  }
  return '';
};

const envFileIndexer: Indexer = (entry) => (typeof entry === 'string' ? entry : isDict(entry) ? goSprint(entry.path) : '');
const exposeIndexer: Indexer = (entry) => goSprint(entry);

const UNIQUE: ReadonlyArray<readonly [string[], Indexer]> = [
  ...[
    'networks.*.labels',
    'networks.*.ipam.options',
    'services.*.annotations',
    'services.*.build.args',
    'services.*.build.additional_contexts',
    'services.*.build.platforms',
    'services.*.build.tags',
    'services.*.build.labels',
    'services.*.cap_add',
    'services.*.cap_drop',
    'services.*.deploy.labels',
    'services.*.dns',
    'services.*.dns_opt',
    'services.*.dns_search',
    'services.*.environment',
    'services.*.labels',
    'services.*.links',
    'services.*.networks.*.aliases',
    'services.*.networks.*.link_local_ips',
    'services.*.profiles',
    'services.*.sysctls',
    'services.*.tmpfs',
  ].map((s) => [p(s), keyValueIndexer] as const),
  [p('services.*.configs'), mountIndexer('')],
  [p('services.*.secrets'), mountIndexer('/run/secrets')],
  [p('services.*.env_file'), envFileIndexer],
  [p('services.*.expose'), exposeIndexer],
  [p('services.*.ports'), portIndexer],
  [p('services.*.volumes'), volumeIndexer],
  [p('services.*.devices'), deviceIndexer],
];

/** Removes redefinitions from sequences that are keyed (later entries replace earlier ones in place). */
export function enforceUnicity(value: unknown, path: Path = []): unknown {
  if (isDict(value)) {
    for (const [k, v] of Object.entries(value)) value[k] = enforceUnicity(v, [...path, k]);
    return value;
  }
  if (Array.isArray(value)) {
    const rule = UNIQUE.find(([pattern]) => matches(path, pattern));
    if (rule === undefined) return value;
    const seq: unknown[] = [];
    const keys = new Map<string, number>();
    value.forEach((entry, i) => {
      const key = rule[1](entry, [...path, i]);
      const at = keys.get(key);
      if (at !== undefined) seq[at] = entry;
      else {
        keys.set(key, seq.length);
        seq.push(entry);
      }
    });
    return seq;
  }
  return value;
}

/** Deletes from `model` every path that a later file tags `!reset` or `!override`. */
export function applyResets(model: Dict, paths: readonly Path[]): void {
  for (const path of paths) {
    let node: unknown = model;
    for (let i = 0; i < path.length - 1 && node !== undefined; i++) {
      const segment = path[i];
      node = isDict(node) && typeof segment === 'string' ? node[segment] : undefined;
    }
    const last = path[path.length - 1];
    if (isDict(node) && typeof last === 'string') delete node[last];
  }
}
