// Specs of the volume commands (pure data; the code loads lazily), with docker's flags as it shows
// them to a daemon that is not a swarm manager (the cluster-volume flags hidden).
import type { CommandSpec, FlagSpec } from '../spec.js';
import { JSON_FORMAT_FLAG, TABLE_FORMAT_FLAG } from './common-flags.js';
import { filter, force, PRUNE_FORCE } from './network-specs.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });
const list = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'list', typeName, description, ...extra });

export const VOLUME_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['volume', 'create'],
    usage: '[OPTIONS] [VOLUME]',
    description: 'Create a volume',
    args: { max: 1 },
    flags: [
      value('driver', 'string', 'Specify volume driver name', { short: 'd', defaultText: '"local"' }),
      list('label', 'list', 'Set metadata for a volume'),
      value('name', 'string', 'Specify volume name', { hidden: true }),
      list('opt', 'map', 'Set driver specific options', { short: 'o', defaultText: 'map[]' }),
    ],
    load: async () => (await import('../commands/volume.js')).createVolume,
  },
  {
    path: ['volume', 'inspect'],
    usage: '[OPTIONS] VOLUME [VOLUME...]',
    description: 'Display detailed information on one or more volumes',
    args: { min: 1 },
    flags: [JSON_FORMAT_FLAG],
    load: async () => (await import('../commands/volume.js')).inspectVolumes,
  },
  {
    path: ['volume', 'ls'],
    aliases: [['volume', 'list']],
    usage: '[OPTIONS]',
    description: 'List volumes',
    args: { max: 0 },
    flags: [filter('dangling=true', 'f'), TABLE_FORMAT_FLAG, bool('quiet', 'Only display volume names', { short: 'q' })],
    load: async () => (await import('../commands/volume.js')).listVolumes,
  },
  {
    path: ['volume', 'prune'],
    usage: '[OPTIONS]',
    description: 'Remove unused local volumes',
    args: { max: 0 },
    flags: [bool('all', 'Remove all unused volumes, not just anonymous ones', { short: 'a' }), filter('label=<label>'), PRUNE_FORCE],
    load: async () => (await import('../commands/prune.js')).pruneVolumes,
  },
  {
    path: ['volume', 'rm'],
    aliases: [['volume', 'remove']],
    usage: '[OPTIONS] VOLUME [VOLUME...]',
    description: 'Remove one or more volumes. You cannot remove a volume that is in use by a container.',
    summary: 'Remove one or more volumes',
    args: { min: 1 },
    flags: [force('Force the removal of one or more volumes')],
    load: async () => (await import('../commands/volume.js')).removeVolumes,
  },
];
