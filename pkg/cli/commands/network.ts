// `berth network` commands: create, ls, inspect, rm, connect and disconnect, as docker's network
// commands do them (requests, output, error texts). `network prune` lives with the other prunes.
import type { EndpointSettings, IpamConfig, Network, NetworkCreateRequest } from '../../client/index.js';
import { isNotFound } from '../../errdefs/index.js';
import { FlagValueError, StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { renderRows } from '../format/formatter.js';
import { NETWORK_HEADERS, NetworkContext, networkFormat } from '../format/network-context.js';
import { CsvError, parseStringSlice } from '../options/go-csv.js';
import { networkContains, parseCidr, parseIp } from '../options/go-net.js';
import { validateLink } from '../options/network-opts.js';
import { keyValueMap, sortedMap, validateLabel, ValueError } from '../options/values.js';
import type { CommandRunner, Flags, FlagSpec } from '../spec.js';
import { inspectObjects, NETWORK_INSPECT } from './inspect.js';
import { naturalLess } from './inspection.js';
import { confirm } from './prune.js';
import { filterFlag, intFlag, write, writeLine } from './shared.js';

/** A pflag StringSlice flag: CSV values, a malformed one reported like pflag does. */
export function stringSliceFlag(flags: Flags, spec: Pick<FlagSpec, 'long' | 'short'>): string[] {
  const out: string[] = [];
  for (const value of flags.list(spec.long)) {
    try {
      out.push(...parseStringSlice([value]));
    } catch (err) {
      if (err instanceof CsvError) throw new FlagValueError(spec, value, err.message);
      throw err;
    }
  }
  return out;
}

/** A list flag checked by one of docker's validators (`--label`, `--link`). */
export function validatedList(flags: Flags, spec: Pick<FlagSpec, 'long' | 'short'>, validate: (value: string) => string): string[] {
  return flags.list(spec.long).map((value) => {
    try {
      return validate(value);
    } catch (err) {
      if (err instanceof ValueError) throw new FlagValueError(spec, value, err.message);
      throw err;
    }
  });
}

/** opts.MapOpts (`-o k=v`): later keys win, a value without "=" is an empty value. */
export function mapFlag(flags: Flags, name: string): Record<string, string> {
  return sortedMap(keyValueMap(flags.list(name)));
}

/** docker's subnetMatches: does `subnet` contain the address (or the address of the CIDR) `data`? */
function subnetMatches(subnet: string, data: string): boolean {
  let network;
  try {
    network = parseCidr(subnet);
  } catch (err) {
    throw new StatusError(1, `invalid subnet: ${(err as Error).message}`);
  }
  if (data.includes('/')) {
    try {
      parseCidr(data);
    } catch (err) {
      throw new StatusError(1, (err as Error).message);
    }
    return networkContains(network, parseIp(data.slice(0, data.indexOf('/'))));
  }
  return networkContains(network, parseIp(data));
}

/** docker's createIPAMConfig: pairs each range, gateway and aux address with the subnet containing it. */
export function ipamConfigs(subnets: readonly string[], ipRanges: readonly string[], gateways: readonly string[], auxAddresses: Record<string, string>): IpamConfig[] {
  if (subnets.length < ipRanges.length || subnets.length < gateways.length) throw new StatusError(1, 'every ip-range or gateway must have a corresponding subnet');
  const configs = new Map<string, IpamConfig & { AuxiliaryAddresses: Record<string, string> }>();
  for (const subnet of subnets) {
    for (const existing of configs.keys()) {
      if (subnetMatches(subnet, existing) || subnetMatches(existing, subnet)) throw new StatusError(1, 'multiple overlapping subnet configuration is not supported');
    }
    configs.set(subnet, { Subnet: subnet, AuxiliaryAddresses: {} });
  }
  for (const range of ipRanges) {
    let match = false;
    for (const subnet of subnets) {
      try {
        parseCidr(range);
      } catch (err) {
        throw new StatusError(1, (err as Error).message);
      }
      if (!subnetMatches(subnet, range)) continue;
      const config = configs.get(subnet)!;
      if (config.IPRange) throw new StatusError(1, `cannot configure multiple ranges (${range}, ${config.IPRange}) on the same subnet (${subnet})`);
      config.IPRange = range;
      match = true;
    }
    if (!match) throw new StatusError(1, `no matching subnet for range ${range}`);
  }
  for (const gateway of gateways) {
    let match = false;
    for (const subnet of subnets) {
      if (!subnetMatches(subnet, gateway)) continue;
      const config = configs.get(subnet)!;
      if (config.Gateway) throw new StatusError(1, `cannot configure multiple gateways (${gateway}, ${config.Gateway}) for the same subnet (${subnet})`);
      config.Gateway = gateway;
      match = true;
    }
    if (!match) throw new StatusError(1, `no matching subnet for gateway ${gateway}`);
  }
  for (const [key, address] of Object.entries(auxAddresses)) {
    let match = false;
    for (const subnet of subnets) {
      if (!subnetMatches(subnet, address)) continue;
      configs.get(subnet)!.AuxiliaryAddresses[key] = address;
      match = true;
    }
    if (!match) throw new StatusError(1, `no matching subnet for aux-address ${address}`);
  }
  // The wire form leaves out empty fields (omitempty), as docker's client sends it.
  return [...configs.values()].map((config) => ({
    Subnet: config.Subnet,
    ...(config.IPRange ? { IPRange: config.IPRange } : {}),
    ...(config.Gateway ? { Gateway: config.Gateway } : {}),
    ...(Object.keys(config.AuxiliaryAddresses).length > 0 ? { AuxiliaryAddresses: sortedMap(config.AuxiliaryAddresses) } : {}),
  }));
}

export const createNetwork: CommandRunner = async (context, args, flags) => {
  const labels = validatedList(flags, { long: 'label' }, validateLabel);
  const subnets = stringSliceFlag(flags, { long: 'subnet' });
  const ipRanges = stringSliceFlag(flags, { long: 'ip-range' });
  const gateways = stringSliceFlag(flags, { long: 'gateway' });
  const config = ipamConfigs(subnets, ipRanges, gateways, mapFlag(flags, 'aux-address'));
  const configFrom = flags.string('config-from') ?? '';
  const body: NetworkCreateRequest = {
    Driver: flags.string('driver') ?? 'bridge',
    Scope: flags.string('scope') ?? '',
    ...(flags.changed('ipv4') ? { EnableIPv4: flags.bool('ipv4') } : {}),
    ...(flags.changed('ipv6') ? { EnableIPv6: flags.bool('ipv6') } : {}),
    IPAM: { Driver: flags.string('ipam-driver') ?? 'default', Options: mapFlag(flags, 'ipam-opt'), Config: config },
    Internal: flags.bool('internal'),
    Attachable: flags.bool('attachable'),
    Ingress: flags.bool('ingress'),
    ConfigOnly: flags.bool('config-only'),
    ConfigFrom: configFrom !== '' ? { Network: configFrom } : null,
    Options: mapFlag(flags, 'opt'),
    Labels: sortedMap(keyValueMap(labels)),
    Name: args[0]!,
  };
  const created = await context.client().networks.create(body);
  await writeLine(context.stdout, created.Id);
};

export const listNetworks: CommandRunner = async (context, _args, flags) => {
  const filters = filterFlag(flags);
  const networks: Network[] = await context.client().networks.list({ filters });
  networks.sort((a, b) => naturalLess(a.Name, b.Name));
  const format = networkFormat(flags.string('format') ?? '', flags.bool('quiet'));
  const rows = networks.map((network) => new NetworkContext(network, !flags.bool('no-trunc')));
  try {
    await write(context.stdout, renderRows(format, rows, NETWORK_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};

export const inspectNetworks: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  const verbose = flags.bool('verbose');
  await inspectObjects(context, args, flags.string('format') ?? '', (name) => client.networks.inspectRaw(name, { verbose }), NETWORK_INSPECT);
};

const INGRESS_WARNING =
  'WARNING! Before removing the routing-mesh network, make sure all the nodes in your swarm run the same docker engine version. ' +
  'Otherwise, removal may not be effective and functionality of newly create ingress networks will be impaired.\nAre you sure you want to continue?';

export const removeNetworks: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  let failed = false;
  for (const name of args) {
    // docker looks first, so that removing the swarm's ingress network asks for confirmation.
    const network = await client.networks.inspect(name).catch(() => undefined);
    if (network?.Ingress && !(await confirm(context, INGRESS_WARNING))) continue;
    try {
      await client.networks.remove(name);
    } catch (err) {
      if (flags.bool('force') && isNotFound(err)) continue;
      context.stderr.write(`${errorText(err)}\n`);
      failed = true;
      continue;
    }
    await writeLine(context.stdout, name);
  }
  // docker's StatusError carries the text "exit status 1", which its main prints.
  if (failed) throw new StatusError(1, 'exit status 1');
};

export const connectNetwork: CommandRunner = async (context, args, flags) => {
  const links = validatedList(flags, { long: 'link' }, validateLink);
  const aliases = stringSliceFlag(flags, { long: 'alias' });
  const linkLocalIps = stringSliceFlag(flags, { long: 'link-local-ip' });
  const driverOptions: Record<string, string> = {};
  for (const option of stringSliceFlag(flags, { long: 'driver-opt' })) {
    const separator = option.indexOf('=');
    const key = (separator === -1 ? option : option.slice(0, separator)).trim();
    if (separator === -1 || key === '') throw new StatusError(1, 'invalid key/value pair format in driver options');
    driverOptions[key] = option.slice(separator + 1).trim();
  }
  const gwPriority = intFlag(flags, { long: 'gw-priority' }) ?? 0;
  const ipv4 = flags.string('ip') ?? '';
  const ipv6 = flags.string('ip6') ?? '';
  const endpoint: EndpointSettings = {
    IPAMConfig: { ...(ipv4 ? { IPv4Address: ipv4 } : {}), ...(ipv6 ? { IPv6Address: ipv6 } : {}), ...(linkLocalIps.length > 0 ? { LinkLocalIPs: linkLocalIps } : {}) },
    Links: links.length > 0 ? links : null,
    Aliases: aliases,
    MacAddress: '',
    DriverOpts: driverOptions,
    GwPriority: gwPriority,
    NetworkID: '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
  await context.client().networks.connect(args[0]!, { Container: args[1]!, EndpointConfig: endpoint });
};

export const disconnectNetwork: CommandRunner = async (context, args, flags) => {
  await context.client().networks.disconnect(args[0]!, { Container: args[1]!, Force: flags.bool('force') });
};
