// Reading a container's json-file log (written by berth-monitor) for `logs`: tail across rotated
// files, since/until windows, and follow that survives rotation. Effectful (reads files).

import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { InvalidArgumentError, hasErrno } from '../../errdefs/index.js';

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  log: string;
  time: string;
}

export interface LogReadOptions {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  /** Number of last lines, or undefined for all. */
  tail?: number;
  /** Unix nanoseconds; entries before are skipped. */
  sinceNs?: number;
  /** Unix nanoseconds; entries after are skipped (and following stops there). */
  untilNs?: number;
}

/** Parses json-file log options (max-size "10m", max-file "3") into bytes and a file count (pure). */
export function parseLogOptions(config: Record<string, string>): { maxSize: number; maxFiles: number } {
  let maxSize = 0;
  const size = config['max-size'];
  if (size !== undefined && size !== '-1') {
    const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(size.trim());
    if (!match) throw new InvalidArgumentError(`invalid value for log opt max-size: ${size}`);
    // Decimal units, as dockerd reads log options (10m = 10,000,000 bytes).
    const unit = { '': 1, k: 1000, m: 1000 ** 2, g: 1000 ** 3 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
    maxSize = Math.floor(Number(match[1]) * unit);
  }
  let maxFiles = 1;
  const files = config['max-file'];
  if (files !== undefined) {
    if (!/^\d+$/.test(files) || Number(files) < 1) throw new InvalidArgumentError(`invalid value for log opt max-file: ${files}`);
    // Without max-size nothing rotates, so max-file has no effect (dockerd accepts it too).
    maxFiles = maxSize === 0 ? 1 : Number(files);
  }
  return { maxSize, maxFiles };
}

/** Docker's `since`/`until` query values: unix seconds with an optional fraction (pure). */
export function parseUnixTimestamp(value: string): number {
  const match = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`invalid timestamp: ${value}`);
  return Number(match[1]) * 1e9 + Number((match[2] ?? '').padEnd(9, '0'));
}

/** Unix nanoseconds of an RFC 3339 timestamp with up to nine fraction digits (pure). */
export function timestampNs(time: string): number {
  const match = /^(.*?)(?:\.(\d+))?Z$/.exec(time);
  if (!match) return Date.parse(time) * 1e6;
  return Date.parse(`${match[1]}Z`) * 1e6 + Number((match[2] ?? '').slice(0, 9).padEnd(9, '0'));
}

function parseLine(line: string): LogEntry | undefined {
  try {
    const entry = JSON.parse(line) as LogEntry;
    return typeof entry.log === 'string' ? entry : undefined;
  } catch {
    return undefined;
  }
}

function wanted(entry: LogEntry, options: LogReadOptions): boolean {
  if (entry.stream === 'stdout' ? !options.stdout : !options.stderr) return false;
  if (options.sinceNs === undefined && options.untilNs === undefined) return true;
  const ns = timestampNs(entry.time);
  if (options.sinceNs !== undefined && ns < options.sinceNs) return false;
  if (options.untilNs !== undefined && ns > options.untilNs) return false;
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** The log files oldest first: file.N … file.1, file. */
async function logFiles(file: string): Promise<string[]> {
  const rotated: string[] = [];
  for (let n = 1; await exists(`${file}.${n}`); n++) rotated.unshift(`${file}.${n}`);
  return [...rotated, file];
}

async function* readLines(file: string, start = 0): AsyncGenerator<string> {
  let stream;
  try {
    const handle = await open(file, 'r');
    stream = handle.createReadStream({ start, encoding: 'utf8' });
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return;
    throw err;
  }
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) if (line) yield line;
}

/** The last `count` lines of a file, read backwards in chunks so a big log is not loaded whole. */
async function lastLines(file: string, count: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return [];
    throw err;
  }
  try {
    const { size } = await handle.stat();
    let position = size;
    let carry = Buffer.alloc(0);
    const lines: string[] = [];
    while (position > 0 && lines.length <= count) {
      const length = Math.min(65536, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      carry = Buffer.concat([chunk, carry]);
      let index: number;
      // carry.length - 2 must not go negative: a negative offset counts from the end.
      while (carry.length > 1 && (index = carry.lastIndexOf(0x0a, carry.length - 2)) >= 0 && lines.length <= count) {
        const line = carry.subarray(index + 1).toString('utf8').trim();
        if (line) lines.unshift(line);
        carry = carry.subarray(0, index + 1);
      }
    }
    if (position === 0 && lines.length <= count) {
      const line = carry.toString('utf8').trim();
      if (line) lines.unshift(line);
    }
    return lines.slice(-count);
  } finally {
    await handle.close();
  }
}

/** Most bytes a follow reads in one go, so that catching up on a big file does not buffer it whole. */
const FOLLOW_READ_BYTES = 1024 * 1024;

/**
 * Yields log entries. With `follow`, keeps yielding new entries until `stopped` resolves (the
 * container exited) and the file is drained, or `signal` aborts.
 */
