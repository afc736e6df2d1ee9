// Snapshot files (I/O): one file per snapshot, written to a temporary name, fsynced, renamed into
// place and the directory fsynced, so a crash leaves either the old set or the new file whole.
//
// File: "BRSNAP01" | u32 crc32(rest) | u32 metadata length | metadata JSON | data.
// Name: <term:16 hex>-<index:16 hex>.snap.

import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { RaftError } from './errors.js';
import type { Snapshot, SnapshotMetadata } from './types.js';
import { syncPath } from './wal.js';

const MAGIC = Buffer.from('BRSNAP01');

function snapName(term: number, index: number): string {
  return `${term.toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.snap`;
}

function parseSnapName(name: string): { term: number; index: number } | undefined {
  const m = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/.exec(name);
  return m === null ? undefined : { term: parseInt(m[1], 16), index: parseInt(m[2], 16) };
}

export function encodeSnapshotFile(s: Snapshot): Buffer {
  const meta = Buffer.from(JSON.stringify(s.metadata));
  const rest = Buffer.allocUnsafe(4 + meta.length + s.data.byteLength);
  rest.writeUInt32BE(meta.length, 0);
  meta.copy(rest, 4);
  rest.set(s.data, 4 + meta.length);
  const header = Buffer.allocUnsafe(MAGIC.length + 4);
  MAGIC.copy(header, 0);
  header.writeUInt32BE(crc32(rest), MAGIC.length);
  return Buffer.concat([header, rest]);
}

export function decodeSnapshotFile(buf: Buffer, name: string): Snapshot {
  if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new RaftError('corrupt', `snapshot ${name}: bad header`, { file: name });
  }
  const rest = buf.subarray(MAGIC.length + 4);
  if (crc32(rest) !== buf.readUInt32BE(MAGIC.length)) throw new RaftError('corrupt', `snapshot ${name}: checksum mismatch`, { file: name });
  const metaLength = rest.readUInt32BE(0);
  const metadata = JSON.parse(rest.subarray(4, 4 + metaLength).toString('utf8')) as SnapshotMetadata;
  return { metadata, data: new Uint8Array(rest.subarray(4 + metaLength)) };
}

export class Snapshotter {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // Leftovers of a crash mid-save are incomplete by construction.
    for (const name of await readdir(this.dir)) if (name.endsWith('.tmp')) await rm(join(this.dir, name), { force: true });
  }

  async save(s: Snapshot): Promise<void> {
    const name = snapName(s.metadata.term, s.metadata.index);
    const tmp = join(this.dir, `${name}.tmp`);
    const file = await open(tmp, 'w');
    try {
      await file.write(encodeSnapshotFile(s));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, join(this.dir, name));
    syncPath(this.dir);
  }

  /** Loads the snapshot at exactly (index, term); a missing or damaged file is an error. */
  async load(index: number, term: number): Promise<Snapshot> {
    const name = snapName(term, index);
    let buf: Buffer;
    try {
      buf = await readFile(join(this.dir, name));
    } catch (err) {
      throw new RaftError('corrupt', `snapshot ${name} named by the wal is missing`, { dir: this.dir, index, term }, { cause: err });
    }
    return decodeSnapshotFile(buf, name);
  }

  /** Snapshot files present, newest first. */
  async list(): Promise<Array<{ term: number; index: number; name: string }>> {
    return (await readdir(this.dir))
      .map((name) => ({ name, parsed: parseSnapName(name) }))
      .filter((x): x is { name: string; parsed: { term: number; index: number } } => x.parsed !== undefined)
      .map((x) => ({ ...x.parsed, name: x.name }))
      .sort((a, b) => b.index - a.index);
  }

  /** Deletes all but the newest `keep` snapshots, and any newer than `maxIndex` (never referenced). */
  async purge(keep: number, maxIndex = Number.MAX_SAFE_INTEGER): Promise<number> {
    let removed = 0;
    const files = await this.list();
    let kept = 0;
    for (const f of files) {
      if (f.index > maxIndex || kept >= keep) {
        await rm(join(this.dir, f.name), { force: true });
        removed++;
      } else {
        kept++;
      }
    }
    return removed;
  }
}
