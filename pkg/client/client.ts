// EngineClient: the one way Berth's CLI, compose and the swarm agent talk to an engine (effects via
// Transport). System endpoints live here; containers, images, exec, networks and volumes hang off it.
import { isNotFound, type BerthError } from '../errdefs/index.js';
import { ContainersApi, type Abortable } from './containers.js';
import { ExecApi } from './exec.js';
import { resolveClientOptions, type EndpointSelection } from './endpoint.js';
import { encodeFilters, type Filters } from './filters.js';
import { DEFAULT_HOST, parseHost, type EngineEndpoint, type TlsOptions } from './host.js';
import { ImagesApi } from './images.js';
import { readJsonStream } from './json-stream.js';
import { NetworksApi, VolumesApi } from './networks.js';
import { headerValue, Transport } from './transport.js';
import type { ContainerPruneResponse } from './types-container.js';
import type { ImagePruneResponse } from './types-image.js';
import type { NetworkPruneResponse, VolumePruneResponse } from './types-network.js';
import type { DiskUsage, DiskUsageObject, EventMessage, PingResult, SystemInfo, SystemVersion } from './types-system.js';

export interface EngineClientOptions {
  /** Host spec (`unix:///path`, `tcp://host:port`); default DEFAULT_HOST. */
  host?: string;
  /** TLS material for tcp hosts. */
  tls?: TlsOptions;
  /** Pins the API version instead of negotiating it. */
  apiVersion?: string;
  userAgent?: string;
}

export { resolveClientOptions, type EndpointSelection };

/** The AuthConfig body of POST /auth. */
export interface RegistryLoginRequest {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

export interface EventsOptions extends Abortable {
  since?: string;
  until?: string;
  filters?: Filters;
}

export interface SystemPruneOptions extends Abortable {
  /** Remove all unused images, not just dangling ones. */
  all?: boolean;
  volumes?: boolean;
  filters?: Filters;
}

export interface SystemPruneReport {
  containers: ContainerPruneResponse;
  networks: NetworkPruneResponse;
  volumes: VolumePruneResponse | undefined;
  images: ImagePruneResponse;
  buildCache: { CachesDeleted: string[] | null; SpaceReclaimed: number } | undefined;
}

export class EngineClient {
  readonly endpoint: EngineEndpoint;
  readonly containers: ContainersApi;
  readonly images: ImagesApi;
  readonly exec: ExecApi;
  readonly networks: NetworksApi;
  readonly volumes: VolumesApi;
  private readonly transport: Transport;

  constructor(options: EngineClientOptions = {}) {
    this.endpoint = parseHost(options.host ?? DEFAULT_HOST, options.tls);
    this.transport = new Transport({ endpoint: this.endpoint, apiVersion: options.apiVersion, userAgent: options.userAgent });
    this.containers = new ContainersApi(this.transport);
    this.images = new ImagesApi(this.transport);
    this.exec = new ExecApi(this.transport);
    this.networks = new NetworksApi(this.transport);
    this.volumes = new VolumesApi(this.transport);
  }

  /** A client configured from the environment (DOCKER_HOST, DOCKER_API_VERSION, TLS variables). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, selection: EndpointSelection = {}): EngineClient {
    return new EngineClient(resolveClientOptions(selection, env));
  }

  /** The API version in use (negotiated with the daemon on first call unless pinned). */
  apiVersion(options: Abortable = {}): Promise<string> {
    return this.transport.apiVersion(options.signal);
  }

  async ping(options: Abortable = {}): Promise<PingResult> {
    const response = await this.transport.ping(options.signal);
    const header = (name: string): string | undefined => headerValue(response.headers[name]);
    return {
      apiVersion: header('api-version'),
      osType: header('ostype'),
      experimental: header('docker-experimental') === 'true',
      builderVersion: header('builder-version'),
      swarmStatus: header('swarm'),
    };
  }

  version(options: Abortable = {}): Promise<SystemVersion> {
    return this.transport.json<SystemVersion>({ method: 'GET', path: '/version', signal: options.signal });
  }

