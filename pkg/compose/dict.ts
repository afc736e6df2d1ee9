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
 * print as integers (what YAML ints print as in Go); fractions print shortest, with Go's exponent form.
 */
export function formatGoFloat64(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const exp = Math.floor(Math.log10(Math.abs(value)));
  if (exp < -4 || exp >= 21) {
    const [mantissa, exponent] = value.toExponential().split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  return String(value);
}
