import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatDuration, parseBytes, parseDuration } from './units.js';

describe('durations', () => {
  const cases: Array<[string, number, string]> = [
    ['10s', 10e9, '10s'],
    ['1m30s', 90e9, '1m30s'],
    ['90s', 90e9, '1m30s'],
    ['1h', 3600e9, '1h0m0s'],
    ['1.5s', 1.5e9, '1.5s'],
    ['500ms', 500e6, '500ms'],
    ['1500ms', 1.5e9, '1.5s'],
    ['2d', 172800e9, '48h0m0s'],
    ['1w', 604800e9, '168h0m0s'],
    ['250us', 250e3, '250µs'],
    ['42ns', 42, '42ns'],
    ['0', 0, '0s'],
    ['1h2m3s4ms', 3723004e6, '1h2m3.004s'],
  ];
  for (const [input, ns, printed] of cases) {
    test(`${input} is ${printed}`, () => {
      expect(parseDuration(input)).toBe(ns);
      expect(formatDuration(ns)).toBe(printed);
    });
  }

  test('rejects missing units and junk', () => {
    for (const bad of ['10', '10 seconds', 's', '', '1x']) expect(() => parseDuration(bad), bad).toThrow();
  });

  test('printing then parsing is the identity (millisecond precision)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86400 * 1000 }), (ms) => {
        const ns = ms * 1e6;
        expect(parseDuration(formatDuration(ns))).toBe(ns);
      }),
    );
  });
});

describe('byte sizes', () => {
  const cases: Array<[string | number, number]> = [
    [1024, 1024],
    ['1024', 1024],
    ['512m', 512 * 1024 ** 2],
    ['512M', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['2gb', 2 * 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['64k', 65536],
    ['10 KiB', 10240],
    ['-1', -1],
  ];
  for (const [input, bytes] of cases) test(`${input} is ${bytes} bytes`, () => expect(parseBytes(input)).toBe(bytes));
  test('rejects junk', () => {
    for (const bad of ['lots', '1x', '', '1.5']) expect(() => parseBytes(bad === '1.5' ? 1.5 : bad), bad).toThrow();
  });
});
