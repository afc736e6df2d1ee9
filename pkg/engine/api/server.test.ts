// ApiServer's TCP listeners on loopback: mutual TLS (refusals during the handshake), Go's answer to
// plain HTTP on a TLS port, plain TCP, and a hijacked stream whose request body arrives after the
// head — the way Go sends it over TLS.
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeTlsBundle } from '../../cli/pki/tls-bundle.js';
import { bridge, startHijack } from './hijack.js';
import { Router } from './router.js';
import { ApiServer } from './server.js';

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

const log = pino({ level: 'silent' });
const dir = mkdtempSync(path.join(tmpdir(), 'berth-api-tls-'));
const pem = (name: string): Buffer => readFileSync(path.join(dir, name));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function router(): Router {
  return new Router().addAll([
    { method: 'GET', pattern: '/_ping', handler: async (ctx) => void ctx.mustRes().end('OK') },
    {
      method: 'POST',
      pattern: '/echo',
      hijack: true,
      handler: async (ctx) => {
        const body = (await ctx.rawBody()).toString();
        const { client, leftover } = await startHijack(ctx, 'application/vnd.docker.raw-stream');
        client.write(`body:${body}\n`);
        // The process side: a socket pair whose far end upper-cases what it reads.
        const server = net.createServer((far) => {
          far.on('data', (chunk: Buffer) => far.write(chunk.toString().toUpperCase()));
          far.on('end', () => far.end());
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const monitor = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
        await once(monitor, 'connect');
        await bridge(client, leftover, monitor, { stdin: true, detachKeys: [] });
        server.close();
      },
    },
  ]);
}

describe.skipIf(!openssl)('a mutual-TLS listener', () => {
  const server = new ApiServer(router(), log, 'Berth/test');
  let port = 0;

  beforeAll(async () => {
    await writeTlsBundle(path.join(dir, 'good'), { hosts: [], ips: [], days: 1 });
    await writeTlsBundle(path.join(dir, 'other'), { hosts: [], ips: [], days: 1 });
    await server.listen({ kind: 'tcp', host: '127.0.0.1', port: 0, tls: { cert: pem('good/server-cert.pem'), key: pem('good/server-key.pem'), ca: pem('good/ca.pem'), verifyClients: true } });
    port = server.boundAddresses()[0]!.port;
  });
  afterAll(() => server.close());

  const get = (options: https.RequestOptions): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/_ping', agent: false, ca: pem('good/ca.pem'), ...options }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
        })
        .on('error', reject);
    });

  test('serves a client whose certificate the CA signed', async () => {
    expect(await get({ cert: pem('good/cert.pem'), key: pem('good/key.pem') })).toMatchObject({ status: 200, body: 'OK', headers: { 'api-version': '1.50' } });
  });

  test('refuses a client without a certificate during the handshake', async () => {
    await expect(get({})).rejects.toThrow(/certificate required/);
  });

  test('refuses a client whose certificate another CA signed', async () => {
    await expect(get({ cert: pem('other/cert.pem'), key: pem('other/key.pem') })).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  test('answers plain HTTP with Go’s 400 and nothing of the API', async () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.end('GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n');
    let text = '';
    for await (const chunk of socket) text += (chunk as Buffer).toString();
    expect(text).toBe('HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
  });

  test('a hijacked stream works when its body arrives after the head, and stdin EOF ends it', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: pem('good/ca.pem'), cert: pem('good/cert.pem'), key: pem('good/key.pem'), servername: 'localhost' });
    await once(socket, 'secureConnect');
    const body = '{"Detach":false}';
    socket.write(`POST /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write(body);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('body:') && !text.includes('HELLO')) socket.end('hello');
    });
    await once(socket, 'end');
    expect(text).toMatch(/^HTTP\/1\.1 101 UPGRADED\r\n/);
    expect(text).toContain('body:{"Detach":false}\n');
    expect(text.endsWith('HELLO')).toBe(true);
  });
});

describe('a plain TCP listener', () => {
  test('serves the same routes', async () => {
    const server = new ApiServer(router(), log, 'Berth/test');
    await server.listen({ kind: 'tcp', host: '127.0.0.1', port: 0 });
    const { port } = server.boundAddresses()[0]!;
    const response = await fetch(`http://127.0.0.1:${port}/v1.50/_ping`);
    expect([response.status, await response.text()]).toEqual([200, 'OK']);
    await server.close();
  });
});
