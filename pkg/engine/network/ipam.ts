// IP address management (pure): picking a subnet for a new network from the default pools without
// overlapping other networks or host routes, and picking addresses for endpoints.

import { ConflictError, InvalidArgumentError } from '../../errdefs/index.js';
import { contains, containsCidr, formatCidr, formatIPv4, lastAddress, overlaps, parseCidr, parseIPv4, size, type Cidr } from './ipnet.js';

export interface AddressPool {
  base: string;
  /** Size of each network carved out of the pool. */
  size: number;
}

/** Docker's defaults: 172.17–172.31 as /16s, then 192.168.0.0/16 as /20s. */
export const DEFAULT_ADDRESS_POOLS: readonly AddressPool[] = [
  { base: '172.17.0.0/16', size: 16 },
  { base: '172.18.0.0/15', size: 16 },
  { base: '172.20.0.0/14', size: 16 },
  { base: '172.24.0.0/14', size: 16 },
  { base: '172.28.0.0/14', size: 16 },
  { base: '192.168.0.0/16', size: 20 },
];

/** The first block of the pools that overlaps nothing in `used` (other networks, host routes). */
export function pickSubnet(pools: readonly AddressPool[], used: Cidr[]): Cidr {
  for (const pool of pools) {
    const range = parseCidr(pool.base, 'address pool');
    if (pool.size < range.prefix || pool.size > 30) throw new InvalidArgumentError(`invalid address pool ${pool.base} with size ${pool.size}`);
    const step = 2 ** (32 - pool.size);
    for (let base = range.base; base <= lastAddress(range); base += step) {
      const candidate = { base, prefix: pool.size };
      if (!used.some((u) => overlaps(u, candidate))) return candidate;
    }
  }
  throw new ConflictError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
}

export interface SubnetConfig {
  subnet: string;
  ipRange?: string;
  gateway: string;
}

/** Validates a user's --subnet/--ip-range/--gateway; fills the gateway with the first address. */
export function checkSubnetConfig(input: { Subnet?: string; IPRange?: string; Gateway?: string }, others: Array<{ name: string; subnet: Cidr }>): SubnetConfig {
  const subnet = parseCidr(input.Subnet ?? '', 'subnet');
  if (subnet.prefix > 30) throw new InvalidArgumentError(`invalid subnet ${input.Subnet}: too small for a gateway and an address (at most /30)`);
  for (const other of others) {
    if (overlaps(other.subnet, subnet)) {
      throw new ConflictError(`invalid pool request: Pool overlaps with other one on this address space (subnet ${formatCidr(subnet)} overlaps ${formatCidr(other.subnet)} of network ${other.name})`);
    }
  }
  let ipRange: string | undefined;
  if (input.IPRange) {
    const range = parseCidr(input.IPRange, 'ip-range');
    if (!containsCidr(subnet, range)) throw new InvalidArgumentError(`invalid ip-range ${input.IPRange}: it is not inside the subnet ${formatCidr(subnet)}`);
    ipRange = formatCidr(range);
  }
  let gateway: number;
  if (input.Gateway) {
    gateway = parseIPv4(input.Gateway);
    if (!contains(subnet, gateway) || gateway === subnet.base || gateway === lastAddress(subnet)) {
      throw new InvalidArgumentError(`invalid gateway ${input.Gateway}: it is not a usable address of the subnet ${formatCidr(subnet)}`);
    }
  } else {
    gateway = subnet.base + 1;
  }
  return { subnet: formatCidr(subnet), ...(ipRange ? { ipRange } : {}), gateway: formatIPv4(gateway) };
}

/**
 * An address for a new endpoint: the requested one (must be in the subnet and free), or the lowest
 * free address of the ip-range (or subnet), skipping network, gateway and broadcast addresses.
 */
export function allocateAddress(config: SubnetConfig, taken: Set<string>, requested?: string): string {
  const subnet = parseCidr(config.subnet);
  const gateway = config.gateway;
  const reserved = (address: number): boolean =>
    address === subnet.base || address === lastAddress(subnet) || formatIPv4(address) === gateway;
  if (requested) {
    const address = parseIPv4(requested);
    if (!contains(subnet, address) || reserved(address)) {
      throw new InvalidArgumentError(`invalid address ${requested}: it is not a usable address of the subnet ${config.subnet}`);
    }
    if (taken.has(requested)) throw new ConflictError(`Address already in use: ${requested}`);
    return requested;
  }
  const range = config.ipRange ? parseCidr(config.ipRange) : subnet;
  for (let offset = 0; offset < size(range); offset++) {
    const address = range.base + offset;
    if (reserved(address)) continue;
    const text = formatIPv4(address);
    if (!taken.has(text)) return text;
  }
  throw new ConflictError(`no available IPv4 addresses on this network's address pools: ${config.ipRange ?? config.subnet}`);
}
