import { mkdtemp, readdir, rm, stat, truncate, writeFile, readFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isRaftError } from './errors.js';
import type { Entry } from './types.js';
import { Wal } from './wal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-raft-wal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (index: number, term = 1, data = `e${index}`): Entry => ({ index, term, type: 'normal', data: new TextEncoder().encode(data) });
const range = (from: number, to: number, term = 1): Entry[] => Array.from({ length: to - from + 1 }, (_, i) => entry(from + i, term));

async function segmentFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.wal')).sort();
}

describe('wal', () => {
  test('replays entries, hard state and snapshot marker after reopen', async () => {
    const { wal } = await Wal.open(dir);
    await wal.save({ snapshot: { index: 1, term: 1, reset: true } });
    await wal.save({ entries: range(2, 10), hardState: { term: 2, vote: 3, commit: 7 } });
    await wal.close();
    const { contents } = await Wal.open(dir);
    expect(contents.snapshot).toEqual({ index: 1, term: 1, reset: true });
    expect(contents.hardState).toEqual({ term: 2, vote: 3, commit: 7 });
    expect(contents.entries.map((e) => e.index)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new TextDecoder().decode(contents.entries[3].data)).toBe('e5');
    expect(contents.repairedBytes).toBe(0);
  });

  test('a rewritten index truncates the entries after it', async () => {
    const { wal } = await Wal.open(dir);
    await wal.save({ entries: range(1, 10, 1) });
    await wal.save({ entries: [entry(6, 2, 'new6'), entry(7, 2, 'new7')] });
    await wal.close();
    const { contents } = await Wal.open(dir);
    expect(contents.entries.map((e) => `${e.term}/${e.index}`)).toEqual(['1/1', '1/2', '1/3', '1/4', '1/5', '2/6', '2/7']);
  });

  test('a reset snapshot marker drops the whole log; a compaction marker only what it covers', async () => {
    const { wal } = await Wal.open(dir);
    await wal.save({ entries: range(1, 10) });
    await wal.save({ snapshot: { index: 6, term: 1, reset: false } });
    await wal.close();
    let { contents } = await Wal.open(dir);
    expect(contents.entries.map((e) => e.index)).toEqual([7, 8, 9, 10]);
    const reopened = await Wal.open(dir);
    await reopened.wal.save({ snapshot: { index: 20, term: 3, reset: true } });
    await reopened.wal.save({ entries: [entry(21, 3)] });
    await reopened.wal.close();
    ({ contents } = await Wal.open(dir));
    expect(contents.entries.map((e) => e.index)).toEqual([21]);
    expect(contents.snapshot?.index).toBe(20);
  });

  test('group commit: concurrent saves share writes and syncs', async () => {
    const { wal } = await Wal.open(dir);
    await Promise.all(range(1, 200).map((e) => wal.save({ entries: [e] })));
    expect(wal.stats.records).toBe(200);
    // The first save writes alone; everything queued behind it goes in one or few more writes.
    expect(wal.stats.syncs).toBeLessThan(10);
    expect(wal.stats.writes).toBeLessThan(10);
    await wal.close();
    const { contents } = await Wal.open(dir);
    expect(contents.entries).toHaveLength(200);
  });

  test('truncates a torn tail at any byte and keeps every whole record before it', async () => {
    const { wal } = await Wal.open(dir);
    await wal.save({ entries: range(1, 5), hardState: { term: 1, vote: 1, commit: 5 } });
    await wal.close();
    const [name] = await segmentFiles();
    const path = join(dir, name);
    const full = await readFile(path);
    // Appending one more record, then cutting it at every possible length, must lose only it.
    const more = await Wal.open(dir);
    await more.wal.save({ entries: [entry(6)] });
    await more.wal.close();
    const withSix = await readFile(path);
    for (let cut = full.length + 1; cut < withSix.length; cut++) {
      await writeFile(path, withSix.subarray(0, cut));
      const { wal: w, contents } = await Wal.open(dir);
      await w.close();
      expect(contents.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
      expect(contents.repairedBytes).toBe(cut - full.length);
      expect((await stat(path)).size).toBe(full.length);
    }
  });

  test('a checksum failure on the last record is a torn write; before other records it is corruption', async () => {
    const { wal } = await Wal.open(dir);
    await wal.save({ entries: range(1, 3) });
    await wal.close();
    const [name] = await segmentFiles();
    const path = join(dir, name);
    const buf = await readFile(path);
    const flipLast = Buffer.from(buf);
    flipLast[buf.length - 1] ^= 0xff;
    await writeFile(path, flipLast);
    let opened = await Wal.open(dir);
    await opened.wal.close();
    expect(opened.contents.entries.map((e) => e.index)).toEqual([1, 2]);
    // Now damage the first record while later ones are intact.
    const again = await readFile(path);
    again[12] ^= 0xff;
    await writeFile(path, again);
    await expect(Wal.open(dir)).rejects.toSatisfy((err: unknown) => isRaftError(err, 'corrupt'));
    // Zero-filled space after the last record (preallocation, torn page) is trimmed.
    await writeFile(path, buf);
    await appendFile(path, Buffer.alloc(4096));
    opened = await Wal.open(dir);
    await opened.wal.close();
    expect(opened.contents.entries).toHaveLength(3);
    expect(opened.contents.repairedBytes).toBe(4096);
  });

  test('cuts segments and releases those a snapshot covers', async () => {
    const { wal } = await Wal.open(dir, { segmentBytes: 512 });
    for (let i = 1; i <= 100; i += 10) await wal.save({ entries: range(i, i + 9), hardState: { term: 1, vote: 1, commit: i + 9 } });
    expect(wal.segmentCount()).toBeGreaterThan(3);
    await wal.save({ snapshot: { index: 60, term: 1, reset: false } });
    const removed = await wal.releaseTo(60);
    expect(removed).toBeGreaterThan(0);
    await wal.close();
    const { contents } = await Wal.open(dir);
    expect(contents.entries[0].index).toBe(61);
    expect(contents.entries.at(-1)?.index).toBe(100);
    expect(contents.hardState.commit).toBe(100);
  });

  test('damage in a segment that is not the last is an error', async () => {
    const { wal } = await Wal.open(dir, { segmentBytes: 256 });
    for (let i = 1; i <= 40; i += 5) await wal.save({ entries: range(i, i + 4) });
    await wal.close();
    const files = await segmentFiles();
    expect(files.length).toBeGreaterThan(1);
    const first = join(dir, files[0]);
    await truncate(first, (await stat(first)).size - 3);
    await expect(Wal.open(dir)).rejects.toSatisfy((err: unknown) => isRaftError(err, 'corrupt'));
  });
});
