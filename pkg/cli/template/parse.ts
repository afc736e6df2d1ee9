// Parser for the Go text/template subset docker's --format accepts (pure): actions with pipelines,
// variables, if/else if/with/range/else/end, break/continue, into a node tree for exec.ts.
import { lex, TemplateError, type Position, type Token } from './lex.js';

export { TemplateError, type Position } from './lex.js';

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
