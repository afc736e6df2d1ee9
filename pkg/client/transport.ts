// HTTP/1.1 transport to one engine endpoint (effects: sockets): keep-alive requests with API version
// negotiation, JSON bodies, typed errors, abort via AbortSignal, and hijacked (upgraded) connections.
import * as http from 'node:http';
import type * as https from 'node:https';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errdefs/index.js';
import {
  DaemonConnectionError,
  DaemonPermissionError,
  emptyBodyErrorMessage,
  engineApiError,
} from './errors.js';
import type { EngineEndpoint } from './host.js';
import { isApiVersion, negotiateApiVersion } from './version.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
/** One query value; an array repeats the key (`names=a&names=b`). */
export type QueryValue = string | number | boolean | undefined | null | readonly string[];

export interface EngineRequest {
  method: HttpMethod;
  /** Path without the version prefix, e.g. `/containers/json`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** A plain value is sent as JSON; a Buffer or Readable is sent as is (chunked if a stream). */
  body?: unknown;
  /** Content-Type for Buffer/Readable bodies. */
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** False for the unversioned endpoints (`/_ping`, `/version` probes). */
  versioned?: boolean;
}

/** An upgraded connection: raw bytes both ways. */
export interface HijackedConnection {
  socket: Socket;
  /** The response's content type: `application/vnd.docker.multiplexed-stream` means stdcopy frames. */
  contentType: string;
  /** Half-closes our side (stdin EOF) while output keeps flowing. */
  closeWrite(): void;
}

export interface TransportOptions {
  endpoint: EngineEndpoint;
  /** Pins the API version (DOCKER_API_VERSION); otherwise it is negotiated on first use. */
  apiVersion?: string;
  userAgent?: string;
}

/** Error bodies beyond this are not read (docker's client uses the same 1 MiB cap). */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;
/** JSON answers beyond this are refused rather than buffered. */
const MAX_JSON_BODY_BYTES = 256 * 1024 * 1024;
/** The Host header docker's client sends over unix sockets. */
const UNIX_HOST_HEADER = 'api.moby.localhost';

