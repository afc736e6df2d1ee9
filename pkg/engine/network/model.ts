// Network records (pure types + views): what is persisted per network, the running endpoints in
// it, and the Engine API shapes of /networks and /networks/{id}.

export interface IpamConfigEntry {
  Subnet: string;
  IPRange?: string;
  Gateway: string;
}

export interface EndpointRecord {
  containerId: string;
  containerName: string;
  endpointId: string;
  address: string;
  prefix: number;
  mac: string;
  hostVeth: string;
  ifname: string;
  aliases: string[];
  /** Names this endpoint answers to in the embedded DNS (name, short id, aliases, hostname). */
  dnsNames: string[];
}

export type NetworkDriver = 'bridge' | 'host' | 'null';

export interface NetworkRecord {
  id: string;
  name: string;
  created: string;
  driver: NetworkDriver;
  internal: boolean;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  ipam: { Driver: string; Options: Record<string, string>; Config: IpamConfigEntry[] };
  /** Linux bridge device; '' for host/null. */
  bridge: string;
  /** bridge, host, none: created by the daemon, cannot be removed. */
  predefined: boolean;
  /** User networks answer container names in the embedded DNS; the default bridge does not. */
  dns: boolean;
  /** Running endpoints by container id. */
  endpoints: Record<string, EndpointRecord>;
}

export const PREDEFINED = new Set(['bridge', 'host', 'none']);

export function networkView(network: NetworkRecord, withContainers: boolean): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  if (withContainers) {
    for (const endpoint of Object.values(network.endpoints)) {
      containers[endpoint.containerId] = {
        Name: endpoint.containerName,
        EndpointID: endpoint.endpointId,
        MacAddress: endpoint.mac,
        IPv4Address: `${endpoint.address}/${endpoint.prefix}`,
        IPv6Address: '',
      };
    }
  }
  return {
    Name: network.name,
    Id: network.id,
    Created: network.created,
    Scope: 'local',
    Driver: network.driver,
    EnableIPv4: network.driver === 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: network.ipam.Driver, Options: network.ipam.Options, Config: network.ipam.Config },
    Internal: network.internal,
    Attachable: network.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: network.options,
    Labels: network.labels,
  };
}
