// Parses compose YAML text into plain values with a position for every path (pure). Handles what
// compose-go's reader handles on top of YAML 1.2: anchors and aliases, merge keys (`<<`),
// duplicate keys as errors, and the `!reset` / `!override` tags recorded for the merge step.

import { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Document, type Node as YamlNode } from 'yaml';
import { configError } from './errors.js';

/** A path into the model: map keys and sequence indexes. */
export type PathSegment = string | number;
export type Path = readonly PathSegment[];

export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** One YAML document of a compose file, turned into plain values. */
export interface ParsedDocument {
  readonly value: unknown;
  /** Position of each path's value, keyed by formatPath(path). */
  readonly positions: ReadonlyMap<string, Position>;
  /** Paths tagged `!reset`: removed from what earlier files defined, and from this document. */
  readonly resets: readonly Path[];
  /** Paths tagged `!override`: what earlier files defined is replaced, not merged. */
  readonly overrides: readonly Path[];
}

export function formatPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/** Sets an own property even for keys like `__proto__`. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

const MAX_DEPTH = 200;
const MAX_NODES = 200_000;

/** Parses every document of `text`; `file` is the name used in positions and errors. */
export function parseComposeYaml(text: string, file: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: false, merge: false, prettyErrors: false });
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed];
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first !== undefined) {
      const pos = lineCounter.linePos(first.pos[0]);
      const message = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw configError(`yaml: ${message}`, { file, line: pos.line, column: pos.col });
    }
    if (doc.contents === null) continue;
    out.push(new DocumentReader(doc, file, lineCounter, text).read());
  }
  return out;
}

class DocumentReader {
  private readonly positions = new Map<string, Position>();
  private readonly resets: Path[] = [];
  private readonly overrides: Path[] = [];
  private visited = 0;

  constructor(
    private readonly doc: Document.Parsed,
    private readonly file: string,
    private readonly lineCounter: LineCounter,
    private readonly text: string,
  ) {}

  read(): ParsedDocument {
    const value = this.node(this.doc.contents as YamlNode, [], 0);
    return { value: value === RESET ? null : value, positions: this.positions, resets: this.resets, overrides: this.overrides };
  }

  private position(node: YamlNode): Position {
    const offset = node.range?.[0] ?? 0;
    const pos = this.lineCounter.linePos(offset);
    return { file: this.file, line: pos.line, column: pos.col };
  }

  private fail(node: YamlNode, path: Path, detail: string): never {
    const pos = this.position(node);
    throw configError(detail, { file: this.file, line: pos.line, column: pos.column, path: formatPath(path) });
  }

  private node(node: YamlNode | null, path: Path, depth: number): unknown {
    if (node === null) return null;
    if (++this.visited > MAX_NODES || depth > MAX_DEPTH) this.fail(node, path, 'document is too deeply nested or has too many nodes (alias expansion?)');
    let target: YamlNode = node;
    if (isAlias(node)) {
      const resolved = node.resolve(this.doc);
      if (resolved === undefined) this.fail(node, path, `unknown anchor "${node.source}"`);
      target = resolved as YamlNode;
    }
    const key = formatPath(path);
    if (!this.positions.has(key)) this.positions.set(key, this.position(node));
    const tag = (target as { tag?: string }).tag;
    if (tag === '!reset') {
      this.resets.push(path);
      return RESET;
    }
    if (tag === '!override') this.overrides.push(path);
    if (isMap(target)) return this.mapping(target, path, depth);
    if (isSeq(target)) {
      const items: unknown[] = [];
      target.items.forEach((item, index) => {
        const value = this.node(item as YamlNode | null, [...path, items.length], depth + 1);
        if (value !== RESET) items.push(value);
        void index;
      });
      return items;
    }
    if (isScalar(target)) {
      const value = target.value;
      if (value === undefined) return null;
      if (target.type === 'PLAIN' && target.range !== undefined && target.range !== null) {
        const legacy = legacyInteger(this.text.slice(target.range[0], target.range[1]));
        if (legacy !== undefined) return legacy;
      }
      if (typeof value === 'bigint') return Number(value);
      return value;
    }
    return this.fail(target, path, 'unsupported YAML node');
  }

  private mapping(map: { items: Array<{ key: unknown; value: unknown }> }, path: Path, depth: number): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const seenAt = new Map<string, number>();
    const merges: Array<{ node: YamlNode }> = [];
    for (const pair of map.items) {
      const keyNode = pair.key as YamlNode | null;
      const valueNode = pair.value as YamlNode | null;
      const key = this.keyOf(keyNode, path);
      if (key === '<<' && keyNode !== null && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        if (valueNode !== null) merges.push({ node: valueNode });
        continue;
      }
      const line = keyNode !== null ? this.position(keyNode).line : 0;
      const previous = seenAt.get(key);
      if (previous !== undefined) {
        this.fail(keyNode as YamlNode, [...path, key], `mapping key "${key}" already defined at line ${previous}`);
      }
      seenAt.set(key, line);
      const childPath = [...path, key];
      if (keyNode !== null) this.positions.set(formatPath(childPath), this.position(keyNode));
      const value = this.node(valueNode, childPath, depth + 1);
      if (value !== RESET) setKey(result, key, value);
    }
    // Merge keys: explicit keys win; among merged maps the first listed wins.
    for (const { node } of merges) {
      const sources: YamlNode[] = [];
      const resolved = isAlias(node) ? (node.resolve(this.doc) as YamlNode | undefined) : node;
      if (resolved !== undefined && isSeq(resolved)) sources.push(...(resolved.items as YamlNode[]));
      else sources.push(node);
      for (const source of sources) {
        const value = this.node(source, path, depth + 1);
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          this.fail(source, path, 'merge key "<<" must refer to a mapping or a sequence of mappings');
        }
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (!Object.prototype.hasOwnProperty.call(result, k) && !seenAt.has(k)) setKey(result, k, v);
        }
      }
    }
    return result;
  }

  private keyOf(keyNode: YamlNode | null, path: Path): string {
    if (keyNode === null) return '';
    const node = isAlias(keyNode) ? (keyNode.resolve(this.doc) as YamlNode) : keyNode;
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return v;
      if (v === null || v === undefined) return 'null';
      const where = path.length === 0 ? 'at top level' : `in ${formatPath(path)}`;
      return this.fail(keyNode, path, `non-string key ${where}: ${String(v)}`);
    }
    return this.fail(keyNode, path, 'mapping keys must be scalars');
  }
}

const RESET: unique symbol = Symbol('reset');

/**
 * Integers the way yaml.v3 (and so compose) reads them where YAML 1.2 differs: `0400` is octal,
 * `0b101` binary, `1_000` a thousand, `09` nine.
 */
function legacyInteger(source: string): number | undefined {
  const match = /^([-+]?)(0[0-9_]+|0b[01_]+|[1-9][0-9]*_[0-9_]*)$/.exec(source.trim());
  if (match === null) return undefined;
  const sign = match[1] === '-' ? -1 : 1;
  const digits = match[2].replace(/_/g, '');
  if (digits.startsWith('0b')) return sign * Number.parseInt(digits.slice(2), 2);
  if (/^0[0-7]+$/.test(digits)) return sign * Number.parseInt(digits, 8);
  return sign * Number.parseInt(digits, 10);
}
