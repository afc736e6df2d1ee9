import { appendFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseLogOptions, parseUnixTimestamp, readLogs, timestampNs, type LogEntry, type LogReadOptions } from './logs.js';

const BASE_SECONDS = Date.parse('2026-11-24T05:00:00Z') / 1000;

/** The json-file line berth-monitor writes for `text` at BASE + seconds. */
function line(text: string, seconds: number, stream: 'stdout' | 'stderr' = 'stdout'): string {
  // Go drops a zero fraction: whole seconds print as ...:05Z.
  const time = new Date((BASE_SECONDS + seconds) * 1000).toISOString().replace('.000Z', 'Z');
  return `${JSON.stringify({ log: `${text}\n`, stream, time })}\n`;
}

const ALL: LogReadOptions = { stdout: true, stderr: true, follow: false };
const never = new Promise<void>(() => undefined);

async function collect(file: string, options: LogReadOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of readLogs(file, options, never, new AbortController().signal)) out.push(entry.log.trimEnd());
  return out;
}

/** The next entry of a follow, failing rather than hanging if none comes within 5 s. */
async function next(iterator: AsyncIterator<LogEntry>): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no log entry within 5 s')), 5000)));
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    return result.done ? undefined : result.value.log.trimEnd();
  } finally {
    clearTimeout(timer);
  }
}

describe('parseLogOptions', () => {
  const good: Array<[Record<string, string>, { maxSize: number; maxFiles: number }]> = [
    [{}, { maxSize: 0, maxFiles: 1 }],
    // Decimal units, as dockerd parses log options.
    [{ 'max-size': '10m' }, { maxSize: 10_000_000, maxFiles: 1 }],
    [{ 'max-size': '10M', 'max-file': '3' }, { maxSize: 10_000_000, maxFiles: 3 }],
    [{ 'max-size': '512k' }, { maxSize: 512_000, maxFiles: 1 }],
    [{ 'max-size': '1g' }, { maxSize: 1_000_000_000, maxFiles: 1 }],
    [{ 'max-size': '1.5m' }, { maxSize: 1_500_000, maxFiles: 1 }],
    [{ 'max-size': '100' }, { maxSize: 100, maxFiles: 1 }],
    [{ 'max-size': '20mb' }, { maxSize: 20_000_000, maxFiles: 1 }],
    // Without max-size nothing rotates: max-file is accepted and has no effect.
    [{ 'max-file': '3' }, { maxSize: 0, maxFiles: 1 }],
    [{ 'max-size': '-1' }, { maxSize: 0, maxFiles: 1 }],
    [{ 'max-file': '1' }, { maxSize: 0, maxFiles: 1 }],
  ];
  for (const [config, expected] of good) {
    test(`${JSON.stringify(config)} → ${JSON.stringify(expected)}`, () => expect(parseLogOptions(config)).toEqual(expected));
  }

  const bad: Array<[Record<string, string>, string]> = [
    [{ 'max-size': 'big' }, 'invalid value for log opt max-size: big'],
    [{ 'max-size': '10x' }, 'invalid value for log opt max-size: 10x'],
    [{ 'max-size': '' }, 'invalid value for log opt max-size: '],
    [{ 'max-size': '1m', 'max-file': '0' }, 'invalid value for log opt max-file: 0'],
    [{ 'max-size': '1m', 'max-file': 'three' }, 'invalid value for log opt max-file: three'],
  ];
  for (const [config, message] of bad) {
    test(`refuses ${JSON.stringify(config)}`, () => expect(() => parseLogOptions(config)).toThrow(message));
  }
});

