// `berth events`: stream daemon events (or a since/until window) in docker's line format or a template.
import type { EventMessage } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { Template, TemplateError } from '../template/template.js';
import type { CommandRunner } from '../spec.js';
import { timestampFlag } from './logs.js';
import { filterFlag, write } from './shared.js';

/** events.Message's Go field names for its lower-case JSON keys. */
const EVENT_FIELDS: Readonly<Record<string, string>> = { ID: 'id', Status: 'status', From: 'from', Scope: 'scope', Time: 'time', TimeNano: 'timeNano' };

/** Go's RFC3339NanoFixed in the local zone: 2026-11-22T17:51:52.858278117Z. */
export function rfc3339NanoFixed(timeNano: bigint): string {
  const milliseconds = Number(timeNano / 1_000_000n);
  const date = new Date(milliseconds);
  const offsetMinutes = -date.getTimezoneOffset();
  const local = new Date(milliseconds + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const nanos = String(timeNano % 1_000_000_000n).padStart(9, '0');
  if (offsetMinutes === 0) return `${local}.${nanos}Z`;
  const absolute = Math.abs(offsetMinutes);
  const zone = `${offsetMinutes > 0 ? '+' : '-'}${String(Math.trunc(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
  return `${local}.${nanos}${zone}`;
}

/** docker's prettyPrintEvent. */
export function formatEvent(event: EventMessage): string {
  let out = '';
  if (event.timeNanoExact !== undefined || event.timeNano) out += `${rfc3339NanoFixed(event.timeNanoExact ?? BigInt(event.timeNano))} `;
  else if (event.time) out += `${rfc3339NanoFixed(BigInt(event.time) * 1_000_000_000n)} `;
  out += `${event.Type} ${event.Action} ${event.Actor?.ID ?? ''}`;
  const attributes = event.Actor?.Attributes ?? {};
  const keys = Object.keys(attributes).sort();
  if (keys.length > 0) out += ` (${keys.map((key) => `${key}=${attributes[key]}`).join(', ')})`;
  return `${out}\n`;
}

export const events: CommandRunner = async (context, _args, flags) => {
  const format = flags.string('format') ?? '';
  let template: Template | undefined;
  if (format !== '') {
    try {
      template = Template.compile(format === 'json' ? '{{json .}}' : format);
    } catch (err) {
      if (err instanceof TemplateError) throw new StatusError(64, `template parsing error: ${err.message}`);
      throw err;
    }
  }
  const now = context.now();
  const filters = filterFlag(flags);
  const since = timestampFlag(flags.string('since'), now);
  const until = timestampFlag(flags.string('until'), now);
  for await (const event of context.client().events({ since, until, filters })) {
    if (template) {
      try {
        await write(context.stdout, `${template.execute(event, { fieldAliases: EVENT_FIELDS })}\n`);
      } catch (err) {
        if (err instanceof TemplateError) throw new StatusError(1, `template: ${err.message}`);
        throw err;
      }
    } else {
      await write(context.stdout, formatEvent(event));
    }
  }
};
