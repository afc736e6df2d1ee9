// Parser for `.env` and `env_file` files (pure), with compose's dialect: `KEY=value`, `KEY: value`,
// `export KEY=value`, single quotes (raw), double quotes (escapes + interpolation), unquoted values
// with ` #` comments, bare `KEY` inherited from the lookup, and `${VAR}` expansion.

import { substitute, TemplateError, type Lookup } from './template.js';

export class DotEnvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'DotEnvError';
  }
}

const EXPORT = /^export\s+/;
const ESCAPES = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;

function isSpace(c: string): boolean {
  return c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === ' ' || c === '\u0085' || c === '\u00a0';
}

/**
 * Parses `src`, adding variables to `out` (later keys win). `lookup` resolves bare keys and
 * `${VAR}` references before variables already parsed.
 */
export function parseDotEnv(src: string, lookup: Lookup = () => undefined, out: Map<string, string> = new Map()): Map<string, string> {
  const text = src.replace(/^\uFEFF/, '');
  let line = 1;
  let i = 0;
  const resolve: Lookup = (name) => lookup(name) ?? out.get(name);

  const expand = (value: string): string => {
    try {
      return substitute(value, resolve);
    } catch (err) {
      throw new DotEnvError(err instanceof TemplateError ? err.message : String(err), line);
    }
  };

  while (i < text.length) {
    // skip blank space and comment lines
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
    if (i >= text.length) break;
    if (text[i] === '#') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    let rest = text.slice(i);
    const exported = EXPORT.exec(rest);
    if (exported !== null) {
      i += exported[0].length;
      rest = text.slice(i);
    }
    // key
    let j = 0;
    let terminator = '';
    for (; j < rest.length; j++) {
      const c = rest[j];
      if (isSpace(c)) continue;
      if (c === '=' || c === ':' || c === '\n') {
        terminator = c;
        break;
      }
      if (c === '_' || c === '.' || c === '-' || c === '[' || c === ']' || /[\p{L}\p{N}]/u.test(c)) continue;
      throw new DotEnvError(`unexpected character ${JSON.stringify(c)} in variable name ${JSON.stringify(rest.split('\n')[0])}`, line);
    }
    const key = rest.slice(0, j).trimEnd();
    if (key.includes(' ')) throw new DotEnvError('key cannot contain a space', line);
    if (terminator === '' || terminator === '\n') {
      // bare KEY: inherited from the environment when set there
      const value = lookup(key);
      if (value !== undefined) out.set(key, value);
      i += j + 1;
      line++;
      continue;
    }
    i += j + 1;
    while (i < text.length && isSpace(text[i])) i++;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      let escaped = false;
      let chars = '';
      let end = -1;
      const startLine = line;
      for (let k = i + 1; k < text.length; k++) {
        const c = text[k];
        if (c === '\n') line++;
        if (c !== quote) {
          if (!escaped && c === '\\') {
            escaped = true;
            continue;
          }
          if (escaped) {
            escaped = false;
            chars += '\\';
          }
          chars += c;
          continue;
        }
        if (escaped) {
          escaped = false;
          chars += c;
          continue;
        }
        end = k;
        break;
      }
      if (end < 0) {
        const firstLine = text.slice(i).split('\n')[0];
        throw new DotEnvError(`unterminated quoted value ${firstLine}`, startLine);
      }
      out.set(key, quote === '"' ? expand(expandEscapes(chars)) : chars);
      i = end + 1;
      // rest of the line after the closing quote is ignored
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
      continue;
    }
    const nl = text.indexOf('\n', i);
    let value = nl < 0 ? text.slice(i) : text.slice(i, nl);
    const comment = value.indexOf(' #');
    if (comment >= 0) value = value.slice(0, comment);
    value = value.replace(/\s+$/u, '');
    out.set(key, expand(value));
    i = nl < 0 ? text.length : nl + 1;
    line++;
  }
  return out;
}

function expandEscapes(value: string): string {
  return value.replace(ESCAPES, (match) => {
    if (match === '\\$') return '$$';
    switch (match[1]) {
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'c':
        return match;
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '0': {
        const digits = match.slice(2);
        if (digits.length < 3) return digits.length === 0 ? '\0' : match;
        return String.fromCharCode(Number.parseInt(digits, 8));
      }
      default:
        return match;
    }
  });
}
