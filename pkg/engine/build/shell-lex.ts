// The Dockerfile word lexer (pure): quote removal, the escape character and variable substitution
// ($VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt}, ${VAR-x}, ${VAR+x}, ${VAR:?msg}, ${VAR#pat},
// ${VAR%pat}), for one word (ProcessWord) or a whitespace-split list (ProcessWords), with the
// semantics of buildkit's shell.Lex.
import { InvalidArgumentError } from '../../errdefs/index.js';

export interface LexOptions {
  /** The Dockerfile's escape character (`\` or a backtick). */
  escape?: string;
  /** Keep quote characters in the output (heredoc delimiter detection). */
  rawQuotes?: boolean;
  /** Keep escape characters in the output. */
  rawEscapes?: boolean;
  /** Leave `$NAME` of unset variables as written instead of expanding to "". */
  skipUnsetEnv?: boolean;
}

/** Variables visible to substitution: ENV of the stage, then the build args in effect. */
export type Environment = ReadonlyMap<string, string>;

const EMPTY_ENV: Environment = new Map();

class Lexer {
  private pos = 0;
  /** Finished words (ProcessWords) and the one being built. */
  readonly words: string[] = [];
  private word = '';
  /** True once the current word has content or a (possibly empty) quoted part. */
  private started = false;
  private readonly escape: string;

