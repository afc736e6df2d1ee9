// Decodes the canonical compose tree into the typed model (pure), field by field from SHAPES, with
// compose-go's conversions: string commands split into words, durations and sizes parsed, list or
// map environments/labels turned into maps, `x-` keys kept as extensions.

import { configError } from './errors.js';
import { goSprint, has, isDict, type Dict } from './dict.js';
import { SHAPES, type Field, type Kind } from './fields.js';
import { parseShellWords } from './shortsyntax.js';
import { formatPath, type Path } from './source.js';
import { parseBytes, parseDuration } from './units.js';

export type Locator = (path: Path) => { file?: string; line?: number; column?: number };

class Decoder {
  constructor(private readonly locate: Locator) {}

  fail(path: Path, detail: string): never {
    throw configError(detail, { ...this.locate(path), path: formatPath(path) });
  }

  struct(name: string, value: unknown, path: Path): Dict {
    const shape = SHAPES[name];
    if (shape === undefined) throw new Error(`unknown shape ${name}`);
    if (!isDict(value)) return this.fail(path, `must be a mapping, not ${goSprint(value)}`);
    const out: Dict = {};
    for (const field of shape.fields) {
      if (!has(value, field.key)) continue;
      const raw = value[field.key];
      if (raw === null || raw === undefined) continue;
      const decoded = this.value(field, raw, [...path, field.key]);
      if (decoded !== undefined) out[field.key] = decoded;
    }
    if (shape.extensions) {
      const extensions: Dict = {};
      for (const [k, v] of Object.entries(value)) if (k.startsWith('x-')) extensions[k] = v;
      if (Object.keys(extensions).length > 0) out.extensions = extensions;
    }
    return out;
  }

  value(field: Field, raw: unknown, path: Path): unknown {
    return this.kind(field.kind, raw, path);
  }

  kind(kind: Kind, raw: unknown, path: Path): unknown {
    if (typeof kind === 'object') {
      if ('struct' in kind) return this.struct(kind.struct, raw, path);
      if ('list' in kind) {
        if (!Array.isArray(raw)) return this.fail(path, 'must be a list');
        return raw.map((item, i) => this.struct(kind.list, item, [...path, i]));
      }
      if ('map' in kind || 'mapNullable' in kind) {
        if (!isDict(raw)) return this.fail(path, 'must be a mapping');
        const out: Dict = {};
        const name = 'map' in kind ? kind.map : kind.mapNullable;
        for (const [k, v] of Object.entries(raw)) {
          if (v === null) out[k] = 'map' in kind ? this.struct(name, {}, [...path, k]) : null;
          else out[k] = this.struct(name, v, [...path, k]);
        }
        return out;
      }
    }
    switch (kind) {
      case 'string':
        return typeof raw === 'string' ? raw : goSprint(raw);
      case 'bool':
        return this.bool(raw, path);
      case 'int':
        return this.int(raw, path);
      case 'float32': {
        const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
        if (Number.isNaN(n)) return this.fail(path, `invalid number ${goSprint(raw)}`);
        return Math.fround(n);
      }
      case 'bytes':
        try {
          return parseBytes(raw as string | number);
        } catch (err) {
          return this.fail(path, (err as Error).message);
        }
      case 'duration':
        try {
          return parseDuration(goSprint(raw));
        } catch (err) {
          return this.fail(path, (err as Error).message);
        }
      case 'strings':
        if (!Array.isArray(raw)) return this.fail(path, 'must be a list');
        return raw.map((v) => goSprint(v));
      case 'stringList':
      case 'stringOrNumberList':
        if (typeof raw === 'string') return [raw];
        if (!Array.isArray(raw)) return this.fail(path, 'must be a string or a list');
        return raw.map((v) => goSprint(v));
      case 'mapping':
      case 'labels':
      case 'options':
        return this.mapping(raw, path);
      case 'mappingEquals':
        return this.mappingEquals(raw, path);
      case 'multiOptions': {
        if (!isDict(raw)) return this.fail(path, 'must be a mapping');
        const out: Record<string, string[]> = {};
        for (const [k, v] of Object.entries(raw)) out[k] = (Array.isArray(v) ? v : [v]).map((e) => goSprint(e));
        return out;
      }
      case 'hostsList':
        return this.hosts(raw, path);
      case 'command':
        if (raw === null || raw === undefined) return undefined;
        if (typeof raw === 'string') {
          try {
            return parseShellWords(raw);
          } catch (err) {
            return this.fail(path, (err as Error).message);
          }
        }
        if (!Array.isArray(raw)) return this.fail(path, 'must be a string or a list');
        return raw.map((v) => goSprint(v));
      case 'healthTest':
        if (typeof raw === 'string') return ['CMD-SHELL', raw];
        if (!Array.isArray(raw)) return this.fail(path, 'must be a string or a list');
        return raw.map((v) => goSprint(v));
      case 'fileMode':
        if (typeof raw === 'number') return raw;
        if (!/^[0-7]+$/.test(String(raw))) return this.fail(path, `invalid file mode ${goSprint(raw)}`);
        return Number.parseInt(String(raw), 8);
      case 'deviceCount':
        if (typeof raw === 'number') return raw;
        if (String(raw).toLowerCase() === 'all') return -1;
        if (!/^-?\d+$/.test(String(raw))) return this.fail(path, `invalid value ${JSON.stringify(raw)}, the only value allowed is 'all' or a number`);
        return Number.parseInt(String(raw), 10);
      case 'ulimits': {
        if (!isDict(raw)) return this.fail(path, 'must be a mapping');
        const out: Record<string, { single?: number; soft?: number; hard?: number }> = {};
        for (const [name, v] of Object.entries(raw)) {
          if (isDict(v)) out[name] = { soft: this.int(v.soft ?? 0, [...path, name, 'soft']), hard: this.int(v.hard ?? 0, [...path, name, 'hard']) };
          else out[name] = { single: this.int(v, [...path, name]) };
        }
        return out;
      }
      case 'ssh': {
        if (!isDict(raw)) return this.fail(path, 'must be a mapping');
        return Object.entries(raw)
          .map(([id, p]) => (p === null ? { id } : { id, path: goSprint(p) }))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      }
      case 'envFiles': {
        if (!Array.isArray(raw)) return this.fail(path, 'must be a list');
        return raw.map((e, i) => {
          const entry = isDict(e) ? e : { path: goSprint(e) };
          const out: Dict = { path: goSprint(entry.path), required: has(entry, 'required') ? this.bool(entry.required, [...path, i, 'required']) : true };
          if (has(entry, 'format')) out.format = goSprint(entry.format);
          return out;
        });
      }
      case 'any':
        return raw;
    }
  }

