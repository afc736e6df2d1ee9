// Encoding of docker's `filters` query parameter (pure): {"key": {"value": true}}, the form since API 1.22.

import { InvalidArgumentError } from '../errdefs/index.js';

/** Filter values per key, e.g. `{ label: ['a=b'], status: ['exited'] }`. */
export type Filters = Record<string, readonly string[]>;

/** JSON for the `filters` query parameter, or undefined when there is nothing to filter. */
export function encodeFilters(filters: Filters | undefined): string | undefined {
  if (!filters) return undefined;
  // Keys and values in sorted order, as Go's JSON encoder writes the maps docker sends.
  const encoded: Record<string, Record<string, true>> = {};
  for (const key of Object.keys(filters).sort()) {
    const values = filters[key]!;
    if (values.length === 0) continue;
    const set: Record<string, true> = {};
    for (const value of [...values].sort()) set[value] = true;
    encoded[key] = set;
  }
  return Object.keys(encoded).length === 0 ? undefined : JSON.stringify(encoded);
}

/**
 * Parses `key=value` filter flags (`--filter status=exited`) into Filters. Throws with docker's
 * wording when the `=` is missing.
 */
export function parseFilterFlags(flags: readonly string[]): Filters {
  const filters: Record<string, string[]> = {};
  for (const flag of flags) {
    const separator = flag.indexOf('=');
    if (separator === -1) throw new InvalidArgumentError('bad format of filter (expected name=value)');
    const key = flag.slice(0, separator).trim().toLowerCase();
    const value = flag.slice(separator + 1).trim();
    (filters[key] ??= []).push(value);
  }
  return filters;
}
