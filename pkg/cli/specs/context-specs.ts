// Specs of the `context` commands (pure data; code loads lazily).
import type { CommandSpec, FlagSpec } from '../spec.js';
import { JSON_FORMAT_FLAG, TABLE_FORMAT_FLAG } from './common-flags.js';

const load = (name: 'create' | 'list' | 'use' | 'remove' | 'inspect' | 'show') => async () => (await import('../commands/context.js'))[name];

const DOCKER_FLAG: FlagSpec = {
  long: 'docker',
  kind: 'list',
  typeName: 'stringToString',
  description: 'set the docker endpoint: host=tcp://…,ca=FILE,cert=FILE,key=FILE,skip-tls-verify=BOOL,from=CONTEXT',
  defaultText: '[]',
};

export const CONTEXT_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['context', 'create'],
    usage: '[OPTIONS] CONTEXT',
    description: 'Create a context',
    args: { min: 1, max: 1 },
    flags: [
      { long: 'description', kind: 'value', typeName: 'string', description: 'Description of the context' },
      DOCKER_FLAG,
      { long: 'from', kind: 'value', typeName: 'string', description: 'create context from a named context' },
    ],
    load: load('create'),
  },
  {
    path: ['context', 'inspect'],
    usage: '[OPTIONS] [CONTEXT] [CONTEXT...]',
    description: 'Display detailed information on one or more contexts',
    flags: [JSON_FORMAT_FLAG],
    load: load('inspect'),
  },
  {
    path: ['context', 'ls'],
    aliases: [['context', 'list']],
    usage: '[OPTIONS]',
    description: 'List contexts',
    args: { max: 0 },
    flags: [TABLE_FORMAT_FLAG, { long: 'quiet', short: 'q', kind: 'bool', description: 'Only show context names' }],
    load: load('list'),
  },
  {
    path: ['context', 'rm'],
    aliases: [['context', 'remove']],
    usage: 'CONTEXT [CONTEXT...]',
    description: 'Remove one or more contexts',
    args: { min: 1 },
    flags: [{ long: 'force', short: 'f', kind: 'bool', description: 'Force the removal of a context in use' }],
    load: load('remove'),
  },
  {
    path: ['context', 'show'],
    usage: '',
    description: 'Print the name of the current context',
    args: { max: 0 },
    flags: [],
    load: load('show'),
  },
  {
    path: ['context', 'use'],
    usage: 'CONTEXT',
    description: 'Set the current docker context',
    args: { min: 1, max: 1 },
    flags: [],
    load: load('use'),
  },
];
