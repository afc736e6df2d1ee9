// Loading a compose project end to end (pure apart from the injected file system): project options
// like docker compose v2 (file discovery, .env, --env-file, COMPOSE_FILE, COMPOSE_PROFILES,
// COMPOSE_PROJECT_NAME, -p, `name:`), then load, normalise, decode, profiles, consistency checks,
// service selection, env_file/label_file resolution and pruning of unused resources.

import { posix } from 'node:path';
import { isDict, type Dict } from './dict.js';
import { configError, ComposeError } from './errors.js';
import { decodeProject } from './decode.js';
import { parseDotEnv, DotEnvError } from './dotenv.js';
import { buildServiceGraph, findCycle, withDependencies } from './graph.js';
import { loadModel, readEnvFiles, SourceMap, lookupIn, type ComposeFileSystem, type ModelContext } from './loader.js';
import type { FileObjectConfig, NetworkConfig, Project, ServiceConfig, VolumeConfig } from './model.js';
import { normalizeModel } from './normalize.js';
import { absPath } from './paths.js';
import { parseComposeYaml } from './source.js';
import { substitute } from './template.js';
import { checkConsistency } from './consistency.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

export interface ProjectOptions {
  /** Directory the command runs in (relative paths of options resolve against it). */
  readonly cwd: string;
  /** Shell environment. */
  readonly env: Readonly<Record<string, string>>;
  /** `-f` files; empty for discovery / COMPOSE_FILE. */
  readonly files?: readonly string[];
  /** `--project-directory`. */
  readonly projectDirectory?: string;
  /** `-p`. */
  readonly projectName?: string;
  /** `--profile`; empty means COMPOSE_PROFILES. */
  readonly profiles?: readonly string[];
  /** `--env-file`; empty means `<project dir>/.env`. */
  readonly envFiles?: readonly string[];
  /** Services named on the command line: only they and their dependencies stay enabled. */
  readonly services?: readonly string[];
  /** Merge env_file into environment (default true). */
  readonly resolveEnvironment?: boolean;
  /** Drop env_file/label_file once resolved, as `config` does (default false). */
  readonly discardEnvFiles?: boolean;
  /** Keep networks/volumes/secrets/configs no enabled service uses (default false). */
  readonly keepUnusedResources?: boolean;
  /** Normalise (default network, resource names, implied dependencies); `config --no-normalize` turns it off. */
  readonly normalize?: boolean;
  /** Cross-reference checks; `config --no-consistency` turns them off. */
  readonly consistency?: boolean;
  readonly fs: ComposeFileSystem;
}

export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[_-]+/, '');
}

function invalidProjectName(name: string): ComposeError {
  return configError(`invalid project name "${name}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
}

function findFiles(fs: ComposeFileSystem, dir: string, names: readonly string[]): string[] {
  return names.map((n) => posix.join(dir, n)).filter((f) => fs.stat(f) === 'file');
}

/** compose.yaml (or its alternatives) in `start` or the nearest parent, plus its override file. */
export function discoverComposeFiles(fs: ComposeFileSystem, start: string): string[] {
  let dir = start;
  for (;;) {
    const candidates = findFiles(fs, dir, DEFAULT_FILE_NAMES);
    if (candidates.length > 0) {
      const overrides = findFiles(fs, dir, DEFAULT_OVERRIDE_FILE_NAMES);
      return overrides.length > 0 ? [candidates[0], overrides[0]] : [candidates[0]];
    }
    const parent = posix.dirname(dir);
    if (parent === dir) return [];
    dir = parent;
  }
}

interface ResolvedOptions {
  files: string[];
  workingDir: string;
  environment: Map<string, string>;
  envFiles: string[];
  profiles: string[];
}

function loadDotEnv(fs: ComposeFileSystem, files: readonly string[], environment: Map<string, string>, display: (p: string) => string): void {
  const fromFiles = new Map<string, string>();
  for (const file of files) {
    const kind = fs.stat(file);
    if (kind === undefined) throw new ComposeError('file_not_found', `couldn't find env file: ${file}`, { file: display(file) });
    if (kind === 'directory') throw configError(`${file} is a directory`, { file: display(file) });
    try {
      parseDotEnv(fs.readFile(file) ?? '', (name) => environment.get(name) ?? fromFiles.get(name), fromFiles);
    } catch (err) {
      if (err instanceof DotEnvError) throw configError(`failed to read ${display(file)}: ${err.message}`, { file: display(file), line: err.line });
      throw err;
    }
  }
  for (const [k, v] of fromFiles) if (!environment.has(k)) environment.set(k, v);
}

