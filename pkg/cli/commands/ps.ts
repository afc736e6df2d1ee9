// `berth ps` / `container ls`: list containers in docker's table or a --format template.
import { CONTAINER_HEADERS, ContainerContext, containerFormat } from '../format/container-context.js';
import { renderRows } from '../format/formatter.js';
import { StatusError } from '../errors.js';
import type { CommandRunner } from '../spec.js';
import { filterFlag, intFlag, write } from './shared.js';

export const ps: CommandRunner = async (context, _args, flags) => {
  const filters = filterFlag(flags);
  const last = intFlag(flags, { long: 'last', short: 'n' }) ?? -1;
  const quiet = flags.bool('quiet');
  const format = flags.string('format') ?? '';
  let size = flags.bool('size');
  const effectiveFormat = containerFormat(format, quiet, size);
  // docker runs the template once to see whether it reads .Size ({{json .}} reads every field) and
  // then asks for sizes, unless --size was given explicitly.
  if (format !== '' && !quiet && !size && !flags.changed('size') && /\.Size\b|json\s+\.\s*\}\}/.test(format)) size = true;
  let limit = last;
  if (flags.bool('latest') && last === -1) limit = 1;

  const containers = await context.client().containers.list({ all: flags.bool('all'), limit, size, filters });
  const now = context.now();
  const rows = containers.map((container) => new ContainerContext(container, !flags.bool('no-trunc'), now));
  try {
    await write(context.stdout, renderRows(effectiveFormat, rows, CONTAINER_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};
