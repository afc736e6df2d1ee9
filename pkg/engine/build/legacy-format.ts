// How the legacy builder words things (pure): Go's %q and %v of the values it puts in history
// ("CMD [\"sh\" \"-c\" \"x\"]", HEALTHCHECK's "&{[…] \"30s\" …}"), durations, EXPOSE port specs and
// the WORKDIR / COPY destination rules.
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { HealthConfig } from '../image/index.js';

/** Go's strconv.Quote for the printable strings Dockerfiles hold. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).map(goQuote).join(' ')}]`;
}

/** Go's %v of a []string: `[a b]`. */
export function goList(list: readonly string[] | null | undefined): string {
  return `[${(list ?? []).join(' ')}]`;
}

/** Go's time.Duration.String() of nanoseconds ("1m30s", "500ms", "0s"). */
export function goDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return '0s';
  const sign = nanoseconds < 0 ? '-' : '';
  let ns = Math.abs(nanoseconds);
  if (ns < 1e9) {
    const [unit, size] = ns < 1e3 ? ['ns', 1] : ns < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimFraction(ns / (size as number))}${unit as string}`;
  }
  const hours = Math.floor(ns / 3600e9);
  ns -= hours * 3600e9;
  const minutes = Math.floor(ns / 60e9);
  ns -= minutes * 60e9;
  const seconds = `${trimFraction(ns / 1e9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

function trimFraction(value: number): string {
  return String(Number(value.toFixed(9)));
}

/** Go's %q of a rune ('\x03', 'A'). */
function goRune(code: number): string {
  if (code === 0x27) return "'\\''";
  if (code === 0x5c) return "'\\\\'";
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCodePoint(code)}'`;
}

/** The legacy builder's HEALTHCHECK history text: Go's %q of the *HealthConfig struct. */
export function healthcheckComment(health: HealthConfig): string {
  const durations = [health.Interval, health.Timeout, health.StartPeriod, health.StartInterval].map((value) => goQuote(goDuration(value ?? 0)));
  return `HEALTHCHECK &{${goQuoteList(health.Test)} ${durations.join(' ')} ${goRune(health.Retries ?? 0)}}`;
}

/** EXPOSE words ("80", "53/udp", "8000-8002") → "port/proto" keys; docker's messages on errors. */
export function exposedPorts(words: readonly string[]): string[] {
  const ports: string[] = [];
  for (const word of words) {
    const match = /^(?:(?:\d{1,3}\.){3}\d{1,3}:|:)?(?:[^:]*:)?(\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(word);
    if (match === null) throw new InvalidArgumentError(`invalid containerPort: ${word}`);
    const protocol = (match[3] ?? 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(protocol)) throw new InvalidArgumentError(`invalid proto: ${match[3]}`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (first > 65535 || last > 65535) throw new InvalidArgumentError(`invalid containerPort: ${word}`);
    if (last < first) throw new InvalidArgumentError(`invalid range specified for container port: ${word}`);
    for (let port = first; port <= last; port++) ports.push(`${port}/${protocol}`);
  }
  return ports;
}

/** WORKDIR: relative paths extend the current working directory. */
export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidArgumentError('cannot normalize nothing');
  return posix.isAbsolute(requested) ? posix.normalize(requested) : posix.join('/', current || '/', requested);
}

/**
 * COPY/ADD destination as an absolute path: relative to the working directory, and ending in "/"
 * when it names a directory ("dir/", ".", "/.").
 */
export function normalizeDest(workingDir: string, dest: string): string {
  const isDirectory = dest.endsWith('/') || dest === '.' || dest === '..' || dest.endsWith('/.') || dest.endsWith('/..');
  let absolute = posix.isAbsolute(dest) ? posix.normalize(dest) : posix.join('/', workingDir || '/', dest);
  if (absolute.length > 1) absolute = absolute.replace(/\/+$/, '');
  if (isDirectory && !absolute.endsWith('/')) absolute += '/';
  return absolute;
}

/** The 12-hex short form of an image or container id. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
