// Parsers for typed flag values (pure), with the error texts docker's pflag values produce:
// sizes, CPUs (big.Rat), integers (strconv), booleans, ulimits, sysctls, env and label entries.
import { ramInBytes, SizeParseError } from '../format/units.js';

/** A value did not parse; `reason` is the text after `flag: ` in docker's message. */
export class ValueError extends Error {}

/** strconv.ParseInt(value, 10, 64) with Go's error texts. */
export function parseInt64(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new ValueError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
  const big = BigInt(value);
  if (big > 9223372036854775807n || big < -9223372036854775808n) {
    throw new ValueError(`strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
  }
  return Number(big);
}

/** strconv.ParseUint(value, 10, bits). */
export function parseUint(value: string, bits: 16 | 64): number {
  if (!/^\+?\d+$/.test(value)) throw new ValueError(`strconv.ParseUint: parsing ${JSON.stringify(value)}: invalid syntax`);
  const big = BigInt(value);
  if (big >= 1n << BigInt(bits)) throw new ValueError(`strconv.ParseUint: parsing ${JSON.stringify(value)}: value out of range`);
  return Number(big);
}

/** strconv.ParseBool. */
export function parseBool(value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new ValueError(`strconv.ParseBool: parsing ${JSON.stringify(value)}: invalid syntax`);
}

/** opts.MemBytes: RAMInBytes ("64m" → 67108864). */
export function parseMemBytes(value: string): number {
  try {
    return ramInBytes(value);
  } catch (err) {
    if (err instanceof SizeParseError) throw new ValueError(err.message);
    throw err;
  }
}

/** opts.MemSwapBytes: like MemBytes, and "-1" for unlimited swap. */
export function parseMemSwapBytes(value: string): number {
  return value === '-1' ? -1 : parseMemBytes(value);
}

/**
 * opts.ParseCPUs: a rational number of CPUs ("1.5", "3/2", "2e-1") as nano-CPUs, exactly, the way
 * Go's big.Rat does it; fractions of a nano-CPU are "too precise".
 */
export function parseNanoCpus(value: string): number {
  let numerator: bigint;
  let denominator: bigint;
  const fraction = /^([+-]?\d+)\/(\d+)$/.exec(value);
  const decimal = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(value);
  if (fraction && BigInt(fraction[2]!) !== 0n) {
    numerator = BigInt(fraction[1]!);
    denominator = BigInt(fraction[2]!);
  } else if (decimal && (decimal[2] !== '' || (decimal[3] ?? '') !== '')) {
    const [, sign, whole, part = '', exponentText = '0'] = decimal;
    numerator = BigInt(`${sign}${whole}${part}` || '0');
    denominator = 10n ** BigInt(part.length);
    const exponent = Number(exponentText);
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else denominator *= 10n ** BigInt(-exponent);
  } else {
    throw new ValueError(`failed to parse ${value} as a rational number`);
  }
  const nano = numerator * 1_000_000_000n;
  if (nano % denominator !== 0n) throw new ValueError('value is too precise');
  return Number(nano / denominator);
}

const ULIMIT_NAMES = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

/** go-units ParseUlimit: `name=soft[:hard]`. */
export function parseUlimit(value: string): { Name: string; Soft: number; Hard: number } {
  const separator = value.indexOf('=');
  if (separator === -1) throw new ValueError(`invalid ulimit argument: ${value}`);
  const name = value.slice(0, separator);
  const limits = value.slice(separator + 1);
  if (!ULIMIT_NAMES.has(name)) throw new ValueError(`invalid ulimit type: ${name}`);
  const parts = limits.split(':');
  if (parts.length > 2) throw new ValueError(`too many limit value arguments - ${limits}, can only have up to two, \`soft[:hard]\``);
  const hard = parts.length === 2 ? parseInt64(parts[1]!) : undefined;
  const soft = parseInt64(parts[0]!);
  const effectiveHard = hard ?? soft;
  if (effectiveHard !== -1 && soft > effectiveHard) {
    throw new ValueError(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${effectiveHard}`);
  }
  return { Name: name, Soft: soft, Hard: effectiveHard };
}

const SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** opts.ValidateSysctl: namespaced sysctls only (IPC keys, net.*, fs.mqueue.*). */
export function validateSysctl(value: string): [string, string] {
  const separator = value.indexOf('=');
  const key = separator === -1 ? '' : value.slice(0, separator);
  if (key === '' || !(SYSCTLS.has(key) || key.startsWith('net.') || key.startsWith('fs.mqueue.'))) {
    throw new ValueError(`sysctl '${value}' is not allowed`);
  }
  return [key, value.slice(separator + 1)];
}

/** opts.ValidateEnv: `KEY=value`, or `KEY` taken from our environment when set there. */
export function validateEnv(value: string, env: NodeJS.ProcessEnv): string {
  const separator = value.indexOf('=');
  const key = separator === -1 ? value : value.slice(0, separator);
  if (key === '') throw new ValueError(`invalid environment variable: ${value}`);
  if (separator !== -1) return value;
  const found = env[key];
  return found !== undefined ? `${key}=${found}` : value;
}

/** opts.ValidateLabel: a non-empty key without whitespace. */
export function validateLabel(value: string): string {
  const key = value.split('=', 1)[0]!.replace(/^[ \t]+/, '');
  if (key === '') throw new ValueError(`invalid label '${value}': empty name`);
  if (/[ \t]/.test(key)) throw new ValueError(`label '${key}' contains whitespaces`);
  return value;
}

/** `-a stdin|stdout|stderr`, case-insensitive, lower-cased as docker stores it. */
export function validateAttach(value: string): string {
  const lower = value.toLowerCase();
  if (lower === 'stdin' || lower === 'stdout' || lower === 'stderr') return lower;
  throw new ValueError('valid streams are STDIN, STDOUT and STDERR');
}

/** opts.ParseRestartPolicy: `name[:max-retries]`; the daemon validates the name. */
export function parseRestartPolicy(value: string): { Name: string; MaximumRetryCount: number } {
  if (value === '') return { Name: '', MaximumRetryCount: 0 };
  const separator = value.indexOf(':');
  const name = separator === -1 ? value : value.slice(0, separator);
  const count = separator === -1 ? '' : value.slice(separator + 1);
  if (separator !== -1 && name === '') throw new ValueError('invalid restart policy format: no policy provided before colon');
  let maximum = 0;
  if (count !== '') {
    if (!/^[+-]?\d+$/.test(count)) throw new ValueError('invalid restart policy format: maximum retry count must be an integer');
    maximum = Number(count);
  }
  return { Name: name, MaximumRetryCount: maximum };
}

/** A map as Go's JSON encoder writes it: keys in sorted order (integer-like keys aside, which JS orders first). */
export function sortedMap<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key]!;
  return out;
}

/** `key=value` strings to a map; a missing `=` maps the key to "" (ConvertKVStringsToMap). */
export function keyValueMap(values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const value of values) {
    const separator = value.indexOf('=');
    if (separator === -1) map[value] = '';
    else map[value.slice(0, separator)] = value.slice(separator + 1);
  }
  return map;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration ("1m30s", "500ms", "-2h") in nanoseconds, with Go's error texts. */
export function parseGoDuration(value: string): number {
  const invalid = (): never => {
    throw new ValueError(`time: invalid duration ${JSON.stringify(value)}`);
  };
  let rest = value;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') invalid();
  let total = 0;
  while (rest !== '') {
    const number = /^(\d*)(?:\.(\d*))?/.exec(rest)!;
    if (number[0] === '' || number[0] === '.') invalid();
    rest = rest.slice(number[0].length);
    const unit = /^[^\d.]+/.exec(rest)?.[0];
    if (unit === undefined) throw new ValueError(`time: missing unit in duration ${JSON.stringify(value)}`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) throw new ValueError(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(value)}`);
    rest = rest.slice(unit.length);
    total += Number(`${number[1] || '0'}.${number[2] ?? ''}0`) * scale;
  }
  return sign * Math.round(total);
}
