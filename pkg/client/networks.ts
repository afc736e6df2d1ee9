// Network and volume endpoints of the Engine API (effects via Transport): list, inspect, create,
// remove, connect, disconnect and prune.
import { InvalidArgumentError } from '../errdefs/index.js';
import type { Abortable } from './containers.js';
import { encodeFilters, type Filters } from './filters.js';
import type { Transport } from './transport.js';
import type {
  Network,
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkPruneResponse,
  Volume,
  VolumeCreateRequest,
  VolumeListResponse,
  VolumePruneResponse,
} from './types-network.js';

/** docker's client-side check: a blank name or ID never reaches the daemon (it would hit another route). */
function trimId(kind: 'network' | 'volume' | 'container', id: string): string {
  const trimmed = id.trim();
  if (trimmed === '') throw new InvalidArgumentError(`invalid ${kind} name or ID: value is empty`);
  return encodeURIComponent(trimmed);
}

export class NetworksApi {
  constructor(private readonly transport: Transport) {}

  list(options: Abortable & { filters?: Filters } = {}): Promise<Network[]> {
    return this.transport.json<Network[]>({ method: 'GET', path: '/networks', query: { filters: encodeFilters(options.filters) }, signal: options.signal });
  }

  async inspect(id: string, options: Abortable & { verbose?: boolean; scope?: string } = {}): Promise<Network> {
    return await this.transport.json<Network>({
      method: 'GET',
      path: `/networks/${trimId('network', id)}`,
      query: { verbose: options.verbose || undefined, scope: options.scope || undefined },
      signal: options.signal,
    });
  }

  async inspectRaw(id: string, options: Abortable & { verbose?: boolean; scope?: string } = {}): Promise<string> {
    return await this.transport.text({
      method: 'GET',
      path: `/networks/${trimId('network', id)}`,
      query: { verbose: options.verbose || undefined, scope: options.scope || undefined },
      signal: options.signal,
    });
  }

  create(body: NetworkCreateRequest, options: Abortable = {}): Promise<NetworkCreateResponse> {
    return this.transport.json<NetworkCreateResponse>({ method: 'POST', path: '/networks/create', body, signal: options.signal });
  }

  async remove(id: string, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'DELETE', path: `/networks/${trimId('network', id)}`, signal: options.signal });
  }

  async connect(id: string, body: NetworkConnectRequest, options: Abortable = {}): Promise<void> {
    trimId('container', body.Container);
    await this.transport.empty({ method: 'POST', path: `/networks/${trimId('network', id)}/connect`, body, signal: options.signal });
  }

  async disconnect(id: string, body: NetworkDisconnectRequest, options: Abortable = {}): Promise<void> {
    trimId('container', body.Container);
    await this.transport.empty({ method: 'POST', path: `/networks/${trimId('network', id)}/disconnect`, body, signal: options.signal });
  }

  prune(options: Abortable & { filters?: Filters } = {}): Promise<NetworkPruneResponse> {
    return this.transport.json<NetworkPruneResponse>({ method: 'POST', path: '/networks/prune', query: { filters: encodeFilters(options.filters) }, signal: options.signal });
  }
}

export class VolumesApi {
  constructor(private readonly transport: Transport) {}

  list(options: Abortable & { filters?: Filters } = {}): Promise<VolumeListResponse> {
    return this.transport.json<VolumeListResponse>({ method: 'GET', path: '/volumes', query: { filters: encodeFilters(options.filters) }, signal: options.signal });
  }

  async inspect(name: string, options: Abortable = {}): Promise<Volume> {
    return await this.transport.json<Volume>({ method: 'GET', path: `/volumes/${trimId('volume', name)}`, signal: options.signal });
  }

  async inspectRaw(name: string, options: Abortable = {}): Promise<string> {
    return await this.transport.text({ method: 'GET', path: `/volumes/${trimId('volume', name)}`, signal: options.signal });
  }

  create(body: VolumeCreateRequest, options: Abortable = {}): Promise<Volume> {
    return this.transport.json<Volume>({ method: 'POST', path: '/volumes/create', body, signal: options.signal });
  }

  async remove(name: string, options: Abortable & { force?: boolean } = {}): Promise<void> {
    await this.transport.empty({ method: 'DELETE', path: `/volumes/${trimId('volume', name)}`, query: { force: options.force || undefined }, signal: options.signal });
  }

  prune(options: Abortable & { filters?: Filters } = {}): Promise<VolumePruneResponse> {
    return this.transport.json<VolumePruneResponse>({ method: 'POST', path: '/volumes/prune', query: { filters: encodeFilters(options.filters) }, signal: options.signal });
  }
}