  bool(raw: unknown, path: Path): boolean {
    if (typeof raw === 'boolean') return raw;
    switch (String(raw).toLowerCase()) {
      case 'true':
      case 'y':
      case 'yes':
      case 'on':
        return true;
      case 'false':
      case 'n':
      case 'no':
      case 'off':
        return false;
      default:
        return this.fail(path, `invalid boolean: ${goSprint(raw)}`);
    }
  }

  int(raw: unknown, path: Path): number {
    if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
    if (typeof raw === 'string' && /^[-+]?\d+$/.test(raw.trim())) return Number.parseInt(raw, 10);
    return this.fail(path, `must be an integer, not ${goSprint(raw)}`);
  }

  mapping(raw: unknown, path: Path): Record<string, string> {
    const out: Record<string, string> = {};
    if (isDict(raw)) {
      for (const [k, v] of Object.entries(raw)) out[k] = v === null ? '' : typeof v === 'string' ? v : goSprint(v);
      return out;
    }
    if (Array.isArray(raw)) {
      for (const entry of raw) {
        const s = goSprint(entry);
        const eq = s.indexOf('=');
        if (eq < 0) out[s] = '';
        else out[s.slice(0, eq)] = s.slice(eq + 1);
      }
      return out;
    }
    return this.fail(path, 'must be a mapping or a list');
  }

  mappingEquals(raw: unknown, path: Path): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    if (isDict(raw)) {
      for (const [k, v] of Object.entries(raw)) out[k] = v === null ? null : typeof v === 'string' ? v : goSprint(v);
      return out;
    }
    if (Array.isArray(raw)) {
      raw.forEach((entry, i) => {
        const s = goSprint(entry);
        const eq = s.indexOf('=');
        const key = eq < 0 ? s : s.slice(0, eq);
        if (key !== '' && /\s$/.test(key)) this.fail([...path, i], `environment variable ${key} is declared with a trailing space`);
        out[key] = eq < 0 ? null : s.slice(eq + 1);
      });
      return out;
    }
    return this.fail(path, 'must be a mapping or a list');
  }

  hosts(raw: unknown, path: Path): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (isDict(raw)) {
      for (const [host, v] of Object.entries(raw)) out[host] = Array.isArray(v) ? v.map((e) => goSprint(e)) : [v === null ? '' : goSprint(v)];
    } else if (Array.isArray(raw)) {
      raw.forEach((entry, i) => {
        const s = goSprint(entry);
        const sep = ['=', ':'].map((c) => s.indexOf(c)).find((at) => at >= 0);
        if (sep === undefined) this.fail([...path, i], `invalid additional host, missing IP: ${s}`);
        const host = s.slice(0, sep);
        out[host] = [...(out[host] ?? []), ...s.slice(sep + 1).split(',')];
      });
    } else return this.fail(path, 'must be a mapping or a list');
    for (const [host, ips] of Object.entries(out)) {
      if (host === '' || /[:=]/.test(host)) this.fail(path, `bad host name '${host}'`);
      out[host] = ips.map((ip) => (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip));
    }
    return out;
  }
}

/** Decodes the canonical tree into the untyped-but-shaped project record (see model.ts for types). */
export function decodeProject(tree: Dict, locate: Locator): Dict {
  const decoder = new Decoder(locate);
  return decoder.struct('project', tree, []);
}