  info(options: Abortable = {}): Promise<SystemInfo> {
    return this.transport.json<SystemInfo>({ method: 'GET', path: '/info', signal: options.signal });
  }

  df(options: Abortable & { types?: readonly DiskUsageObject[] } = {}): Promise<DiskUsage> {
    return this.transport.json<DiskUsage>({
      method: 'GET',
      path: '/system/df',
      query: { type: options.types && options.types.length > 0 ? options.types : undefined },
      signal: options.signal,
    });
  }

  /**
   * Events as they happen (or within since/until). The iteration ends quietly when `signal`
   * aborts or the daemon closes the stream (as it does once `until` passes).
   */
  async *events(options: EventsOptions = {}): AsyncGenerator<EventMessage, void, undefined> {
    const response = await this.transport.send({
      method: 'GET',
      path: '/events',
      query: { since: options.since, until: options.until, filters: encodeFilters(options.filters) },
      signal: options.signal,
    });
    try {
      yield* readJsonStream<EventMessage>(response, options.signal, parseEvent);
    } catch (err) {
      if (!options.signal?.aborted) throw err;
    } finally {
      response.destroy();
    }
  }

  /** Build-cache prune; undefined if the daemon has no builder endpoint. */
  /**
   * POST /auth (docker login): the daemon checks the credentials against the registry. Resolves
   * with its status text and, when the registry issued one, an identity token to store instead of
   * the password.
   */
  login(auth: RegistryLoginRequest, options: Abortable = {}): Promise<{ Status: string; IdentityToken?: string }> {
    return this.transport.json<{ Status: string; IdentityToken?: string }>({ method: 'POST', path: '/auth', body: auth, signal: options.signal });
  }

  async pruneBuildCache(options: Abortable & { all?: boolean; filters?: Filters } = {}): Promise<SystemPruneReport['buildCache']> {
    try {
      return await this.transport.json<NonNullable<SystemPruneReport['buildCache']>>({
        method: 'POST',
        path: '/build/prune',
        query: { all: options.all || undefined, filters: encodeFilters(options.filters) },
        signal: options.signal,
      });
    } catch (err) {
      if (isNotFound(err) || (err as BerthError).code === 'not_implemented') return undefined;
      throw err;
    }
  }

  /** docker's `system prune`: containers, networks, (volumes), images, build cache, in that order. */
  async systemPrune(options: SystemPruneOptions = {}): Promise<SystemPruneReport> {
    const { signal, filters } = options;
    const containers = await this.containers.prune({ filters, signal });
    const networks = await this.networks.prune({ filters, signal });
    const volumes = options.volumes ? await this.volumes.prune({ filters: withoutUntil(filters), signal }) : undefined;
    const imageFilters: Filters = { ...filters, dangling: [options.all ? 'false' : 'true'] };
    const images = await this.images.prune({ filters: imageFilters, signal });
    const buildCache = await this.pruneBuildCache({ all: options.all, filters, signal });
    return { containers, networks, volumes, images, buildCache };
  }

  /** Drops idle connections. Idempotent; streams in flight keep their sockets. */
  close(): void {
    this.transport.close();
  }
}

/**
 * Parses an event keeping `timeNano` exact: nanoseconds since 1970 exceed 2^53, so the digits are
 * also kept as a bigint in the non-enumerable `timeNanoExact` (JSON output stays docker's shape).
 */
export function parseEvent(text: string): EventMessage {
  const event = JSON.parse(text) as EventMessage;
  // The top-level field comes last in docker's encoding; a label value could only contain an escaped copy.
  const digits = [...text.matchAll(/"timeNano"\s*:\s*(\d+)/g)].at(-1)?.[1];
  if (digits !== undefined) Object.defineProperty(event, 'timeNanoExact', { value: BigInt(digits), enumerable: false });
  return event;
}

/** Volume prune rejects the `until` filter; docker drops it for volumes. */
function withoutUntil(filters: Filters | undefined): Filters | undefined {
  if (!filters) return undefined;
  const { until: _until, ...rest } = filters;
  return rest;
}
