// docker/go-units for the CLI (pure): human sizes (decimal and binary), human durations, and the
// size parsers behind -m/--memory and friends, with go-units' error texts.
import { formatFloatG } from '../template/gofmt.js';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function scale(size: number, base: number, units: string[]): [number, string] {
  let value = size;
  let index = 0;
  while (value >= base && index < units.length - 1) {
    value /= base;
    index++;
  }
  return [value, units[index]!];
}

/** `units.HumanSizeWithPrecision`: decimal units, `precision` significant digits ("1.99MB" at 3). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const [value, unit] = scale(size, 1000, DECIMAL_UNITS);
  return `${formatFloatG(value, precision)}${unit}`;
}

/** `units.HumanSize`: decimal units with 4 significant digits ("1.986MB"). */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** `units.BytesSize`: binary units with 4 significant digits ("448KiB", "23.54GiB"). */
export function bytesSize(size: number): string {
  const [value, unit] = scale(size, 1024, BINARY_UNITS);
  return `${formatFloatG(value, 4)}${unit}`;
}

/** `units.HumanDuration` of a duration in milliseconds ("Less than a second", "About a minute", "3 days"). */
export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(milliseconds / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(milliseconds / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(milliseconds / 3_600_000) / 24 / 365)} years`;
}

/** "2 minutes ago" style text for a Unix time (seconds), relative to `nowMs`. */
export function timeAgo(unixSeconds: number, nowMs: number): string {
  return `${humanDuration(nowMs - unixSeconds * 1000)} ago`;
}

export class SizeParseError extends Error {}

const DECIMAL_MULTIPLIERS: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
const BINARY_MULTIPLIERS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

function parseSize(text: string, multipliers: Record<string, number>): number {
  const separator = Math.max(...[...'01234567890. '].map((ch) => text.lastIndexOf(ch)));
  if (separator === -1) throw new SizeParseError(`invalid size: '${text}'`);
  const number = text[separator] === ' ' ? text.slice(0, separator) : text.slice(0, separator + 1);
  let suffix = text.slice(separator + 1);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(number)) {
    throw new SizeParseError(`strconv.ParseFloat: parsing ${JSON.stringify(number)}: invalid syntax`);
  }
  const value = Number(number);
  if (value < 0) throw new SizeParseError(`invalid size: '${text}'`);
  if (suffix === '') return Math.trunc(value);
  const badSuffix = (): never => {
    throw new SizeParseError(`invalid suffix: '${suffix}'`);
  };
  if (suffix.length > 3) badSuffix();
  suffix = suffix.toLowerCase();
  if (suffix[0] === 'b') {
    if (suffix.length > 1) badSuffix();
    return Math.trunc(value);
  }
  const multiplier = multipliers[suffix[0]!];
  if (multiplier === undefined) return badSuffix();
  if ((suffix.length === 2 && suffix[1] !== 'b') || (suffix.length === 3 && suffix.slice(1) !== 'ib')) badSuffix();
  return Math.trunc(value * multiplier);
}

/** `units.RAMInBytes`: binary multipliers ("64m" is 67108864). */
export function ramInBytes(text: string): number {
  return parseSize(text, BINARY_MULTIPLIERS);
}

/** `units.FromHumanSize`: decimal multipliers ("1k" is 1000). */
export function fromHumanSize(text: string): number {
  return parseSize(text, DECIMAL_MULTIPLIERS);
}
