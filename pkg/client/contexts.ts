// The docker CLI's context store, read and written in its own layout (effects: synchronous files, as
// the CLI needs the endpoint before anything else): <config>/contexts/meta/<sha256(name)>/meta.json
// with Endpoints.docker.{Host,SkipTLSVerify}, TLS files in <config>/contexts/tls/<sha256(name)>/docker/,
// and the current context in <config>/config.json (currentContext). Contexts made by
// `docker context create` work with berth and the other way round.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError, hasErrno } from '../errdefs/index.js';

export const DEFAULT_CONTEXT = 'default';
/** docker's context name rule (cli/context/store). */
export const CONTEXT_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$/;
/** The only endpoint berth uses; others (kubernetes, in old stores) are kept untouched. */
export const DOCKER_ENDPOINT = 'docker';
export const TLS_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

export interface ContextTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface DockerEndpointMeta {
  Host: string;
  SkipTLSVerify: boolean;
}

export interface StoredContext {
  name: string;
  /** The context's metadata object (docker keeps Description there, plus any extra fields). */
  metadata: Record<string, unknown>;
  /** Every endpoint as stored; `docker` is the one berth reads. */
  endpoints: Record<string, unknown>;
  /** TLS file names per endpoint (docker inspect's TLSMaterial). */
  tlsMaterial: Record<string, string[]>;
  metadataPath: string;
  tlsPath: string;
}

/** The client configuration directory: --config, then DOCKER_CONFIG, then ~/.docker. */
export function clientConfigDir(env: NodeJS.ProcessEnv, explicit?: string): string {
  return explicit || env.DOCKER_CONFIG || path.join(homedir(), '.docker');
}

/** The directory name of a context in the store: the hex SHA-256 of its name. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function validateContextName(name: string): void {
  if (name === DEFAULT_CONTEXT) throw new InvalidArgumentError(`"${DEFAULT_CONTEXT}" is a reserved context name`);
  if (!CONTEXT_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(`context name "${name}" is invalid, names are validated against regexp "${CONTEXT_NAME_PATTERN.source}"`);
  }
}

/** The docker endpoint of a stored context, typed (pure). */
export function dockerEndpoint(context: Pick<StoredContext, 'endpoints'>): DockerEndpointMeta | undefined {
  const raw = context.endpoints[DOCKER_ENDPOINT];
  if (raw === null || typeof raw !== 'object') return undefined;
  const fields = raw as Record<string, unknown>;
  return { Host: typeof fields.Host === 'string' ? fields.Host : '', SkipTLSVerify: fields.SkipTLSVerify === true };
}

/** Writes a file through a temporary name, so readers never see half of it. */
function writeAtomic(file: string, data: string | Buffer, mode: number): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, data, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}

export class ContextStore {
  readonly metaRoot: string;
  readonly tlsRoot: string;

  constructor(readonly configDir: string) {
    this.metaRoot = path.join(configDir, 'contexts', 'meta');
    this.tlsRoot = path.join(configDir, 'contexts', 'tls');
  }

  metaFile(name: string): string {
    return path.join(this.metaRoot, contextDirName(name), 'meta.json');
  }

  tlsDir(name: string): string {
    return path.join(this.tlsRoot, contextDirName(name));
  }

  exists(name: string): boolean {
    return existsSync(this.metaFile(name));
  }

