// The raft write-ahead log (I/O): segment files of length+crc32 records holding entries, hard
// states and snapshot markers. Appends from concurrent callers are coalesced into one write and
// one fdatasync (group commit). On open, a torn tail (a partial or checksum-failing last record of
// the last segment, as a crash mid-write leaves) is truncated away; damage anywhere else is an error.
//
// Record: u32 length (of type + payload) | u32 crc32(type + payload) | u8 type | payload.
// Segment name: <seq:16 hex>-<first index:16 hex>.wal, where first index is lastIndex + 1 when it
// was cut: every entry in earlier segments has a lower index, so they can go once a snapshot covers
// that index.

import { closeSync, fsyncSync, openSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { RaftError } from './errors.js';
import type { Entry, HardState } from './types.js';
import { EMPTY_HARD_STATE } from './types.js';

const RECORD_ENTRY = 1;
const RECORD_HARD_STATE = 2;
const RECORD_SNAPSHOT = 3;
const HEADER = 8;
/** Records larger than this are treated as damage, not allocated. */
const MAX_RECORD = 256 * 1024 * 1024;

/** A snapshot marker: the log before (index, term) lives in a snapshot file. */
export interface WalSnapshotMarker {
  readonly index: number;
  readonly term: number;
  /** true when the snapshot replaced the whole log (installed from a leader). */
  readonly reset: boolean;
}

export interface WalContents {
  readonly hardState: HardState;
  /** The latest snapshot marker, if any. */
  readonly snapshot: WalSnapshotMarker | undefined;
  /** Entries after the snapshot, contiguous. */
  readonly entries: Entry[];
  /** Bytes cut from a torn tail on open (0 if none). */
  readonly repairedBytes: number;
}

export interface WalWrite {
  readonly hardState?: HardState;
  readonly entries?: readonly Entry[];
  readonly snapshot?: WalSnapshotMarker;
  /** fdatasync before resolving (default true). */
  readonly sync?: boolean;
}

export interface WalOptions {
  /** Cut a new segment once the current one exceeds this many bytes. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Disable fdatasync entirely (benchmarks of the rest of the pipeline only). Default true. */
  readonly fsync?: boolean;
}

interface Segment {
  readonly seq: number;
  readonly firstIndex: number;
  readonly name: string;
}

function segmentName(seq: number, firstIndex: number): string {
  return `${seq.toString(16).padStart(16, '0')}-${firstIndex.toString(16).padStart(16, '0')}.wal`;
}

function parseSegmentName(name: string): Segment | undefined {
  const m = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/.exec(name);
  if (m === null) return undefined;
  return { seq: parseInt(m[1], 16), firstIndex: parseInt(m[2], 16), name };
}

function encodeRecord(type: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER + 1 + payload.byteLength);
  out.writeUInt32BE(1 + payload.byteLength, 0);
  out[HEADER] = type;
  out.set(payload, HEADER + 1);
  out.writeUInt32BE(crc32(out.subarray(HEADER)), 4);
  return out;
}

function encodeEntry(e: Entry): Buffer {
  const payload = Buffer.allocUnsafe(17 + e.data.byteLength);
  payload.writeDoubleBE(e.term, 0);
  payload.writeDoubleBE(e.index, 8);
  payload[16] = e.type === 'conf_change' ? 1 : 0;
  payload.set(e.data, 17);
  return encodeRecord(RECORD_ENTRY, payload);
}

function encodeHardState(hs: HardState): Buffer {
  const payload = Buffer.allocUnsafe(24);
  payload.writeDoubleBE(hs.term, 0);
  payload.writeDoubleBE(hs.vote, 8);
  payload.writeDoubleBE(hs.commit, 16);
  return encodeRecord(RECORD_HARD_STATE, payload);
}

function encodeSnapshot(s: WalSnapshotMarker): Buffer {
  const payload = Buffer.allocUnsafe(17);
  payload.writeDoubleBE(s.index, 0);
  payload.writeDoubleBE(s.term, 8);
  payload[16] = s.reset ? 1 : 0;
  return encodeRecord(RECORD_SNAPSHOT, payload);
}

