// JSON text as Go's encoding/json writes it (pure): MarshalIndent with two spaces, HTML-safe string
// escaping (<, >, & as \u003c...), Go float formatting. Also the compact form used for hashing.

import { formatGoFloat } from './dict.js';
import type { GoValue } from './encode.js';

function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    switch (c) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '<':
      case '>':
      case '&':
        out += `\\u00${cp.toString(16)}`;
        break;
      default:
        if (cp < 0x20) out += `\\u${cp.toString(16).padStart(4, '0')}`;
        else if (cp === 0x2028 || cp === 0x2029) out += `\\u${cp.toString(16)}`;
        else out += c;
    }
  }
  return `${out}"`;
}

function scalar(value: GoValue): string {
  switch (value.t) {
    case 'str':
      return quote(value.v);
    case 'int':
      return String(value.v);
    case 'float':
      return formatGoFloat(value.v, value.bits, 'json');
    case 'bool':
      return value.v ? 'true' : 'false';
    default:
      return 'null';
  }
}

/** json.MarshalIndent(value, "", "  "); no trailing newline, like Go. */
export function marshalGoJsonIndent(value: GoValue, indent = ''): string {
  if (value.t === 'map') {
    if (value.entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${value.entries.map(([k, v]) => `${inner}${quote(k)}: ${marshalGoJsonIndent(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (value.t === 'seq') {
    if (value.items.length === 0) return '[]';
    const inner = `${indent}  `;
    return `[\n${value.items.map((v) => `${inner}${marshalGoJsonIndent(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  return scalar(value);
}

/** json.Marshal(value): compact. */
export function marshalGoJson(value: GoValue): string {
  if (value.t === 'map') return `{${value.entries.map(([k, v]) => `${quote(k)}:${marshalGoJson(v)}`).join(',')}}`;
  if (value.t === 'seq') return `[${value.items.map((v) => marshalGoJson(v)).join(',')}]`;
  return scalar(value);
}
