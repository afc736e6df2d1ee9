// The Engine API HTTP server: listens on unix sockets (and later TCP/TLS), negotiates the API
// version from the /v1.xx prefix, dispatches to routes and turns errors into dockerd's answers.

import { chmod, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { API_VERSION, MIN_API_VERSION, RequestContext, errorBody, versionNumber } from './http.js';
import type { Router } from './router.js';

export interface ListenSpec {
  kind: 'unix';
  path: string;
  mode: number;
}

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

export class ApiServer {
  private readonly servers: http.Server[] = [];
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly router: Router,
    private readonly log: Logger,
    private readonly serverHeader: string,
  ) {}

  private commonHeaders(): Record<string, string> {
    return { 'Api-Version': API_VERSION, 'Docker-Experimental': 'false', Ostype: 'linux', Server: this.serverHeader };
  }

  /** Splits the version prefix off the path; an error text when the version is unsupported. */
  private version(pathname: string): { version: string; path: string } | { error: string } {
    const match = VERSION_PREFIX.exec(pathname);
    if (!match) return { version: API_VERSION, path: pathname };
    const version = match[1];
    if (versionNumber(version) < versionNumber(MIN_API_VERSION)) {
      return { error: `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version` };
    }
    if (versionNumber(version) > versionNumber(API_VERSION)) {
      return { error: `client version ${version} is too new. Maximum supported API version is ${API_VERSION}` };
    }
    return { version, path: match[2] };
  }

  private async handle(req: IncomingMessage, res: ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://berth');
    const respondError = (status: number, message: string): void => {
      const body = `${JSON.stringify({ message })}\n`;
      if (res) {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(status, { ...this.commonHeaders(), 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else if (upgrade) {
        upgrade.socket.end(
          `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nApi-Version: ${API_VERSION}\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
    };
    let status = 0;
    try {
      const negotiated = this.version(url.pathname);
      if ('error' in negotiated) {
        status = 400;
        respondError(400, negotiated.error);
        return;
      }
      const match = this.router.match(req.method ?? 'GET', negotiated.path);
      if (match === undefined || match === 'method_not_allowed') {
        status = 404;
        respondError(404, 'page not found');
        return;
      }
      if (upgrade && !match.route.hijack) {
        status = 400;
        respondError(400, `${negotiated.path} does not support connection upgrades`);
        return;
      }
      if (res) for (const [key, value] of Object.entries(this.commonHeaders())) res.setHeader(key, value);
      const ctx = new RequestContext(req, res, match.params, negotiated.version, url, upgrade ? { ...upgrade, upgraded: true } : undefined);
      await match.route.handler(ctx);
      status = res?.statusCode ?? 101;
    } catch (err) {
      const { status: errorStatus, body } = errorBody(err);
      status = errorStatus;
      if (errorStatus >= 500) this.log.error({ err, method: req.method, path: url.pathname }, 'request failed');
      respondError(errorStatus, body.message);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      this.log.debug({ method: req.method, path: url.pathname + url.search, status, ms: Math.round(ms * 10) / 10 }, 'api request');
    }
  }

  private createServer(): http.Server {
    const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
      void this.handle(req, res);
    });
    // Logs and events stream for hours: no request or header timeouts on a local socket.
    server.requestTimeout = 0;
    server.headersTimeout = 0;
    server.timeout = 0;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      void this.handle(req, undefined, { socket, head });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      this.log.debug({ err: err.message }, 'malformed HTTP request');
    });
    this.servers.push(server);
    return server;
  }

  async listen(spec: ListenSpec): Promise<void> {
    const server = this.createServer();
    await rm(spec.path, { force: true });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    await chmod(spec.path, spec.mode);
    this.log.info({ socket: spec.path }, 'API listening');
  }

  /** Stops accepting; open streams (events, logs -f, attach) are cut. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
          }),
      ),
    );
    for (const socket of this.sockets) socket.destroy();
  }
}
