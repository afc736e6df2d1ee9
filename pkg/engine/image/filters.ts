// GET /images/json filters: validation, dockerd's path.Match globs for `reference`, label matching.
// Pure.
import { InvalidArgumentError } from '../../errdefs/index.js';

/** Filters as the API decodes them: {"dangling":["true"]} or the older {"dangling":{"true":true}}. */
export type ImageFilters = Record<string, string[] | Record<string, boolean>>;

const ACCEPTED = new Set(['dangling', 'label', 'before', 'since', 'reference', 'until']);

export function filterValues(filters: ImageFilters | undefined, key: string): string[] {
  const value = filters?.[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : Object.keys(value).filter((item) => value[item]);
}

export function validateFilters(filters: ImageFilters | undefined): void {
  for (const key of Object.keys(filters ?? {})) {
    if (!ACCEPTED.has(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
  }
}

/** dockerd's GetBoolOrDefault("dangling", false). */
export function danglingFilter(filters: ImageFilters | undefined): boolean | undefined {
  const values = filterValues(filters, 'dangling');
  if (values.length === 0) return undefined;
  for (const value of values) {
    if (!['true', '1', 'false', '0'].includes(value.toLowerCase())) throw new InvalidArgumentError(`invalid filter 'dangling=${value}'`);
  }
  return ['true', '1'].includes(values[0].toLowerCase());
}

/** Go's path.Match: `*` and `?` never match "/", `[...]` classes with ranges and `^`/`!` negation. */
export function pathMatch(pattern: string, name: string): boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new InvalidArgumentError('syntax error in pattern');
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('^') || body.startsWith('!');
      if (negate) body = body.slice(1);
      source += `[${negate ? '^/' : ''}${body.replace(/[\]\\]/g, '\\$&')}]`;
      i = end;
    } else source += escapeRegExp(ch);
  }
  return new RegExp(`${source}$`).test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `label=key` (present) or `label=key=value` (equal), every one must hold. */
export function labelsMatch(filters: string[], labels: Record<string, string> | null | undefined): boolean {
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return labels?.[filter] !== undefined;
    return labels?.[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}
