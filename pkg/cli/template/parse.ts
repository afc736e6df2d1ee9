// Lexer and parser for the Go text/template subset docker's --format accepts (pure): text, actions
// with pipelines, variables, if/else if/with/range/else/end, break/continue, comments, trim markers.

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

export type Operand =
  | { kind: 'field'; names: string[]; pos: Position; text: string }
  | { kind: 'variable'; name: string; names: string[]; pos: Position; text: string }
  | { kind: 'chain'; node: Operand; names: string[]; pos: Position; text: string }
  | { kind: 'identifier'; name: string; pos: Position; text: string }
  | { kind: 'dot'; pos: Position; text: string }
  | { kind: 'nil'; pos: Position; text: string }
  | { kind: 'bool'; value: boolean; pos: Position; text: string }
  | { kind: 'number'; value: number; pos: Position; text: string }
  | { kind: 'string'; value: string; pos: Position; text: string }
  | { kind: 'pipeline'; pipeline: Pipeline; pos: Position; text: string };

export interface Command {
  args: Operand[];
  pos: Position;
}

export interface Pipeline {
  /** Variables declared (`:=`) or assigned (`=`) by this pipeline. */
  decl: string[];
  assign: boolean;
  commands: Command[];
  pos: Position;
}

export interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pipeline: Pipeline;
  list: Node[];
  elseList: Node[] | undefined;
}

export type Node = { kind: 'text'; text: string } | { kind: 'action'; pipeline: Pipeline } | ControlNode | { kind: 'break' | 'continue'; pos: Position };

type Token =
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

