// Parsing and validation of daemon.json text (pure): JSON syntax, unknown keys, value types (ajv,
// compiled once) and the value checks a schema cannot express. Every error names the key.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { parseLogOptions } from '../container/index.js';
import { parseListenAddress } from './hosts.js';
import { DAEMON_FILE_SCHEMA, DAEMON_KEYS, FLAG_NAMES, LOG_OPTS, type DaemonFile, type DaemonKey } from './schema.js';

/** A bad daemon configuration; `key` is the daemon.json key at fault, when there is one. */
export class DaemonConfigError extends InvalidArgumentError {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

let compiled: ValidateFunction<DaemonFile> | undefined;
function validator(): ValidateFunction<DaemonFile> {
  compiled ??= new Ajv({ allErrors: false, strict: true }).compile(DAEMON_FILE_SCHEMA);
  return compiled;
}

/** "/default-address-pools/0/size" → "default-address-pools[0].size" (the key as a reader sees it). */
function keyPath(pointer: string): string {
  const [first = '', ...rest] = pointer.split('/').slice(1).map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  return first + rest.map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`)).join('');
}

function describe(error: ErrorObject, value: unknown): string {
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}${got}`;
    case 'type':
      return `must be ${(error.params as { type: string }).type}${got}`;
    case 'required':
      return `needs "${(error.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return `has an unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    default:
      return `${error.message ?? 'is invalid'}${got}`;
  }
}

function valueAt(document: unknown, pointer: string): unknown {
  let current = document;
  for (const segment of pointer.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Line and column of a JSON.parse failure position, for the error text. */
function position(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match) return '';
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

/**
 * Parses daemon.json. An empty file is an empty configuration (as with dockerd); JSON `null`
 * values count as absent.
 */
export function parseDaemonFile(text: string): DaemonFile {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return {};
  let document: unknown;
  try {
    document = JSON.parse(trimmed);
  } catch (err) {
    const message = (err as Error).message;
    throw new DaemonConfigError(`invalid JSON${position(trimmed, message)}: ${message}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new DaemonConfigError('the configuration must be a JSON object ({"key": value, …})');
  }
  const entries = Object.entries(document as Record<string, unknown>).filter(([, value]) => value !== null);
  const unknown = entries.map(([key]) => key).filter((key) => !DAEMON_KEYS.includes(key as DaemonKey));
  if (unknown.length > 0) {
    throw new DaemonConfigError(
      `the following directives don't match any configuration option: ${unknown.sort().join(', ')} (berthd knows ${[...DAEMON_KEYS].sort().join(', ')})`,
      unknown[0],
    );
  }
  const candidate = Object.fromEntries(entries);
  if (!validator()(candidate)) {
    const error = validator().errors![0]!;
    const pointer = error.instancePath;
    const key = keyPath(pointer);
    throw new DaemonConfigError(`invalid value for "${key}": ${describe(error, valueAt(candidate, pointer))}`, key.split(/[.[]/)[0]);
  }
  checkDaemonValues(candidate, 'file');
  return candidate;
}

/**
 * Checks a schema cannot express, shared by the file and the flags; errors name the key as the
 * user wrote it (`"log-opts"` in the file, `--log-opt` on the command line).
 */
export function checkDaemonValues(config: DaemonFile, origin: 'file' | 'flags'): void {
  const name = (key: DaemonKey, suffix = ''): string => (origin === 'file' ? `"${key}${suffix}"` : FLAG_NAMES[key]);
  for (const host of config.hosts ?? []) {
    try {
      parseListenAddress(host, false);
    } catch (err) {
      throw new DaemonConfigError(`invalid value for ${name('hosts')}: ${(err as Error).message}`, 'hosts');
    }
  }
  for (const key of Object.keys(config['log-opts'] ?? {})) {
    if (!(LOG_OPTS as readonly string[]).includes(key)) {
      throw new DaemonConfigError(`invalid value for ${name('log-opts')}: unknown log opt '${key}' for ${config['log-driver'] ?? 'json-file'} log driver (known: ${LOG_OPTS.join(', ')})`, 'log-opts');
    }
  }
  try {
    parseLogOptions(config['log-opts'] ?? {});
  } catch (err) {
    throw new DaemonConfigError(`invalid value for ${name('log-opts')}: ${(err as Error).message}`, 'log-opts');
  }
  for (const [index, pool] of (config['default-address-pools'] ?? []).entries()) {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(pool.base);
    const where = name('default-address-pools', `[${index}].base`);
    if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || Number(match[5]) > 32) {
      throw new DaemonConfigError(`invalid value for ${where}: "${pool.base}" is not an IPv4 CIDR like 10.10.0.0/16`, 'default-address-pools');
    }
    if (pool.size < Number(match[5])) {
      throw new DaemonConfigError(
        `invalid value for ${name('default-address-pools', `[${index}].size`)}: ${pool.size} is shorter than the pool's own prefix /${match[5]}`,
        'default-address-pools',
      );
    }
  }
}