export async function* readLogs(file: string, options: LogReadOptions, stopped: Promise<void>, signal: AbortSignal): AsyncGenerator<LogEntry> {
  if (options.tail === 0 && !options.follow) return;
  const files = await logFiles(file);
  if (options.tail !== undefined) {
    // Walk files newest first until enough wanted entries are collected.
    const collected: LogEntry[] = [];
    for (const path of [...files].reverse()) {
      const lines = await lastLines(path, options.tail * 2 + 16);
      const entries = lines.map(parseLine).filter((e): e is LogEntry => e !== undefined && wanted(e, options));
      collected.unshift(...entries);
      if (collected.length >= options.tail) break;
      if (lines.length < options.tail * 2 + 16) continue;
      // A long file with few wanted entries: read it whole.
      collected.splice(0, entries.length);
      const all: LogEntry[] = [];
      for await (const line of readLines(path)) {
        const entry = parseLine(line);
        if (entry && wanted(entry, options)) all.push(entry);
      }
      collected.unshift(...all);
      if (collected.length >= options.tail) break;
    }
    for (const entry of collected.slice(collected.length - options.tail)) yield entry;
  } else {
    for (const path of files.slice(0, -1)) {
      for await (const line of readLines(path)) {
        const entry = parseLine(line);
        if (entry && wanted(entry, options)) yield entry;
      }
    }
  }
  if (!options.follow) {
    if (options.tail === undefined) {
      for await (const line of readLines(file)) {
        const entry = parseLine(line);
        if (entry && wanted(entry, options)) yield entry;
      }
    }
    return;
  }
  yield* follow(file, options, options.tail === undefined, stopped, signal);
}

/** Follows the current log file from its start (or end), through rotations. */
async function* follow(file: string, options: LogReadOptions, fromStart: boolean, stopped: Promise<void>, signal: AbortSignal): AsyncGenerator<LogEntry> {
  let isStopped = false;
  void stopped.then(() => (isStopped = true));
  let position = 0;
  let inode = -1;
  try {
    const info = await stat(file);
    inode = info.ino;
    position = fromStart ? 0 : info.size;
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
  }
  // The bytes of a line not complete yet; split on "\n" bytes, so multi-byte characters stay whole.
  let pending = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  let watcher: FSWatcher | undefined;
  const poke = (): void => wake?.();
  try {
    watcher = watch(file, poke);
  } catch {
    watcher = undefined;
  }
  signal.addEventListener('abort', poke, { once: true });
  void stopped.then(poke);
  try {
    for (;;) {
      if (signal.aborted) return;
      const stoppedBeforeRead = isStopped;
      // Open first and stat the handle: the monitor may rotate (rename file to file.1 and start a
      // new file) at any moment, and reading by path after a stat could hit the new file or none.
      let handle: FileHandle | undefined;
      try {
        handle = await open(file, 'r');
      } catch (err) {
        if (!hasErrno(err, 'ENOENT')) throw err;
      }
      let info;
      let rotated = false;
      let bytesRead = 0;
      const oldInode = inode;
      const partialLineStart = position - pending.length;
      try {
        info = await handle?.stat();
        if (handle && info && info.ino !== inode) {
          rotated = inode !== -1;
          inode = info.ino;
          position = 0;
          pending = Buffer.alloc(0);
        }
        if (handle && info && info.size > position) {
          const buffer = Buffer.alloc(Math.min(info.size - position, FOLLOW_READ_BYTES));
          ({ bytesRead } = await handle.read(buffer, 0, buffer.length, position));
          position += bytesRead;
          pending = Buffer.concat([pending, buffer.subarray(0, bytesRead)]);
        }
      } finally {
        await handle?.close();
      }
      if (rotated) {
        // Rotated: first what is left of the old file (now file.1), from the partial line on.
        for await (const entry of drain(`${file}.1`, partialLineStart, oldInode)) {
          if (wanted(entry, options)) yield entry;
        }
        watcher?.close();
        try {
          watcher = watch(file, poke);
        } catch {
          watcher = undefined;
        }
      }
      if (bytesRead > 0) {
        let index: number;
        while ((index = pending.indexOf(0x0a)) >= 0) {
          const entry = parseLine(pending.subarray(0, index).toString('utf8'));
          pending = pending.subarray(index + 1);
          if (!entry) continue;
          if (options.untilNs !== undefined && timestampNs(entry.time) > options.untilNs) return;
          if (wanted(entry, options)) yield entry;
        }
        continue;
      }
      if (stoppedBeforeRead) return;
      if (options.untilNs !== undefined && Date.now() * 1e6 > options.untilNs) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        // fs.watch can miss events on some filesystems: poll as a fallback.
        setTimeout(resolve, 250).unref();
      });
      wake = undefined;
    }
  } finally {
    watcher?.close();
    signal.removeEventListener('abort', poke);
  }
}

async function* drain(file: string, position: number, inode: number): AsyncGenerator<LogEntry> {
  try {
    const info = await stat(file);
    if (info.ino !== inode) return;
  } catch {
    return;
  }
  for await (const line of readLines(file, position)) {
    const entry = parseLine(line);
    if (entry) yield entry;
  }
}
