// `berth images` / `image ls`, `rmi` / `image rm`, and `tag`.
import { isNotFound } from '../../errdefs/index.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { renderRows } from '../format/formatter.js';
import { IMAGE_HEADERS, imageFormat, imageRows } from '../format/image-context.js';
import { ReferenceError, tagTarget } from '../format/reference.js';
import type { CommandRunner } from '../spec.js';
import { filterFlag, write, writeLine } from './shared.js';

const IMAGE_SUBCOMMANDS = new Set(['build', 'history', 'import', 'inspect', 'list', 'load', 'ls', 'prune', 'pull', 'push', 'rm', 'save', 'tag']);

export const images: CommandRunner = async (context, args, flags) => {
  const filters = filterFlag(flags);
  if (args[0] !== undefined) filters.reference = [...(filters.reference ?? []), args[0]];
  const list = await context.client().images.list({ all: flags.bool('all'), filters });
  const format = imageFormat(flags.string('format') ?? '', flags.bool('quiet'), flags.bool('digests'));
  const rows = imageRows(list, { trunc: !flags.bool('no-trunc'), digests: flags.bool('digests'), format, nowMs: context.now() });
  try {
    await write(context.stdout, renderRows(format, rows, IMAGE_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
  // `berth images ls` most likely meant `berth image ls`; docker hints at that.
  if (args[0] !== undefined && list.length === 0 && context.commandPath.endsWith(' images') && IMAGE_SUBCOMMANDS.has(args[0])) {
    context.stderr.write(`\nNo images found matching ${JSON.stringify(args[0])}: did you mean "berth image ${args[0]}"?\n`);
  }
};

export const removeImages: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  const force = flags.bool('force');
  const errors: string[] = [];
  let fatal = false;
  for (const name of args) {
    try {
      const deleted = await client.images.remove(name, { force, noPrune: flags.bool('no-prune') });
      for (const item of deleted) await writeLine(context.stdout, item.Deleted ? `Deleted: ${item.Deleted}` : `Untagged: ${item.Untagged ?? ''}`);
    } catch (err) {
      if (!isNotFound(err)) fatal = true;
      errors.push(errorText(err));
    }
  }
  if (errors.length === 0) return;
  if (!force || fatal) throw new StatusError(1, errors.join('\n'));
  context.stderr.write(`${errors.join('\n')}\n`);
};

export const tagImage: CommandRunner = async (context, args) => {
  let target: { repo: string; tag: string };
  try {
    target = tagTarget(args[1]!);
  } catch (err) {
    if (err instanceof ReferenceError) throw new StatusError(1, err.message);
    throw err;
  }
  await context.client().images.tag(args[0]!, target);
};
