// Helpers the command implementations share (effects only through the given streams): output with
// backpressure, docker's "one line per object, errors joined at the end", typed flag accessors.
import type { Writable } from 'node:stream';
import { parseFilterFlags, writeWithBackpressure, type Filters } from '../../client/index.js';
import { FlagValueError, StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { parseInt64, ValueError } from '../options/values.js';
import type { Flags, FlagSpec } from '../spec.js';

/** Writes text, waiting for drain when the stream is full. */
export async function write(stream: Writable, text: string | Buffer): Promise<void> {
  const pending = writeWithBackpressure(stream, text);
  if (pending) await pending;
}

export function writeLine(stream: Writable, text: string): Promise<void> {
  return write(stream, `${text}\n`);
}

/** An int flag parsed like pflag's IntVar (errors as `invalid argument … for "-t, --timeout" flag`). */
export function intFlag(flags: Flags, spec: Pick<FlagSpec, 'long' | 'short'>): number | undefined {
  const text = flags.string(spec.long);
  if (text === undefined) return undefined;
  try {
    return parseInt64(text);
  } catch (err) {
    if (err instanceof ValueError) throw new FlagValueError(spec, text, err.message);
    throw err;
  }
}

/**
 * docker's pattern for commands over several objects: run `operation` for each (in parallel when
 * asked), print each name that succeeded in argument order, then fail with all errors joined.
 */
export async function forEachObject(
  stdout: Writable,
  names: readonly string[],
  operation: (name: string) => Promise<void>,
  options: { parallel?: boolean; onError?: (name: string, err: unknown) => 'ignore' | 'report' } = {},
): Promise<void> {
  const errors: string[] = [];
  const run = async (name: string): Promise<unknown> => {
    try {
      await operation(name);
      return undefined;
    } catch (err) {
      return err ?? new Error('unknown error');
    }
  };
  const outcomes = options.parallel ? await Promise.all(names.map(run)) : [];
  for (let index = 0; index < names.length; index++) {
    const name = names[index]!;
    const err = options.parallel ? outcomes[index] : await run(name);
    if (err === undefined) {
      await writeLine(stdout, name);
      continue;
    }
    if (options.onError?.(name, err) === 'ignore') continue;
    errors.push(errorText(err));
  }
  if (errors.length > 0) throw new StatusError(1, errors.join('\n'));
}

/** `--filter k=v` flags as Filters; a malformed one fails like pflag's filter value does. */
export function filterFlag(flags: Flags, spec: Pick<FlagSpec, 'long' | 'short'> = { long: 'filter', short: 'f' }): Filters {
  const filters: Record<string, string[]> = {};
  for (const text of flags.list(spec.long)) {
    try {
      const parsed = parseFilterFlags([text]);
      for (const [key, values] of Object.entries(parsed)) (filters[key] ??= []).push(...values);
    } catch (err) {
      throw new FlagValueError(spec, text, (err as Error).message);
    }
  }
  return filters;
}
