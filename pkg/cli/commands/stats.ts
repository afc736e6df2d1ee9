// `berth stats`: per-container resource usage, sampled by one stats stream per container and
// redrawn every 500 ms (or printed once with --no-stream), following docker's collector design.
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { renderRows } from '../format/formatter.js';
import { emptyStatsEntry, STATS_HEADERS, STATS_TABLE_FORMAT, StatsContext, statsEntryFrom, type StatsEntry } from '../format/stats-context.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { write } from './shared.js';

const REFRESH_MS = 500;

interface Collector {
  entry: StatsEntry;
  error: unknown;
  /** Resolves on the first sample or error (docker's waitFirst). */
  first: Promise<void>;
  stop: AbortController;
}

function collect(context: CommandContext, container: string, stream: boolean): Collector {
  const stop = new AbortController();
  const collector: Collector = { entry: emptyStatsEntry(container), error: undefined, first: Promise.resolve(), stop };
  collector.first = new Promise<void>((resolve) => {
    const client = context.client();
    void (async () => {
      try {
        if (!stream) {
          collector.entry = statsEntryFrom(container, await client.containers.statsOnce(container, { signal: stop.signal }));
          return;
        }
        for await (const sample of client.containers.stats(container, { signal: stop.signal })) {
          collector.entry = statsEntryFrom(container, sample);
          resolve();
        }
      } catch (err) {
        if (!stop.signal.aborted) {
          collector.error = err;
          collector.entry = { ...collector.entry, invalid: true };
        }
      } finally {
        resolve();
      }
    })();
  });
  return collector;
}

function render(collectors: Iterable<Collector>, format: string, trunc: boolean, live: boolean): string {
  const rows = [...collectors].map((collector) => new StatsContext(collector.entry, trunc));
  const table = renderRows(format, rows, STATS_HEADERS);
  if (!live) return table;
  // docker 28 homes the cursor, writes the table, then writes it again line by line with
  // erase-to-end-of-line (" \x1b[K") and erases below ("\x1b[J"). On a terminal the second copy
  // overwrites the first; we keep the same bytes so piped output matches docker's too.
  const frame = `\x1b[H${table}`;
  return `${frame}${frame.split('\n').map((line) => `${line} \x1b[K\n`).join('')}\x1b[J`;
}

export const stats: CommandRunner = async (context, args, flags) => {
  const noStream = flags.bool('no-stream');
  const all = flags.bool('all');
  const source = flags.string('format') ?? '';
  const format = source === '' || source === 'table' ? STATS_TABLE_FORMAT : source;
  const trunc = !flags.bool('no-trunc');
  const client = context.client();
  const collectors = new Map<string, Collector>();
  const add = (id: string): void => {
    if (!collectors.has(id)) collectors.set(id, collect(context, id, !noStream));
  };
  const events = new AbortController();
  const showAll = args.length === 0;
  try {
    if (showAll) {
      const subscription = client.events({ filters: { type: ['container'] }, signal: events.signal });
      const first = subscription.next();
      void (async () => {
        try {
          let next = await first;
          while (!next.done) {
            const event = next.value;
            const id = (event.Actor?.ID ?? event.id ?? '').slice(0, 12);
            if (event.Action === 'start' || (all && event.Action === 'create')) add(id);
            if (!all && event.Action === 'die') {
              collectors.get(id)?.stop.abort();
              collectors.delete(id);
            }
            next = await subscription.next();
          }
        } catch {
          // The events stream ends with the command.
        }
      })();
      for (const container of await client.containers.list({ all })) add(container.Id.slice(0, 12));
    } else {
      for (const name of args) add(name);
    }
    await Promise.all([...collectors.values()].map((collector) => collector.first));
    if (!showAll) {
      const errors = [...collectors.values()].filter((collector) => collector.error !== undefined).map((collector) => errorText(collector.error));
      if (errors.length > 0) throw new StatusError(1, errors.join('\n'));
    }
    for (;;) {
      try {
        await write(context.stdout, render(collectors.values(), format, trunc, !noStream));
      } catch (err) {
        throw new StatusError(1, (err as Error).message);
      }
      if (noStream || (collectors.size === 0 && !showAll)) return;
      await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
    }
  } finally {
    events.abort();
    for (const collector of collectors.values()) collector.stop.abort();
  }
};
