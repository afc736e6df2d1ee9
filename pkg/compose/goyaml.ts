// YAML text exactly as Go's gopkg.in/yaml.v3 encoder writes it with SetIndent(2) (pure): block
// mappings and indented block sequences, `{}`/`[]` for empty collections, strings plain unless they
// would read back as another type (then double-quoted) or the emitter forbids plain style (then
// single-quoted), multi-line strings as literal blocks. Ported from yaml.v3's emitterc.go rules.

import { formatGoFloat } from './dict.js';
import type { GoValue } from './encode.js';

const BEST_INDENT = 2;

/** yaml.v3 resolve(): would this plain scalar read back as something other than a string? */
function resolvesToNonString(s: string): boolean {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return true;
  if (['true', 'True', 'TRUE', 'false', 'False', 'FALSE'].includes(s)) return true;
  if (['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<'].includes(s)) return true;
  const c = s[0];
  if (c === '.' || c === '+' || c === '-' || (c >= '0' && c <= '9')) {
    if (c !== '.' && /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/.test(s)) return true;
    const plain = s.replace(/_/g, '');
    if (/^[-+]?(?:0b[01]+|0o?[0-7]+|0x[0-9a-fA-F]+|\d+)$/.test(plain)) return true;
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain)) return true;
  }
  return false;
}

