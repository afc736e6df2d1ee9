// Specs of the image commands (pure data; each command's code loads lazily).
import type { CommandSpec, FlagSpec } from '../spec.js';
import { FILTER_FLAG, FORCE_FLAG, JSON_FORMAT_FLAG, NO_TRUNC_FLAG, PRUNE_FILTER_FLAG, TABLE_FORMAT_FLAG } from './common-flags.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });
const list = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'list', typeName, description, ...extra });

const PLATFORM = value('platform', 'string', 'Set platform if server is multi-platform capable');

export const IMAGE_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['image', 'history'],
    aliases: [['history']],
    usage: '[OPTIONS] IMAGE',
    description: 'Show the history of an image',
    args: { min: 1, max: 1 },
    flags: [
      TABLE_FORMAT_FLAG,
      bool('human', 'Print sizes and dates in human readable format', { short: 'H', defaultText: 'true' }),
      NO_TRUNC_FLAG,
      value('platform', 'string', 'Show history for the given platform. Formatted as "os[/arch[/variant]]" (e.g., "linux/amd64")'),
      bool('quiet', 'Only show image IDs', { short: 'q' }),
    ],
    load: async () => (await import('../commands/history.js')).history,
  },
  {
    path: ['image', 'import'],
    aliases: [['import']],
    usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
    description: 'Import the contents from a tarball to create a filesystem image',
    args: { min: 1, max: 2 },
    flags: [list('change', 'list', 'Apply Dockerfile instruction to the created image', { short: 'c' }), value('message', 'string', 'Set commit message for imported image', { short: 'm' }), PLATFORM],
    load: async () => (await import('../commands/image-transfer.js')).importImage,
  },
  {
    path: ['image', 'inspect'],
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Display detailed information on one or more images',
    args: { min: 1 },
    flags: [JSON_FORMAT_FLAG, PLATFORM],
    load: async () => (await import('../commands/inspect.js')).inspectImages,
  },
  {
    path: ['image', 'load'],
    aliases: [['load']],
    usage: '[OPTIONS]',
    description: 'Load an image from a tar archive or STDIN',
    args: { max: 0 },
    flags: [
      value('input', 'string', 'Read from tar archive file, instead of STDIN', { short: 'i' }),
      list('platform', 'stringSlice', 'Load only the given platform(s). Formatted as a comma-separated list of "os[/arch[/variant]]" (e.g., "linux/amd64,linux/arm64/v8").'),
      bool('quiet', 'Suppress the load output', { short: 'q' }),
    ],
    load: async () => (await import('../commands/image-transfer.js')).loadImages,
  },
  {
    path: ['image', 'ls'],
    aliases: [['image', 'list'], ['images']],
    usage: '[OPTIONS] [REPOSITORY[:TAG]]',
    description: 'List images',
    args: { max: 1 },
    flags: [
      bool('all', 'Show all images (default hides intermediate images)', { short: 'a' }),
      bool('digests', 'Show digests'),
      FILTER_FLAG,
      TABLE_FORMAT_FLAG,
      NO_TRUNC_FLAG,
      bool('quiet', 'Only show image IDs', { short: 'q' }),
    ],
    load: async () => (await import('../commands/images.js')).images,
  },
  {
    path: ['image', 'prune'],
    usage: '[OPTIONS]',
    description: 'Remove unused images',
    args: { max: 0 },
    flags: [bool('all', 'Remove all unused images, not just dangling ones', { short: 'a' }), PRUNE_FILTER_FLAG, FORCE_FLAG],
    load: async () => (await import('../commands/prune.js')).pruneImages,
  },
  {
    path: ['image', 'pull'],
    aliases: [['pull']],
    usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
    description: 'Download an image from a registry',
    args: { min: 1, max: 1 },
    flags: [bool('all-tags', 'Download all tagged images in the repository', { short: 'a' }), PLATFORM, bool('quiet', 'Suppress verbose output', { short: 'q' })],
    load: async () => (await import('../commands/image-transfer.js')).pullImage,
  },
  {
    path: ['image', 'rm'],
    aliases: [['image', 'remove'], ['rmi']],
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Remove one or more images',
    args: { min: 1 },
    flags: [bool('force', 'Force removal of the image', { short: 'f' }), bool('no-prune', 'Do not delete untagged parents'), PLATFORM],
    load: async () => (await import('../commands/images.js')).removeImages,
  },
  {
    path: ['image', 'save'],
    aliases: [['save']],
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
    args: { min: 1 },
    flags: [value('output', 'string', 'Write to a file, instead of STDOUT', { short: 'o' }), PLATFORM],
    load: async () => (await import('../commands/image-transfer.js')).saveImages,
  },
  {
    path: ['image', 'tag'],
    aliases: [['tag']],
    usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
    description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
    args: { min: 2, max: 2 },
    flags: [],
    load: async () => (await import('../commands/images.js')).tagImage,
  },
];
