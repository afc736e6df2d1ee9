// Path rules of the compose model (pure): Go-style path cleaning, `~` expansion, and making the
// relative paths of a loaded file absolute against its working directory (build contexts, bind
// sources, env_file, extends.file, secret/config files, local bind-volume devices).

import { posix } from 'node:path';
import { has, isDict, type Dict } from './dict.js';

/** Go's path.Clean: no trailing slash, no `.`/`..` segments, `.` for empty. */
export function posixClean(p: string): string {
  if (p === '') return '.';
  const normalized = posix.normalize(p);
  if (normalized.length > 1 && normalized.endsWith('/')) return normalized.slice(0, -1);
  return normalized;
}

export function posixJoin(...parts: string[]): string {
  return posixClean(posix.join(...parts));
}

export function expandUser(p: string, home: string | undefined): string {
  if (p.startsWith('~') && home !== undefined && home !== '') return posixJoin(home, p.slice(1));
  return p;
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

const REMOTE_CONTEXT = ['https://', 'http://', 'git://', 'ssh://', 'github.com/', 'git@'];

export interface PathContext {
  readonly workingDir: string;
  readonly home?: string;
}

/** Resolves a user path against the working directory, expanding `~`. */
export function absPath(p: string, context: PathContext): string {
  const expanded = expandUser(p, context.home);
  if (expanded === '' || isAbsolute(expanded)) return expanded;
  return posixJoin(context.workingDir, expanded);
}

function absContext(p: string, context: PathContext): string {
  if (p.includes('://') || p.startsWith('service:') || REMOTE_CONTEXT.some((prefix) => p.startsWith(prefix))) return p;
  return absPath(p, context);
}

/** Makes the relative paths of one loaded model absolute, in place. */
export function resolveRelativePaths(model: Dict, context: PathContext): Dict {
  const services = model.services;
  if (isDict(services)) {
    for (const service of Object.values(services)) {
      if (!isDict(service)) continue;
      const build = service.build;
      if (isDict(build)) {
        if (typeof build.context === 'string') build.context = absContext(build.context, context);
        if (isDict(build.additional_contexts)) {
          for (const [k, v] of Object.entries(build.additional_contexts)) if (typeof v === 'string') build.additional_contexts[k] = absContext(v, context);
        }
        if (isDict(build.ssh)) {
          for (const [k, v] of Object.entries(build.ssh)) if (typeof v === 'string') build.ssh[k] = absPath(v, context);
        }
      }
      if (Array.isArray(service.env_file)) {
        for (const entry of service.env_file) if (isDict(entry) && typeof entry.path === 'string') entry.path = absPath(entry.path, context);
      }
      if (Array.isArray(service.label_file)) service.label_file = service.label_file.map((f) => (typeof f === 'string' ? absPath(f, context) : f));
      if (isDict(service.extends) && typeof service.extends.file === 'string') service.extends.file = absPath(service.extends.file, context);
      const watch = isDict(service.develop) ? service.develop.watch : undefined;
      if (Array.isArray(watch)) {
        for (const trigger of watch) if (isDict(trigger) && typeof trigger.path === 'string') trigger.path = absPath(trigger.path, context);
      }
      if (Array.isArray(service.volumes)) {
        for (const volume of service.volumes) {
          if (isDict(volume) && volume.type === 'bind' && typeof volume.source === 'string') volume.source = absPath(volume.source, context);
        }
      }
    }
  }
  for (const kind of ['configs', 'secrets']) {
    const resources = model[kind];
    if (!isDict(resources)) continue;
    for (const resource of Object.values(resources)) {
      if (isDict(resource) && typeof resource.file === 'string') resource.file = absPath(resource.file, context);
    }
  }
  if (isDict(model.volumes)) {
    for (const volume of Object.values(model.volumes)) {
      if (!isDict(volume) || volume.driver !== 'local' || !isDict(volume.driver_opts)) continue;
      const opts = volume.driver_opts;
      if (opts.o === 'bind' && has(opts, 'device') && typeof opts.device === 'string') opts.device = absPath(opts.device, context);
    }
  }
  return model;
}
