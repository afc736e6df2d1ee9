// `berth context ls/create/use/rm/inspect/show`: docker's context commands over the same store
// (~/.docker/contexts, currentContext in config.json), so either CLI sees the other's contexts.
import { readFileSync } from 'node:fs';
import {
  ContextStore,
  DEFAULT_CONTEXT,
  DEFAULT_HOST,
  clientConfigDir,
  dockerEndpoint,
  readCurrentContext,
  resolveContextName,
  validateContextName,
  writeCurrentContext,
  type ContextTls,
  type DockerEndpointMeta,
  type EndpointSelection,
  type StoredContext,
} from '../../client/index.js';
import { StatusError } from '../errors.js';
import { renderRows } from '../format/formatter.js';
import { readCsvRecord } from '../options/go-csv.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { forEachObject, write } from './shared.js';
import { inspectObjects } from './inspect.js';

const DEFAULT_DESCRIPTION = 'Current DOCKER_HOST based configuration';
const DOCKER_HOST_WARNING =
  'Warning: DOCKER_HOST environment variable overrides the active context. To use a context, either set the global --context flag, or unset DOCKER_HOST environment variable.';
const LS_FORMAT = 'table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t{{.DockerEndpoint}}\t{{.Error}}';
const LS_HEADERS = { Name: 'NAME', Current: '', Description: 'DESCRIPTION', DockerEndpoint: 'DOCKER ENDPOINT', Error: 'ERROR' };

function selection(context: CommandContext): EndpointSelection {
  return context.endpointSelection ?? {};
}

function storeOf(context: CommandContext): ContextStore {
  return new ContextStore(clientConfigDir(context.env, selection(context).configDir));
}

function currentName(context: CommandContext, store: ContextStore): string {
  return resolveContextName(selection(context), context.env, () => readCurrentContext(store.configDir));
}

/** The implicit default context: -H or DOCKER_HOST, with the TLS variables (never stored). */
function defaultEndpoint(context: CommandContext): DockerEndpointMeta {
  const { env } = context;
  const chosen = selection(context);
  const verify = chosen.tlsVerify ?? Boolean(env.DOCKER_TLS_VERIFY);
  const tls = verify || chosen.tls === true || Boolean(env.DOCKER_TLS);
  return { Host: chosen.host || env.DOCKER_HOST || DEFAULT_HOST, SkipTLSVerify: tls && !verify };
}

function description(metadata: Record<string, unknown>): string {
  return typeof metadata.Description === 'string' ? metadata.Description : '';
}

