// HTTP plumbing of the Engine API server: the per-request context handed to route handlers, body
// and query parsing, JSON and error responses in dockerd's shapes. No engine logic here.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { BerthError, InvalidArgumentError, asBerthError } from '../../errdefs/index.js';

export const API_VERSION = '1.50';
export const MIN_API_VERSION = '1.24';
/** Largest JSON body accepted; container configs are a few KiB. */
const MAX_JSON_BODY = 16 * 1024 * 1024;

export function versionNumber(version: string): number {
  const [major, minor] = version.split('.').map(Number);
  return major * 1000 + minor;
}

/** The hijacked connection of an attach/exec request, before or after the 101 answer. */
export interface Hijackable {
  socket: Duplex;
  /** Bytes read past the request head (body, then stdin). */
  head: Buffer;
  upgraded: boolean;
}

export class RequestContext {
  readonly query: URLSearchParams;
  private bodyCache: Buffer | undefined;

  constructor(
    readonly req: IncomingMessage,
    /** Undefined for requests that arrived as HTTP upgrades (attach/exec). */
    readonly res: ServerResponse | undefined,
    readonly params: Record<string, string>,
    readonly apiVersion: string,
    url: URL,
    readonly hijackable?: Hijackable,
  ) {
    this.query = url.searchParams;
  }

  get version(): number {
    return versionNumber(this.apiVersion);
  }

  /** A query flag as dockerd reads it: absent is `fallback`; "", 0, no, false, none (any case) are false. */
  bool(name: string, fallback = false): boolean {
    const value = this.query.get(name);
    if (value === null) return fallback;
    return !['', '0', 'no', 'false', 'none'].includes(value.trim().toLowerCase());
  }

  int(name: string): number | undefined {
    const value = this.query.get(name);
    if (value === null || value === '') return undefined;
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`invalid value for ${name}: ${value}`);
    return Number(value);
  }

  string(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  /** Docker's `filters` parameter: {"key":{"value":true}} or the legacy {"key":["value"]}. */
  filters(): Record<string, string[]> {
    return parseFilters(this.query.get('filters'));
  }

  private leftover: Buffer | undefined;

  /** Bytes the client sent after the body of an upgraded request (the start of stdin). */
  upgradeLeftover(): Buffer {
    return this.leftover ?? this.hijackable?.head ?? Buffer.alloc(0);
  }

  /** The body of an upgraded request: Content-Length bytes from what follows the head. */
  private async upgradeBody(limit: number): Promise<Buffer> {
    const hijack = this.hijackable!;
    const length = Number(this.req.headers['content-length'] ?? 0);
    if (length > limit) throw new InvalidArgumentError(`request body larger than ${limit} bytes`);
    let buffer = hijack.head;
    while (buffer.length < length) {
      const chunk = await new Promise<Buffer | undefined>((resolve) => {
        const onData = (data: Buffer): void => {
          cleanup();
          hijack.socket.pause();
          resolve(data);
        };
        const onEnd = (): void => {
          cleanup();
          resolve(undefined);
        };
        const cleanup = (): void => {
          hijack.socket.off('data', onData);
          hijack.socket.off('end', onEnd);
          hijack.socket.off('close', onEnd);
        };
        hijack.socket.on('data', onData);
        hijack.socket.on('end', onEnd);
        hijack.socket.on('close', onEnd);
        hijack.socket.resume();
      });
      if (!chunk) throw new InvalidArgumentError('connection closed before the request body arrived');
      buffer = Buffer.concat([buffer, chunk]);
    }
    this.leftover = buffer.subarray(length);
    return buffer.subarray(0, length);
  }

  async rawBody(limit = MAX_JSON_BODY): Promise<Buffer> {
    if (this.bodyCache) return this.bodyCache;
    if (this.hijackable) {
      this.bodyCache = await this.upgradeBody(limit);
      return this.bodyCache;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw new InvalidArgumentError(`request body larger than ${limit} bytes`);
      chunks.push(chunk as Buffer);
    }
    this.bodyCache = Buffer.concat(chunks);
    return this.bodyCache;
  }

  /** The JSON body, or `fallback` when there is none. */
  async json<T>(fallback?: T): Promise<T> {
    const body = await this.rawBody();
    if (body.length === 0 || body.toString().trim() === '') {
      if (fallback !== undefined) return fallback;
      throw new InvalidArgumentError('request body is empty: a JSON object was expected');
    }
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch (err) {
      throw new InvalidArgumentError(`invalid JSON in request body: ${(err as Error).message}`);
    }
  }

  send(status: number, body?: unknown, headers: Record<string, string> = {}): void {
    const res = this.mustRes();
    if (body === undefined) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    // Go's json.Encoder ends documents with a newline; clients see the same bytes as from dockerd.
    const text = `${JSON.stringify(body)}\n`;
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  mustRes(): ServerResponse {
    if (!this.res) throw new InvalidArgumentError('this endpoint cannot be used with a connection upgrade');
    return this.res;
  }
}

export function parseFilters(raw: string | null): Record<string, string[]> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError(`invalid filter: ${raw}`);
  const result: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) result[key] = value.map(String);
    else if (typeof value === 'object' && value !== null) {
      result[key] = Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k);
    } else throw new InvalidArgumentError(`invalid filter: ${raw}`);
  }
  return result;
}

/** Writes an error the way dockerd does: {"message": "..."} with the class's status. */
export function errorBody(err: unknown): { status: number; body: { message: string } } {
  const error = asBerthError(err);
  return { status: error.httpStatus, body: { message: error.message } };
}

export function isBerthError(err: unknown): err is BerthError {
  return err instanceof BerthError;
}
