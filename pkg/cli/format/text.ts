// Small text helpers shared by the formatters (pure): id truncation, docker's Ellipsis, quoting.
import { displayWidth } from './tabwriter.js';

/** `stringid.TruncateID`: drops an algorithm prefix (`sha256:`) and keeps 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const bare = colon === -1 ? id : id.slice(colon + 1);
  return bare.length > 12 ? bare.slice(0, 12) : bare;
}

/** docker's formatter.Ellipsis: cut to `maxWidth` display columns, ending with "…". */
export function ellipsis(text: string, maxWidth: number): string {
  if (maxWidth <= 0) return '';
  const chars = [...text];
  if (maxWidth === 1) return chars[0] ?? '';
  if (displayWidth(text) <= maxWidth) return text;
  let width = 0;
  let out = '';
  for (const ch of chars) {
    const next = width + displayWidth(ch);
    if (next > maxWidth - 1) break;
    out += ch;
    width = next;
  }
  return `${out}…`;
}

/** Go's strconv.Quote for printable text (what `ps` uses for COMMAND). */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's time.Time.String() for a Unix time in the local zone: "2026-11-22 17:49:13 +0000 UTC". */
export function goTimeString(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const offsetMinutes = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const iso = local.toISOString();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.trunc(absolute / 60)).padStart(2, '0')}${String(absolute % 60).padStart(2, '0')}`;
  const zone = timeZoneAbbreviation(date, offsetMinutes);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${offset} ${zone}`;
}

/** Go's time.Unix(t, 0).Format(time.RFC3339) in the local zone ("2026-11-22T17:26:43Z"). */
export function rfc3339(unixSeconds: number): string {
  const date = new Date(unixSeconds * 1000);
  const offsetMinutes = -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  if (offsetMinutes === 0) return `${local}Z`;
  const absolute = Math.abs(offsetMinutes);
  return `${local}${offsetMinutes > 0 ? '+' : '-'}${String(Math.trunc(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

function timeZoneAbbreviation(date: Date, offsetMinutes: number): string {
  if (offsetMinutes === 0 && (process.env.TZ === undefined || process.env.TZ === '' || process.env.TZ === 'UTC' || process.env.TZ === 'Etc/UTC')) return 'UTC';
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
  const name = part?.value ?? '';
  // Go prints numeric zones (e.g. "+0530") when the zone has no abbreviation.
  return /^(GMT|UTC)[+-]/.test(name) ? name.replace(/^(GMT|UTC)/, '').replace(':', '') : name === 'GMT' ? 'UTC' : name;
}
