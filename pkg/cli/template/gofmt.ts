// Go's fmt semantics for the values templates handle (pure): %v printing of JSON-shaped data,
// %g float formatting, and a Sprintf subset (%s %v %d %q %t %f %e %g %x %c %%, width, precision, flags).

/** A value whose Go %v printing is provided by the object itself (formatter contexts). */
export interface GoStringer {
  goString(): string;
}

function isStringer(value: unknown): value is GoStringer {
  return typeof value === 'object' && value !== null && typeof (value as Partial<GoStringer>).goString === 'function';
}

/**
 * Heuristic for JSON objects: Go structs have exported (capitalized) field names; maps usually don't.
 * Objects without a prototype are maps by construction (see goMaps).
 */
export function looksLikeStruct(value: Record<string, unknown>): boolean {
  if (Object.getPrototypeOf(value) === null) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^[A-Z]/.test(key));
}

/** Formats a float like Go's strconv.FormatFloat(value, 'g', precision) (-1: shortest), as %g and %v print. */
export function formatFloatG(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const shortest = precision < 0;
  const [mantissa, exp] = (shortest ? value.toExponential() : value.toExponential(Math.max(precision, 1) - 1)).split('e');
  // Significant digits without trailing zeros (Go's decimal trims them after rounding).
  const digits = mantissa!.replace('-', '').replace('.', '').replace(/0+$/, '') || '0';
  const exponent = Number(exp);
  const decimalPoint = exponent + 1;
  let eprec = shortest ? digits.length : Math.max(precision, 1);
  if (eprec > digits.length && digits.length >= decimalPoint) eprec = digits.length;
  if (shortest) eprec = 6;
  const sign = value < 0 ? '-' : '';
  if (exponent < -4 || exponent >= eprec) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= decimalPoint) return `${sign}${digits}${'0'.repeat(decimalPoint - digits.length)}`;
  return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
}

/** Go's %v for numbers: JSON integers as Go ints, other values as float64 (shortest %g). */
function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return formatFloatG(value, -1);
}

/** Go's %v of a value: strings bare, null `<nil>`, missing `<no value>`, slices `[a b]`, maps `map[k:v]`. */
export function formatValue(value: unknown, nested = false): string {
  if (value === undefined) return '<no value>';
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return '<func>';
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item, true)).join(' ')}]`;
  if (isStringer(value)) return value.goString();
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (looksLikeStruct(record)) return `{${Object.values(record).map((item) => formatValue(item, true)).join(' ')}}`;
    const keys = Object.keys(record).sort();
    return `map[${keys.map((key) => `${key}:${formatValue(record[key], true)}`).join(' ')}]`;
  }
  return nested ? String(value) : String(value);
}

/**
 * JSON data as Go's map[string]interface{} holds it: every object a map (printed `map[k:v]`),
 * keys in sorted order so `{{json .}}` writes them as Go does.
 */
export function goMaps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(goMaps);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const map = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(record).sort()) map[key] = goMaps(record[key]);
  return map;
}

/** Go's %q: a double-quoted string with Go escapes. */
export function quoteGo(text: string): string {
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

function pad(text: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (left) return text + ' '.repeat(width - text.length);
  if (zero) {
    const signed = /^[+-]/.test(text);
    const body = signed ? text.slice(1) : text;
    return (signed ? text[0] : '') + '0'.repeat(width - text.length) + body;
  }
  return ' '.repeat(width - text.length) + text;
}

/** A Sprintf subset with Go's verbs and its `%!verb(type=value)` complaints for mismatches. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argIndex = 0;
  const pattern = /%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g;
  let last = 0;
  for (let match = pattern.exec(format); match; match = pattern.exec(format)) {
    out += format.slice(last, match.index);
    last = pattern.lastIndex;
    const [, flags = '', widthText, precisionText, verb] = match;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const width = widthText === '*' ? Number(args[argIndex++]) : widthText !== undefined ? Number(widthText) : undefined;
    const hasPrecision = match[0].includes('.');
    const precision = precisionText === '*' ? Number(args[argIndex++]) : precisionText !== undefined ? Number(precisionText) : hasPrecision ? 0 : undefined;
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex++];
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    let text: string;
    switch (verb) {
      case 'v':
      case 's':
        text = verb === 's' && typeof arg === 'number' ? `%!s(${Number.isInteger(arg) ? 'int' : 'float64'}=${formatValue(arg)})` : formatValue(arg);
        if (precision !== undefined) text = [...text].slice(0, precision).join('');
        break;
      case 'q':
        text = typeof arg === 'string' ? quoteGo(arg) : typeof arg === 'number' ? `'${String.fromCodePoint(arg)}'` : quoteGo(formatValue(arg));
        break;
      case 'd':
        text = typeof arg === 'number' && Number.isInteger(arg) ? String(arg) : `%!d(${typeName(arg)}=${formatValue(arg)})`;
        if (flags.includes('+') && typeof arg === 'number' && arg >= 0) text = `+${text}`;
        break;
      case 't':
        text = typeof arg === 'boolean' ? String(arg) : `%!t(${typeName(arg)}=${formatValue(arg)})`;
        break;
      case 'f':
      case 'F':
        text = typeof arg === 'number' ? arg.toFixed(precision ?? 6) : `%!f(${typeName(arg)}=${formatValue(arg)})`;
        break;
      case 'e':
        text = typeof arg === 'number' ? arg.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2') : `%!e(${typeName(arg)}=${formatValue(arg)})`;
        break;
      case 'g':
        text = typeof arg === 'number' ? formatFloatG(arg, precision ?? -1) : `%!g(${typeName(arg)}=${formatValue(arg)})`;
        break;
      case 'x':
      case 'X': {
        const raw = typeof arg === 'number' ? Math.trunc(arg).toString(16) : Buffer.from(formatValue(arg)).toString('hex');
        text = verb === 'X' ? raw.toUpperCase() : raw;
        break;
      }
      case 'c':
        text = typeof arg === 'number' ? String.fromCodePoint(arg) : `%!c(${typeName(arg)}=${formatValue(arg)})`;
        break;
      default:
        text = `%!${verb}(${typeName(arg)}=${formatValue(arg)})`;
    }
    out += pad(text, width, left, zero && verb !== 's' && verb !== 'v' && verb !== 'q');
  }
  out += format.slice(last);
  if (argIndex < args.length) {
    out += `%!(EXTRA ${args.slice(argIndex).map((arg) => `${typeName(arg)}=${formatValue(arg)}`).join(', ')})`;
  }
  return out;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** Go's fmt.Sprint: operands joined, with a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = '';
  args.forEach((arg, index) => {
    if (index > 0 && typeof arg !== 'string' && typeof args[index - 1] !== 'string') out += ' ';
    out += formatValue(arg);
  });
  return out;
}

/** Go's fmt.Sprintln: operands always space-separated, newline appended. */
export function sprintln(args: readonly unknown[]): string {
  return `${args.map((arg) => formatValue(arg)).join(' ')}\n`;
}
