// Dockerfile text → logical instruction lines (pure): parser directives, comments, line
// continuations with the escape character, builder flags and heredocs, with docker's error texts
// and line numbers. What each instruction's arguments mean is instructions.ts's business.
import { InvalidArgumentError } from '../../errdefs/index.js';
import { splitShellWords } from './shell-lex.js';

export type EscapeChar = '\\' | '`';

export interface Heredoc {
  /** The delimiter with quotes removed ("EOF"). */
  name: string;
  /** Every line up to the delimiter, each with its "\n"; leading tabs kept even for `<<-`. */
  content: string;
  /** False when the delimiter was quoted: the content is taken literally. */
  expand: boolean;
  /** `<<-`: leading tabs of every content line are stripped. */
  chomp: boolean;
}

export interface DockerfileNode {
  /** The instruction keyword in upper case ("RUN"). */
  keyword: string;
  /** Builder flags as written, without their leading dashes and quotes ("from=build"). */
  flags: string[];
  /** Everything after the keyword and the flags, trimmed. */
  rest: string;
  /** The logical line (continuations joined), as the legacy builder prints it in "Step" lines. */
  original: string;
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
}

export interface ParsedDockerfile {
  escapeChar: EscapeChar;
  /** Parser directives seen at the top (`escape`, `syntax`, `check`), lower-case keys. */
  directives: Record<string, string>;
  nodes: DockerfileNode[];
  /** Things the build prints as warnings (the `syntax` directive is ignored, empty continuation lines). */
  warnings: string[];
}

/** A Dockerfile mistake, worded like docker's: "Dockerfile parse error line 3: unknown instruction: FOO". */
export class DockerfileParseError extends InvalidArgumentError {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`Dockerfile parse error line ${line}: ${reason}`);
  }
}

const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;

function isComment(line: string): boolean {
  return /^\s*#/.test(line);
}

/** Strips the escape character (and trailing blanks) that continues a line; reports whether it did. */
function trimContinuation(line: string, escape: EscapeChar): { text: string; continues: boolean } {
  const match = new RegExp(`\\${escape}[ \\t]*$`).exec(line);
  if (match === null) return { text: line, continues: false };
  return { text: line.slice(0, match.index), continues: true };
}

/**
 * Parses leading `--name[=value]` words off an instruction's arguments, as buildkit's
 * extractBuilderFlags does (quotes group, backslash escapes); a bare `--` ends the flags.
 */
export function extractFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < line.length && /\s/.test(line[pos])) pos++;
    if (pos >= line.length) return { flags, rest: '' };
    if (!line.startsWith('--', pos)) return { flags, rest: line.slice(pos) };
    let word = '';
    let quote = '';
    let quoted = false;
    let end = pos;
    for (; end < line.length; end++) {
      const ch = line[end];
      if (quote !== '') {
        if (ch === quote) quote = '';
        else if (ch === '\\' && end + 1 < line.length) word += line[++end];
        else word += ch;
        continue;
      }
      if (/\s/.test(ch)) break;
      if (ch === '"' || ch === "'") {
        quote = ch;
        quoted = true;
      } else if (ch === '\\') {
        if (end + 1 < line.length) word += line[++end];
      } else word += ch;
    }
    pos = end;
    if (word === '--') return { flags, rest: line.slice(pos).trimStart() };
    if (word.length > 0 || quoted) flags.push(word.slice(2));
  }
}

/** `KEYWORD [--flags] rest` of one logical line. */
export function splitInstruction(line: string): { keyword: string; flags: string[]; rest: string } {
  const trimmed = line.trim();
  const space = trimmed.search(/\s/);
  if (space < 0) return { keyword: trimmed.toUpperCase(), flags: [], rest: '' };
  const { flags, rest } = extractFlags(trimmed.slice(space + 1));
  return { keyword: trimmed.slice(0, space).toUpperCase(), flags, rest: rest.trim() };
}

