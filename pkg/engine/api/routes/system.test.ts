import { describe, expect, test } from 'vitest';
import { parseEventTime } from './system.js';

const NOW_MS = Date.parse('2026-11-24T12:00:00Z');

describe('parseEventTime', () => {
  const cases: Array<[string, number]> = [
    ['1700000000', 1700000000e9],
    ['0', 0],
    ['12.5', 12_500_000_000],
    ['12.000000001', 12_000_000_001],
    ['12.1234567891', 12_123_456_789],
    [' 12 ', 12e9],
    ['10m', (NOW_MS - 10 * 60_000) * 1e6],
    ['1h', (NOW_MS - 3_600_000) * 1e6],
    ['1.5h', (NOW_MS - 5_400_000) * 1e6],
    ['30s', (NOW_MS - 30_000) * 1e6],
    ['250ms', (NOW_MS - 250) * 1e6],
    ['2026-11-24T11:00:00Z', (NOW_MS - 3_600_000) * 1e6],
    ['2026-11-24T13:00:00+02:00', (NOW_MS - 3_600_000) * 1e6],
    ['2026-11-24T11:59:59.5Z', (NOW_MS - 500) * 1e6],
  ];
  for (const [input, ns] of cases) {
    test(`${JSON.stringify(input)} → ${ns}`, () => expect(parseEventTime(input, NOW_MS)).toBe(ns));
  }

  test('a duration is measured back from the given now', () => {
    expect(parseEventTime('10m', NOW_MS + 60_000) - parseEventTime('10m', NOW_MS)).toBe(60_000 * 1e6);
  });

  for (const input of ['', 'yesterday', '10 minutes', '10d', 'garbage', '12:00']) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      let error: unknown;
      try {
        parseEventTime(input, NOW_MS);
      } catch (err) {
        error = err;
      }
      expect((error as Error | undefined)?.message).toBe(`invalid timestamp: ${input}`);
      expect((error as { httpStatus: number }).httpStatus).toBe(400);
    });
  }
});
