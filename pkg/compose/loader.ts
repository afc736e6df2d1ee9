// Loads compose files into one merged canonical tree (pure apart from the injected file system):
// per file parse → interpolate → validate → canonical syntax → extends → !reset/!override →
// include → merge, then defaults, checks and relative paths. compose-go's loader order.

import { posix } from 'node:path';
import { canonicalize, setDefaults } from './canonical.js';
import { deepClone, has, isDict, type Dict } from './dict.js';
import { configError, ComposeError } from './errors.js';
import { interpolateValue } from './interpolate.js';
import { applyResets, enforceUnicity, mergeValues } from './merge.js';
import { absPath, resolveRelativePaths } from './paths.js';
import { formatPath, parseComposeYaml, type Path, type Position } from './source.js';
import type { Lookup } from './template.js';
import { validateDocument } from './validate.js';
import { parseDotEnv, DotEnvError } from './dotenv.js';

/** The effect boundary: how the loader reads files. fs.ts provides the real one. */
export interface ComposeFileSystem {
  /** File content, or undefined when the path does not exist or is not a file. */
  readFile(path: string): string | undefined;
  /** What is at `path`, if anything. */
  stat(path: string): 'file' | 'directory' | undefined;
}

/** Where every path of the merged model came from, for error messages. */
export class SourceMap {
  private readonly maps: Array<ReadonlyMap<string, Position>> = [];

  add(positions: ReadonlyMap<string, Position>): void {
    this.maps.push(positions);
  }

  locate(path: Path): { file?: string; line?: number; column?: number } {
    for (let n = path.length; n >= 0; n--) {
      const key = formatPath(path.slice(0, n));
      for (let i = this.maps.length - 1; i >= 0; i--) {
        const position = this.maps[i].get(key);
        if (position !== undefined) return { file: position.file, line: position.line, column: position.column };
      }
    }
    return {};
  }
}

export interface ModelContext {
  readonly fs: ComposeFileSystem;
  /** Variables for interpolation (shell environment + .env + COMPOSE_PROJECT_NAME). */
  readonly environment: ReadonlyMap<string, string>;
  readonly home: string | undefined;
  readonly sources: SourceMap;
  /** How a file is named in errors. */
  readonly display: (path: string) => string;
}

interface LoadState {
  readonly workingDir: string;
  readonly environment: ReadonlyMap<string, string>;
  readonly included: readonly string[];
}

export function lookupIn(environment: ReadonlyMap<string, string>): Lookup {
  return (name) => environment.get(name);
}

function readComposeFile(context: ModelContext, file: string): string {
  const content = context.fs.readFile(file);
  if (content === undefined) {
    const kind = context.fs.stat(file);
    throw new ComposeError('file_not_found', kind === 'directory' ? `${file} is a directory` : `no such file or directory: ${file}`, { file: context.display(file) });
  }
  return content;
}

/** Parses and interpolates every document of `file`, validating each against the schema. */
function readDocuments(context: ModelContext, file: string, environment: ReadonlyMap<string, string>, validate: boolean): Array<{ value: Dict; resets: readonly Path[]; overrides: readonly Path[] }> {
  const display = context.display(file);
  const docs = parseComposeYaml(readComposeFile(context, file), display);
  return docs.map((doc) => {
    context.sources.add(doc.positions);
    if (!isDict(doc.value)) throw configError('top-level object must be a mapping', { file: display, line: 1 });
    const value = interpolateValue(doc.value, { lookup: lookupIn(environment), positions: doc.positions, file: display }) as Dict;
    if (validate) validateDocument(value, display, doc.positions);
    if (has(value, 'version')) delete value.version;
    return { value, resets: doc.resets, overrides: doc.overrides };
  });
}

/** Loads `files` (already absolute) into one canonical tree, relative paths resolved against `workingDir`. */
export function loadModel(context: ModelContext, files: readonly string[], workingDir: string, environment: ReadonlyMap<string, string>, included: readonly string[] = []): Dict {
  let model: Dict = {};
  const state: LoadState = { workingDir, environment, included };
  for (const file of files) {
    for (const doc of readDocuments(context, file, environment, true)) {
      const locate = (path: Path) => context.sources.locate(path);
      const current = canonicalize(doc.value, locate);
      applyExtends(context, current, file, environment, [], [...doc.resets, ...doc.overrides]);
      applyResets(model, [...doc.resets, ...doc.overrides]);
      applyInclude(context, current, state, file);
      try {
        model = mergeValues(model, current) as Dict;
      } catch (err) {
        throw err instanceof ComposeError ? err.withLocation(context.sources.locate(pathOf(err))) : err;
      }
      model = enforceUnicity(model) as Dict;
    }
  }
  model = setDefaults(model);
  checkModel(model, context.sources);
  resolveRelativePaths(model, { workingDir, home: context.home });
  return model;
}

