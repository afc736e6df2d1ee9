// Durations and byte sizes as compose reads and prints them (pure): `1m30s`, `1.5h`, `2d`, `1w`
// parsed to nanoseconds and printed like Go's time.Duration; `512m`, `1.5g`, `100` parsed to bytes
// with binary multipliers like docker's units.RAMInBytes.

const NS_PER: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86400e9,
  w: 7 * 86400e9,
};

const DURATION_PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/y;

/** Parses a compose duration to nanoseconds; throws on malformed input. */
export function parseDuration(input: string): number {
  let s = input.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new Error(`invalid duration ${JSON.stringify(input)}`);
  let total = 0;
  DURATION_PART.lastIndex = 0;
  let consumed = 0;
  while (consumed < s.length) {
    DURATION_PART.lastIndex = consumed;
    const match = DURATION_PART.exec(s);
    if (match === null) {
      if (/^[\d.]+$/.test(s.slice(consumed))) throw new Error(`missing unit in duration ${JSON.stringify(input)}`);
      throw new Error(`invalid duration ${JSON.stringify(input)}`);
    }
    total += Number.parseFloat(match[1]) * NS_PER[match[2]];
    consumed = DURATION_PART.lastIndex;
  }
  return sign * Math.round(total);
}

/** Formats nanoseconds like Go's time.Duration.String(): `1m30s`, `1h0m0s`, `1.5s`, `500ms`, `0s`. */
export function formatDuration(nanoseconds: number): string {
  let u = BigInt(Math.round(Math.abs(nanoseconds)));
  const neg = nanoseconds < 0;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < 1000n) {
      prec = 0;
      unit = 'ns';
    } else if (u < 1_000_000n) {
      prec = 3;
      unit = 'µs';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [whole, frac] = fraction(u, prec);
    out = `${whole}${frac}${unit}`;
  } else {
    const [seconds, frac] = fraction(u, 9);
    u = seconds;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Splits v into v / 10^prec and its fraction (".5", "" when zero, trailing zeros dropped). */
function fraction(v: bigint, prec: number): [bigint, string] {
  const scale = 10n ** BigInt(prec);
  const rem = v % scale;
  if (rem === 0n) return [v / scale, ''];
  const digits = rem.toString().padStart(prec, '0').replace(/0+$/, '');
  return [v / scale, `.${digits}`];
}

const BYTES = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;
const MULTIPLIER: Readonly<Record<string, number>> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Parses a byte size (`512m`, `1.5g`, `1024`, or a YAML number) to a byte count. */
export function parseBytes(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input)) throw new Error(`invalid size: ${input}`);
    return input;
  }
  const s = input.trim();
  if (/^-?\d+$/.test(s)) return Number.parseInt(s, 10);
  const match = BYTES.exec(s);
  if (match === null) throw new Error(`invalid size: '${input}'`);
  const size = Number.parseFloat(match[1]);
  const unit = match[2]?.toLowerCase();
  return Math.trunc(unit === undefined ? size : size * MULTIPLIER[unit]);
}
