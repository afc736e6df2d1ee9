// Networks for `network ls` and `network inspect -f` (pure): docker's networkContext row fields and
// default formats, and the typed network.Inspect view its inspect templates run on.
import type { Network } from '../../client/index.js';
import { GoStruct, GoTime, goMap, goString } from './go-struct.js';
import { RowContext } from './formatter.js';
import { truncateId } from './text.js';

export const NETWORK_TABLE_FORMAT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

export const NETWORK_HEADERS: Record<string, string> = {
  ID: 'NETWORK ID',
  Name: 'NAME',
  Driver: 'DRIVER',
  Scope: 'SCOPE',
  IPv4: 'IPV4',
  IPv6: 'IPV6',
  Internal: 'INTERNAL',
  Labels: 'LABELS',
  CreatedAt: 'CREATED AT',
};

/** docker's network NewFormat. */
export function networkFormat(source: string, quiet: boolean): string {
  if (source === '' || source === 'table') return quiet ? '{{.ID}}' : NETWORK_TABLE_FORMAT;
  if (source === 'raw') return quiet ? 'network_id: {{.ID}}' : 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n';
  return source;
}

function joinLabels(labels: Record<string, string> | null | undefined): string {
  if (!labels) return '';
  // Go joins them in map order (random); sorted is one of the orders it can print.
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .sort()
    .join(',');
}

export class NetworkContext extends RowContext {
  readonly goTypeName = '*network.networkContext';
  protected readonly jsonFields = ['CreatedAt', 'Driver', 'ID', 'IPv4', 'IPv6', 'Internal', 'Labels', 'Name', 'Scope'];

  constructor(
    private readonly network: Network,
    private readonly trunc: boolean,
  ) {
    super();
  }

  ID(): string {
    return this.trunc ? truncateId(this.network.Id) : this.network.Id;
  }
  Name(): string {
    return this.network.Name;
  }
  Driver(): string {
    return this.network.Driver;
  }
  Scope(): string {
    return this.network.Scope;
  }
  IPv4(): string {
    return String(this.network.EnableIPv4 ?? false);
  }
  IPv6(): string {
    return String(this.network.EnableIPv6);
  }
  Internal(): string {
    return String(this.network.Internal);
  }
  Labels(): string {
    return joinLabels(this.network.Labels);
  }
  Label(name: string): string {
    return this.network.Labels?.[name] ?? '';
  }
  CreatedAt(): string {
    return new GoTime(this.network.Created).goString();
  }
}

function ipamConfigView(raw: unknown): GoStruct {
  const config = goMap(raw);
  return new GoStruct(
    'network.IPAMConfig',
    [
      ['Subnet', goString(config.Subnet)],
      ['IPRange', goString(config.IPRange)],
      ['Gateway', goString(config.Gateway)],
      ['AuxAddress', goMap(config.AuxiliaryAddresses)],
    ],
    raw,
  );
}

/** network.Inspect as Go holds it: every field present, in struct order, for `inspect -f`. */
export function networkView(raw: unknown): GoStruct {
  const network = goMap(raw);
  const ipam = goMap(network.IPAM);
  const configs = Array.isArray(ipam.Config) ? ipam.Config : [];
  const containers = goMap(network.Containers);
  const endpointView = (value: unknown): GoStruct => {
    const endpoint = goMap(value);
    const fields = ['Name', 'EndpointID', 'MacAddress', 'IPv4Address', 'IPv6Address'].map((name) => [name, goString(endpoint[name])] as const);
    return new GoStruct('network.EndpointResource', fields, value);
  };
  const peers = Array.isArray(network.Peers) ? network.Peers : [];
  return new GoStruct(
    'network.Inspect',
    [
      ['Name', goString(network.Name)],
      ['ID', goString(network.Id)],
      ['Created', new GoTime(goString(network.Created))],
      ['Scope', goString(network.Scope)],
      ['Driver', goString(network.Driver)],
      ['EnableIPv4', network.EnableIPv4 === true],
      ['EnableIPv6', network.EnableIPv6 === true],
      ['IPAM', new GoStruct('network.IPAM', [['Driver', goString(ipam.Driver)], ['Options', goMap(ipam.Options)], ['Config', configs.map(ipamConfigView)]], network.IPAM ?? null)],
      ['Internal', network.Internal === true],
      ['Attachable', network.Attachable === true],
      ['Ingress', network.Ingress === true],
      ['ConfigFrom', new GoStruct('network.ConfigReference', [['Network', goString(goMap(network.ConfigFrom).Network)]], network.ConfigFrom ?? { Network: '' })],
      ['ConfigOnly', network.ConfigOnly === true],
      ['Containers', Object.fromEntries(Object.entries(containers).map(([id, endpoint]) => [id, endpointView(endpoint)]))],
      ['Options', goMap(network.Options)],
      ['Labels', goMap(network.Labels)],
      ['Peers', peers.map((peer) => new GoStruct('network.PeerInfo', [['Name', goString(goMap(peer).Name)], ['IP', goString(goMap(peer).IP)]], peer))],
      ['Services', goMap(network.Services)],
    ],
    raw,
  );
}
