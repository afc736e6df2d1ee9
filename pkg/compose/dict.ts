// Helpers for the untyped compose tree the loader works on before decoding (pure).

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function asDict(value: unknown): Dict {
  return isDict(value) ? value : {};
}

export function has(dict: Dict, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => deepClone(v)) as T;
  if (isDict(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: deepClone(v), enumerable: true, writable: true, configurable: true });
      else out[k] = deepClone(v);
    }
    return out as T;
  }
  return value;
}

/** Go's fmt.Sprint for the scalar values a YAML tree holds. */
export function goSprint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return formatGoFloat64(value);
  return String(value);
}

/**
 * fmt.Sprint of a YAML number. JavaScript cannot tell `1000000` from `1e6`, so integral values
 * print as integers (what YAML ints print as in Go); fractions print like Go's %v of a float64.
 */
export function formatGoFloat64(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  return formatGoFloat(value, 64, 'g');
}

/** strconv.FormatFloat(v, fmt, -1, bits): shortest digits that read back, Go exponent syntax. */
export function formatGoFloat(value: number, bits: 32 | 64, fmt: 'g' | 'json'): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let precision = 1; precision <= 17; precision++) {
    const candidate = value.toExponential(precision - 1);
    const parsed = Number(candidate);
    if ((bits === 32 ? Math.fround(parsed) : parsed) === value) {
      const [mantissa, e] = candidate.split('e');
      digits = mantissa.replace('-', '').replace('.', '');
      exp = Number(e);
      break;
    }
  }
  const neg = value < 0 ? '-' : '';
  // 'g' with shortest precision switches to exponent form at 1e6 (strconv uses precision 6 for the decision)
  const useExp = fmt === 'g' ? exp < -4 || exp >= 6 : Math.abs(value) < 1e-6 || Math.abs(value) >= 1e21;
  if (useExp) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exp < 0 ? '-' : '+';
    const e = fmt === 'json' ? String(Math.abs(exp)) : String(Math.abs(exp)).padStart(2, '0');
    return `${neg}${mantissa}e${sign}${e}`;
  }
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${neg}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${neg}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

