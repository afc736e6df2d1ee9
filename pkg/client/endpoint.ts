// Where a client connects (effects: reads config.json, context metadata and certificate files):
// docker's rules for -H, --tls*, DOCKER_HOST/DOCKER_TLS_VERIFY/DOCKER_CERT_PATH and contexts
// (--context, DOCKER_CONTEXT, currentContext), resolved to a host and TLS material.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, hasErrno } from '../errdefs/index.js';
import type { EngineClientOptions } from './client.js';
import { ContextStore, DEFAULT_CONTEXT, clientConfigDir, dockerEndpoint, readCurrentContext, resolveContextName } from './contexts.js';
import { DEFAULT_HOST } from './host.js';

/** Where a client should connect, from flags (the environment is passed separately). */
export interface EndpointSelection {
  host?: string;
  tls?: boolean;
  tlsVerify?: boolean;
  tlsCaCert?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** --context: a context of the store, or `default`. */
  context?: string;
  /** --config: the client configuration directory (default DOCKER_CONFIG, then ~/.docker). */
  configDir?: string;
}

const isSet = (value: string | undefined): boolean => value !== undefined && value !== '';

/**
 * The default context's endpoint: -H, then DOCKER_HOST; TLS from --tls/--tlsverify and the
 * DOCKER_TLS/DOCKER_TLS_VERIFY variables, files from the flags or DOCKER_CERT_PATH (~/.docker).
 * As with docker, a missing default cert.pem/key.pem is skipped but a CA to verify with is required.
 */
export function defaultContextOptions(selection: EndpointSelection, env: NodeJS.ProcessEnv): EngineClientOptions {
  const host = selection.host || env.DOCKER_HOST || DEFAULT_HOST;
  const verify = selection.tlsVerify ?? isSet(env.DOCKER_TLS_VERIFY);
  const useTls = verify || selection.tls === true || isSet(env.DOCKER_TLS);
  const options: EngineClientOptions = { host };
  if (!useTls || host.startsWith('unix://')) return options;
  const certPath = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
  const read = (explicit: string | undefined, file: string, required: boolean, what: string): Buffer | undefined => {
    // Errors read like docker's ("open /path/ca.pem: no such file or directory").
    const name = explicit ?? join(certPath, file);
    try {
      return readFileSync(name);
    } catch (err) {
      if (explicit === undefined && !required && hasErrno(err, 'ENOENT')) return undefined;
      const reason = hasErrno(err, 'ENOENT') ? 'no such file or directory' : (err as Error).message;
      throw new InvalidArgumentError(`open ${name}: ${reason}`, { cause: err, hint: `the ${what} file` });
    }
  };
  options.tls = {
    verify,
    // Without verification the CA is not used, so its absence does not matter (docker's tlsconfig).
    ca: read(selection.tlsCaCert, 'ca.pem', verify, 'CA certificate'),
    cert: read(selection.tlsCert, 'cert.pem', false, 'TLS certificate'),
    key: read(selection.tlsKey, 'key.pem', false, 'TLS key'),
  };
  return options;
}

/** A stored context's endpoint: its Host, and TLS when it has TLS files or skips verification. */
export function storedContextOptions(store: ContextStore, name: string): EngineClientOptions {
  const endpoint = dockerEndpoint(store.read(name));
  if (!endpoint) throw new InvalidArgumentError(`context "${name}": cannot find docker endpoint in context`);
  const host = endpoint.Host || DEFAULT_HOST;
  const options: EngineClientOptions = { host };
  if (/^(unix|npipe|fd):\/\//.test(host)) return options;
  const tls = store.readTls(name);
  if (!tls && !endpoint.SkipTLSVerify) return options;
  // docker uses the client certificate only as a pair.
  const pair = tls?.cert && tls.key ? { cert: tls.cert, key: tls.key } : {};
  options.tls = { verify: !endpoint.SkipTLSVerify, ca: tls?.ca, ...pair };
  return options;
}

/**
 * Resolves client options like docker's CLI: the context chosen by --context, -H/DOCKER_HOST
 * (the default context), DOCKER_CONTEXT or currentContext; then DOCKER_API_VERSION.
 */
export function resolveClientOptions(selection: EndpointSelection = {}, env: NodeJS.ProcessEnv = process.env): EngineClientOptions {
  if (selection.context && selection.host) throw new InvalidArgumentError('conflicting options: cannot specify both --host and --context');
  const configDir = clientConfigDir(env, selection.configDir);
  const name = resolveContextName(selection, env, () => readCurrentContext(configDir));
  const options = name === DEFAULT_CONTEXT ? defaultContextOptions(selection, env) : storedContextOptions(new ContextStore(configDir), name);
  if (env.DOCKER_API_VERSION) options.apiVersion = env.DOCKER_API_VERSION;
  return options;
}
