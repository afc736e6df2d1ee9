// Specs of the system commands and top-level `inspect` (pure data; code loads lazily).
import type { CommandSpec, FlagSpec } from '../spec.js';
import { FILTER_FLAG, JSON_FORMAT_FLAG, TABLE_FORMAT_FLAG } from './common-flags.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });

export const SYSTEM_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['system', 'df'],
    usage: '[OPTIONS]',
    description: 'Show berth disk usage',
    args: { max: 0 },
    flags: [TABLE_FORMAT_FLAG, bool('verbose', 'Show detailed information on space usage', { short: 'v' })],
    load: async () => (await import('../commands/system.js')).diskUsage,
  },
  {
    path: ['system', 'events'],
    aliases: [['events']],
    usage: '[OPTIONS]',
    description: 'Get real time events from the server',
    args: { max: 0 },
    flags: [FILTER_FLAG, JSON_FORMAT_FLAG, value('since', 'string', 'Show all events created since timestamp'), value('until', 'string', 'Stream events until this timestamp')].map((flag) =>
      flag.long === 'format' ? { ...flag, short: undefined } : flag,
    ),
    load: async () => (await import('../commands/events.js')).events,
  },
  {
    path: ['system', 'info'],
    aliases: [['info']],
    usage: '[OPTIONS]',
    description: 'Display system-wide information',
    args: { max: 0 },
    flags: [JSON_FORMAT_FLAG],
    load: async () => (await import('../commands/info.js')).info,
  },
  {
    path: ['system', 'prune'],
    usage: '[OPTIONS]',
    description: 'Remove unused data',
    args: { max: 0 },
    flags: [
      bool('all', 'Remove all unused images not just dangling ones', { short: 'a' }),
      { long: 'filter', kind: 'list', typeName: 'filter', description: 'Provide filter values (e.g. "label=<key>=<value>")' },
      bool('force', 'Do not prompt for confirmation', { short: 'f' }),
      bool('volumes', 'Prune anonymous volumes'),
    ],
    load: async () => (await import('../commands/prune.js')).pruneSystem,
  },
  {
    path: ['system', 'tls-init'],
    usage: '[OPTIONS] DIR',
    description: 'Create a CA, server and client certificates for a TLS-protected daemon',
    args: { min: 1, max: 1 },
    flags: [
      value('days', 'int', 'Validity of the certificates in days', { defaultText: '365' }),
      { long: 'host', kind: 'list', typeName: 'list', description: 'DNS name of the daemon for its certificate (localhost is always included)' },
      { long: 'ip', kind: 'list', typeName: 'list', description: 'IP address of the daemon for its certificate (127.0.0.1 is always included)' },
    ],
    load: async () => (await import('../commands/tls-init.js')).tlsInit,
  },
  {
    path: ['inspect'],
    usage: '[OPTIONS] NAME|ID [NAME|ID...]',
    description: 'Return low-level information on Berth objects',
    args: { min: 1 },
    flags: [JSON_FORMAT_FLAG, bool('size', 'Display total file sizes if the type is container', { short: 's' }), value('type', 'string', 'Only inspect objects of the given type')],
    load: async () => (await import('../commands/inspect.js')).inspectAny,
  },
  {
    path: ['version'],
    usage: '[OPTIONS]',
    description: 'Show the Berth version information',
    args: { max: 0 },
    flags: [JSON_FORMAT_FLAG],
    load: async () => (await import('../commands/version.js')).version,
  },
];