/** Encodes a query like Go's url.Values.Encode: keys sorted, undefined/null dropped, true as 1, arrays repeated. */
export function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value as readonly string[]) params.append(key, item);
      continue;
    }
    params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export class Transport {
  readonly endpoint: EngineEndpoint;
  private readonly agent: http.Agent;
  private readonly userAgent: string;
  private negotiated: Promise<string> | undefined;
  private closed = false;

  constructor(options: TransportOptions) {
    this.endpoint = options.endpoint;
    this.userAgent = options.userAgent ?? 'Berth-Client/0.1.0 (linux)';
    if (options.apiVersion !== undefined) {
      if (!isApiVersion(options.apiVersion)) {
        throw new InvalidArgumentError(`invalid API version: ${options.apiVersion}`, { hint: 'use a version like 1.50' });
      }
      this.negotiated = Promise.resolve(options.apiVersion);
    }
    const agentOptions = { keepAlive: true, keepAliveMsecs: 1000 };
    this.agent =
      this.endpoint.kind === 'tcp' && this.endpoint.tls
        ? new (loadHttps().Agent)({ ...agentOptions, ...tlsOptions(this.endpoint) })
        : new http.Agent(agentOptions);
  }

  /** The API version in use, negotiating it with `HEAD /_ping` on first call. */
  apiVersion(signal?: AbortSignal): Promise<string> {
    if (this.negotiated === undefined) {
      const attempt = this.ping(signal).then((response) => negotiateApiVersion(headerValue(response.headers['api-version'])));
      this.negotiated = attempt;
      // A failed attempt (daemon down) must not stick: the next call retries.
      attempt.catch(() => {
        if (this.negotiated === attempt) this.negotiated = undefined;
      });
    }
    return this.negotiated;
  }

  /** `HEAD /_ping` (falling back to GET if HEAD is refused); resolves with the drained response. */
  async ping(signal?: AbortSignal): Promise<http.IncomingMessage> {
    const head = await this.dispatch({ method: 'HEAD', path: '/_ping', versioned: false, signal }, '');
    head.resume();
    if (head.statusCode === 405 || head.statusCode === 404) {
      const get = await this.dispatch({ method: 'GET', path: '/_ping', versioned: false, signal }, '');
      await drain(get);
      return get;
    }
    return head;
  }

  /** Sends a request; resolves with the response once headers arrive and the status is 1xx–3xx. */
  async send(request: EngineRequest): Promise<http.IncomingMessage> {
    const prefix = request.versioned === false ? '' : `/v${await this.apiVersion(request.signal)}`;
    const response = await this.dispatch(request, prefix);
    const status = response.statusCode ?? 0;
    if (status >= 400) throw await this.errorFrom(response, request, prefix);
    return response;
  }

  /** Sends a request and parses a JSON answer. */
  async json<T>(request: EngineRequest): Promise<T> {
    const response = await this.send(request);
    const body = await readBody(response, MAX_JSON_BODY_BYTES);
    return JSON.parse(body.toString('utf8')) as T;
  }

  /** Sends a request and returns the answer's JSON text unparsed (inspect keeps the daemon's bytes). */
  async text(request: EngineRequest): Promise<string> {
    const response = await this.send(request);
    return (await readBody(response, MAX_JSON_BODY_BYTES)).toString('utf8');
  }

  /** Sends a request and drains the (empty or ignored) answer. */
  async empty(request: EngineRequest): Promise<http.IncomingMessage> {
    const response = await this.send(request);
    await drain(response);
    return response;
  }

  /**
   * Sends a request asking to upgrade the connection (`Connection: Upgrade`, `Upgrade: tcp`) and
   * resolves with the raw socket after `101`. Uses its own connection, never the keep-alive pool.
   */
  async hijack(request: EngineRequest): Promise<HijackedConnection> {
    const prefix = request.versioned === false ? '' : `/v${await this.apiVersion(request.signal)}`;
    return new Promise<HijackedConnection>((resolve, reject) => {
      const outgoing = this.createRequest(request, prefix, { agent: false, upgrade: true });
      outgoing.on('upgrade', (response, socket, head) => {
        socket.setNoDelay(true);
        // A reset with nobody reading must not crash the process; readers and writers still see
        // errors through their own iterators, callbacks and 'close'.
        socket.on('error', () => undefined);
        if (head.length > 0) socket.unshift(head);
        resolve({
          socket,
          contentType: headerValue(response.headers['content-type']) ?? '',
          closeWrite: () => {
            if (!socket.writableEnded) socket.end();
          },
        });
      });
      outgoing.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 400) {
          this.errorFrom(response, request, prefix).then(reject, reject);
          return;
        }
        response.resume();
        reject(new InvalidArgumentError(`expected 101 Switching Protocols from ${request.path}, got ${status}`));
      });
      outgoing.on('error', (err) => reject(this.connectionError(err)));
      outgoing.end(encodeBody(request.body).buffer ?? undefined);
    });
  }

  /** Drops idle keep-alive connections; in-flight requests finish. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent.destroy();
  }

  private dispatch(request: EngineRequest, prefix: string): Promise<http.IncomingMessage> {
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const outgoing = this.createRequest(request, prefix, { agent: this.agent, upgrade: false });
      outgoing.on('response', resolve);
      outgoing.on('error', (err) => reject(this.connectionError(err, request.signal)));
      const body = encodeBody(request.body);
      if (body.stream) {
        body.stream.on('error', (err) => outgoing.destroy(err));
        body.stream.pipe(outgoing);
      } else {
        outgoing.end(body.buffer ?? undefined);
      }
    });
  }

  private createRequest(request: EngineRequest, prefix: string, options: { agent: http.Agent | false; upgrade: boolean }): http.ClientRequest {
    const body = encodeBody(request.body);
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...request.headers };
    if (options.upgrade) {
      headers.Connection = 'Upgrade';
      headers.Upgrade = 'tcp';
    }
    if (body.buffer) {
      headers['Content-Type'] = request.contentType ?? body.contentType ?? 'application/json';
      headers['Content-Length'] = String(body.buffer.length);
    } else if (body.stream) {
      headers['Content-Type'] = request.contentType ?? 'application/octet-stream';
      headers['Transfer-Encoding'] = 'chunked';
    } else if (request.method === 'POST' || request.method === 'PUT') {
      headers['Content-Length'] = '0';
      if (options.upgrade) headers['Content-Type'] = 'text/plain';
    }
    const path = `${prefix}${request.path}${encodeQuery(request.query)}`;
    const common: http.RequestOptions = { method: request.method, path, headers, signal: request.signal, agent: options.agent };
    if (this.endpoint.kind === 'unix') {
      return http.request({ ...common, socketPath: this.endpoint.socketPath, headers: { Host: UNIX_HOST_HEADER, ...headers } });
    }
    const target = { ...common, host: this.endpoint.host, port: this.endpoint.port };
    return this.endpoint.tls ? loadHttps().request({ ...target, ...tlsOptions(this.endpoint) }) : http.request(target);
  }

  private async errorFrom(response: http.IncomingMessage, request: EngineRequest, prefix: string): Promise<Error> {
    const status = response.statusCode ?? 0;
    const statusLine = `${status} ${response.statusMessage ?? http.STATUS_CODES[status] ?? ''}`.trim();
    let body: Buffer;
    try {
      body = await readBody(response, MAX_ERROR_BODY_BYTES);
    } catch (err) {
      return engineApiError(status, `request returned ${statusLine}: ${(err as Error).message}`);
    }
    if (body.length === 0) {
      const url = `${this.urlBase()}${prefix}${request.path}${encodeQuery(request.query)}`;
      return engineApiError(status, emptyBodyErrorMessage(statusLine, url));
    }
    const text = body.toString('utf8');
    const contentType = headerValue(response.headers['content-type']) ?? '';
    if (contentType.startsWith('application/json')) {
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        if (typeof parsed.message === 'string' && parsed.message !== '') return engineApiError(status, parsed.message.trim());
        return engineApiError(status, `API returned a ${status} (${http.STATUS_CODES[status] ?? ''}) but provided no error-message`);
      } catch {
        return engineApiError(status, text.trim());
      }
    }
    return engineApiError(status, text.trim());
  }

  private urlBase(): string {
    return this.endpoint.kind === 'unix'
      ? `http://${encodeURIComponent(this.endpoint.socketPath)}`
      : `${this.endpoint.tls ? 'https' : 'http'}://${this.endpoint.host}:${this.endpoint.port}`;
  }

  private connectionError(err: Error, signal?: AbortSignal): Error {
    if (signal?.aborted || err.name === 'AbortError') return err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return new DaemonPermissionError(this.endpoint.url, { cause: err });
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
      return new DaemonConnectionError(this.endpoint.url, { cause: err });
    }
    return err;
  }
}

/** node:https (and TLS) only for TLS endpoints: loading it costs start-up time every CLI run would pay. */
function loadHttps(): typeof https {
  return process.getBuiltinModule('node:https') as typeof https;
}

function tlsOptions(endpoint: Extract<EngineEndpoint, { kind: 'tcp' }>): https.AgentOptions {
  const tls = endpoint.tls;
  if (!tls) return {};
  return { ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: tls.verify };
}

function encodeBody(body: unknown): { buffer?: Buffer; stream?: Readable; contentType?: string } {
  if (body === undefined) return {};
  if (Buffer.isBuffer(body)) return { buffer: body };
  if (body instanceof Readable) return { stream: body };
  if (typeof body === 'string') return { buffer: Buffer.from(body), contentType: 'text/plain' };
  return { buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a whole body, refusing more than `maxBytes`. */
export async function readBody(response: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > maxBytes) {
      response.destroy();
      throw new InvalidArgumentError(`response body exceeds ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Consumes and discards a body so the connection returns to the pool. */
export async function drain(response: Readable): Promise<void> {
  for await (const _chunk of response) {
    // discard
  }
}
