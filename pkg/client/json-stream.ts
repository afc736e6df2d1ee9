// Reader for streams of concatenated JSON values (events, progress of pull/load/import/build): a
// byte-level splitter (pure) and an async generator over a readable.
import { InvalidArgumentError } from '../errdefs/index.js';
import { JsonMessageError } from './errors.js';
import type { JsonMessage } from './types-image.js';

/** One value larger than this is a broken or hostile stream, not a message. */
export const MAX_JSON_VALUE_BYTES = 16 * 1024 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Finds the boundaries of top-level JSON objects/arrays in a byte stream, whatever separates them
 * (newlines, `\r\n`, nothing). Works on bytes: the structural characters are ASCII and never occur
 * inside a multi-byte UTF-8 sequence, so chunk splits anywhere are safe.
 */
export class JsonValueSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly maxValueBytes: number = MAX_JSON_VALUE_BYTES) {}

  /** Feeds a chunk; returns the complete values it finished, as text. */
  push(chunk: Buffer): string[] {
    const values: string[] = [];
    let start = 0;
    for (let index = 0; index < chunk.length; index++) {
      const byte = chunk[index]!;
      if (this.depth === 0) {
        if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
          this.depth = 1;
          start = index;
        } else if (byte > 0x20) {
          throw new InvalidArgumentError(`invalid character '${String.fromCharCode(byte)}' looking for beginning of value`);
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 0) {
          this.pending.push(chunk.subarray(start, index + 1));
          values.push(Buffer.concat(this.pending).toString('utf8'));
          this.pending = [];
          this.pendingBytes = 0;
        }
      }
    }
    if (this.depth > 0) {
      // When the value began in an earlier chunk, all of this chunk belongs to it.
      const rest = chunk.subarray(this.pending.length === 0 ? start : 0);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > this.maxValueBytes) {
        throw new InvalidArgumentError(`JSON value exceeds ${this.maxValueBytes} bytes`);
      }
    }
    return values;
  }

  /** True if the input so far ended between values. */
  get atBoundary(): boolean {
    return this.depth === 0;
  }
}

/** Parses each JSON value of a stream as it completes; `parse` may replace JSON.parse (exact ints). */
export async function* readJsonStream<T>(
  source: AsyncIterable<Buffer | string>,
  signal?: AbortSignal,
  parse: (text: string) => T = (text) => JSON.parse(text) as T,
): AsyncGenerator<T, void, undefined> {
  const splitter = new JsonValueSplitter();
  signal?.throwIfAborted();
  for await (const chunk of source) {
    for (const text of splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
      yield parse(text);
    }
    signal?.throwIfAborted();
  }
  if (!splitter.atBoundary) throw new InvalidArgumentError('unexpected EOF in JSON stream');
}

/** Throws the stream's error if this message carries one, like docker's jsonmessage. */
export function throwIfJsonMessageError(message: JsonMessage): void {
  if (message.errorDetail?.message) throw new JsonMessageError(message.errorDetail.message, message.errorDetail.code);
  if (message.error) throw new JsonMessageError(message.error);
}

/** Reads a progress stream to the end, handing each message to `onMessage`; rejects on an error message. */
export async function consumeJsonMessages(
  source: AsyncIterable<Buffer | string>,
  onMessage: (message: JsonMessage) => void,
  signal?: AbortSignal,
): Promise<void> {
  for await (const message of readJsonStream<JsonMessage>(source, signal)) {
    throwIfJsonMessageError(message);
    onMessage(message);
  }
}
