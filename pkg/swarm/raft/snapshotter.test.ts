import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { isRaftError } from './errors.js';
import { Snapshotter } from './snapshotter.js';
import type { Snapshot } from './types.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-raft-snap-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const snap = (index: number, term: number): Snapshot => ({
  metadata: { index, term, confState: { voters: [1, 2, 3], learners: [4] } },
  data: new TextEncoder().encode(`state at ${index}`),
});

test('saves and loads a snapshot by (index, term)', async () => {
  const s = new Snapshotter(dir);
  await s.init();
  await s.save(snap(10, 2));
  const loaded = await s.load(10, 2);
  expect(loaded.metadata).toEqual(snap(10, 2).metadata);
  expect(new TextDecoder().decode(loaded.data)).toBe('state at 10');
  expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('a damaged or missing snapshot is a corrupt error, not silently skipped', async () => {
  const s = new Snapshotter(dir);
  await s.init();
  await s.save(snap(10, 2));
  const [name] = await readdir(dir);
  const buf = await readFile(join(dir, name));
  buf[buf.length - 1] ^= 0xff;
  await writeFile(join(dir, name), buf);
  await expect(s.load(10, 2)).rejects.toSatisfy((err: unknown) => isRaftError(err, 'corrupt'));
  await expect(s.load(11, 2)).rejects.toSatisfy((err: unknown) => isRaftError(err, 'corrupt'));
});

test('init removes leftovers of an interrupted save; purge keeps the newest and drops unreferenced ones', async () => {
  await writeFile(join(dir, '0000000000000001-0000000000000005.snap.tmp'), 'partial');
  const s = new Snapshotter(dir);
  await s.init();
  expect(await readdir(dir)).toEqual([]);
  for (const i of [5, 10, 15, 20]) await s.save(snap(i, 1));
  // 20 was written but its WAL marker never was (a crash): it is newer than the marker at 15.
  expect(await s.purge(2, 15)).toBe(2);
  expect((await s.list()).map((f) => f.index)).toEqual([15, 10]);
});
