// EngineClient against a throwaway unix-socket server: negotiation, errors, requests, wait, hijack, events.
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { isNotFound, NotFoundError } from '../errdefs/index.js';
import { EngineClient, resolveClientOptions } from './client.js';
import { DaemonConnectionError, isEngineApiError } from './errors.js';
import { encodeFrame, demuxStream } from './stdcopy.js';
import { sendJson, startFakeEngine, type FakeEngine } from './testdata/fake-engine.js';

let engine: FakeEngine | undefined;
let client: EngineClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await engine?.close();
  engine = undefined;
});

describe('version negotiation', () => {
  const cases = [
    { name: 'uses the daemon version when it is older', server: '1.41', expected: '1.41' },
    { name: 'keeps 1.50 when the daemon is newer', server: '1.52', expected: '1.50' },
    { name: 'keeps 1.50 when both match', server: '1.50', expected: '1.50' },
    { name: 'falls back to 1.24 when the daemon sends no Api-Version', server: null, expected: '1.24' },
  ];
  for (const { name, server, expected } of cases) {
    test(name, async () => {
      engine = await startFakeEngine((_request, response) => sendJson(response, 200, { Version: 'x', ApiVersion: server }), { apiVersion: server });
      client = new EngineClient({ host: engine.host });
      await client.version();
      expect(engine.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['HEAD /_ping', `GET /v${expected}/version`]);
    });
  }

  test('pings once for many requests', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    client = new EngineClient({ host: engine.host });
    await Promise.all([client.containers.list(), client.images.list(), client.containers.list({ all: true })]);
    expect(engine.requests.filter((r) => r.url === '/_ping')).toHaveLength(1);
  });

  test('a pinned version skips the ping', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    client = new EngineClient({ host: engine.host, apiVersion: '1.44' });
    await client.containers.list();
    expect(engine.requests.map((r) => r.url)).toEqual(['/v1.44/containers/json']);
  });

  test('DOCKER_API_VERSION pins the version and DOCKER_HOST picks the socket', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    client = EngineClient.fromEnv({ DOCKER_HOST: engine.host, DOCKER_API_VERSION: '1.43' });
    await client.images.list();
    expect(engine.requests.map((r) => r.url)).toEqual(['/v1.43/images/json']);
  });

  test('the default host is berthd socket', () => {
    expect(resolveClientOptions({}, {}).host).toBe('unix:///run/berth/berth.sock');
    expect(resolveClientOptions({ host: 'tcp://h:1' }, { DOCKER_HOST: 'unix:///x' }).host).toBe('tcp://h:1');
  });
});

describe('errors', () => {
  test('maps a 404 with a JSON message to a NotFound EngineApiError', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 404, { message: 'No such container: nope' }));
    client = new EngineClient({ host: engine.host });
    const err = await client.containers.inspect('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(isNotFound(err)).toBe(true);
    expect(isEngineApiError(err)).toBe(true);
    expect(err).toMatchObject({ statusCode: 404, message: 'No such container: nope' });
  });

  test('maps 409 to conflict and keeps plain-text bodies', async () => {
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(409, { 'Content-Type': 'text/plain' });
      response.end('name in use\n');
    });
    client = new EngineClient({ host: engine.host });
    const err = await client.containers.create({ Image: 'x' }, { name: 'a' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'conflict', statusCode: 409, message: 'name in use' });
  });

  test('an empty error body names the route like docker does', async () => {
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(500);
      response.end();
    });
    client = new EngineClient({ host: engine.host });
    const err = (await client.info().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^request returned 500 Internal Server Error for API route and version http:\/\/.*\/v1\.50\/info, check if the server supports/);
  });

  test('a missing socket is a DaemonConnectionError with docker-like text', async () => {
    client = new EngineClient({ host: 'unix:///nonexistent/berth.sock' });
    const err = await client.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonConnectionError);
    expect((err as Error).message).toBe('Cannot connect to the Berth daemon at unix:///nonexistent/berth.sock. Is the berth daemon running?');
  });
});