function pathOf(err: ComposeError): Path {
  return err.path === undefined ? [] : err.path.split('.');
}

/** Checks compose-go runs on the merged tree (mutually exclusive keys, IPs, device requests). */
function checkModel(model: Dict, sources: SourceMap): void {
  const fail = (path: Path, detail: string): never => {
    throw configError(detail, { ...sources.locate(path), path: formatPath(path) });
  };
  for (const [kind, keys] of [
    ['configs', ['file', 'environment', 'content']],
    ['secrets', ['file', 'environment']],
  ] as const) {
    const resources = model[kind];
    if (!isDict(resources)) continue;
    for (const [name, resource] of Object.entries(resources)) {
      if (!isDict(resource)) fail([kind, name], `one of ${keys.join('|')} must be set`);
      const set = keys.filter((k) => has(resource as Dict, k));
      if (set.length > 1) fail([kind, name], `${keys.join('|')} attributes are mutually exclusive`);
      if (set.length === 0 && !has(resource as Dict, 'driver') && !has(resource as Dict, 'external')) fail([kind, name], `one of ${keys.join('|')} must be set`);
    }
  }
  for (const kind of ['volumes', 'networks']) {
    const resources = model[kind];
    if (!isDict(resources)) continue;
    for (const [name, resource] of Object.entries(resources)) {
      if (!isDict(resource) || resource.external !== true) continue;
      for (const key of Object.keys(resource)) {
        if (key !== 'name' && key !== 'external' && !key.startsWith('x-')) fail([kind, name, key], `conflicting parameters "external" and "${key}" specified`);
      }
    }
  }
  const services = isDict(model.services) ? model.services : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isDict(service)) continue;
    if (Array.isArray(service.ports)) {
      service.ports.forEach((port, i) => {
        if (isDict(port) && typeof port.host_ip === 'string' && !isIpAddress(port.host_ip)) fail(['services', name, 'ports', i], `invalid ip address: ${port.host_ip}`);
      });
    }
    const devices = isDict(service.deploy) && isDict(service.deploy.resources) && isDict(service.deploy.resources.reservations) ? service.deploy.resources.reservations.devices : undefined;
    for (const request of [...(Array.isArray(devices) ? devices : []), ...(Array.isArray(service.gpus) ? service.gpus : [])]) {
      if (isDict(request) && has(request, 'count') && has(request, 'device_ids')) fail(['services', name], '"count" and "device_ids" attributes are exclusive');
    }
  }
}

function isIpAddress(ip: string): boolean {
  return /^(\d{1,3}\.){3}\d{1,3}$/.test(ip) || (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip));
}

// ---- extends -------------------------------------------------------------------------------

interface ExtendsFrame {
  readonly file: string;
  readonly service: string;
}

function applyExtends(context: ModelContext, doc: Dict, file: string, environment: ReadonlyMap<string, string>, chain: readonly ExtendsFrame[], resets: readonly Path[]): void {
  const services = doc.services;
  if (!isDict(services)) return;
  for (const name of Object.keys(services)) services[name] = extendService(context, services, name, file, environment, chain, resets);
}

function extendService(
  context: ModelContext,
  services: Dict,
  name: string,
  file: string,
  environment: ReadonlyMap<string, string>,
  chain: readonly ExtendsFrame[],
  resets: readonly Path[],
): unknown {
  const service = services[name];
  if (!isDict(service) || !isDict(service.extends)) return service;
  const extendsConfig = service.extends;
  const ref = String(extendsConfig.service);
  const where = { ...context.sources.locate(['services', name, 'extends']), path: `services.${name}.extends` };
  let baseServices = services;
  let baseFile = file;
  let baseResets: readonly Path[] = resets;
  if (typeof extendsConfig.file === 'string') {
    baseFile = absPath(extendsConfig.file, { workingDir: posix.dirname(file), home: context.home });
    let docs: ReturnType<typeof readDocuments>;
    try {
      docs = readDocuments(context, baseFile, environment, false);
    } catch (err) {
      if (err instanceof ComposeError && err.kind === 'file_not_found') {
        throw new ComposeError('file_not_found', `cannot extend service "${name}": ${err.detail}`, where);
      }
      throw err;
    }
    let merged: Dict = {};
    for (const d of docs) merged = mergeValues(merged, canonicalize(d.value, (path) => context.sources.locate(path))) as Dict;
    resolveRelativePaths(merged, { workingDir: posix.dirname(baseFile), home: context.home });
    if (!isDict(merged.services)) throw configError(`cannot extend service "${name}": no services section in ${context.display(baseFile)}`, where);
    baseServices = merged.services;
    baseResets = docs.flatMap((d) => [...d.resets, ...d.overrides]);
    if (!has(baseServices, ref)) throw configError(`cannot extend service "${name}": service "${ref}" not found in ${context.display(baseFile)}`, where);
  } else if (!has(services, ref)) {
    throw configError(`cannot extend service "${name}": service "${ref}" not found`, where);
  }
  const frame = { file, service: name };
  const next = { file: baseFile, service: ref };
  const cycle = [...chain, frame];
  if (cycle.some((f) => f.file === next.file && f.service === next.service)) {
    const names = [...cycle, next].map((f) => `${f.service} (${context.display(f.file)})`).join(' extends ');
    throw configError(`circular reference: ${names}`, where);
  }
  const base = extendService(context, baseServices, ref, baseFile, environment, cycle, baseResets);
  if (!isDict(base)) return service;
  const source = deepClone(base);
  const wrapper: Dict = { services: { [name]: source } };
  applyResets(wrapper, resets);
  const own = { ...service };
  delete own.extends;
  const merged = mergeValues((wrapper.services as Dict)[name] ?? {}, own, ['services', name]) as Dict;
  delete merged.extends;
  services[name] = merged;
  return merged;
}