export const list: CommandRunner = async (context, _args, flags) => {
  const store = storeOf(context);
  const current = currentName(context, store);
  if (context.env.DOCKER_HOST && (readCurrentContext(store.configDir) ?? DEFAULT_CONTEXT) !== DEFAULT_CONTEXT) context.stderr.write(`${DOCKER_HOST_WARNING}\n`);
  const rows = [
    { Current: current === DEFAULT_CONTEXT, Description: DEFAULT_DESCRIPTION, DockerEndpoint: defaultEndpoint(context).Host, Error: '', Name: DEFAULT_CONTEXT },
    ...store.list().map((stored) => ({
      Current: stored.name === current,
      Description: description(stored.metadata),
      DockerEndpoint: dockerEndpoint(stored)?.Host ?? '',
      Error: dockerEndpoint(stored) ? '' : 'cannot find docker endpoint in context',
      Name: stored.name,
    })),
  ];
  const source = flags.string('format') ?? '';
  const format = flags.bool('quiet') ? '{{.Name}}' : source === '' || source === 'table' ? LS_FORMAT : source;
  try {
    await write(context.stdout, renderRows(format, rows, LS_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};

export const show: CommandRunner = async (context) => {
  await write(context.stdout, `${currentName(context, storeOf(context))}\n`);
};

export const use: CommandRunner = async (context, args) => {
  const name = args[0]!;
  const store = storeOf(context);
  try {
    if (name !== DEFAULT_CONTEXT) store.read(name);
    writeCurrentContext(store.configDir, name);
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
  await write(context.stdout, `${name}\n`);
  context.stderr.write(`Current context is now "${name}"\n`);
  if (context.env.DOCKER_HOST && name !== DEFAULT_CONTEXT) context.stderr.write(`${DOCKER_HOST_WARNING}\n`);
};

export const remove: CommandRunner = async (context, args, flags) => {
  const store = storeOf(context);
  await forEachObject(context.stdout, args, async (name) => {
    if (name === DEFAULT_CONTEXT) throw new Error(`context "${DEFAULT_CONTEXT}" cannot be removed`);
    if (!store.exists(name)) throw new Error(`context "${name}" does not exist`);
    const inUse = readCurrentContext(store.configDir) === name;
    if (inUse && !flags.bool('force')) throw new Error(`context "${name}" is in use, set -f flag to force remove`);
    store.remove(name);
    if (inUse) writeCurrentContext(store.configDir, DEFAULT_CONTEXT);
  });
};

/** docker's inspect object for a context. */
function inspectView(stored: Pick<StoredContext, 'name' | 'metadata' | 'endpoints' | 'tlsMaterial' | 'metadataPath' | 'tlsPath'>): Record<string, unknown> {
  const endpoints = { ...stored.endpoints };
  const docker = dockerEndpoint(stored);
  if (docker) endpoints.docker = docker;
  return {
    Name: stored.name,
    Metadata: stored.metadata,
    Endpoints: endpoints,
    TLSMaterial: stored.tlsMaterial,
    Storage: { MetadataPath: stored.metadataPath, TLSPath: stored.tlsPath },
  };
}

export const inspect: CommandRunner = async (context, args, flags) => {
  const store = storeOf(context);
  const names = args.length > 0 ? args : [currentName(context, store)];
  await inspectObjects(context, names, flags.string('format') ?? '', async (name) => {
    if (name !== DEFAULT_CONTEXT) return JSON.stringify(inspectView(store.read(name)));
    // Go escapes < and > in JSON strings; the raw text keeps that spelling.
    const inMemory = '\\u003cIN MEMORY\\u003e';
    return JSON.stringify(inspectView({ name, metadata: {}, endpoints: { docker: defaultEndpoint(context) }, tlsMaterial: {}, metadataPath: '', tlsPath: '' })).replaceAll(
      '"MetadataPath":"","TLSPath":""',
      `"MetadataPath":"${inMemory}","TLSPath":"${inMemory}"`,
    );
  });
};

/** Go's strconv.ParseBool. */
function parseBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new Error(`strconv.ParseBool: parsing ${JSON.stringify(text)}: invalid syntax`);
}

/** The --docker values (docker's stringToString: CSV records of key=value, later keys win). */
function dockerFields(values: readonly string[]): Map<string, string> {
  const fields = new Map<string, string>();
  for (const value of values) {
    for (const pair of readCsvRecord(value)) {
      const equals = pair.indexOf('=');
      if (equals === -1) throw new Error(`${pair} must be formatted as key=value`);
      fields.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
  }
  return fields;
}

/** The endpoint and TLS files a new context gets from --docker (docker's getDockerEndpoint). */
function endpointFromFlag(context: CommandContext, store: ContextStore, fields: Map<string, string>): { endpoint: DockerEndpointMeta; tls?: ContextTls } {
  for (const key of fields.keys()) {
    if (!['from', 'host', 'ca', 'cert', 'key', 'skip-tls-verify'].includes(key)) throw new Error(`unrecognized config key: ${key}`);
  }
  const from = fields.get('from');
  if (from !== undefined) return copyEndpoint(context, store, from);
  const readPem = (key: string): Buffer | undefined => {
    const file = fields.get(key);
    if (file === undefined || file === '') return undefined;
    const expanded = file.startsWith('~/') ? `${context.env.HOME ?? ''}${file.slice(1)}` : file;
    try {
      return readFileSync(expanded);
    } catch (err) {
      throw new Error(`open ${expanded}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
    }
  };
  const tls: ContextTls = { ca: readPem('ca'), cert: readPem('cert'), key: readPem('key') };
  const skip = fields.get('skip-tls-verify');
  return { endpoint: { Host: fields.get('host') ?? '', SkipTLSVerify: skip === undefined ? false : parseBool(skip) }, tls };
}

/** Another context's docker endpoint with its TLS files (the default context: its host and TLS flags). */
function copyEndpoint(context: CommandContext, store: ContextStore, name: string): { endpoint: DockerEndpointMeta; tls?: ContextTls } {
  if (name === DEFAULT_CONTEXT) return { endpoint: defaultEndpoint(context) };
  const endpoint = dockerEndpoint(store.read(name));
  if (!endpoint) throw new Error(`context "${name}": cannot find docker endpoint in context`);
  return { endpoint, tls: store.readTls(name) };
}

export const create: CommandRunner = async (context, args, flags) => {
  const name = args[0]!;
  const store = storeOf(context);
  try {
    validateContextName(name);
    if (store.exists(name)) throw new Error(`context "${name}" already exists`);
    const dockerValues = flags.list('docker');
    const from = flags.string('from');
    if (from !== undefined && dockerValues.length > 0) throw new Error('cannot use --docker flag when --from is set');
    let source: { endpoint: DockerEndpointMeta; tls?: ContextTls };
    let metadata: Record<string, unknown> = {};
    if (dockerValues.length > 0) {
      try {
        source = endpointFromFlag(context, store, dockerFields(dockerValues));
      } catch (err) {
        throw new Error(`unable to create docker endpoint config: ${(err as Error).message}`);
      }
    } else {
      // Neither: docker copies the current context, description included.
      const origin = from ?? currentName(context, store);
      source = copyEndpoint(context, store, origin);
      metadata = origin === DEFAULT_CONTEXT ? { Description: DEFAULT_DESCRIPTION } : { ...store.read(origin).metadata };
    }
    const text = flags.string('description');
    if (text !== undefined) metadata = { ...metadata, Description: text };
    if (metadata.Description === '') delete metadata.Description;
    store.create({ name, metadata, endpoint: source.endpoint, tls: source.tls });
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
  await write(context.stdout, `${name}\n`);
  context.stderr.write(`Successfully created context "${name}"\n`);
};
