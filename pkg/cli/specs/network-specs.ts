// Specs of the network commands (pure data; the code loads lazily), with docker's flags.
import type { CommandSpec, FlagSpec } from '../spec.js';
import { JSON_FORMAT_FLAG, TABLE_FORMAT_FLAG } from './common-flags.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });
const list = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'list', typeName, description, ...extra });

export const filter = (example: string, short?: string): FlagSpec => list('filter', 'filter', `Provide filter values (e.g. "${example}")`, short ? { short } : {});
export const force = (description: string): FlagSpec => bool('force', description, { short: 'f' });
export const PRUNE_FORCE = force('Do not prompt for confirmation');

export const NETWORK_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['network', 'connect'],
    usage: '[OPTIONS] NETWORK CONTAINER',
    description: 'Connect a container to a network',
    args: { min: 2, max: 2 },
    flags: [
      list('alias', 'strings', 'Add network-scoped alias for the container'),
      list('driver-opt', 'strings', 'driver options for the network'),
      value('gw-priority', 'int', 'Highest gw-priority provides the default gateway. Accepts positive and negative values.'),
      value('ip', 'string', 'IPv4 address (e.g., "172.30.100.104")'),
      value('ip6', 'string', 'IPv6 address (e.g., "2001:db8::33")'),
      list('link', 'list', 'Add link to another container'),
      list('link-local-ip', 'strings', 'Add a link-local address for the container'),
    ],
    load: async () => (await import('../commands/network.js')).connectNetwork,
  },
  {
    path: ['network', 'create'],
    usage: '[OPTIONS] NETWORK',
    description: 'Create a network',
    args: { min: 1, max: 1 },
    flags: [
      bool('attachable', 'Enable manual container attachment'),
      list('aux-address', 'map', 'Auxiliary IPv4 or IPv6 addresses used by Network driver', { defaultText: 'map[]' }),
      value('config-from', 'string', 'The network from which to copy the configuration'),
      bool('config-only', 'Create a configuration only network'),
      value('driver', 'string', 'Driver to manage the Network', { short: 'd', defaultText: '"bridge"' }),
      list('gateway', 'strings', 'IPv4 or IPv6 Gateway for the master subnet'),
      bool('ingress', 'Create swarm routing-mesh network'),
      bool('internal', 'Restrict external access to the network'),
      list('ip-range', 'strings', 'Allocate container ip from a sub-range'),
      value('ipam-driver', 'string', 'IP Address Management Driver', { defaultText: '"default"' }),
      list('ipam-opt', 'map', 'Set IPAM driver specific options', { defaultText: 'map[]' }),
      bool('ipv4', 'Enable or disable IPv4 address assignment', { defaultText: 'true' }),
      bool('ipv6', 'Enable or disable IPv6 address assignment'),
      list('label', 'list', 'Set metadata on a network'),
      list('opt', 'map', 'Set driver specific options', { short: 'o', defaultText: 'map[]' }),
      value('scope', 'string', "Control the network's scope"),
      list('subnet', 'strings', 'Subnet in CIDR format that represents a network segment'),
    ],
    load: async () => (await import('../commands/network.js')).createNetwork,
  },
  {
    path: ['network', 'disconnect'],
    usage: '[OPTIONS] NETWORK CONTAINER',
    description: 'Disconnect a container from a network',
    args: { min: 2, max: 2 },
    flags: [force('Force the container to disconnect from a network')],
    load: async () => (await import('../commands/network.js')).disconnectNetwork,
  },
  {
    path: ['network', 'inspect'],
    usage: '[OPTIONS] NETWORK [NETWORK...]',
    description: 'Display detailed information on one or more networks',
    args: { min: 1 },
    flags: [JSON_FORMAT_FLAG, bool('verbose', 'Verbose output for diagnostics', { short: 'v' })],
    load: async () => (await import('../commands/network.js')).inspectNetworks,
  },
  {
    path: ['network', 'ls'],
    aliases: [['network', 'list']],
    usage: '[OPTIONS]',
    description: 'List networks',
    args: { max: 0 },
    flags: [filter('driver=bridge', 'f'), TABLE_FORMAT_FLAG, bool('no-trunc', 'Do not truncate the output'), bool('quiet', 'Only display network IDs', { short: 'q' })],
    load: async () => (await import('../commands/network.js')).listNetworks,
  },
  {
    path: ['network', 'prune'],
    usage: '[OPTIONS]',
    description: 'Remove all unused networks',
    args: { max: 0 },
    flags: [filter('until=<timestamp>'), PRUNE_FORCE],
    load: async () => (await import('../commands/prune.js')).pruneNetworks,
  },
  {
    path: ['network', 'rm'],
    aliases: [['network', 'remove']],
    usage: 'NETWORK [NETWORK...]',
    description: 'Remove one or more networks',
    args: { min: 1 },
    flags: [force('Do not error if the network does not exist')],
    load: async () => (await import('../commands/network.js')).removeNetworks,
  },
];
