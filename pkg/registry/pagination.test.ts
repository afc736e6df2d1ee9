import { describe, expect, test } from 'vitest';
import { RegistryError } from './errors.js';
import { nextLink, paginate, parsePageSize, sortNames } from './pagination.js';

const tags = sortNames(['v2', 'b', 'a', 'latest', 'v10', 'C']);

describe('pagination', () => {
  test('sorts by code unit, as Go does', () => expect(tags).toEqual(['C', 'a', 'b', 'latest', 'v10', 'v2']));
  test('everything without n', () => expect(paginate(tags, {})).toEqual({ items: tags }));
  test('n entries, and the next page starts after the last one returned', () => {
    expect(paginate(tags, { n: 2 })).toEqual({ items: ['C', 'a'], next: 'a' });
    expect(paginate(tags, { n: 2, last: 'a' })).toEqual({ items: ['b', 'latest'], next: 'latest' });
    expect(paginate(tags, { n: 2, last: 'latest' })).toEqual({ items: ['v10', 'v2'] });
  });
  test('last need not be an entry', () => expect(paginate(tags, { n: 10, last: 'c' })).toEqual({ items: ['latest', 'v10', 'v2'] }));
  test('last after everything gives an empty page', () => expect(paginate(tags, { last: 'zzz' })).toEqual({ items: [] }));
  test('n=0 gives an empty page without a link', () => expect(paginate(tags, { n: 0 })).toEqual({ items: [] }));
  test('the limit caps a large n and links to the rest', () => expect(paginate(tags, { n: 100, limit: 4 })).toEqual({ items: ['C', 'a', 'b', 'latest'], next: 'latest' }));
  test('n must be a non-negative integer', () => {
    expect(parsePageSize(null)).toBeUndefined();
    expect(parsePageSize('')).toBeUndefined();
    expect(parsePageSize('5')).toBe(5);
    for (const bad of ['-1', '1.5', 'x', '1e3', '99999999999']) expect(() => parsePageSize(bad)).toThrow(RegistryError);
  });
  test('Link header', () => expect(nextLink('/v2/a/b/tags/list', 2, 'v 1')).toBe('</v2/a/b/tags/list?n=2&last=v+1>; rel="next"'));
});
