// docker's timetypes.GetTimestamp (pure given `nowMs`): --since/--until values as the daemon wants
// them — relative durations ("42m"), RFC 3339 dates (local when no zone), or Unix seconds as given.
import { parseGoDuration, ValueError } from './values.js';

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Converts a --since/--until value; throws ValueError with docker's wording when it is neither. */
export function getTimestamp(value: string, nowMs: number): string {
  if (value !== '0') {
    try {
      const nanoseconds = parseGoDuration(value);
      return String(Math.floor((nowMs - nanoseconds / 1e6) / 1000));
    } catch {
      // not a duration
    }
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (date) {
    const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone] = date;
    const nanos = fraction === '' ? 0 : Number(fraction.slice(1).padEnd(9, '0').slice(0, 9));
    const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
    let epochMs: number;
    if (zone === undefined) {
      // No zone: the local zone, as docker parses in the reference time's location.
      epochMs = new Date(`${iso}`).getTime();
    } else {
      epochMs = new Date(`${iso}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`).getTime();
    }
    if (Number.isNaN(epochMs)) throw new ValueError(`parsing time ${JSON.stringify(value)}: month out of range`);
    return `${Math.floor(epochMs / 1000)}.${pad(nanos, 9)}`;
  }
  if (value.includes('-')) throw new ValueError(`parsing time ${JSON.stringify(value)} as "2006-01-02": cannot parse`);
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  throw new ValueError(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
}