describe('parseUnixTimestamp and timestampNs', () => {
  const good: Array<[string, number]> = [
    ['0', 0],
    ['1700000000', 1700000000e9],
    ['1700000000.5', 1700000000.5e9],
    // Small seconds, so that a double keeps every nanosecond.
    ['12.000000001', 12e9 + 1],
    ['12.123456789', 12_123_456_789],
    ['12.05', 12_050_000_000],
    ['-5', -5e9],
    [' 12 ', 12e9],
  ];
  for (const [input, ns] of good) {
    test(`parseUnixTimestamp(${JSON.stringify(input)}) = ${ns}`, () => expect(parseUnixTimestamp(input)).toBe(ns));
  }

  for (const input of ['', 'now', '1.', '.5', '1.1234567890', '10m', '2024-01-01T00:00:00Z']) {
    test(`parseUnixTimestamp refuses ${JSON.stringify(input)}`, () => {
      expect(() => parseUnixTimestamp(input)).toThrow(`invalid timestamp: ${input}`);
    });
  }

  test('timestampNs keeps the nanoseconds of a Go RFC 3339 time (to a double\'s precision)', () => {
    const secondNs = Date.parse('2026-11-24T05:00:00Z') * 1e6;
    expect(timestampNs('2026-11-24T05:00:00Z')).toBe(secondNs);
    expect(timestampNs('2026-11-24T05:00:00.5Z') - secondNs).toBe(500_000_000);
    expect(timestampNs('2026-11-24T05:00:00.123456789Z') - secondNs).toBeCloseTo(123456789, -3);
    expect(timestampNs('2026-11-24T05:00:00.000001Z')).toBeGreaterThan(timestampNs('2026-11-24T05:00:00.000000001Z'));
  });

  test('timestampNs reads offsets other than Z at millisecond precision', () => {
    expect(timestampNs('2026-11-24T07:00:00+02:00')).toBe(Date.parse('2026-11-24T05:00:00Z') * 1e6);
  });
});

