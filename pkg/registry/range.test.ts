import { describe, expect, test } from 'vitest';
import { parseRangeRequest, parseUploadRange, uploadRangeHeader } from './range.js';

describe('upload Content-Range', () => {
  test('parses start-end, inclusive', () => {
    expect(parseUploadRange('0-99')).toEqual({ start: 0, end: 99 });
    expect(parseUploadRange(' 100-100 ')).toEqual({ start: 100, end: 100 });
    expect(parseUploadRange('bytes=5-9')).toEqual({ start: 5, end: 9 });
  });
  test('refuses malformed or reversed ranges', () => {
    for (const header of ['', '-', '5-', '-5', 'a-b', '9-5', '1-2-3', '0x1-2', '1 - 2', '99999999999999999-1']) expect(parseUploadRange(header)).toBeUndefined();
  });
  test('reports progress as 0-(offset-1), 0-0 before any byte', () => {
    expect(uploadRangeHeader(0)).toBe('0-0');
    expect(uploadRangeHeader(1)).toBe('0-0');
    expect(uploadRangeHeader(100)).toBe('0-99');
  });
});

describe('GET Range', () => {
  const size = 100;
  const cases: { header: string | undefined; expected: ReturnType<typeof parseRangeRequest> }[] = [
    { header: undefined, expected: { kind: 'full' } },
    { header: 'bytes=0-9', expected: { kind: 'partial', range: { start: 0, end: 9 } } },
    { header: 'bytes=90-', expected: { kind: 'partial', range: { start: 90, end: 99 } } },
    { header: 'bytes=90-500', expected: { kind: 'partial', range: { start: 90, end: 99 } } },
    { header: 'bytes=-10', expected: { kind: 'partial', range: { start: 90, end: 99 } } },
    { header: 'bytes=-500', expected: { kind: 'partial', range: { start: 0, end: 99 } } },
    { header: 'bytes=100-', expected: { kind: 'unsatisfiable' } },
    { header: 'bytes=9-5', expected: { kind: 'unsatisfiable' } },
    { header: 'bytes=-0', expected: { kind: 'unsatisfiable' } },
    { header: 'bytes=-', expected: { kind: 'unsatisfiable' } },
    { header: 'bytes=x-y', expected: { kind: 'unsatisfiable' } },
    { header: 'bytes=0-1,5-6', expected: { kind: 'full' } },
    { header: 'items=0-1', expected: { kind: 'full' } },
  ];
  for (const { header, expected } of cases) test(`${header ?? '(none)'}`, () => expect(parseRangeRequest(header, size)).toEqual(expected));
  test('nothing is satisfiable in an empty blob', () => expect(parseRangeRequest('bytes=0-0', 0)).toEqual({ kind: 'unsatisfiable' }));
});
