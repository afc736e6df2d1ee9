// Pagination of tag and repository lists (`n`, `last`, and the Link header to the next page). Pure.
import { RegistryError } from './errors.js';

/** The most entries one page returns; a larger `n` gets this many and a Link to the rest. */
export const MAX_PAGE_SIZE = 1000;

/** `n` as given: undefined (all), or a count; anything but a non-negative integer is refused. */
export function parsePageSize(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new RegistryError('PAGINATION_NUMBER_INVALID', undefined, { n: value });
  return Number(value);
}

export interface Page<T> {
  items: T[];
  /** The `last` of the next page's request, when more entries follow. */
  next?: string;
}

/**
 * Entries after `last` (lexically), at most `n` (and never more than MAX_PAGE_SIZE when `limit`
 * applies). `sorted` must be sorted by code unit order. n=0 gives an empty page.
 */
export function paginate(sorted: readonly string[], options: { n?: number; last?: string; limit?: number }): Page<string> {
  let start = 0;
  if (options.last !== undefined && options.last !== '') {
    const last = options.last;
    // First entry greater than `last` (binary search: lists may hold many thousands of tags).
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle] <= last) low = middle + 1;
      else high = middle;
    }
    start = low;
  }
  const cap = Math.min(options.n ?? Number.POSITIVE_INFINITY, options.limit ?? Number.POSITIVE_INFINITY);
  const items = sorted.slice(start, start + Math.min(cap, sorted.length));
  const more = start + items.length < sorted.length && items.length > 0;
  return more ? { items, next: items[items.length - 1] } : { items };
}

/** Code-unit order, as Go's sort.Strings: what `last` is compared with. */
export function sortNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** RFC 8288 Link to the next page: `</v2/x/tags/list?n=2&last=b>; rel="next"`. */
export function nextLink(path: string, n: number | undefined, last: string): string {
  const query = new URLSearchParams();
  if (n !== undefined) query.set('n', String(n));
  query.set('last', last);
  return `<${path}?${query.toString()}>; rel="next"`;
}
