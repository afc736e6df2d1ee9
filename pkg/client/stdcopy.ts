// Docker's multiplexed stdout/stderr framing ("stdcopy"): an incremental decoder (pure), an encoder,
// and a demuxer that copies a framed stream into two writables with backpressure.
import type { Writable } from 'node:stream';
import { BerthError, InvalidArgumentError } from '../errdefs/index.js';

/** Stream ids in byte 0 of each frame header. */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** The daemon reports its own failure mid-stream with this id; the payload is the message. */
export const SYSTEMERR = 3;

/** Header: [stream, 0, 0, 0, size uint32 big-endian]. */
export const FRAME_HEADER_BYTES = 8;

/** A piece of one frame's payload; a large frame may arrive as several pieces. */
export interface FramePiece {
  stream: number;
  data: Buffer;
}

/**
 * Splits a framed byte stream into payload pieces without buffering payloads: only a partial
 * 8-byte header is ever held, so memory stays bounded whatever the frame sizes.
 */
export class FrameDecoder {
  private header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFill = 0;
  private stream = 0;
  private remaining = 0;

  push(chunk: Buffer): FramePiece[] {
    const pieces: FramePiece[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.remaining === 0) {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFill, chunk.length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill < FRAME_HEADER_BYTES) break;
        this.headerFill = 0;
        this.stream = this.header[0]!;
        if (this.stream > SYSTEMERR) {
          throw new InvalidArgumentError(`Unrecognized input header: ${this.stream}`);
        }
        this.remaining = this.header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - offset);
      pieces.push({ stream: this.stream, data: chunk.subarray(offset, offset + take) });
      this.remaining -= take;
      offset += take;
    }
    return pieces;
  }

  /** True when the input ended cleanly on a frame boundary. */
  get atBoundary(): boolean {
    return this.headerFill === 0 && this.remaining === 0;
  }
}

/** Encodes one frame (used by tests and by anything that serves the format). */
export function encodeFrame(stream: number, payload: Buffer | string): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

/** The daemon sent a SYSTEMERR frame: the stream failed on its side. */
export class StreamSystemError extends BerthError {
  constructor(message: string) {
    super('internal', `error from daemon in stream: ${message}`);
  }
}

/** Writes with backpressure: resolves once the writable accepted the data or drained. */
export function writeWithBackpressure(target: Writable, data: Buffer | string): Promise<void> | undefined {
  if (target.write(data)) return undefined;
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      target.off('drain', onDrain);
      target.off('error', onError);
      target.off('close', onDrain);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    target.on('drain', onDrain);
    target.on('error', onError);
    target.on('close', onDrain);
  });
}

export interface DemuxOptions {
  signal?: AbortSignal;
}

/**
 * Copies a framed stream into stdout/stderr until it ends. Stdin frames (never sent by daemons)
 * go to stdout, as docker's StdCopy does. A SYSTEMERR frame rejects with StreamSystemError.
 */
export async function demuxStream(
  source: AsyncIterable<Buffer | string>,
  stdout: Writable,
  stderr: Writable,
  options: DemuxOptions = {},
): Promise<void> {
  const decoder = new FrameDecoder();
  options.signal?.throwIfAborted();
  let systemError = '';
  for await (const chunk of source) {
    const pieces = decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    for (const piece of pieces) {
      if (piece.stream === SYSTEMERR) {
        systemError += piece.data.toString();
        continue;
      }
      const pending = writeWithBackpressure(piece.stream === STDERR ? stderr : stdout, piece.data);
      if (pending) await pending;
    }
    if (systemError !== '' && decoder.atBoundary) throw new StreamSystemError(systemError);
    options.signal?.throwIfAborted();
  }
  if (systemError !== '') throw new StreamSystemError(systemError);
}