/** Applies the records of one segment to the replay state; returns the offset of the valid end. */
function replaySegment(
  buf: Buffer,
  state: { hardState: HardState; snapshot: WalSnapshotMarker | undefined; entries: Entry[] },
  isLast: boolean,
  name: string,
): number {
  let offset = 0;
  while (offset < buf.length) {
    const remaining = buf.length - offset;
    const length = remaining >= HEADER ? buf.readUInt32BE(offset) : 0;
    const torn = (reason: string): number => {
      if (!isLast) throw new RaftError('corrupt', `wal segment ${name}: ${reason} at offset ${offset}`, { segment: name, offset });
      return offset;
    };
    if (remaining < HEADER) return torn('partial record header');
    if (length === 0 || length > MAX_RECORD) {
      // A zero length is unwritten (preallocated or torn) space; accept it only if nothing follows.
      return buf.subarray(offset).every((b) => b === 0) ? torn('zero-filled tail') : torn(`bad record length ${length}`);
    }
    if (remaining < HEADER + length) return torn('partial record');
    const body = buf.subarray(offset + HEADER, offset + HEADER + length);
    if (crc32(body) !== buf.readUInt32BE(offset + 4)) {
      // A bad checksum on the very last record is a torn write; before other records, it is damage.
      if (offset + HEADER + length === buf.length) return torn('checksum mismatch on the last record');
      throw new RaftError('corrupt', `wal segment ${name}: checksum mismatch at offset ${offset}`, { segment: name, offset });
    }
    applyRecord(body, state, name, offset);
    offset += HEADER + length;
  }
  return offset;
}

function applyRecord(
  body: Buffer,
  state: { hardState: HardState; snapshot: WalSnapshotMarker | undefined; entries: Entry[] },
  name: string,
  offset: number,
): void {
  const type = body[0];
  const p = body.subarray(1);
  switch (type) {
    case RECORD_ENTRY: {
      const e: Entry = {
        term: p.readDoubleBE(0),
        index: p.readDoubleBE(8),
        type: p[16] === 1 ? 'conf_change' : 'normal',
        data: new Uint8Array(p.subarray(17)),
      };
      if (state.snapshot !== undefined && e.index <= state.snapshot.index) return;
      const ents = state.entries;
      if (ents.length > 0) {
        const first = ents[0].index;
        const last = first + ents.length - 1;
        if (e.index > last + 1) {
          throw new RaftError('corrupt', `wal segment ${name}: entry ${e.index} leaves a gap after ${last}`, { offset });
        }
        // A rewritten index (a follower's log truncated by a new leader) drops everything from it.
        if (e.index <= last) ents.length = Math.max(0, e.index - first);
      }
      // (With no entries yet, the first may start past the restated marker at the head of a
      // segment: a later marker in the log covers the gap. open() checks the final result.)
      ents.push(e);
      return;
    }
    case RECORD_HARD_STATE:
      state.hardState = { term: p.readDoubleBE(0), vote: p.readDoubleBE(8), commit: p.readDoubleBE(16) };
      return;
    case RECORD_SNAPSHOT: {
      const marker: WalSnapshotMarker = { index: p.readDoubleBE(0), term: p.readDoubleBE(8), reset: p[16] === 1 };
      if (state.snapshot !== undefined && marker.index < state.snapshot.index) return; // a restatement of an older one
      state.snapshot = marker;
      if (marker.reset) state.entries = [];
      else state.entries = state.entries.filter((e) => e.index > marker.index);
      return;
    }
    default:
      throw new RaftError('corrupt', `wal segment ${name}: unknown record type ${type}`, { offset });
  }
}

export class Wal {
  private file: FileHandle;
  private segments: Segment[];
  private size: number;
  private readonly segmentBytes: number;
  private readonly fsync: boolean;
  private queue: Buffer[] = [];
  private queueSync = false;
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private flushing: Promise<void> | undefined = undefined;
  private failed: unknown = undefined;
  private closed = false;
  private lastHardState: HardState;
  private lastMarker: WalSnapshotMarker | undefined;
  private lastIndex: number;
  /** Writes and syncs done, for tests and metrics. */
  stats = { writes: 0, syncs: 0, records: 0 };

  private constructor(
    readonly dir: string,
    file: FileHandle,
    segments: Segment[],
    size: number,
    contents: WalContents,
    options: WalOptions,
  ) {
    this.file = file;
    this.segments = segments;
    this.size = size;
    this.segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
    this.fsync = options.fsync ?? true;
    this.lastHardState = contents.hardState;
    this.lastMarker = contents.snapshot;
    const ents = contents.entries;
    this.lastIndex = ents.length > 0 ? ents[ents.length - 1].index : (contents.snapshot?.index ?? 0);
  }

