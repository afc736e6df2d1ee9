// Env files, detach keys, durations, CPUs, restart policies and since/until timestamps.
import { describe, expect, test } from 'vitest';
import { DEFAULT_DETACH_KEYS, EscapeProxy, parseDetachKeys } from './detach-keys.js';
import { decodeKeyValueBytes, parseKeyValueText } from './kvfile.js';
import { getTimestamp } from './timestamps.js';
import { parseGoDuration, parseNanoCpus, parseRestartPolicy } from './values.js';

describe('env files', () => {
  test('skips blanks and comments, trims leading space, keeps values verbatim', () => {
    expect(parseKeyValueText('\uFEFFA=1\n# c\n\n   B= spaced \r\nC=\n', () => undefined)).toEqual(['A=1', 'B= spaced ', 'C=']);
  });
  test('bare keys come from lookup or are dropped', () => {
    expect(parseKeyValueText('HOME\nNOPE\n', (key) => (key === 'HOME' ? '/root' : undefined))).toEqual(['HOME=/root']);
  });
  test('rejects keys with whitespace and lines without a name', () => {
    expect(() => parseKeyValueText('A B=1')).toThrow("variable 'A B' contains whitespaces");
    expect(() => parseKeyValueText('=1')).toThrow("no variable name on line '=1'");
  });
  test('decodes UTF-16 files with a byte-order mark', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A=é\n', 'utf16le')]);
    expect(decodeKeyValueBytes(utf16)).toBe('A=é\n');
  });
});

describe('detach keys', () => {
  test('parses docker key names', () => {
    expect([...parseDetachKeys(DEFAULT_DETACH_KEYS)]).toEqual([16, 17]);
    expect([...parseDetachKeys('ctrl-a,x,ctrl-@,ctrl-_')]).toEqual([1, 120, 0, 31]);
    expect(() => parseDetachKeys('ctrl-1')).toThrow("Unknown character: 'ctrl-1'");
  });

  test('holds back a partial sequence and releases it when it breaks', () => {
    const proxy = new EscapeProxy(Buffer.from([16, 17]));
    expect(proxy.push(Buffer.from([97, 16]))).toEqual({ forward: Buffer.from([97]), detached: false });
    expect(proxy.push(Buffer.from([98]))).toEqual({ forward: Buffer.from([16, 98]), detached: false });
  });

  test('detects the sequence across chunks and swallows it', () => {
    const proxy = new EscapeProxy(Buffer.from([16, 17]));
    expect(proxy.push(Buffer.from([99, 16]))).toEqual({ forward: Buffer.from([99]), detached: false });
    expect(proxy.push(Buffer.from([17, 100]))).toEqual({ forward: Buffer.from([]), detached: true });
  });

  test('a repeated first key restarts the match', () => {
    const proxy = new EscapeProxy(Buffer.from([16, 17]));
    expect(proxy.push(Buffer.from([16, 16, 17]))).toEqual({ forward: Buffer.from([16]), detached: true });
  });
});

describe('values', () => {
  test('Go durations', () => {
    expect(parseGoDuration('1m30s')).toBe(90e9);
    expect(parseGoDuration('500ms')).toBe(5e8);
    expect(parseGoDuration('1.5h')).toBe(5400e9);
    expect(parseGoDuration('0')).toBe(0);
    expect(() => parseGoDuration('5')).toThrow('time: missing unit in duration "5"');
    expect(() => parseGoDuration('x')).toThrow('time: invalid duration "x"');
  });
  test('CPUs as exact rationals', () => {
    expect(parseNanoCpus('2')).toBe(2e9);
    expect(parseNanoCpus('.5')).toBe(5e8);
    expect(parseNanoCpus('1e-3')).toBe(1e6);
  });
  test('restart policies', () => {
    expect(parseRestartPolicy('always')).toEqual({ Name: 'always', MaximumRetryCount: 0 });
    expect(() => parseRestartPolicy(':3')).toThrow('invalid restart policy format: no policy provided before colon');
  });
  test('since/until timestamps', () => {
    const now = Date.UTC(2026, 10, 22, 17, 52, 0);
    expect(getTimestamp('60s', now)).toBe(String(now / 1000 - 60));
    expect(getTimestamp('0s', now)).toBe(String(now / 1000));
    expect(getTimestamp('2026-11-22T17:00:00Z', now)).toBe(`${Date.UTC(2026, 10, 22, 17) / 1000}.000000000`);
    expect(getTimestamp('1700000000.5', now)).toBe('1700000000.5');
    expect(() => getTimestamp('yesterday', now)).toThrow('failed to parse value as time or duration: "yesterday"');
  });
});