function resolveOptions(options: ProjectOptions, display: (p: string) => string): ResolvedOptions {
  const { fs, cwd } = options;
  const environment = new Map(Object.entries(options.env));
  if (!environment.has('PWD')) environment.set('PWD', cwd);
  const explicitDir = options.projectDirectory !== undefined && options.projectDirectory !== '' ? absPath(options.projectDirectory, { workingDir: cwd }) : undefined;
  let files = (options.files ?? []).map((f) => absPath(f, { workingDir: cwd }));
  let envFileOption = (options.envFiles ?? []).map((f) => absPath(f, { workingDir: cwd }));
  const fromVariable = environment.get('COMPOSE_ENV_FILES');
  if (envFileOption.length === 0 && fromVariable !== undefined && fromVariable !== '') {
    envFileOption = fromVariable.split(',').map((f) => absPath(f.trim(), { workingDir: cwd }));
  }
  const defaultEnvFiles = (dir: string): string[] => {
    if (envFileOption.length > 0) return envFileOption;
    const disabled = environment.get('COMPOSE_DISABLE_ENV_FILE');
    if (disabled !== undefined && ['1', 't', 'true', 'TRUE', 'True'].includes(disabled)) return [];
    const candidate = posix.join(dir, '.env');
    return fs.stat(candidate) === 'file' ? [candidate] : [];
  };
  // First pass: .env of the directory known so far can set COMPOSE_FILE.
  const firstDir = explicitDir ?? (files.length > 0 ? posix.dirname(files[0]) : cwd);
  const firstEnv = new Map(environment);
  loadDotEnv(fs, defaultEnvFiles(firstDir), firstEnv, display);
  if (files.length === 0) {
    const composeFile = firstEnv.get('COMPOSE_FILE');
    if (composeFile !== undefined && composeFile !== '') {
      const separator = firstEnv.get('COMPOSE_PATH_SEPARATOR') || ':';
      files = composeFile.split(separator).map((f) => absPath(f, { workingDir: cwd }));
      for (const file of files) if (fs.stat(file) === undefined) throw new ComposeError('file_not_found', `no such file or directory: ${file}`, { file: display(file) });
    }
  }
  if (files.length === 0) files = discoverComposeFiles(fs, explicitDir ?? cwd);
  if (files.length === 0) {
    throw new ComposeError('file_not_found', 'no configuration file provided: not found', {}, { hint: 'create a compose.yaml or pass -f' });
  }
  const workingDir = explicitDir ?? posix.dirname(files[0]);
  const envFiles = defaultEnvFiles(workingDir);
  loadDotEnv(fs, envFiles, environment, display);
  let profiles = [...(options.profiles ?? [])];
  if (profiles.length === 0) profiles = (environment.get('COMPOSE_PROFILES') ?? '').split(',').map((p) => p.trim());
  return { files, workingDir, environment, envFiles: envFileOption, profiles: profiles.filter((p) => p !== '') };
}

function projectNameFor(options: ProjectOptions, resolved: ResolvedOptions, context: ModelContext): string {
  if (options.projectName !== undefined && options.projectName !== '') {
    if (normalizeProjectName(options.projectName) !== options.projectName) throw invalidProjectName(options.projectName);
    return options.projectName;
  }
  const fromEnv = resolved.environment.get('COMPOSE_PROJECT_NAME');
  if (fromEnv !== undefined && fromEnv !== '') {
    if (normalizeProjectName(fromEnv) !== fromEnv) throw invalidProjectName(fromEnv);
    return fromEnv;
  }
  let fromFile = '';
  for (const file of resolved.files) {
    const content = context.fs.readFile(file);
    if (content === undefined) continue;
    let docs;
    try {
      docs = parseComposeYaml(content, context.display(file));
    } catch {
      continue; // reported with its location when the file is loaded
    }
    for (const doc of docs) {
      if (isDict(doc.value) && typeof doc.value.name === 'string' && doc.value.name !== '') fromFile = doc.value.name;
    }
  }
  if (fromFile !== '') {
    let name: string;
    try {
      name = normalizeProjectName(substitute(fromFile, lookupIn(resolved.environment)));
    } catch (err) {
      throw configError((err as Error).message, { path: 'name' });
    }
    if (name !== '') return name;
  }
  return normalizeProjectName(posix.basename(resolved.workingDir));
}