describe('readLogs', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-logs-'));
    file = path.join(dir, 'container-json.log');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Rotated files as berth-monitor leaves them: file.2 oldest, then file.1, then file. */
  async function rotatedLogs(): Promise<void> {
    await writeFile(`${file}.2`, line('one', 1) + line('two', 2, 'stderr'));
    await writeFile(`${file}.1`, line('three', 3) + line('four', 4, 'stderr'));
    await writeFile(file, line('five', 5) + line('six', 6));
  }

  test('reads the rotated files oldest first, then the current one', async () => {
    await rotatedLogs();
    expect(await collect(file, ALL)).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
  });

  test('a missing log reads as empty', async () => {
    expect(await collect(file, ALL)).toEqual([]);
    expect(await collect(file, { ...ALL, tail: 10 })).toEqual([]);
  });

  test('stdout and stderr selection', async () => {
    await rotatedLogs();
    expect(await collect(file, { ...ALL, stderr: false })).toEqual(['one', 'three', 'five', 'six']);
    expect(await collect(file, { ...ALL, stdout: false })).toEqual(['two', 'four']);
    expect(await collect(file, { ...ALL, stdout: false, stderr: false })).toEqual([]);
  });

  const tails: Array<[number, string[]]> = [
    [1, ['six']],
    [2, ['five', 'six']],
    [3, ['four', 'five', 'six']],
    [5, ['two', 'three', 'four', 'five', 'six']],
    [6, ['one', 'two', 'three', 'four', 'five', 'six']],
    [100, ['one', 'two', 'three', 'four', 'five', 'six']],
    [0, []],
  ];
  for (const [tail, expected] of tails) {
    test(`tail ${tail} reaches back across rotated files`, async () => {
      await rotatedLogs();
      expect(await collect(file, { ...ALL, tail })).toEqual(expected);
    });
  }

  test('tail counts the selected stream only', async () => {
    await rotatedLogs();
    expect(await collect(file, { ...ALL, stdout: false, tail: 1 })).toEqual(['four']);
    expect(await collect(file, { ...ALL, stderr: false, tail: 3 })).toEqual(['three', 'five', 'six']);
  });

  test('tail finds the few wanted lines of a long file of unwanted ones', async () => {
    const noise = Array.from({ length: 200 }, (_, i) => line(`noise ${i}`, 10 + i, 'stderr')).join('');
    await writeFile(file, line('wanted 1', 1) + line('wanted 2', 2) + noise);
    expect(await collect(file, { ...ALL, stderr: false, tail: 2 })).toEqual(['wanted 1', 'wanted 2']);
    expect(await collect(file, { ...ALL, stderr: false, tail: 1 })).toEqual(['wanted 2']);
  });

  test('tail over a file bigger than one read chunk', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => line(`line ${i} ${'x'.repeat(40)}`, i));
    await writeFile(file, lines.join(''));
    const got = await collect(file, { ...ALL, tail: 1500 });
    expect(got).toHaveLength(1500);
    expect(got[0]).toBe(`line 1500 ${'x'.repeat(40)}`);
    expect(got.at(-1)).toBe(`line 2999 ${'x'.repeat(40)}`);
  });

  test('tail of a file starting with a blank line (used to spin forever)', async () => {
    await writeFile(file, `\n${line('a', 1)}\n${line('b', 2)}`);
    expect(await collect(file, { ...ALL, tail: 5 })).toEqual(['a', 'b']);
    await writeFile(file, '\n');
    expect(await collect(file, { ...ALL, tail: 5 })).toEqual([]);
  });

  test('torn and foreign lines are skipped', async () => {
    await writeFile(file, `${line('a', 1)}not json\n{"stream":"stdout"}\n${line('b', 2)}{"log":"torn`);
    expect(await collect(file, ALL)).toEqual(['a', 'b']);
    expect(await collect(file, { ...ALL, tail: 1 })).toEqual(['b']);
  });

  test('since and until select a window (both inclusive)', async () => {
    await rotatedLogs();
    const at = (seconds: number): number => timestampNs(new Date((BASE_SECONDS + seconds) * 1000).toISOString());
    expect(await collect(file, { ...ALL, sinceNs: at(3) })).toEqual(['three', 'four', 'five', 'six']);
    expect(await collect(file, { ...ALL, untilNs: at(4) })).toEqual(['one', 'two', 'three', 'four']);
    expect(await collect(file, { ...ALL, sinceNs: at(2), untilNs: at(5) })).toEqual(['two', 'three', 'four', 'five']);
    expect(await collect(file, { ...ALL, sinceNs: at(2) + 1e6, untilNs: at(5) - 1e6 })).toEqual(['three', 'four']);
    expect(await collect(file, { ...ALL, sinceNs: at(2), untilNs: at(5), tail: 2 })).toEqual(['four', 'five']);
    expect(await collect(file, { ...ALL, sinceNs: at(100) })).toEqual([]);
  });

  describe('follow', () => {
    test('yields what is there, then appended lines, and ends once the container stopped and the file is drained', async () => {
      await writeFile(file, line('old', 1));
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const iterator = readLogs(file, { ...ALL, follow: true }, stopped, new AbortController().signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('old');
      const pending = next(iterator);
      await appendFile(file, line('new 1', 2));
      expect(await pending).toBe('new 1');
      await appendFile(file, line('new 2', 3, 'stderr') + line('last', 4));
      stop();
      expect(await next(iterator)).toBe('new 2');
      expect(await next(iterator)).toBe('last');
      expect(await next(iterator)).toBeUndefined();
    });

    test('a line written in two pieces is yielded once, whole', async () => {
      await writeFile(file, '');
      const iterator = readLogs(file, { ...ALL, follow: true }, never, new AbortController().signal)[Symbol.asyncIterator]();
      const pending = next(iterator);
      const whole = line('split line', 1);
      await appendFile(file, whole.slice(0, 20));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await appendFile(file, whole.slice(20));
      expect(await pending).toBe('split line');
      await iterator.return?.(undefined);
    });

    test('survives a rotation: the rest of the old file, then the new one', async () => {
      await writeFile(file, line('before', 1));
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      const iterator = readLogs(file, { ...ALL, follow: true }, stopped, new AbortController().signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('before');
      const pending = next(iterator);
      // The monitor appends its last line to the old file, renames it to .1 and starts a new file.
      await appendFile(file, line('tail of old file', 2));
      await rename(file, `${file}.1`);
      await writeFile(file, line('first of new file', 3));
      const got = [await pending, await next(iterator)];
      expect(got).toEqual(['tail of old file', 'first of new file']);
      await appendFile(file, line('after rotation', 4));
      stop();
      expect(await next(iterator)).toBe('after rotation');
      expect(await next(iterator)).toBeUndefined();
    });

    test('a line half read before a rotation is completed from the rotated file', async () => {
      await writeFile(file, line('before', 1));
      const iterator = readLogs(file, { ...ALL, follow: true }, never, new AbortController().signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('before');
      const pending = next(iterator);
      const torn = line('torn across the rotation', 2);
      await appendFile(file, torn.slice(0, 25));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await appendFile(file, torn.slice(25));
      await rename(file, `${file}.1`);
      await writeFile(file, line('new file', 3));
      expect([await pending, await next(iterator)]).toEqual(['torn across the rotation', 'new file']);
      await iterator.return?.(undefined);
    });

    test('a multi-byte character written in two pieces arrives whole', async () => {
      await writeFile(file, '');
      const iterator = readLogs(file, { ...ALL, follow: true }, never, new AbortController().signal)[Symbol.asyncIterator]();
      const pending = next(iterator);
      const bytes = Buffer.from(line('café ☕', 1));
      const cut = bytes.indexOf(Buffer.from('☕')) + 1;
      await appendFile(file, bytes.subarray(0, cut));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await appendFile(file, bytes.subarray(cut));
      expect(await pending).toBe('café ☕');
      await iterator.return?.(undefined);
    });

    test('with tail: the last lines, then only new ones', async () => {
      await writeFile(file, line('a', 1) + line('b', 2) + line('c', 3));
      const iterator = readLogs(file, { ...ALL, follow: true, tail: 1 }, never, new AbortController().signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('c');
      const pending = next(iterator);
      await appendFile(file, line('d', 4));
      expect(await pending).toBe('d');
      await iterator.return?.(undefined);
    });

    test('with tail 0 (logs -f --tail 0): no old lines, only new ones', async () => {
      await writeFile(file, line('old 1', 1) + line('old 2', 2));
      const iterator = readLogs(file, { ...ALL, follow: true, tail: 0 }, never, new AbortController().signal)[Symbol.asyncIterator]();
      const pending = next(iterator);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await appendFile(file, line('fresh', 3));
      expect(await pending).toBe('fresh');
      await iterator.return?.(undefined);
    });

    test('waits for a log file that does not exist yet', async () => {
      const iterator = readLogs(file, { ...ALL, follow: true }, never, new AbortController().signal)[Symbol.asyncIterator]();
      const pending = next(iterator);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await writeFile(file, line('born', 1));
      expect(await pending).toBe('born');
      await iterator.return?.(undefined);
    });

    test('applies the stream selection to followed lines', async () => {
      await writeFile(file, '');
      const iterator = readLogs(file, { ...ALL, follow: true, stdout: false }, never, new AbortController().signal)[Symbol.asyncIterator]();
      const pending = next(iterator);
      await appendFile(file, line('to stdout', 1) + line('to stderr', 2, 'stderr'));
      expect(await pending).toBe('to stderr');
      await iterator.return?.(undefined);
    });

    test('an abort ends the follow', async () => {
      await writeFile(file, line('a', 1));
      const controller = new AbortController();
      const iterator = readLogs(file, { ...ALL, follow: true }, never, controller.signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('a');
      const pending = next(iterator);
      controller.abort();
      expect(await pending).toBeUndefined();
    });

    test('a line after `until` ends the follow', async () => {
      await writeFile(file, line('in window', 1));
      const untilNs = timestampNs(new Date((BASE_SECONDS + 2) * 1000).toISOString());
      const iterator = readLogs(file, { ...ALL, follow: true, untilNs }, never, new AbortController().signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('in window');
      const pending = next(iterator);
      await appendFile(file, line('too late', 3));
      expect(await pending).toBeUndefined();
    });

    test('an `until` already past ends the follow once the file is read', async () => {
      await writeFile(file, line('a', 1));
      const iterator = readLogs(file, { ...ALL, follow: true, untilNs: Date.now() * 1e6 - 1e9 }, never, new AbortController().signal)[Symbol.asyncIterator]();
      expect(await next(iterator)).toBe('a');
      expect(await next(iterator)).toBeUndefined();
    });
  });
});