// ---- include -------------------------------------------------------------------------------

function applyInclude(context: ModelContext, doc: Dict, state: LoadState, file: string): void {
  const includes = doc.include;
  delete doc.include;
  if (!Array.isArray(includes)) return;
  const chain = [...state.included, file];
  includes.forEach((entry, index) => {
    const config: Dict = isDict(entry) ? entry : { path: entry };
    const where = { ...context.sources.locate(['include', index]), path: `include[${index}]` };
    const paths = (Array.isArray(config.path) ? config.path : [config.path]).map((p) => absPath(String(p), { workingDir: state.workingDir, home: context.home }));
    if (paths.length === 0) throw configError('include requires a path', where);
    if (chain.includes(paths[0])) {
      throw configError(`include cycle detected: ${[...chain, paths[0]].map((f) => context.display(f)).join(' includes ')}`, where);
    }
    const projectDir =
      typeof config.project_directory === 'string' ? absPath(config.project_directory, { workingDir: state.workingDir, home: context.home }) : posix.dirname(paths[0]);
    let envFiles: string[];
    if (config.env_file === undefined) {
      const candidate = posix.join(projectDir, '.env');
      envFiles = context.fs.stat(candidate) === 'file' ? [candidate] : [];
    } else {
      envFiles = (Array.isArray(config.env_file) ? config.env_file : [config.env_file])
        .map((f: unknown) => String(f))
        .filter((f: string) => f !== '/dev/null')
        .map((f: string) => absPath(f, { workingDir: state.workingDir, home: context.home }));
    }
    const fromFiles = readEnvFiles(context, envFiles, state.environment);
    const environment = new Map(state.environment);
    for (const [k, v] of fromFiles) if (!environment.has(k)) environment.set(k, v);
    for (const path of paths) {
      if (context.fs.stat(path) !== 'file') throw new ComposeError('file_not_found', `included file not found: ${context.display(path)}`, where);
    }
    const imported = loadModel(context, paths, projectDir, environment, chain);
    for (const kind of ['services', 'volumes', 'networks', 'secrets', 'configs', 'models']) {
      const from = imported[kind];
      if (!isDict(from)) continue;
      const to = isDict(doc[kind]) ? (doc[kind] as Dict) : {};
      for (const [name, value] of Object.entries(from)) {
        if (has(to, name)) {
          if (JSON.stringify(to[name]) === JSON.stringify(value)) continue;
          throw configError(`${kind}.${name} conflicts with imported resource`, { ...context.sources.locate([kind, name]), path: `${kind}.${name}` });
        }
        to[name] = value;
      }
      doc[kind] = to;
    }
  });
}

/** Reads env files in order; later files see variables of earlier ones. Missing files are errors. */
export function readEnvFiles(context: ModelContext, files: readonly string[], environment: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files) {
    const kind = context.fs.stat(file);
    if (kind === undefined) throw new ComposeError('file_not_found', `couldn't find env file: ${file}`, { file: context.display(file) });
    if (kind === 'directory') throw new ComposeError('config', `${file} is a directory`, { file: context.display(file) });
    const content = context.fs.readFile(file) ?? '';
    try {
      parseDotEnv(content, (name) => environment.get(name), out);
    } catch (err) {
      if (err instanceof DotEnvError) throw configError(`failed to read env file: ${err.message}`, { file: context.display(file), line: err.line });
      throw err;
    }
  }
  return out;
}