/** Parses a template into its node tree. Throws TemplateError with Go's wording where it matters. */
export function parse(source: string): Node[] {
  const parser = new Parser(lex(source));
  const { list, terminator } = parser.list();
  if (terminator !== 'eof') throw new TemplateError(`:${parser.line}: unexpected {{${terminator}}}`);
  return list;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  get line(): number {
    return this.peek().type === 'eof' ? (this.tokens.at(-1) as { pos: Position }).pos.line : ((this.peek() as { pos?: Position }).pos?.line ?? 1);
  }

  private peek(offset = 0): Token {
    return this.tokens[this.index + offset] ?? this.tokens[this.tokens.length - 1]!;
  }
  private next(): Token {
    return this.tokens[this.index++] ?? this.tokens[this.tokens.length - 1]!;
  }
  private skipSpace(): void {
    while (this.peek().type === 'space') this.index++;
  }
  private expectClose(context: string): void {
    this.skipSpace();
    const token = this.next();
    if (token.type !== 'close') throw new TemplateError(`:${this.tokenLine(token)}: unexpected ${describe(token)} in ${context}`);
  }
  private tokenLine(token: Token): number {
    return 'pos' in token ? token.pos.line : 1;
  }

  /** Parses nodes until {{end}}, {{else}} or EOF; reports which one stopped it. */
  list(): { list: Node[]; terminator: 'eof' | 'end' | 'else' } {
    const list: Node[] = [];
    for (;;) {
      const token = this.next();
      if (token.type === 'eof') return { list, terminator: 'eof' };
      if (token.type === 'text') {
        list.push({ kind: 'text', text: token.value });
        continue;
      }
      if (token.type !== 'open') throw new TemplateError(`:${this.tokenLine(token)}: unexpected ${describe(token)}`);
      this.skipSpace();
      const head = this.peek();
      if (head.type === 'keyword') {
        this.next();
        switch (head.value) {
          case 'end':
            this.expectClose('end');
            return { list, terminator: 'end' };
          case 'else':
            return { list, terminator: 'else' };
          case 'if':
          case 'with':
          case 'range':
            list.push(this.control(head.value, head.pos));
            continue;
          case 'break':
          case 'continue':
            this.expectClose(head.value);
            list.push({ kind: head.value, pos: head.pos });
            continue;
          default:
            throw new TemplateError(`:${head.pos.line}: {{${head.value}}} is not supported`);
        }
      }
      const pipeline = this.pipeline('command', true);
      list.push({ kind: 'action', pipeline });
    }
  }

  private control(kind: 'if' | 'with' | 'range', pos: Position): Node {
    const pipeline = this.pipeline(kind, true);
    if (pipeline.commands.length === 0) throw new TemplateError(`:${pos.line}: missing value for ${kind}`);
    const body = this.list();
    if (body.terminator === 'eof') throw new TemplateError(`:${pos.line}: unexpected EOF`);
    if (body.terminator === 'end') return { kind, pipeline, list: body.list, elseList: undefined };
    // {{else}}, {{else if …}} or {{else with …}}
    this.skipSpace();
    const after = this.peek();
    if (after.type === 'keyword' && (after.value === 'if' || after.value === 'with') && kind !== 'range') {
      this.next();
      const nested = this.control(after.value, after.pos);
      return { kind, pipeline, list: body.list, elseList: [nested] };
    }
    this.expectClose('else');
    const elseBody = this.list();
    if (elseBody.terminator !== 'end') throw new TemplateError(`:${pos.line}: expected end; found ${elseBody.terminator === 'eof' ? 'EOF' : '{{else}}'}`);
    return { kind, pipeline, list: body.list, elseList: elseBody.list };
  }

  /** Parses `[decl :=] cmd | cmd …` up to the closing delimiter (or `)` when nested). */
  private pipeline(context: string, toClose: boolean): Pipeline {
    this.skipSpace();
    const pos = 'pos' in this.peek() ? (this.peek() as { pos: Position }).pos : { line: 1, column: 1 };
    const decl: string[] = [];
    let assign = false;
    // Lookahead for `$x :=`, `$x =`, `$i, $e :=`.
    const save = this.index;
    const names: string[] = [];
    for (;;) {
      this.skipSpace();
      const token = this.peek();
      if (token.type !== 'variable') break;
      this.next();
      names.push(token.value);
      this.skipSpace();
      const separator = this.peek();
      if (separator.type === 'comma' && context === 'range' && names.length === 1) {
        this.next();
        continue;
      }
      if (separator.type === 'declare' || separator.type === 'assign') {
        this.next();
        decl.push(...names);
        assign = separator.type === 'assign';
      }
      break;
    }
    if (decl.length === 0) this.index = save;
    const commands: Command[] = [];
    for (;;) {
      this.skipSpace();
      const token = this.peek();
      if (toClose && token.type === 'close') {
        this.next();
        break;
      }
      if (!toClose && token.type === 'rparen') {
        this.next();
        break;
      }
      if (token.type === 'eof' || token.type === 'close' || token.type === 'rparen') {
        throw new TemplateError(`:${this.tokenLine(token)}: unexpected ${describe(token)} in ${context}`);
      }
      commands.push(this.command(context));
      this.skipSpace();
      if (this.peek().type === 'pipe') {
        this.next();
        this.skipSpace();
        const following = this.peek();
        if (following.type === 'close' || following.type === 'rparen') {
          throw new TemplateError(`:${this.tokenLine(following)}: missing command`);
        }
      }
    }
    if (commands.length === 0 && decl.length > 0) throw new TemplateError(`:${pos.line}: missing value for ${context}`);
    if (commands.length === 0 && context === 'command') throw new TemplateError(`:${pos.line}: missing value for command`);
    return { decl, assign, commands, pos };
  }

  private command(context: string): Command {
    const args: Operand[] = [];
    const first = this.peek();
    const pos = 'pos' in first ? (first as { pos: Position }).pos : { line: 1, column: 1 };
    for (;;) {
      const token = this.peek();
      if (token.type === 'space') {
        this.skipSpace();
        continue;
      }
      if (token.type === 'close' || token.type === 'rparen' || token.type === 'pipe' || token.type === 'eof') break;
      args.push(this.operand(context));
      const after = this.peek();
      if (after.type !== 'space' && after.type !== 'close' && after.type !== 'rparen' && after.type !== 'pipe') {
        throw new TemplateError(`:${this.tokenLine(after)}: unexpected ${describe(after)} in operand`);
      }
    }
    if (args.length === 0) throw new TemplateError(`:${pos.line}: empty command`);
    return { args, pos };
  }

  private operand(context: string): Operand {
    const token = this.next();
    let node: Operand;
    switch (token.type) {
      case 'field':
        node = { kind: 'field', names: token.value.slice(1).split('.'), pos: token.pos, text: token.raw };
        break;
      case 'variable':
        node = { kind: 'variable', name: token.value, names: [], pos: token.pos, text: token.raw };
        break;
      case 'identifier':
        node = { kind: 'identifier', name: token.value, pos: token.pos, text: token.raw };
        break;
      case 'dot':
        node = { kind: 'dot', pos: token.pos, text: '.' };
        break;
      case 'nil':
        node = { kind: 'nil', pos: token.pos, text: 'nil' };
        break;
      case 'bool':
        node = { kind: 'bool', value: token.value === 'true', pos: token.pos, text: token.raw };
        break;
      case 'number':
        node = { kind: 'number', value: Number(token.value), pos: token.pos, text: token.raw };
        break;
      case 'string':
        node = { kind: 'string', value: token.value, pos: token.pos, text: token.raw };
        break;
      case 'lparen': {
        const pipeline = this.pipeline(context, false);
        node = { kind: 'pipeline', pipeline, pos: token.pos, text: '(...)' };
        break;
      }
      default:
        throw new TemplateError(`:${this.tokenLine(token)}: unexpected ${describe(token)} in operand`);
    }
    // Field chains after a term: `$x.Name`, `(index .A 0).Name`.
    while (this.peek().type === 'field') {
      const field = this.next() as { value: string; raw: string };
      const names = field.value.slice(1).split('.');
      if (node.kind === 'variable' || node.kind === 'field') node = { ...node, names: [...node.names, ...names], text: node.text + field.raw };
      else node = { kind: 'chain', node, names, pos: node.pos, text: node.text + field.raw };
    }
    return node;
  }
}

function describe(token: Token): string {
  switch (token.type) {
    case 'close':
      return '"}}"';
    case 'rparen':
      return '")"';
    case 'lparen':
      return '"("';
    case 'pipe':
      return '"|"';
    case 'comma':
      return '","';
    case 'eof':
      return 'EOF';
    case 'text':
      return 'text';
    case 'open':
      return '"{{"';
    case 'space':
      return 'space';
    case 'declare':
      return '":="';
    case 'assign':
      return '"="';
    case 'dot':
      return '"."';
    default:
      return `<${token.raw}>`;
  }
}