  /** Opens (creating if needed) the log in dir and replays it, repairing a torn tail. */
  static async open(dir: string, options: WalOptions = {}): Promise<{ wal: Wal; contents: WalContents }> {
    await mkdir(dir, { recursive: true });
    const segments = (await readdir(dir))
      .map(parseSegmentName)
      .filter((s): s is Segment => s !== undefined)
      .sort((a, b) => a.seq - b.seq);
    const state = { hardState: EMPTY_HARD_STATE, snapshot: undefined as WalSnapshotMarker | undefined, entries: [] as Entry[] };
    let repairedBytes = 0;
    let tailSize = 0;
    for (let i = 0; i < segments.length; i++) {
      const path = join(dir, segments[i].name);
      const buf = await readFile(path);
      const isLast = i === segments.length - 1;
      const end = replaySegment(buf, state, isLast, segments[i].name);
      if (isLast) {
        tailSize = end;
        if (end < buf.length) {
          repairedBytes = buf.length - end;
          await truncate(path, end);
          syncPath(path);
        }
      }
    }
    if (state.snapshot !== undefined) {
      const snapIndex = state.snapshot.index;
      state.entries = state.entries.filter((e) => e.index > snapIndex);
      if (state.entries.length > 0 && state.entries[0].index !== snapIndex + 1) {
        throw new RaftError('corrupt', `wal in ${dir}: entries start at ${state.entries[0].index}, after snapshot ${snapIndex}`, {
          dir,
        });
      }
    }
    if (segments.length === 0) {
      segments.push({ seq: 1, firstIndex: 1, name: segmentName(1, 1) });
      const handle = await open(join(dir, segments[0].name), 'a');
      await handle.close();
      syncPath(dir);
    }
    const file = await open(join(dir, segments[segments.length - 1].name), 'a');
    const contents: WalContents = { ...state, repairedBytes };
    return { wal: new Wal(dir, file, segments, tailSize, contents, options), contents };
  }

  /**
   * Appends records; resolves once they are written (and synced unless sync is false). Calls made
   * while a write is in flight are batched into the next write and share its fdatasync.
   */
  save(w: WalWrite): Promise<void> {
    if (this.closed) return Promise.reject(new RaftError('closed', 'wal is closed', { dir: this.dir }));
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (w.snapshot !== undefined) {
      this.queue.push(encodeSnapshot(w.snapshot));
      this.lastMarker = w.snapshot;
      if (w.snapshot.reset) this.lastIndex = w.snapshot.index;
    }
    for (const e of w.entries ?? []) {
      this.queue.push(encodeEntry(e));
      this.lastIndex = e.index;
    }
    if (w.hardState !== undefined) {
      this.queue.push(encodeHardState(w.hardState));
      this.lastHardState = w.hardState;
    }
    if (w.sync !== false) this.queueSync = true;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.flushing === undefined) this.flushing = this.flushLoop();
    return done;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.waiters.length > 0) {
        const buffers = this.queue;
        const waiters = this.waiters;
        const sync = this.queueSync;
        this.queue = [];
        this.waiters = [];
        this.queueSync = false;
        try {
          if (buffers.length > 0) {
            const data = buffers.length === 1 ? buffers[0] : Buffer.concat(buffers);
            await this.writeAll(data);
            this.size += data.length;
            this.stats.writes++;
            this.stats.records += buffers.length;
          }
          if (sync && this.fsync) {
            await this.file.datasync();
            this.stats.syncs++;
          }
          if (this.size >= this.segmentBytes) await this.cut();
        } catch (err) {
          // A failed write or sync leaves the file in an unknown state: fail everything from now on.
          this.failed = new RaftError('io', `wal write failed in ${this.dir}`, { dir: this.dir }, { cause: err });
          for (const w of [...waiters, ...this.waiters]) w.reject(this.failed);
          this.waiters = [];
          return;
        }
        for (const w of waiters) w.resolve();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async writeAll(data: Buffer): Promise<void> {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await this.file.write(data, off, data.length - off);
      off += bytesWritten;
    }
  }

  /** Starts a new segment that restates the latest snapshot marker and hard state. */
  private async cut(): Promise<void> {
    const last = this.segments[this.segments.length - 1];
    const next: Segment = { seq: last.seq + 1, firstIndex: this.lastIndex + 1, name: segmentName(last.seq + 1, this.lastIndex + 1) };
    const file = await open(join(this.dir, next.name), 'a');
    const head: Buffer[] = [];
    if (this.lastMarker !== undefined) head.push(encodeSnapshot({ ...this.lastMarker, reset: false }));
    head.push(encodeHardState(this.lastHardState));
    const data = Buffer.concat(head);
    await file.write(data);
    await file.datasync();
    syncPath(this.dir);
    await this.file.close();
    this.file = file;
    this.segments.push(next);
    this.size = data.length;
  }

  /** Deletes segments that hold only entries at or below index (covered by a snapshot). */
  async releaseTo(index: number): Promise<number> {
    let removed = 0;
    while (this.segments.length > 1 && this.segments[1].firstIndex <= index + 1) {
      const seg = this.segments.shift() as Segment;
      await rm(join(this.dir, seg.name), { force: true });
      removed++;
    }
    if (removed > 0) syncPath(this.dir);
    return removed;
  }

  segmentCount(): number {
    return this.segments.length;
  }

  /** Waits for queued writes, then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.flushing !== undefined) await this.flushing;
    await this.file.close();
  }
}

/** fsync a file or directory by path (directories need it after create, rename and unlink). */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