  constructor(
    private readonly text: string,
    private readonly env: Environment,
    private readonly options: LexOptions,
    private readonly splitting: boolean,
  ) {
    this.escape = options.escape ?? '\\';
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private add(text: string, quoted: boolean): void {
    if (!this.splitting || quoted) {
      this.word += text;
      this.started = true;
      return;
    }
    for (const ch of text) {
      if (/\s/.test(ch)) this.endWord();
      else {
        this.word += ch;
        this.started = true;
      }
    }
  }

  private endWord(): void {
    if (this.started) this.words.push(this.word);
    this.word = '';
    this.started = false;
  }

  /** Processes until `stop` (consumed) or the end; returns the text (single-word mode). */
  run(stop?: string): string {
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos];
      if (stop !== undefined && ch === stop) {
        this.pos++;
        break;
      }
      if (ch === "'") this.singleQuoted();
      else if (ch === '"') this.doubleQuoted();
      else if (ch === '$') this.add(this.dollar(), false);
      else {
        this.pos++;
        if (ch === this.escape) {
          if (this.pos >= this.text.length) {
            if (this.options.rawEscapes) this.add(ch, true);
            break;
          }
          const next = this.text[this.pos++];
          // An escaped character is always literal, whitespace included.
          this.add(this.options.rawEscapes ? ch + next : next, true);
        } else this.add(ch, false);
      }
    }
    return this.word;
  }

  finish(): string[] {
    this.endWord();
    return this.words;
  }

  private singleQuoted(): void {
    this.pos++;
    let text = this.options.rawQuotes ? "'" : '';
    for (;;) {
      if (this.pos >= this.text.length) throw new InvalidArgumentError('unexpected end of statement while looking for matching single-quote');
      const ch = this.text[this.pos++];
      if (ch === "'") break;
      text += ch;
    }
    if (this.options.rawQuotes) text += "'";
    this.add(text, true);
  }

  private doubleQuoted(): void {
    this.pos++;
    let text = this.options.rawQuotes ? '"' : '';
    for (;;) {
      if (this.pos >= this.text.length) throw new InvalidArgumentError('unexpected end of statement while looking for matching double-quote');
      const ch = this.text[this.pos];
      if (ch === '"') {
        this.pos++;
        break;
      }
      if (ch === '$') {
        text += this.dollar();
        continue;
      }
      this.pos++;
      if (ch === this.escape) {
        const next = this.peek();
        if (next === '"' || next === '$' || next === this.escape) {
          this.pos++;
          text += this.options.rawEscapes ? ch + next : next;
          continue;
        }
      }
      text += ch;
    }
    if (this.options.rawQuotes) text += '"';
    this.add(text, true);
  }

  private name(): string {
    const rest = this.text.slice(this.pos);
    const match = /^[0-9]/.test(rest) ? /^[0-9]/.exec(rest) : /^[A-Za-z0-9_]+/.exec(rest);
    if (match === null) return '';
    this.pos += match[0].length;
    return match[0];
  }

  private lookup(name: string): string | undefined {
    return this.env.get(name);
  }

  /** `$…` at the cursor → its expansion. */
  private dollar(): string {
    this.pos++;
    if (this.peek() !== '{') {
      const name = this.name();
      if (name === '') return '$';
      const value = this.lookup(name);
      if (value === undefined && this.options.skipUnsetEnv) return `$${name}`;
      return value ?? '';
    }
    this.pos++;
    const name = this.name();
    if (name === '') throw new InvalidArgumentError(`bad substitution in ${JSON.stringify(this.text)}`);
    const value = this.lookup(name);
    const ch = this.peek();
    if (ch === '}') {
      this.pos++;
      if (value === undefined && this.options.skipUnsetEnv) return `\${${name}}`;
      return value ?? '';
    }
    if (ch === undefined) throw new InvalidArgumentError(`missing '}' in ${JSON.stringify(this.text)}`);
    let colon = false;
    if (ch === ':') {
      colon = true;
      this.pos++;
    }
    const modifier = this.text[this.pos++];
    if (modifier === '#' || modifier === '%') {
      const longest = this.peek() === modifier;
      if (longest) this.pos++;
      const pattern = this.nested();
      return trimPattern(value ?? '', pattern, modifier === '#' ? 'prefix' : 'suffix', longest);
    }
    const word = this.nested();
    const unset = colon ? value === undefined || value === '' : value === undefined;
    switch (modifier) {
      case '-':
        return unset ? word : (value ?? '');
      case '+':
        return unset ? '' : word;
      case '?':
        if (unset) throw new InvalidArgumentError(`${name}: ${word === '' ? 'is not allowed to be unset' : word}`);
        return value ?? '';
      default:
        throw new InvalidArgumentError(`unsupported modifier (${modifier ?? ''}) in substitution`);
    }
  }

  /** The word inside `${…}` after a modifier, itself processed, up to the closing brace. */
  private nested(): string {
    const start = this.pos;
    let depth = 0;
    let end = start;
    for (; end < this.text.length; end++) {
      const ch = this.text[end];
      if (ch === this.escape) {
        end++;
        continue;
      }
      if (ch === '{') depth++;
      if (ch === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    if (end >= this.text.length) throw new InvalidArgumentError(`missing '}' in ${JSON.stringify(this.text)}`);
    this.pos = end + 1;
    return processWord(this.text.slice(start, end), this.env, this.options);
  }
}

/** `*` and `?` glob → anchored regular expression source. */
function globSource(pattern: string, greedy: boolean): string {
  return pattern.replace(/[.+^${}()|[\]\\*?]/g, (ch) => (ch === '*' ? (greedy ? '.*' : '.*?') : ch === '?' ? '.' : `\\${ch}`));
}

function trimPattern(value: string, pattern: string, side: 'prefix' | 'suffix', longest: boolean): string {
  if (pattern === '') return value;
  if (side === 'prefix') {
    const match = new RegExp(`^${globSource(pattern, longest)}`, 's').exec(value);
    return match === null ? value : value.slice(match[0].length);
  }
  // Shortest suffix: try from the end; longest suffix: from the start.
  const regex = new RegExp(`^(?:${globSource(pattern, true)})$`, 's');
  if (longest) {
    for (let start = 0; start <= value.length; start++) if (regex.test(value.slice(start))) return value.slice(0, start);
  } else {
    for (let start = value.length; start >= 0; start--) if (regex.test(value.slice(start))) return value.slice(0, start);
  }
  return value;
}

/** One word: quotes removed, escapes applied, variables substituted; whitespace kept. */
export function processWord(word: string, env: Environment = EMPTY_ENV, options: LexOptions = {}): string {
  return new Lexer(word, env, options, false).run();
}

/** Several words: like processWord, then split on unquoted whitespace (EXPOSE, heredoc detection). */
export function processWords(text: string, env: Environment = EMPTY_ENV, options: LexOptions = {}): string[] {
  const lexer = new Lexer(text, env, options, true);
  lexer.run();
  return lexer.finish();
}

/** Word splitting without substitution (unset variables stay as written). */
export function splitShellWords(text: string, options: LexOptions = {}): string[] {
  return processWords(text, EMPTY_ENV, { ...options, skipUnsetEnv: true });
}

/**
 * Substitutes variables in heredoc content the way a shell heredoc does: `$VAR` and `${…}` expand,
 * quotes stay, and only `\$`, `\\` (with the escape character) and a trailing escape lose it.
 */
export function expandHeredoc(content: string, env: Environment, escape = '\\'): string {
  let result = '';
  for (let pos = 0; pos < content.length; pos++) {
    const ch = content[pos];
    if (ch === escape && (content[pos + 1] === '$' || content[pos + 1] === escape)) {
      result += content[++pos];
      continue;
    }
    if (ch !== '$') {
      result += ch;
      continue;
    }
    const braced = content[pos + 1] === '{';
    let end = pos + 1;
    if (braced) {
      let depth = 0;
      for (end = pos + 2; end < content.length; end++) {
        if (content[end] === '{') depth++;
        if (content[end] === '}') {
          if (depth === 0) break;
          depth--;
        }
      }
      end++;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9]/.exec(content.slice(pos + 1));
      end = pos + 1 + (match?.[0].length ?? 0);
    }
    if (end === pos + 1) {
      result += ch;
      continue;
    }
    result += processWord(content.slice(pos, end), env, { escape });
    pos = end - 1;
  }
  return result;
}

/** "K=V" strings → a map (the first definition of a key wins, as buildkit's lookup). */
export function environmentOf(...lists: readonly (readonly string[] | null | undefined)[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const list of lists) {
    for (const item of list ?? []) {
      const eq = item.indexOf('=');
      const key = eq < 0 ? item : item.slice(0, eq);
      if (!env.has(key)) env.set(key, eq < 0 ? '' : item.slice(eq + 1));
    }
  }
  return env;
}
