// Template functions (pure): Go's text/template builtins and docker's additions (json, split, join,
// title, lower, upper, pad, truncate), plus the header variants docker uses for table headers.
import { isTrue, type TemplateFunction } from './exec.js';
import { formatValue, sprint, sprintf, sprintln, typeName } from './gofmt.js';

function arity(name: string, args: unknown[], want: number): void {
  if (args.length !== want) throw new Error(`wrong number of args for ${name}: want ${want} got ${args.length}`);
}

function asString(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  throw new Error(`wrong type for value; expected string; got ${typeName(value)}`);
}

function asInt(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new Error(`wrong type for value; expected int; got ${typeName(value)}`);
}

/**
 * What docker's `json` function prints: Go's json.Encoder with SetEscapeHTML(false), trimmed. A
 * formatter context marshals itself with json.Marshal, which does escape <, > and &.
 */
export function goJson(value: unknown): string {
  const text = (JSON.stringify(value === undefined ? null : value) ?? 'null').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const selfMarshaling = typeof value === 'object' && value !== null && 'goTypeName' in value && typeof (value as { toJSON?: unknown }).toJSON === 'function';
  return selfMarshaling ? text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') : text;
}

/** strings.Title: upper-cases the first letter of every word (a word follows a non-letter/digit/_). */
export function titleCase(text: string): string {
  let previousIsSeparator = true;
  let out = '';
  for (const ch of text) {
    out += previousIsSeparator ? ch.toUpperCase() : ch;
    previousIsSeparator = !/[\p{L}\p{Nd}_]/u.test(ch);
  }
  return out;
}

function basicCompare(name: string, a: unknown, b: unknown): number {
  // Go allows eq/ne against nil for pointers, maps, slices and interfaces.
  const aNil = a === null || a === undefined;
  const bNil = b === null || b === undefined;
  if ((name === 'eq' || name === 'ne') && (aNil || bNil)) return aNil && bNil ? 0 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean' && (name === 'eq' || name === 'ne')) return a === b ? 0 : 1;
  if ((a === null || a === undefined) && (b === null || b === undefined) && (name === 'eq' || name === 'ne')) return 0;
  if (name === 'eq' || name === 'ne') {
    if (typeof a !== typeof b) throw new Error('incompatible types for comparison');
    throw new Error('invalid type for comparison');
  }
  throw new Error(typeof a !== typeof b ? 'incompatible types for comparison' : 'invalid type for comparison');
}

function indexInto(container: unknown, keys: unknown[]): unknown {
  let value = container;
  for (const key of keys) {
    if (value === null || value === undefined) throw new Error('index of untyped nil');
    if (Array.isArray(value) || typeof value === 'string') {
      const index = asInt(key);
      if (index < 0 || index >= value.length) throw new Error(`index out of range: ${index}`);
      value = typeof value === 'string' ? value.charCodeAt(index) : value[index];
      continue;
    }
    if (typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const name = String(key);
      if (Object.hasOwn(record, name)) {
        value = record[name];
        continue;
      }
      // A typed map[string]string (labels, options) yields "" for a missing key, not <no value>.
      const values = Object.values(record);
      value = values.every((item) => typeof item === 'string') ? '' : undefined;
      continue;
    }
    throw new Error(`can't index item of type ${typeName(value)}`);
  }
  return value;
}

function length(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  throw new Error(`len of type ${typeName(value)}`);
}

export const BUILTIN_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  // and/or are evaluated lazily by the executor; these bodies are never called.
  and: (...args) => args.find((arg) => !isTrue(arg)) ?? args.at(-1),
  or: (...args) => args.find((arg) => isTrue(arg)) ?? args.at(-1),
  not: (...args) => {
    arity('not', args, 1);
    return !isTrue(args[0]);
  },
  len: (...args) => {
    arity('len', args, 1);
    return length(args[0]);
  },
  index: (container, ...keys) => indexInto(container, keys),
  slice: (value, ...bounds) => {
    const start = bounds[0] === undefined ? 0 : asInt(bounds[0]);
    const end = bounds[1] === undefined ? undefined : asInt(bounds[1]);
    if (typeof value === 'string' || Array.isArray(value)) return value.slice(start, end);
    throw new Error(`can't slice item of type ${typeName(value)}`);
  },
  print: (...args) => sprint(args),
  printf: (format, ...args) => sprintf(asString('printf', format), args),
  println: (...args) => sprintln(args),
  eq: (first, ...others) => {
    if (others.length === 0) throw new Error('missing argument for comparison');
    return others.some((other) => basicCompare('eq', first, other) === 0);
  },
  ne: (...args) => {
    arity('ne', args, 2);
    return basicCompare('ne', args[0], args[1]) !== 0;
  },
  lt: (...args) => {
    arity('lt', args, 2);
    return basicCompare('lt', args[0], args[1]) < 0;
  },
  le: (...args) => {
    arity('le', args, 2);
    return basicCompare('le', args[0], args[1]) <= 0;
  },
  gt: (...args) => {
    arity('gt', args, 2);
    return basicCompare('gt', args[0], args[1]) > 0;
  },
  ge: (...args) => {
    arity('ge', args, 2);
    return basicCompare('ge', args[0], args[1]) >= 0;
  },
  html: (...args) =>
    sprint(args).replace(/[&'<>"\0]/g, (ch) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[ch] ?? ch),
  js: (...args) =>
    sprint(args).replace(/[\\'"<>&=]/g, (ch) => (ch === '\\' || ch === "'" || ch === '"' ? `\\${ch}` : `\\u00${ch.charCodeAt(0).toString(16).toUpperCase()}`)),
  urlquery: (...args) => encodeURIComponent(sprint(args)).replace(/%20/g, '+'),
};

/** docker's templates.basicFunctions. */
export const DOCKER_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  json: (...args) => {
    arity('json', args, 1);
    return goJson(args[0]);
  },
  split: (...args) => {
    arity('split', args, 2);
    const text = asString('split', args[0]);
    const separator = asString('split', args[1]);
    return separator === '' ? [...text] : text.split(separator);
  },
  join: (...args) => {
    arity('join', args, 2);
    if (args[0] === null || args[0] === undefined) return '';
    if (!Array.isArray(args[0])) throw new Error(`wrong type for value; expected []string; got ${typeName(args[0])}`);
    return args[0].map((item) => formatValue(item)).join(asString('join', args[1]));
  },
  title: (...args) => {
    arity('title', args, 1);
    return titleCase(asString('title', args[0]));
  },
  lower: (...args) => {
    arity('lower', args, 1);
    return asString('lower', args[0]).toLowerCase();
  },
  upper: (...args) => {
    arity('upper', args, 1);
    return asString('upper', args[0]).toUpperCase();
  },
  pad: (...args) => {
    arity('pad', args, 3);
    const text = asString('pad', args[0]);
    return text === '' ? text : ' '.repeat(asInt(args[1])) + text + ' '.repeat(asInt(args[2]));
  },
  truncate: (...args) => {
    arity('truncate', args, 2);
    const text = asString('truncate', args[0]);
    const limit = asInt(args[1]);
    return Buffer.byteLength(text) < limit ? text : Buffer.from(text).subarray(0, limit).toString('utf8');
  },
};

/** docker's HeaderFunctions: when rendering a table header, these return the header text unchanged. */
export const HEADER_FUNCTIONS: Readonly<Record<string, TemplateFunction>> = {
  json: (value) => value,
  split: (value) => value,
  join: (value) => value,
  title: (value) => value,
  lower: (value) => value,
  upper: (value) => value,
  truncate: (value) => value,
};
