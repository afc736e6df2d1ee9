// The Engine API HTTP server: listens on unix sockets, plain TCP and TCP+TLS (optionally requiring
// client certificates), negotiates the API version from the /v1.xx prefix, dispatches to routes and
// turns errors into dockerd's answers. Every listener serves the same routes, hijacks included.

import { chmod, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { API_VERSION, MIN_API_VERSION, RequestContext, errorBody, versionNumber } from './http.js';
import type { Router } from './router.js';

/** PEM material of a TLS listener. */
export interface ServerTls {
  cert: Buffer;
  key: Buffer;
  /** The CA client certificates must chain to; required with `verifyClients`. */
  ca?: Buffer;
  /** Mutual TLS: a client without a certificate from `ca` is refused during the handshake. */
  verifyClients: boolean;
}

export type ListenSpec =
  | { kind: 'unix'; path: string; mode: number }
  /** Plain TCP when `tls` is undefined (berthd only allows that with --insecure-tcp). */
  | { kind: 'tcp'; host: string; port: number; tls?: ServerTls };

/** First byte of a TLS record carrying a handshake; anything else on a TLS port is not TLS. */
const TLS_HANDSHAKE = 0x16;
/** What Go's net/http answers to plain HTTP on a TLS port; docker's CLI shows the text. */
const PLAIN_HTTP_ON_TLS = 'HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';
/** A network peer must send its request head within this time (unix sockets are trusted: no limit). */
const TCP_HEADERS_TIMEOUT_MS = 60_000;

const VERSION_PREFIX = /^\/v(\d+\.\d+)(\/.*)$/;

export class ApiServer {
  private readonly servers: net.Server[] = [];
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

  /** Wires the request, upgrade and error handlers every listener shares. */
  private configure<T extends http.Server>(server: T, network: boolean): T {
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.handle(req, res);
    });
    // Logs and events stream for hours: no request timeouts, and none at all on a local socket.
    server.requestTimeout = 0;
    server.headersTimeout = network ? TCP_HEADERS_TIMEOUT_MS : 0;
    server.timeout = 0;
    server.keepAliveTimeout = 60_000;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      void this.handle(req, undefined, { socket, head });
    });
    server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      this.log.debug({ err: err.message }, 'malformed HTTP request');
    });
    return server;
  }

  private track(server: net.Server): void {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.servers.push(server);
  }

  /**
   * A TLS listener: a TCP server in front of an HTTPS server that never listens itself. The front
   * looks at the first byte so that plain HTTP gets Go's 400 answer (docker's CLI prints it) rather
   * than a dropped connection; TLS connections go on to the HTTPS server with the byte put back.
   */
  private tlsFront(tls: ServerTls, address: string): net.Server {
    const secure = this.configure(
      https.createServer({
        cert: tls.cert,
        key: tls.key,
        ca: tls.verifyClients ? tls.ca : undefined,
        requestCert: tls.verifyClients,
        rejectUnauthorized: tls.verifyClients,
        minVersion: 'TLSv1.2',
        // Attach/exec clients half-close their side for stdin EOF while output keeps flowing.
        allowHalfOpen: true,
      }),
      true,
    );
    // Connections handed to TLS, by peer address, until a session is established. Node drops a
    // client whose certificate fails verification without an error event of its own, so a
    // connection that closes unestablished is what marks a refusal.
    const handshakes = new Map<string, { reason?: string }>();
    const peer = (socket: { remoteAddress?: string; remotePort?: number }): string => `${socket.remoteAddress}:${socket.remotePort}`;
    secure.on('secureConnection', (socket: TLSSocket) => {
      handshakes.delete(peer(socket));
    });
    secure.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
      const pending = handshakes.get(peer(socket));
      if (pending && err.code?.startsWith('ERR_SSL')) pending.reason = err.code;
    });
    const front = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => undefined);
      // A peer that connects and says nothing is dropped (the TLS handshake has its own timeout).
      socket.setTimeout(TCP_HEADERS_TIMEOUT_MS, () => socket.destroy());
      const key = peer(socket);
      const remote = socket.remoteAddress;
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        socket.setTimeout(0);
        if (chunk[0] !== TLS_HANDSHAKE) {
          this.log.info({ remote: socket.remoteAddress, listener: address }, 'plain HTTP on a TLS listener refused');
          socket.end(PLAIN_HTTP_ON_TLS);
          return;
        }
        handshakes.set(key, {});
        socket.once('close', () => {
          const pending = handshakes.get(key);
          if (!pending) return;
          handshakes.delete(key);
          const reason = pending.reason ?? (tls.verifyClients ? 'no session: client certificate not accepted, or the client gave up' : 'no session: the client gave up');
          this.log.info({ remote, listener: address, reason }, 'TLS handshake refused');
        });
        socket.unshift(chunk);
        secure.emit('connection', socket);
        process.nextTick(() => socket.resume());
      });
    });
    return front;
  }

  async listen(spec: ListenSpec): Promise<void> {
    if (spec.kind === 'unix') {
      const server = this.configure(http.createServer(), false);
      this.track(server);
      await rm(spec.path, { force: true });
      await listening(server, (done) => server.listen(spec.path, done));
      await chmod(spec.path, spec.mode);
      this.log.info({ socket: spec.path }, 'API listening');
      return;
    }
    const address = `tcp://${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    const server = spec.tls ? this.tlsFront(spec.tls, address) : this.configure(http.createServer(), true);
    this.track(server);
    await listening(server, (done) => server.listen(spec.port, spec.host, done));
    const mode = !spec.tls ? 'plain' : spec.tls.verifyClients ? 'mutual-tls' : 'tls';
    this.log.info({ address, mode }, 'API listening');
  }

  /** The TCP addresses listened on (port 0 resolves to the port the kernel chose). */
  boundAddresses(): net.AddressInfo[] {
    return this.servers.map((server) => server.address()).filter((address): address is net.AddressInfo => address !== null && typeof address === 'object');
  }

  /** Stops accepting; open streams (events, logs -f, attach) are cut. */
  async close(): Promise<void> {
    const closed = this.servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
        }),
    );
    // close() waits for open connections to end: cut them rather than wait for streams that never do.
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(closed);
  }
}

/** Starts a listener and resolves once it is bound (rejects with the bind error, e.g. EADDRINUSE). */
function listening(server: net.Server, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    start(() => {
      server.off('error', reject);
      resolve();
    });
  });
}
