// Byte ranges: the upload Content-Range ("<start>-<end>", inclusive) a chunked PATCH carries and the
// Range header ("bytes=…") of a blob GET. Pure.

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

const CONTENT_RANGE_RE = /^(?:bytes[ =])?(\d{1,15})-(\d{1,15})$/;

/** An upload chunk's Content-Range; undefined when malformed or reversed (the caller answers 416). */
export function parseUploadRange(header: string): ByteRange | undefined {
  const match = CONTENT_RANGE_RE.exec(header.trim());
  if (match === null) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (end < start) return undefined;
  return { start, end };
}

/** The Range header value an upload's status reports: "0-<last byte>", "0-0" before any byte. */
export function uploadRangeHeader(offset: number): string {
  return `0-${Math.max(offset - 1, 0)}`;
}

export type RangeRequest =
  | { kind: 'full' } // no Range, or one we ignore (several ranges, another unit)
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' };

const RANGE_RE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/**
 * A GET's Range against a blob of `size` bytes (RFC 9110 §14.1.2, one range only): "a-b", "a-" and
 * the suffix form "-n". Several ranges or another unit are answered with the whole blob, as RFC
 * 9110 allows.
 */
export function parseRangeRequest(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'full' };
  const text = header.trim();
  if (!text.startsWith('bytes=') || text.includes(',')) return { kind: 'full' };
  const match = RANGE_RE.exec(text);
  if (match === null) return { kind: 'unsatisfiable' };
  const [, first, last] = match;
  if (first === '' && last === '') return { kind: 'unsatisfiable' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(size - suffix, 0), end: size - 1 } };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}