/** Loads, normalises and checks a compose project. Throws ComposeError. */
export function loadProject(options: ProjectOptions): Project {
  const display = (p: string): string => {
    const rel = posix.relative(options.cwd, p);
    return rel !== '' && !rel.startsWith('..') && !posix.isAbsolute(rel) ? rel : p;
  };
  const resolved = resolveOptions(options, display);
  const sources = new SourceMap();
  const home = resolved.environment.get('HOME');
  const baseContext: ModelContext = { fs: options.fs, environment: resolved.environment, home, sources, display };
  const name = projectNameFor(options, resolved, baseContext);
  if (name === '') throw configError('project name must not be empty', {}, );
  resolved.environment.set('COMPOSE_PROJECT_NAME', name);
  const context: ModelContext = { ...baseContext, environment: resolved.environment };

  let tree = loadModel(context, resolved.files, resolved.workingDir, resolved.environment);
  if (Object.keys(tree).length === 0) throw configError('empty compose file', { file: display(resolved.files[0]) });
  if (options.normalize !== false) tree = normalizeModel(tree, name, lookupIn(resolved.environment));
  const decoded = decodeProject(tree, (path) => sources.locate(path));

  const allServices = (decoded.services ?? {}) as Record<string, ServiceConfig>;
  const project: Project = {
    name,
    workingDir: resolved.workingDir,
    composeFiles: resolved.files,
    environment: Object.fromEntries(resolved.environment),
    envFiles: resolved.envFiles,
    services: {},
    disabledServices: {},
    networks: (decoded.networks ?? {}) as Record<string, NetworkConfig>,
    volumes: (decoded.volumes ?? {}) as Record<string, VolumeConfig>,
    secrets: (decoded.secrets ?? {}) as Record<string, FileObjectConfig>,
    configs: (decoded.configs ?? {}) as Record<string, FileObjectConfig>,
    models: (decoded.models ?? {}) as Record<string, Record<string, unknown>>,
    profiles: resolved.profiles,
    ...(isDict(decoded.extensions) ? { extensions: decoded.extensions } : {}),
  };
  applyProfiles(project, allServices, resolved.profiles);
  if (options.consistency !== false) checkConsistency(project, sources);
  const cycle = findCycle(buildServiceGraph(project.services));
  if (cycle !== undefined) {
    throw configError(`dependency cycle detected: ${cycle.join(' -> ')}`, { ...sources.locate(['services', cycle[0], 'depends_on']), path: `services.${cycle[0]}.depends_on` });
  }
  if (options.services !== undefined && options.services.length > 0) selectServices(project, options.services);
  if (options.resolveEnvironment !== false) resolveServiceEnvironment(project, context, options.discardEnvFiles === true);
  resolveServiceLabels(project, context, options.discardEnvFiles === true);
  if (options.keepUnusedResources !== true) pruneUnusedResources(project);
  return project;
}

function hasProfile(service: ServiceConfig, profiles: readonly string[]): boolean {
  const own = service.profiles ?? [];
  if (own.length === 0) return true;
  return profiles.some((p) => p === '*' || own.includes(p));
}

function applyProfiles(project: Project, all: Record<string, ServiceConfig>, profiles: readonly string[]): void {
  project.services = {};
  project.disabledServices = {};
  for (const [name, service] of Object.entries(all)) {
    if (hasProfile(service, profiles)) project.services[name] = service;
    else project.disabledServices[name] = service;
  }
  project.profiles = [...profiles];
}

/** Enables the named services (activating their profiles) and keeps only them and their dependencies. */
function selectServices(project: Project, names: readonly string[]): void {
  const profiles = [...project.profiles];
  for (const name of names) {
    if (project.services[name] !== undefined) continue;
    const disabled = project.disabledServices[name];
    if (disabled === undefined) throw configError(`no such service: ${name}`);
    profiles.push(...(disabled.profiles ?? []));
  }
  applyProfiles(project, { ...project.services, ...project.disabledServices }, profiles);
  const graph = buildServiceGraph(project.services);
  for (const name of names) if (project.services[name] === undefined) throw configError(`no such service: ${name}`);
  const keep = new Set(withDependencies(graph, names));
  for (const [name, service] of Object.entries(project.services)) {
    if (keep.has(name)) {
      if (service.depends_on !== undefined) for (const dep of Object.keys(service.depends_on)) if (!keep.has(dep)) delete service.depends_on[dep];
      continue;
    }
    project.disabledServices[name] = service;
    delete project.services[name];
  }
}

