// Go's json.Indent and json.Compact over JSON text (pure): whitespace changes only, so the daemon's
// strings, escapes and number spellings reach the output byte for byte, as `docker inspect` prints.

/** Re-indents valid JSON text with `indent` per level; empty objects/arrays stay `{}`/`[]`. */
export function indentJson(text: string, indent = '    '): string {
  let out = '';
  let depth = 0;
  let index = 0;
  const newline = (): string => `\n${indent.repeat(depth)}`;
  while (index < text.length) {
    const ch = text[index]!;
    if (ch === '"') {
      const end = stringEnd(text, index);
      out += text.slice(index, end);
      index = end;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      index++;
      continue;
    }
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      const next = nextSignificant(text, index + 1);
      if (text[next] === close) {
        out += ch + close;
        index = next + 1;
        continue;
      }
      depth++;
      out += ch + newline();
      index++;
      continue;
    }
    if (ch === '}' || ch === ']') {
      depth--;
      out += newline() + ch;
      index++;
      continue;
    }
    if (ch === ',') {
      out += `,${newline()}`;
      index++;
      continue;
    }
    if (ch === ':') {
      out += ': ';
      index++;
      continue;
    }
    out += ch;
    index++;
  }
  return out;
}

/** Removes insignificant whitespace (json.Compact). */
export function compactJson(text: string): string {
  let out = '';
  let index = 0;
  while (index < text.length) {
    const ch = text[index]!;
    if (ch === '"') {
      const end = stringEnd(text, index);
      out += text.slice(index, end);
      index = end;
      continue;
    }
    if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') out += ch;
    index++;
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
  return index + 1;
}

function nextSignificant(text: string, start: number): number {
  let index = start;
  while (index < text.length && ' \t\n\r'.includes(text[index]!)) index++;
  return index;
}