const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const OLD_BOOLS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    cp === 0x85 ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const isBreak = (c: string): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined): boolean => c === undefined || c === ' ' || c === '\t' || isBreak(c);

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function analyze(value: string): Analysis {
  if (value.length === 0) return { multiline: false, blockPlain: true, singleQuoted: true, block: false };
  const chars = [...value];
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) blockIndicators = true;
  chars.forEach((c, i) => {
    const followedByWhitespace = isBlank(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if (c === ':' && followedByWhitespace) blockIndicators = true;
    else if (c === '#' && precededByWhitespace) blockIndicators = true;
    const cp = c.codePointAt(0)!;
    if (c === '\t') tabs = true;
    else if (!isPrintable(cp)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(c);
  });
  const result: Analysis = { multiline: lineBreaks, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) result.blockPlain = false;
  if (trailingSpace) result.block = false;
  if (breakSpace) {
    result.blockPlain = false;
    result.singleQuoted = false;
  }
  if (spaceBreak || tabs || special) {
    result.blockPlain = false;
    result.singleQuoted = false;
  }
  if (spaceBreak || special) result.block = false;
  if (lineBreaks) result.blockPlain = false;
  if (blockIndicators) result.blockPlain = false;
  return result;
}

type Style = 'plain' | 'single' | 'double' | 'literal';

class Emitter {
  out = '';
  column = 0;
  indent = -1;
  whitespace = true;
  indention = true;

  put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }

  lineBreak(): void {
    this.out += '\n';
    this.column = 0;
    this.indention = true;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
  }

  indicator(text: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(text);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  /** yaml_emitter_increase_indent for block collections and scalars. */
  increase(flow: boolean, inSequenceItem: boolean): void {
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (inSequenceItem) this.indent += 2;
    else this.indent = BEST_INDENT * Math.floor((this.indent + BEST_INDENT) / BEST_INDENT);
  }

  node(value: GoValue, inSequenceItem: boolean, simpleKey: boolean): void {
    switch (value.t) {
      case 'map':
        if (value.entries.length === 0) {
          this.indicator('{', true, true, false);
          this.indicator('}', false, false, false);
          return;
        }
        this.blockMapping(value.entries, inSequenceItem);
        return;
      case 'seq':
        if (value.items.length === 0) {
          this.indicator('[', true, true, false);
          this.indicator(']', false, false, false);
          return;
        }
        this.blockSequence(value.items, inSequenceItem);
        return;
      case 'str':
        this.scalar(value.v, stringStyle(value.v), inSequenceItem, simpleKey);
        return;
      case 'int':
        this.scalar(String(value.v), 'plain', inSequenceItem, simpleKey);
        return;
      case 'float':
        this.scalar(formatGoFloat(value.v, value.bits, 'g'), 'plain', inSequenceItem, simpleKey);
        return;
      case 'bool':
        this.scalar(value.v ? 'true' : 'false', 'plain', inSequenceItem, simpleKey);
        return;
      case 'null':
        this.scalar('null', 'plain', inSequenceItem, simpleKey);
        return;
    }
  }

  blockMapping(entries: ReadonlyArray<readonly [string, GoValue]>, inSequenceItem: boolean): void {
    const saved = this.indent;
    this.increase(false, inSequenceItem);
    for (const [key, value] of entries) {
      this.writeIndent();
      this.node({ t: 'str', v: key }, false, true);
      this.indicator(':', false, false, false);
      this.node(value, false, false);
    }
    this.indent = saved;
  }

  blockSequence(items: readonly GoValue[], inSequenceItem: boolean): void {
    const saved = this.indent;
    this.increase(false, inSequenceItem);
    for (const item of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, true, false);
    }
    this.indent = saved;
  }

  scalar(value: string, requested: Style, inSequenceItem: boolean, simpleKey: boolean): void {
    const analysis = analyze(value);
    let style = requested;
    if (simpleKey && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if (!analysis.blockPlain || (value.length === 0 && simpleKey)) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuoted) style = 'double';
    if (style === 'literal' && (!analysis.block || simpleKey)) style = 'double';
    const saved = this.indent;
    this.increase(true, inSequenceItem);
    switch (style) {
      case 'plain':
        if (value.length > 0 && !this.whitespace) this.put(' ');
        this.put(value);
        this.whitespace = false;
        this.indention = false;
        break;
      case 'single':
        this.single(value);
        break;
      case 'double':
        this.double(value);
        break;
      case 'literal':
        this.literal(value);
        break;
    }
    this.indent = saved;
  }

  single(value: string): void {
    this.indicator("'", true, false, false);
    let breaks = false;
    for (const c of value) {
      if (isBreak(c)) {
        if (!breaks && c === '\n') this.lineBreak();
        this.lineBreak();
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c === "'" ? "''" : c);
        this.indention = false;
        breaks = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  double(value: string): void {
    this.indicator('"', true, false, false);
    for (const c of value) {
      const cp = c.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreak(c) || c === '"' || c === '\\') {
        this.put(escapeDouble(cp));
      } else this.put(c);
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  literal(value: string): void {
    this.indicator('|', true, false, false);
    if (value[0] === ' ') this.indicator(String(BEST_INDENT), false, false, false);
    const chars = [...value];
    const last = chars[chars.length - 1];
    if (!isBreak(last)) this.indicator('-', false, false, false);
    else if (chars.length === 1 || isBreak(chars[chars.length - 2])) this.indicator('+', false, false, false);
    this.lineBreak();
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.lineBreak();
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function escapeDouble(cp: number): string {
  const simple: Record<number, string> = {
    0x00: '0',
    0x07: 'a',
    0x08: 'b',
    0x09: 't',
    0x0a: 'n',
    0x0b: 'v',
    0x0c: 'f',
    0x0d: 'r',
    0x1b: 'e',
    0x22: '"',
    0x5c: '\\',
    0x85: 'N',
    0xa0: '_',
    0x2028: 'L',
    0x2029: 'P',
  };
  if (simple[cp] !== undefined) return `\\${simple[cp]}`;
  if (cp <= 0xff) return `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** How yaml.v3 styles a Go string: literal when multi-line, quoted when it would not read back as a string. */
function stringStyle(s: string): Style {
  if (s.includes('\n')) return 'literal';
  if (resolvesToNonString(s) || BASE60.test(s) || OLD_BOOLS.has(s)) return 'double';
  return 'plain';
}

/** The document yaml.v3 writes for `value` (always ends with a newline). */
export function marshalGoYaml(value: GoValue): string {
  const emitter = new Emitter();
  emitter.node(value, false, false);
  if (emitter.column > 0) emitter.lineBreak();
  return emitter.out;
}
