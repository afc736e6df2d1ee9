// `berth history`: an image's layers in docker's table (human sizes/dates unless --human=false).
import { StatusError } from '../errors.js';
import { renderRows } from '../format/formatter.js';
import { HISTORY_HEADERS, HISTORY_TABLE_FORMAT, HISTORY_TABLE_FORMAT_HUMAN_FALSE, HistoryContext } from '../format/image-context.js';
import type { CommandRunner } from '../spec.js';
import { write } from './shared.js';

export const history: CommandRunner = async (context, args, flags) => {
  const items = await context.client().images.history(args[0]!);
  const human = flags.changed('human') ? flags.bool('human') : true;
  const source = flags.string('format') ?? '';
  let format = source;
  if (flags.bool('quiet')) format = '{{.ID}}';
  else if (source === '' || source === 'table') format = human ? HISTORY_TABLE_FORMAT : HISTORY_TABLE_FORMAT_HUMAN_FALSE;
  const now = context.now();
  const rows = items.map((item) => new HistoryContext(item, !flags.bool('no-trunc'), human, now));
  try {
    await write(context.stdout, renderRows(format, rows, HISTORY_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};
