// The client over tcp+TLS: a verified server certificate, and refusal of an unknown one.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EngineClient } from './client.js';

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

describe.skipIf(!openssl)('tcp+TLS', () => {
  const directory = mkdtempSync(join(tmpdir(), 'berth-tls-'));
  let server: https.Server;
  let port = 0;
  let cert: Buffer;

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(directory, 'key.pem'), '-out', join(directory, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(directory, 'cert.pem'));
    server = https.createServer({ cert, key: readFileSync(join(directory, 'key.pem')) }, (request, response) => {
      if (request.url === '/_ping') {
        response.writeHead(200, { 'Api-Version': '1.45' });
        response.end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ url: request.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  test('talks to a server whose certificate the CA verifies', async () => {
    const client = new EngineClient({ host: `tcp://127.0.0.1:${port}`, tls: { ca: cert, verify: true } });
    expect(await client.info()).toEqual({ url: '/v1.45/info' });
    client.close();
  });

  test('refuses an unverified certificate', async () => {
    const client = new EngineClient({ host: `tcp://127.0.0.1:${port}`, tls: { verify: true } });
    await expect(client.info()).rejects.toThrow(/self[- ]signed certificate/);
    client.close();
  });

  test('DOCKER_TLS_VERIFY and DOCKER_CERT_PATH configure it from the environment', async () => {
    execFileSync('cp', [join(directory, 'cert.pem'), join(directory, 'ca.pem')]);
    const client = EngineClient.fromEnv({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: directory });
    expect(await client.info()).toEqual({ url: '/v1.45/info' });
    client.close();
  });
});