describe('requests', () => {
  test('encodes filters as a JSON map and flags as 1', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    client = new EngineClient({ host: engine.host });
    await client.containers.list({ all: true, size: true, filters: { label: ['a=b'], status: ['exited', 'created'] } });
    const url = new URL(engine.requests[1]!.url, 'http://x');
    expect(url.pathname).toBe('/v1.50/containers/json');
    expect(url.searchParams.get('all')).toBe('1');
    expect(url.searchParams.get('size')).toBe('1');
    expect(JSON.parse(url.searchParams.get('filters')!)).toEqual({ label: { 'a=b': true }, status: { exited: true, created: true } });
  });

  test('sends the create body as JSON with the name in the query', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 201, { Id: 'abc', Warnings: [] }));
    client = new EngineClient({ host: engine.host });
    const created = await client.containers.create({ Image: 'busybox', Cmd: ['true'] }, { name: 'web' });
    expect(created.Id).toBe('abc');
    const request = engine.requests[1]!;
    expect(request.url).toBe('/v1.50/containers/create?name=web');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ Image: 'busybox', Cmd: ['true'] });
  });

  test('streams an import body and yields progress messages', async () => {
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"status":"sha256:');
      response.end('abc"}\r\n');
    });
    client = new EngineClient({ host: engine.host });
    const messages = [];
    for await (const message of client.images.import(Readable.from([Buffer.from('tar-bytes')]), { repo: 'r', tag: 't', changes: ['CMD ["sh"]', 'ENV A=1'] })) {
      messages.push(message);
    }
    expect(messages).toEqual([{ status: 'sha256:abc' }]);
    const request = engine.requests[1]!;
    const url = new URL(request.url, 'http://x');
    expect(url.searchParams.getAll('changes')).toEqual(['CMD ["sh"]', 'ENV A=1']);
    expect(url.searchParams.get('fromSrc')).toBe('-');
    expect(request.body).toBe('tar-bytes');
  });
});

describe('wait', () => {
  test('beginWait resolves on headers and result on the later body', async () => {
    let finish: (() => void) | undefined;
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.flushHeaders();
      finish = () => response.end('{"Error":null,"StatusCode":3}\n');
    });
    client = new EngineClient({ host: engine.host });
    const pending = await client.containers.beginWait('c1', { condition: 'next-exit' });
    expect(engine.requests[1]!.url).toBe('/v1.50/containers/c1/wait?condition=next-exit');
    let settled = false;
    void pending.result.then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    finish!();
    await expect(pending.result).resolves.toEqual({ Error: null, StatusCode: 3 });
  });

  test('cancel rejects the result without an unhandled rejection', async () => {
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.flushHeaders();
    });
    client = new EngineClient({ host: engine.host });
    const pending = await client.containers.beginWait('c1');
    pending.cancel();
    await expect(pending.result).rejects.toThrow();
  });
});

describe('hijack', () => {
  test('attach upgrades, streams frames and half-closes stdin', async () => {
    engine = await startFakeEngine(() => undefined);
    let stdinSeen = '';
    engine.server.on('upgrade', (request, socket) => {
      socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      socket.write(encodeFrame(1, 'out\n'));
      socket.on('data', (chunk: Buffer) => (stdinSeen += chunk.toString()));
      socket.on('end', () => {
        socket.write(encodeFrame(2, `err:${stdinSeen}`));
        socket.end();
      });
      expect(request.url).toBe('/v1.50/containers/c1/attach?stderr=1&stdin=1&stdout=1&stream=1');
    });
    client = new EngineClient({ host: engine.host });
    const connection = await client.containers.attach('c1', { stdin: true, stdout: true, stderr: true });
    expect(connection.contentType).toBe('application/vnd.docker.multiplexed-stream');
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    connection.socket.write('hello');
    connection.closeWrite();
    await demuxStream(connection.socket, stdout, stderr);
    expect(out).toBe('out\n');
    expect(err).toBe('err:hello');
  });

  test('a refused attach is an EngineApiError', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 409, { message: 'container is not running' }));
    client = new EngineClient({ host: engine.host });
    await expect(client.containers.attach('c1', { stdout: true })).rejects.toMatchObject({ statusCode: 409, message: 'container is not running' });
  });
});

describe('events', () => {
  test('yields parsed events and ends quietly on abort', async () => {
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{}},"time":1,"timeNano":1}\n');
    });
    client = new EngineClient({ host: engine.host });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of client.events({ signal: controller.signal, filters: { type: ['container'] } })) {
      seen.push(event.Action);
      controller.abort();
    }
    expect(seen).toEqual(['start']);
    expect(new URL(engine.requests[1]!.url, 'http://x').searchParams.get('filters')).toBe('{"type":{"container":true}}');
  });
});
