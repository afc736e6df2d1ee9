// Client test helper (effects: a throwaway unix-socket HTTP server): records requests and answers them with
// per-test handlers, so client tests exercise real sockets without a daemon.
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

export interface FakeEngine {
  socketPath: string;
  host: string;
  requests: RecordedRequest[];
  server: http.Server;
  close(): Promise<void>;
}

/** Starts a server; `handle` sees each request after its body was read. `/_ping` answers Api-Version 1.50 unless told otherwise (null: no header). */
export async function startFakeEngine(handle: Handler, options: { apiVersion?: string | null; handlePing?: boolean } = {}): Promise<FakeEngine> {
  const apiVersion = options.apiVersion === undefined ? '1.50' : options.apiVersion;
  const directory = mkdtempSync(join(tmpdir(), 'berth-client-test-'));
  const socketPath = join(directory, 'engine.sock');
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      if (request.url === '/_ping' && !options.handlePing) {
        if (apiVersion !== null) response.setHeader('Api-Version', apiVersion);
        response.setHeader('Ostype', 'linux');
        response.end(request.method === 'HEAD' ? undefined : 'OK');
        return;
      }
      handle(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    host: `unix://${socketPath}`,
    requests,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
