// Lexer for the Go text/template subset (pure): text and action tokens, trim markers, comments,
// string/raw/char literals with Go escapes, and TemplateError with Go's message prefix.

export class TemplateError extends Error {
  constructor(message: string) {
    super(`template: ${message}`);
    this.name = 'TemplateError';
  }
}

export interface Position {
  line: number;
  column: number;
}

export type Token =
  | { type: 'text'; value: string }
  | { type: 'open'; pos: Position }
  | { type: 'close'; pos: Position }
  | { type: 'space' | 'pipe' | 'lparen' | 'rparen' | 'comma' | 'declare' | 'assign' | 'dot' | 'eof'; pos: Position }
  | { type: 'field' | 'variable' | 'identifier' | 'keyword' | 'number' | 'string' | 'bool' | 'nil'; value: string; pos: Position; raw: string };

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}
function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{Nd}_]/u.test(ch);
}

/** Splits a template into text and action tokens, applying `{{-`/`-}}` trimming. */
export function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const positionOf = (offset: number): Position => {
    const before = source.slice(0, offset);
    const line = before.split('\n').length;
    return { line, column: offset - (before.lastIndexOf('\n') + 1) };
  };
  while (index < source.length) {
    const open = source.indexOf('{{', index);
    let text = open === -1 ? source.slice(index) : source.slice(index, open);
    if (open === -1) {
      if (text) tokens.push({ type: 'text', value: text });
      break;
    }
    const trimLeft = source[open + 2] === '-' && isSpace(source[open + 3] ?? '');
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text) tokens.push({ type: 'text', value: text });
    let cursor = open + (trimLeft ? 3 : 2);
    // Comments: {{/* ... */}}, possibly with trim markers.
    const afterSpace = source.slice(cursor).match(/^[ \t\r\n]*/)![0].length;
    if (source.startsWith('/*', cursor + (trimLeft ? afterSpace : 0))) {
      const commentStart = cursor + (trimLeft ? afterSpace : 0);
      const end = source.indexOf('*/', commentStart + 2);
      if (end === -1) throw new TemplateError(`:${positionOf(open).line}: unclosed comment`);
      let closeAt = end + 2;
      let trimRight = false;
      const rest = source.slice(closeAt);
      const trimmed = rest.match(/^[ \t\r\n]+-}}/);
      if (trimmed) {
        trimRight = true;
        closeAt += trimmed[0].length;
      } else if (rest.startsWith('}}')) {
        closeAt += 2;
      } else {
        throw new TemplateError(`:${positionOf(open).line}: comment ends before closing delimiter`);
      }
      index = closeAt;
      if (trimRight) index += source.slice(index).match(/^[ \t\r\n]*/)![0].length;
      continue;
    }
    tokens.push({ type: 'open', pos: positionOf(open) });
    let parenDepth = 0;
    for (;;) {
      if (cursor >= source.length) throw new TemplateError(`:${positionOf(open).line}: unclosed action`);
      const ch = source[cursor]!;
      const pos = positionOf(cursor);
      if (isSpace(ch)) {
        let end = cursor;
        while (end < source.length && isSpace(source[end]!)) end++;
        if (source.startsWith('-}}', end)) {
          tokens.push({ type: 'close', pos });
          index = end + 3;
          index += source.slice(index).match(/^[ \t\r\n]*/)![0].length;
          break;
        }
        if (source.startsWith('}}', end)) {
          cursor = end;
          continue;
        }
        tokens.push({ type: 'space', pos });
        cursor = end;
        continue;
      }
      if (source.startsWith('}}', cursor)) {
        if (parenDepth > 0) throw new TemplateError(`:${pos.line}: unclosed left paren`);
        tokens.push({ type: 'close', pos });
        index = cursor + 2;
        break;
      }
      if (ch === '|') tokens.push({ type: 'pipe', pos });
      else if (ch === '(') {
        parenDepth++;
        tokens.push({ type: 'lparen', pos });
      } else if (ch === ')') {
        parenDepth--;
        if (parenDepth < 0) throw new TemplateError(`:${pos.line}: unexpected right paren`);
        tokens.push({ type: 'rparen', pos });
      } else if (ch === ',') tokens.push({ type: 'comma', pos });
      else if (ch === ':' && source[cursor + 1] === '=') {
        tokens.push({ type: 'declare', pos });
        cursor += 2;
        continue;
      } else if (ch === '=') tokens.push({ type: 'assign', pos });
      else if (ch === '"' || ch === '`') {
        const { value, end } = readString(source, cursor, positionOf);
        tokens.push({ type: 'string', value, pos, raw: source.slice(cursor, end) });
        cursor = end;
        continue;
      } else if (ch === "'") {
        const close = source.indexOf("'", cursor + 1);
        if (close === -1) throw new TemplateError(`:${pos.line}: unterminated character constant`);
        const literal = unescapeGo(source.slice(cursor + 1, close), pos);
        tokens.push({ type: 'number', value: String(literal.codePointAt(0) ?? 0), pos, raw: source.slice(cursor, close + 1) });
        cursor = close + 1;
        continue;
      } else if (ch === '.' || ch === '$') {
        let end = cursor + 1;
        while (isAlnum(source[end])) end++;
        const raw = source.slice(cursor, end);
        if (ch === '.' && raw === '.') {
          if (/[0-9]/.test(source[end] ?? '')) throw new TemplateError(`:${pos.line}: bad number syntax`);
          tokens.push({ type: 'dot', pos });
        } else tokens.push({ type: ch === '.' ? 'field' : 'variable', value: raw, pos, raw });
        cursor = end;
        continue;
      } else if (/[0-9+-]/.test(ch)) {
        const match = source.slice(cursor).match(/^[+-]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/);
        const raw = match?.[0] ?? '';
        if (raw === '' || raw === '+' || raw === '-' || Number.isNaN(Number(raw.replace(/_/g, '')))) {
          throw new TemplateError(`:${pos.line}: bad number syntax: "${raw || ch}"`);
        }
        tokens.push({ type: 'number', value: raw.replace(/_/g, ''), pos, raw });
        cursor += raw.length;
        continue;
      } else if (isAlnum(ch)) {
        let end = cursor;
        while (isAlnum(source[end])) end++;
        const word = source.slice(cursor, end);
        if (word === 'true' || word === 'false') tokens.push({ type: 'bool', value: word, pos, raw: word });
        else if (word === 'nil') tokens.push({ type: 'nil', value: word, pos, raw: word });
        else tokens.push({ type: KEYWORDS.has(word) ? 'keyword' : 'identifier', value: word, pos, raw: word });
        cursor = end;
        continue;
      } else {
        throw new TemplateError(`:${pos.line}: unexpected "${ch}" in command`);
      }
      cursor++;
    }
  }
  tokens.push({ type: 'eof', pos: positionOf(source.length) });
  return tokens;
}

function readString(source: string, start: number, positionOf: (offset: number) => Position): { value: string; end: number } {
  const quote = source[start]!;
  let end = start + 1;
  while (end < source.length && source[end] !== quote) {
    if (quote === '"' && source[end] === '\\') end++;
    if (quote === '"' && source[end] === '\n') break;
    end++;
  }
  if (end >= source.length || source[end] !== quote) {
    throw new TemplateError(`:${positionOf(start).line}: unterminated ${quote === '"' ? 'quoted string' : 'raw quoted string'}`);
  }
  const body = source.slice(start + 1, end);
  return { value: quote === '`' ? body : unescapeGo(body, positionOf(start)), end: end + 1 };
}

function unescapeGo(body: string, pos: Position): string {
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_match, escape: string) => {
    switch (escape[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '\\':
      case '"':
      case "'":
        return escape;
      case 'x':
      case 'u':
      case 'U':
        return String.fromCodePoint(Number.parseInt(escape.slice(1), 16));
      default:
        if (/^[0-7]{3}$/.test(escape)) return String.fromCharCode(Number.parseInt(escape, 8));
        throw new TemplateError(`:${pos.line}: invalid syntax`);
    }
  });
}

