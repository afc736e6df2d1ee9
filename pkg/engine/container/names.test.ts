import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { validateContainerName } from './create.js';
import { randomName } from './names.js';

/** A random source that returns the given values in turn. */
const sequence = (...values: number[]): (() => number) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe('randomName', () => {
  test('adjective_surname, picked by the random source', () => {
    expect(randomName(sequence(0, 0))).toBe('agile_agnesi');
    expect(randomName(sequence(0.999999, 0.999999))).toBe('zealous_yonath');
  });

  test('a retry appends one digit', () => {
    expect(randomName(sequence(0, 0, 0.75), 1)).toBe('agile_agnesi7');
    expect(randomName(sequence(0, 0, 0), 3)).toBe('agile_agnesi0');
  });

  test('the same random values give the same name', () => {
    expect(randomName(sequence(0.3, 0.6))).toBe(randomName(sequence(0.3, 0.6)));
  });

  test('property: every name is a valid container name of the documented shape', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 3, maxLength: 3 }), fc.nat(10), (values, attempt) => {
        const name = randomName(sequence(...values), attempt);
        expect(name).toMatch(attempt > 0 ? /^[a-z]+_[a-z]+\d$/ : /^[a-z]+_[a-z]+$/);
        expect(validateContainerName(name)).toBe(name);
      }),
    );
  });

  test('there are thousands of combinations', () => {
    const seen = new Set<string>();
    for (let a = 0; a < 100; a++) for (let b = 0; b < 100; b++) seen.add(randomName(sequence(a / 100, b / 100)));
    expect(seen.size).toBeGreaterThan(5000);
  });
});