  /** Reads a context; a missing one fails with docker's text. */
  read(name: string): StoredContext {
    const file = this.metaFile(name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) throw new NotFoundError(`context "${name}": context not found: open ${file}: no such file or directory`);
      throw err;
    }
    return this.parse(text, file, name);
  }

  private parse(text: string, file: string, name: string): StoredContext {
    let document: { Name?: unknown; Metadata?: unknown; Endpoints?: unknown };
    try {
      document = JSON.parse(text) as typeof document;
    } catch (err) {
      throw new InvalidArgumentError(`context "${name}": ${file} is not valid JSON: ${(err as Error).message}`);
    }
    const object = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
    return {
      name: typeof document.Name === 'string' ? document.Name : name,
      metadata: object(document.Metadata),
      endpoints: object(document.Endpoints),
      tlsMaterial: this.tlsMaterial(name),
      metadataPath: path.dirname(file),
      tlsPath: this.tlsDir(name),
    };
  }

  private tlsMaterial(name: string): Record<string, string[]> {
    const material: Record<string, string[]> = {};
    let endpoints: string[];
    try {
      endpoints = readdirSync(this.tlsDir(name));
    } catch {
      return material;
    }
    for (const endpoint of endpoints) {
      const dir = path.join(this.tlsDir(name), endpoint);
      if (!statSync(dir).isDirectory()) continue;
      // Hidden files (editor leftovers, interrupted writes) are not TLS material, as in docker.
      material[endpoint] = readdirSync(dir)
        .filter((file) => !file.startsWith('.') && statSync(path.join(dir, file)).isFile())
        .sort();
    }
    return material;
  }

  /** Every stored context, sorted by name (the implicit default is not stored). */
  list(): StoredContext[] {
    let dirs: string[];
    try {
      dirs = readdirSync(this.metaRoot);
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return [];
      throw err;
    }
    const contexts: StoredContext[] = [];
    for (const dir of dirs) {
      const file = path.join(this.metaRoot, dir, 'meta.json');
      if (!existsSync(file)) continue;
      const parsed = this.parse(readFileSync(file, 'utf8'), file, dir);
      contexts.push({ ...parsed, tlsMaterial: this.tlsMaterial(parsed.name) });
    }
    return contexts.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  }

  /** The TLS files of an endpoint; undefined when the context has none. */
  readTls(name: string, endpoint = DOCKER_ENDPOINT): ContextTls | undefined {
    const dir = path.join(this.tlsDir(name), endpoint);
    const read = (file: string): Buffer | undefined => {
      try {
        return readFileSync(path.join(dir, file));
      } catch (err) {
        if (hasErrno(err, 'ENOENT')) return undefined;
        throw err;
      }
    };
    const tls: ContextTls = { ca: read(TLS_FILES.ca), cert: read(TLS_FILES.cert), key: read(TLS_FILES.key) };
    return tls.ca || tls.cert || tls.key ? tls : undefined;
  }

  /**
   * Creates a context (docker's layout and modes: meta.json 0644, TLS files 0600 in 0700 dirs).
   * Fails if it exists.
   */
  create(spec: { name: string; metadata: Record<string, unknown>; endpoint: DockerEndpointMeta; tls?: ContextTls }): void {
    validateContextName(spec.name);
    if (this.exists(spec.name)) throw new ConflictError(`context "${spec.name}" already exists`);
    const tlsDir = path.join(this.tlsDir(spec.name), DOCKER_ENDPOINT);
    if (spec.tls && (spec.tls.ca || spec.tls.cert || spec.tls.key)) {
      mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
      for (const [field, file] of Object.entries(TLS_FILES) as [keyof ContextTls, string][]) {
        const data = spec.tls[field];
        if (data) writeAtomic(path.join(tlsDir, file), data, 0o600);
      }
    }
    const metaDir = path.dirname(this.metaFile(spec.name));
    mkdirSync(metaDir, { recursive: true, mode: 0o755 });
    const document = { Name: spec.name, Metadata: spec.metadata, Endpoints: { [DOCKER_ENDPOINT]: spec.endpoint } };
    writeAtomic(this.metaFile(spec.name), JSON.stringify(document), 0o644);
  }

  /** Removes a context's metadata and TLS files. */
  remove(name: string): void {
    if (!this.exists(name)) throw new NotFoundError(`context "${name}" does not exist`);
    rmSync(path.dirname(this.metaFile(name)), { recursive: true, force: true });
    rmSync(this.tlsDir(name), { recursive: true, force: true });
  }
}

/** config.json as a plain object ({} when missing); other tools' keys must survive our writes. */
function readConfigJson(configDir: string): Record<string, unknown> {
  const file = path.join(configDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return {};
    throw err;
  }
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch (err) {
    throw new InvalidArgumentError(`loading config file ${file}: ${(err as Error).message}`);
  }
}

/** The context config.json names as current, if any. */
export function readCurrentContext(configDir: string): string | undefined {
  const current = readConfigJson(configDir).currentContext;
  return typeof current === 'string' && current !== '' ? current : undefined;
}

/** Sets (or, with the default context, clears) currentContext, keeping the rest of config.json. */
export function writeCurrentContext(configDir: string, name: string): void {
  const config = readConfigJson(configDir);
  if (name === DEFAULT_CONTEXT) delete config.currentContext;
  else config.currentContext = name;
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  writeAtomic(path.join(configDir, 'config.json'), `${JSON.stringify(config, null, '\t')}\n`, 0o600);
}

/**
 * Which context a command uses, in docker's order: --context, then the default context when -H or
 * DOCKER_HOST is set, then DOCKER_CONTEXT, then currentContext in config.json (pure apart from
 * `currentContext`, which reads the file only when needed).
 */
export function resolveContextName(selection: { context?: string; host?: string }, env: NodeJS.ProcessEnv, currentContext: () => string | undefined): string {
  if (selection.context) return selection.context;
  if (selection.host) return DEFAULT_CONTEXT;
  if (env.DOCKER_HOST) return DEFAULT_CONTEXT;
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  return currentContext() ?? DEFAULT_CONTEXT;
}
