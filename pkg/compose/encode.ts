// Turns the model into an ordered value tree (pure), the way docker compose v2 marshals its Go
// structs: struct fields in declaration order, Go maps sorted, empty fields omitted per yaml/json
// tags, x- extensions inline at the end of a struct in YAML and absent from JSON.

import { isDict, type Dict } from './dict.js';
import { SHAPES, type Field, type Kind } from './fields.js';
import { formatDuration } from './units.js';

export type GoValue =
  | { readonly t: 'map'; readonly entries: ReadonlyArray<readonly [string, GoValue]> }
  | { readonly t: 'seq'; readonly items: readonly GoValue[] }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'float'; readonly v: number; readonly bits: 32 | 64 }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'null' };

export type Mode = 'yaml' | 'json';

const str = (v: string): GoValue => ({ t: 'str', v });
const NULL: GoValue = { t: 'null' };

/** yaml.v3's key order: natural order, digits compared as numbers, non-letters before letters. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

export function sortKeys(keys: string[], mode: Mode): string[] {
  if (mode === 'json') return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
}

function sortedMap(record: Record<string, unknown>, mode: Mode, value: (v: unknown) => GoValue): GoValue {
  const keys = sortKeys(Object.keys(record), mode);
  return { t: 'map', entries: keys.map((k) => [k, value(record[k])] as const) };
}

/** Raw YAML values (extensions) as Go's map[string]any would print them. */
export function encodeAny(value: unknown, mode: Mode): GoValue {
  if (value === null || value === undefined) return NULL;
  if (typeof value === 'string') return str(value);
  if (typeof value === 'boolean') return { t: 'bool', v: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { t: 'int', v: value } : { t: 'float', v: value, bits: 64 };
  if (Array.isArray(value)) return { t: 'seq', items: value.map((v) => encodeAny(v, mode)) };
  if (isDict(value)) return sortedMap(value, mode, (v) => encodeAny(v, mode));
  return str(String(value));
}

function isEmpty(value: GoValue): boolean {
  switch (value.t) {
    case 'map':
      return value.entries.length === 0;
    case 'seq':
      return value.items.length === 0;
    case 'str':
      return value.v === '';
    case 'int':
    case 'float':
      return value.v === 0;
    case 'bool':
      return !value.v;
    case 'null':
      return true;
  }
}

/** Encodes one struct of shape `name`; `undefined` fields are absent. */
export function encodeStruct(name: string, record: Dict, mode: Mode): GoValue {
  const shape = SHAPES[name];
  const entries: Array<readonly [string, GoValue]> = [];
  for (const field of shape.fields) {
    if (mode === 'json' && field.jsonSkip === true) continue;
    if (name === 'secret' && field.key === 'content') continue;
    if (name === 'config' && field.key === 'content' && typeof record.environment === 'string' && record.environment !== '') continue;
    const key = mode === 'json' && field.jsonKey !== undefined ? field.jsonKey : field.key;
    const raw = record[field.key];
    if (raw === undefined) {
      if (mode === 'json' && field.kind === 'command') entries.push([key, NULL]);
      else if (mode === 'json' && isValueStruct(field)) entries.push([key, { t: 'map', entries: [] }]);
      else if (field.yamlAlways === true && mode === 'yaml') entries.push([key, zeroOf(field.kind)]);
      else if (field.jsonAlways === true && mode === 'json') entries.push([key, zeroOf(field.kind)]);
      continue;
    }
    const value = encodeKind(field.kind, raw, mode);
    const always = mode === 'yaml' ? field.yamlAlways === true : field.jsonAlways === true || isValueStruct(field);
    if (!always && field.ptr !== true && field.kind !== 'command' && isEmpty(value)) continue;
    entries.push([key, value]);
  }
  if (mode === 'yaml' && shape.extensions && isDict(record.extensions)) {
    for (const k of sortKeys(Object.keys(record.extensions), mode)) entries.push([k, encodeAny(record.extensions[k], mode)]);
  }
  return { t: 'map', entries };
}

/** Go struct values (not pointers) are never "empty" for encoding/json's omitempty. */
function isValueStruct(field: Field): boolean {
  return typeof field.kind === 'object' && 'struct' in field.kind && field.ptr !== true;
}

function zeroOf(kind: Kind): GoValue {
  switch (kind) {
    case 'bool':
      return { t: 'bool', v: false };
    case 'int':
      return { t: 'int', v: 0 };
    case 'bytes':
      return str('0');
    default:
      return str('');
  }
}

function encodeKind(kind: Kind, raw: unknown, mode: Mode): GoValue {
  if (typeof kind === 'object') {
    if ('struct' in kind) return encodeStruct(kind.struct, raw as Dict, mode);
    if ('list' in kind) return { t: 'seq', items: (raw as Dict[]).map((item) => encodeStruct(kind.list, item, mode)) };
    if ('map' in kind) return sortedMap(raw as Dict, mode, (v) => encodeStruct(kind.map, v as Dict, mode));
    return sortedMap(raw as Dict, mode, (v) => (v === null ? NULL : encodeStruct(kind.mapNullable, v as Dict, mode)));
  }
  switch (kind) {
    case 'string':
      return str(raw as string);
    case 'bool':
      return { t: 'bool', v: raw as boolean };
    case 'int':
    case 'deviceCount':
      return { t: 'int', v: raw as number };
    case 'float32':
      return { t: 'float', v: raw as number, bits: 32 };
    case 'bytes':
      return str(String(raw));
    case 'duration':
      return str(formatDuration(raw as number));
    case 'strings':
    case 'stringList':
    case 'stringOrNumberList':
    case 'healthTest':
    case 'command':
      return { t: 'seq', items: (raw as string[]).map(str) };
    case 'mapping':
    case 'labels':
    case 'options':
      return sortedMap(raw as Dict, mode, (v) => str(v as string));
    case 'mappingEquals':
      return sortedMap(raw as Dict, mode, (v) => (v === null ? NULL : str(v as string)));
    case 'multiOptions':
      return sortedMap(raw as Dict, mode, (v) => ({ t: 'seq', items: (v as string[]).map(str) }));
    case 'hostsList': {
      const list: string[] = [];
      for (const [host, ips] of Object.entries(raw as Record<string, string[]>)) for (const ip of ips) list.push(`${host}=${ip}`);
      list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { t: 'seq', items: list.map(str) };
    }
    case 'fileMode':
      return str(`0${(raw as number).toString(8)}`);
    case 'ulimits':
      return sortedMap(raw as Dict, mode, (v) => {
        const u = v as { single?: number; soft?: number; hard?: number };
        if (u.single !== undefined && u.single !== 0) return { t: 'int', v: u.single };
        const entries: Array<readonly [string, GoValue]> = [];
        if (mode === 'yaml' || (u.soft ?? 0) !== 0) entries.push(['soft', { t: 'int', v: u.soft ?? 0 }]);
        if (mode === 'yaml' || (u.hard ?? 0) !== 0) entries.push(['hard', { t: 'int', v: u.hard ?? 0 }]);
        return { t: 'map', entries };
      });
    case 'ssh':
      return { t: 'seq', items: (raw as Array<{ id: string; path?: string }>).map((k) => str(k.path === undefined ? k.id : `${k.id}: ${k.path}`)) };
    case 'envFiles':
      return {
        t: 'seq',
        items: (raw as Array<{ path: string; required: boolean; format?: string }>).map((e) => {
          if (e.required) return str(e.path);
          const entries: Array<readonly [string, GoValue]> = [
            ['path', str(e.path)],
            ['required', { t: 'bool', v: false }],
          ];
          if (mode === 'json' && e.format !== undefined) entries.push(['format', str(e.format)]);
          return { t: 'map', entries };
        }),
      };
    case 'any':
      return encodeAny(raw, mode);
  }
}

/** The project as `docker compose config` prints it (YAML) or marshals it (JSON). */
export function encodeProject(project: Dict, mode: Mode): GoValue {
  const value = encodeStruct('project', project, mode) as { t: 'map'; entries: Array<readonly [string, GoValue]> };
  if (mode === 'yaml') return value;
  // MarshalJSON builds a map: name always, resources only when non-empty, extensions merged in.
  const top: Record<string, GoValue> = {};
  for (const [k, v] of value.entries) top[k] = v;
  top.name = str(typeof project.name === 'string' ? project.name : '');
  for (const k of ['networks', 'volumes', 'secrets', 'configs']) if (top[k] !== undefined && isEmpty(top[k])) delete top[k];
  if (isDict(project.extensions)) for (const [k, v] of Object.entries(project.extensions)) top[k] = encodeAny(v, mode);
  return { t: 'map', entries: sortKeys(Object.keys(top), mode).map((k) => [k, top[k]] as const) };
}