/** env_file contents merged into environment; the service's own environment wins. */
function resolveServiceEnvironment(project: Project, context: ModelContext, discard: boolean): void {
  for (const [name, service] of Object.entries(project.services)) {
    const own: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(service.environment ?? {})) own[k] = v ?? project.environment[k] ?? null;
    const fromFiles = new Map<string, string>();
    for (const [k, v] of Object.entries(own)) if (v !== null) fromFiles.set(k, v);
    for (const [i, envFile] of (service.env_file ?? []).entries()) {
      const where = { ...context.sources.locate(['services', name, 'env_file', i]), path: `services.${name}.env_file[${i}]` };
      const kind = context.fs.stat(envFile.path);
      if (kind === undefined) {
        if (envFile.required) throw new ComposeError('file_not_found', `env file ${envFile.path} not found`, where);
        continue;
      }
      const content = context.fs.readFile(envFile.path) ?? '';
      const lookup = (key: string): string | undefined => project.environment[key] ?? own[key] ?? undefined;
      try {
        if (envFile.format === 'raw') parseRawEnv(content, lookup, fromFiles);
        else if (envFile.format === undefined || envFile.format === '' || envFile.format === '.env') parseDotEnv(content, lookup, fromFiles);
        else throw configError(`unsupported env_file format "${envFile.format}"`, where);
      } catch (err) {
        if (err instanceof DotEnvError) throw configError(`failed to read ${envFile.path}: line ${err.line}: ${err.message}`, where);
        throw err;
      }
    }
    const environment: Record<string, string | null> = Object.fromEntries(fromFiles);
    Object.assign(environment, own);
    if (Object.keys(environment).length > 0 || service.environment !== undefined) service.environment = environment;
    if (discard) delete service.env_file;
  }
}

/** docker's `--env-file` format: KEY=VALUE lines taken verbatim, bare KEY from the environment. */
function parseRawEnv(content: string, lookup: (key: string) => string | undefined, out: Map<string, string>): void {
  for (const rawLine of content.split('\n')) {
    const line = rawLine.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) {
      const value = lookup(line.trimEnd());
      if (value !== undefined) out.set(line.trimEnd(), value);
    } else out.set(line.slice(0, eq), line.slice(eq + 1));
  }
}

function resolveServiceLabels(project: Project, context: ModelContext, discard: boolean): void {
  for (const [name, service] of Object.entries(project.services)) {
    const files = service.label_file ?? [];
    if (files.length === 0) continue;
    const labels = new Map<string, string>();
    files.forEach((file, i) => {
      if (context.fs.stat(file) === undefined) throw new ComposeError('file_not_found', `label file ${file} not found`, { ...context.sources.locate(['services', name, 'label_file', i]), path: `services.${name}.label_file[${i}]` });
      parseDotEnv(context.fs.readFile(file) ?? '', (key) => labels.get(key), labels);
    });
    service.labels = { ...Object.fromEntries(labels), ...(service.labels ?? {}) };
    if (discard) delete service.label_file;
  }
}

/** Drops top-level resources no enabled service refers to (compose's WithoutUnnecessaryResources). */
export function pruneUnusedResources(project: Project): void {
  const used = { networks: new Set<string>(), volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>(), models: new Set<string>() };
  for (const service of Object.values(project.services)) {
    for (const n of Object.keys(service.networks ?? {})) used.networks.add(n);
    for (const v of service.volumes ?? []) if (v.type === 'volume' && v.source !== undefined && v.source !== '') used.volumes.add(v.source);
    for (const s of service.secrets ?? []) if (s.source !== undefined) used.secrets.add(s.source);
    for (const s of ((service.build as Dict | undefined)?.secrets as Array<{ source?: string }> | undefined) ?? []) if (s.source !== undefined) used.secrets.add(s.source);
    for (const c of service.configs ?? []) if (c.source !== undefined) used.configs.add(c.source);
    for (const m of Object.keys((service.models as Dict | undefined) ?? {})) used.models.add(m);
  }
  for (const kind of ['networks', 'volumes', 'secrets', 'configs', 'models'] as const) {
    const resources = project[kind] as Record<string, unknown>;
    for (const key of Object.keys(resources)) if (!used[kind].has(key)) delete resources[key];
  }
}

export { readEnvFiles };