/** The heredoc a word like `<<EOF`, `<<-"EOF"` or `3<<'END'` introduces, if any. */
export function parseHeredocWord(word: string): { name: string; expand: boolean; chomp: boolean } | undefined {
  const match = HEREDOC_WORD.exec(word);
  if (match === null || match[3] === '') return undefined;
  const raw = match[3];
  const words = splitShellWords(raw, { rawQuotes: false });
  if (words.length !== 1) return undefined;
  const rawWords = splitShellWords(raw, { rawQuotes: true });
  const quotes = (text: string): number => (text.match(/["']/g) ?? []).length;
  // Quotes that processing removed mean the delimiter was quoted: the content stays literal.
  return { name: words[0], expand: quotes(words[0]) === quotes(rawWords[0] ?? ''), chomp: match[2] === '-' };
}

/** Heredocs announced on an instruction line, in order. */
function heredocsOf(line: string): { name: string; expand: boolean; chomp: boolean }[] {
  let words: string[];
  try {
    words = splitShellWords(line, { rawQuotes: true, rawEscapes: true });
  } catch {
    return [];
  }
  return words.map(parseHeredocWord).filter((heredoc) => heredoc !== undefined);
}

/** Parses the directives at the top of the file; returns them and the index of the first other line. */
function readDirectives(lines: string[]): { directives: Record<string, string>; escape: EscapeChar; warnings: string[] } {
  const directives: Record<string, string> = {};
  const warnings: string[] = [];
  let escape: EscapeChar = '\\';
  for (let index = 0; index < lines.length; index++) {
    const match = DIRECTIVE.exec(lines[index]);
    if (match === null) break;
    const key = match[1].toLowerCase();
    if (!KNOWN_DIRECTIVES.has(key)) break;
    if (key in directives) throw new DockerfileParseError(index + 1, `only one ${key} parser directive can be used`);
    directives[key] = match[2];
    if (key === 'escape') {
      if (match[2] !== '\\' && match[2] !== '`') {
        throw new DockerfileParseError(index + 1, `invalid escape token '${match[2]}' does not match \` or \\`);
      }
      escape = match[2];
    }
    if (key === 'syntax') warnings.push(`the syntax directive (${match[2]}) is ignored: berthd always uses its built-in Dockerfile frontend`);
  }
  return { directives, escape, warnings };
}

/** Splits the text into lines without their terminators (a final newline adds no empty line). */
function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Parses a whole Dockerfile. Throws DockerfileParseError; an empty file is "file with no instructions". */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = splitLines(text);
  const { directives, escape, warnings } = readDirectives(lines);
  const nodes: DockerfileNode[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = lines[index].replace(/^\s+/, '');
    index++;
    if (first === '' || isComment(first)) continue;
    const startLine = index;
    let { text: logical, continues } = trimContinuation(first, escape);
    let emptyContinuation = false;
    while (continues && index < lines.length) {
      const next = lines[index];
      index++;
      if (isComment(next)) continue;
      if (next.trim() === '') {
        emptyContinuation = true;
        continue;
      }
      const trimmed = trimContinuation(next, escape);
      logical += trimmed.text;
      continues = trimmed.continues;
    }
    if (logical.trim() === '') continue;
    if (emptyContinuation) warnings.push(`Empty continuation line found in: ${logical.trim()}`);
    const { keyword, flags, rest } = splitInstruction(logical);
    const node: DockerfileNode = { keyword, flags, rest, original: logical.trim(), startLine, endLine: index, heredocs: [] };
    if (canContainHeredoc(node)) {
      for (const heredoc of heredocsOf(logical)) {
        let content = '';
        let terminated = false;
        while (index < lines.length) {
          const line = lines[index];
          index++;
          const candidate = heredoc.chomp ? line.replace(/^\t+/, '') : line;
          if (candidate === heredoc.name) {
            terminated = true;
            break;
          }
          content += `${line}\n`;
        }
        if (!terminated) throw new DockerfileParseError(startLine, `unterminated heredoc ${heredoc.name}`);
        node.heredocs.push({ ...heredoc, content });
      }
      node.endLine = index;
    }
    nodes.push(node);
  }
  if (nodes.length === 0) throw new DockerfileParseError(lines.length, 'file with no instructions');
  return { escapeChar: escape, directives, nodes, warnings };
}

/** RUN, COPY and ADD in shell form (directly or after ONBUILD) may announce heredocs. */
function canContainHeredoc(node: DockerfileNode): boolean {
  let keyword = node.keyword;
  let rest = node.rest;
  if (keyword === 'ONBUILD') {
    const inner = splitInstruction(rest);
    keyword = inner.keyword;
    rest = inner.rest;
  }
  if (!HEREDOC_INSTRUCTIONS.has(keyword)) return false;
  return parseJsonArray(rest) === undefined;
}

/** `["a", "b"]` → the strings, or undefined when the text is not a JSON array of strings. */
export function parseJsonArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  } catch {
    // not JSON: the shell form
  }
  return undefined;
}

/** Strips leading tabs from every line (the `<<-` heredoc form). */
export function chompHeredoc(content: string): string {
  return content.replace(/^\t+/gm, '');
}

/**
 * Splits on whitespace keeping quotes and escapes in the words (buildkit's parseWords), for
 * ENV/LABEL/ARG `name=value` lists whose values are expanded later.
 */
export function splitKeepingQuotes(rest: string, escape: EscapeChar): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote = '';
  for (let pos = 0; pos < rest.length; pos++) {
    const ch = rest[pos];
    if (quote !== '') {
      if (ch === quote) quote = '';
      else if (ch === escape && quote !== "'" && pos + 1 < rest.length) {
        word += ch;
        pos++;
        word += rest[pos];
        continue;
      }
      word += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === '"' || ch === "'") quote = ch;
    if (ch === escape) {
      if (pos + 1 === rest.length) continue;
      word += ch;
      pos++;
      word += rest[pos];
      continue;
    }
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}
