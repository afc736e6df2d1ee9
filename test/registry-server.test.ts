// The registry server alone over loopback: every endpoint's happy path and its errors as the OCI
// distribution spec words them, chunked uploads with bad ranges, digest mismatches, cross-repository
// mounts, persistence across restarts, Basic authentication and corruption on disk.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RegistryServer } from '../pkg/registry/index.js';
import { sha256 } from './helpers/registry.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** True when the connection ended before Content-Length bytes arrived. */
  truncated: boolean;
  json<T = Record<string, unknown>>(): T;
}

const logger = pino({ level: 'silent' });
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

function call(port: number, method: string, urlPath: string, body?: Buffer | string, headers: Record<string, string | number> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: { ...(payload ? { 'Content-Length': payload.length } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      let truncated = false;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('aborted', () => (truncated = true));
      res.on('error', () => (truncated = true));
      res.on('close', () => {
        const data = Buffer.concat(chunks);
        const expected = Number(res.headers['content-length']);
        if (method !== 'HEAD' && Number.isFinite(expected) && data.length !== expected) truncated = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, truncated, json: <T>() => JSON.parse(data.toString()) as T });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function errorCodes(reply: Reply): string[] {
  return reply.json<{ errors: { code: string }[] }>().errors.map((error) => error.code);
}

describe('registry server (loopback)', () => {
  const root = mkdtempSync('/tmp/brs-');
  let server: RegistryServer;
  let port = 0;
  const go = (method: string, urlPath: string, body?: Buffer | string, headers?: Record<string, string | number>): Promise<Reply> => call(port, method, urlPath, body, headers);

  async function start(): Promise<void> {
    server = new RegistryServer({ root: path.join(root, 'data'), logger });
    await server.open();
    port = (await server.listen('127.0.0.1', port)).port;
  }

  /** Monolithic upload; returns the digest. */
  async function putBlob(name: string, bytes: Buffer): Promise<string> {
    const digest = sha256(bytes);
    const reply = await go('POST', `/v2/${name}/blobs/uploads/?digest=${digest}`, bytes, { 'Content-Type': 'application/octet-stream' });
    expect(reply.status).toBe(201);
    return digest;
  }

  async function putImage(name: string, tag: string, options: { mediaType?: string; layers?: Buffer[] } = {}): Promise<{ digest: string; bytes: Buffer; config: string; layers: string[] }> {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, nonce: randomBytes(8).toString('hex') }));
    const layers = options.layers ?? [randomBytes(100)];
    const configDigest = await putBlob(name, config);
    const layerDigests: string[] = [];
    for (const layer of layers) layerDigests.push(await putBlob(name, layer));
    const mediaType = options.mediaType ?? DOCKER_MANIFEST;
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType,
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configDigest, size: config.length },
        layers: layers.map((layer, index) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerDigests[index], size: layer.length })),
      }),
    );
    const reply = await go('PUT', `/v2/${name}/manifests/${tag}`, manifest, { 'Content-Type': mediaType });
    expect(reply.status).toBe(201);
    return { digest: reply.headers['docker-content-digest'] as string, bytes: manifest, config: configDigest, layers: layerDigests };
  }

  beforeAll(start);
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('GET /v2/ answers 200 with the API version header', async () => {
    const reply = await go('GET', '/v2/');
    expect(reply.status).toBe(200);
    expect(reply.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expect(reply.json()).toEqual({});
  });

  test('unknown paths are 404 and wrong methods 405 UNSUPPORTED', async () => {
    expect((await go('GET', '/v2/a/nothing-here')).status).toBe(404);
    const reply = await go('POST', '/v2/a/tags/list');
    expect(reply.status).toBe(405);
    expect(errorCodes(reply)).toEqual(['UNSUPPORTED']);
  });

  test('invalid repository names are NAME_INVALID, path traversal included', async () => {
    for (const urlPath of ['/v2/UPPER/tags/list', '/v2/a/..%2f..%2fetc/tags/list', '/v2/a/.%2e%2fx/blobs/uploads/', '/v2/a//b/tags/list', '/v2/a/_manifests/tags/list']) {
      const reply = await go(urlPath.includes('uploads') ? 'POST' : 'GET', urlPath);
      expect(reply.status, urlPath).toBe(400);
      expect(errorCodes(reply)).toEqual(['NAME_INVALID']);
    }
    // Dot segments are resolved by URL parsing before routing: /v2/../x is /x, no endpoint.
    expect((await go('POST', '/v2/%2e%2e/blobs/uploads/')).status).toBe(404);
    expect((await go('POST', '/v2/a/%2e%2e/%2e%2e/x/blobs/uploads/')).status).toBe(404);
    expect(readdirSync(path.join(root, 'data'))).not.toContain('etc');
  });

  test('monolithic upload, then HEAD and GET of the blob', async () => {
    const bytes = randomBytes(5000);
    const digest = sha256(bytes);
    const posted = await go('POST', `/v2/mono/blobs/uploads/?digest=${digest}`, bytes);
    expect(posted.status).toBe(201);
    expect(posted.headers.location).toBe(`/v2/mono/blobs/${digest}`);
    expect(posted.headers['docker-content-digest']).toBe(digest);
    const head = await go('HEAD', `/v2/mono/blobs/${digest}`);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('5000');
    expect(head.headers['docker-content-digest']).toBe(digest);
    const got = await go('GET', `/v2/mono/blobs/${digest}`);
    expect(got.status).toBe(200);
    expect(got.body.equals(bytes)).toBe(true);
  });

  test('a monolithic upload with the wrong digest is DIGEST_INVALID and stores nothing', async () => {
    const bytes = randomBytes(100);
    const wrong = sha256('something else');
    const reply = await go('POST', `/v2/mono/blobs/uploads/?digest=${wrong}`, bytes);
    expect(reply.status).toBe(400);
    expect(errorCodes(reply)).toEqual(['DIGEST_INVALID']);
    expect((await go('HEAD', `/v2/mono/blobs/${wrong}`)).status).toBe(404);
    expect((await go('HEAD', `/v2/mono/blobs/${sha256(bytes)}`)).status).toBe(404);
  });

  test('chunked upload: ranges checked, 416 on gaps, overlaps and malformed ranges, status and completion', async () => {
    const bytes = randomBytes(30);
    const started = await go('POST', '/v2/chunked/blobs/uploads/');
    expect(started.status).toBe(202);
    expect(started.headers.range).toBe('0-0');
    const id = started.headers['docker-upload-uuid'] as string;
    const location = started.headers.location as string;
    expect(location).toBe(`/v2/chunked/blobs/uploads/${id}`);
    const first = await go('PATCH', location, bytes.subarray(0, 10), { 'Content-Range': '0-9', 'Content-Type': 'application/octet-stream' });
    expect(first.status).toBe(202);
    expect(first.headers.range).toBe('0-9');
    for (const [range, chunk] of [['15-24', bytes.subarray(15, 25)], ['5-14', bytes.subarray(5, 15)], ['x-y', bytes.subarray(10, 20)], ['10-29', bytes.subarray(10, 20)]] as const) {
      const refused = await go('PATCH', location, chunk, { 'Content-Range': range });
      expect(refused.status, range).toBe(416);
      expect(refused.headers.range).toBe('0-9');
      expect(errorCodes(refused)).toEqual(['RANGE_INVALID']);
    }
    const status = await go('GET', location);
    expect(status.status).toBe(204);
    expect(status.headers.range).toBe('0-9');
    const second = await go('PATCH', location, bytes.subarray(10, 20), { 'Content-Range': '10-19' });
    expect(second.headers.range).toBe('0-19');
    // The last chunk rides on the PUT.
    const done = await go('PUT', `${location}?digest=${sha256(bytes)}`, bytes.subarray(20), { 'Content-Range': '20-29' });
    expect(done.status).toBe(201);
    expect(done.headers['docker-content-digest']).toBe(sha256(bytes));
    expect((await go('GET', `/v2/chunked/blobs/${sha256(bytes)}`)).body.equals(bytes)).toBe(true);
    expect((await go('GET', location)).status).toBe(404);
  });

  test('streamed PATCH without Content-Range (chunked transfer encoding), completed by a PUT without body', async () => {
    const bytes = randomBytes(200_000);
    const started = await go('POST', '/v2/streamed/blobs/uploads/');
    const location = started.headers.location as string;
    const patched = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'PATCH', path: location, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(bytes.subarray(0, 100_000));
      setTimeout(() => req.end(bytes.subarray(100_000)), 10);
    });
    expect(patched).toBe(202);
    const done = await go('PUT', `${location}?digest=${sha256(bytes)}`);
    expect(done.status).toBe(201);
  });

  test('completing with a wrong or missing digest is DIGEST_INVALID; cancel forgets the upload', async () => {
    const started = await go('POST', '/v2/cancel/blobs/uploads/');
    const location = started.headers.location as string;
    await go('PATCH', location, 'hello', { 'Content-Range': '0-4' });
    const wrong = await go('PUT', `${location}?digest=${sha256('other')}`);
    expect(wrong.status).toBe(400);
    expect(errorCodes(wrong)).toEqual(['DIGEST_INVALID']);
    const missing = await go('PUT', location);
    expect(errorCodes(missing)).toEqual(['DIGEST_INVALID']);
    expect((await go('DELETE', location)).status).toBe(204);
    const gone = await go('GET', location);
    expect(gone.status).toBe(404);
    expect(errorCodes(gone)).toEqual(['BLOB_UPLOAD_UNKNOWN']);
  });

  test('uploads are per repository and unknown ids are BLOB_UPLOAD_UNKNOWN', async () => {
    const started = await go('POST', '/v2/owner/blobs/uploads/');
    const id = started.headers['docker-upload-uuid'] as string;
    expect((await go('PATCH', `/v2/intruder/blobs/uploads/${id}`, 'x')).status).toBe(404);
    expect(errorCodes(await go('GET', '/v2/owner/blobs/uploads/not-a-uuid'))).toEqual(['BLOB_UPLOAD_UNKNOWN']);
    expect(errorCodes(await go('GET', '/v2/owner/blobs/uploads/00000000-0000-4000-8000-000000000000'))).toEqual(['BLOB_UPLOAD_UNKNOWN']);
  });

  test('blob errors: unknown, in another repository, malformed digest', async () => {
    const digest = await putBlob('mine', randomBytes(10));
    expect(errorCodes(await go('GET', `/v2/mine/blobs/${sha256('nope')}`))).toEqual(['BLOB_UNKNOWN']);
    expect((await go('GET', `/v2/other/blobs/${digest}`)).status).toBe(404);
    const malformed = await go('GET', '/v2/mine/blobs/sha256:xyz');
    expect(malformed.status).toBe(400);
    expect(errorCodes(malformed)).toEqual(['DIGEST_INVALID']);
  });

  test('Range requests on small and large blobs; unsatisfiable ranges are 416', async () => {
    const small = randomBytes(1000);
    const large = randomBytes(5 * 1024 * 1024);
    for (const bytes of [small, large]) {
      const digest = await putBlob('ranges', bytes);
      const partial = await go('GET', `/v2/ranges/blobs/${digest}`, undefined, { Range: 'bytes=100-199' });
      expect(partial.status).toBe(206);
      expect(partial.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
      expect(partial.body.equals(bytes.subarray(100, 200))).toBe(true);
      const suffix = await go('GET', `/v2/ranges/blobs/${digest}`, undefined, { Range: 'bytes=-10' });
      expect(suffix.body.equals(bytes.subarray(bytes.length - 10))).toBe(true);
      const beyond = await go('GET', `/v2/ranges/blobs/${digest}`, undefined, { Range: `bytes=${bytes.length}-` });
      expect(beyond.status).toBe(416);
      expect(beyond.headers['content-range']).toBe(`bytes */${bytes.length}`);
    }
  });

  test('cross-repository mount: 201 from a repository holding the blob, else a normal upload (202)', async () => {
    const digest = await putBlob('source', randomBytes(64));
    const mounted = await go('POST', `/v2/target/blobs/uploads/?mount=${digest}&from=source`);
    expect(mounted.status).toBe(201);
    expect(mounted.headers.location).toBe(`/v2/target/blobs/${digest}`);
    expect((await go('HEAD', `/v2/target/blobs/${digest}`)).status).toBe(200);
    const fallback = await go('POST', `/v2/target2/blobs/uploads/?mount=${digest}&from=empty-repo`);
    expect(fallback.status).toBe(202);
    expect(fallback.headers.location).toMatch(/^\/v2\/target2\/blobs\/uploads\//);
    expect((await go('HEAD', `/v2/target2/blobs/${digest}`)).status).toBe(404);
  });

  test('manifests: PUT by tag, GET and HEAD by tag and digest, the digest header', async () => {
    const image = await putImage('app/web', 'v1');
    expect(image.digest).toBe(sha256(image.bytes));
    for (const reference of ['v1', image.digest]) {
      const got = await go('GET', `/v2/app/web/manifests/${reference}`, undefined, { Accept: DOCKER_MANIFEST });
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe(DOCKER_MANIFEST);
      expect(got.headers['docker-content-digest']).toBe(image.digest);
      expect(got.body.equals(image.bytes)).toBe(true);
      const head = await go('HEAD', `/v2/app/web/manifests/${reference}`);
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(String(image.bytes.length));
      expect(head.body.length).toBe(0);
    }
    const missing = await go('GET', '/v2/app/web/manifests/v2');
    expect(missing.status).toBe(404);
    expect(errorCodes(missing)).toEqual(['MANIFEST_UNKNOWN']);
    expect(errorCodes(await go('GET', '/v2/no/such/repo/manifests/v1'))).toEqual(['NAME_UNKNOWN']);
  });

  test('manifest PUT errors: unknown blobs (each listed), wrong digest, invalid documents, bad tags', async () => {
    const config = await putBlob('strict', Buffer.from('{}'));
    const unknownA = sha256('a');
    const unknownB = sha256('b');
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: config, size: 2 },
        layers: [unknownA, unknownB].map((digest) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest, size: 1 })),
      }),
    );
    const blobUnknown = await go('PUT', '/v2/strict/manifests/v1', manifest, { 'Content-Type': DOCKER_MANIFEST });
    expect(blobUnknown.status).toBe(400);
    const body = blobUnknown.json<{ errors: { code: string; detail: { digest: string } }[] }>();
    expect(body.errors.map((error) => [error.code, error.detail.digest])).toEqual([
      ['MANIFEST_BLOB_UNKNOWN', unknownA],
      ['MANIFEST_BLOB_UNKNOWN', unknownB],
    ]);
    const sizeWrong = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: 'x', digest: config, size: 3 }, layers: [] }));
    expect(errorCodes(await go('PUT', '/v2/strict/manifests/v1', sizeWrong, { 'Content-Type': DOCKER_MANIFEST }))).toEqual(['MANIFEST_INVALID']);
    const good = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST, config: { mediaType: 'x', digest: config, size: 2 }, layers: [] }));
    const byWrongDigest = await go('PUT', `/v2/strict/manifests/${sha256('not it')}`, good, { 'Content-Type': DOCKER_MANIFEST });
    expect(errorCodes(byWrongDigest)).toEqual(['DIGEST_INVALID']);
    expect((await go('PUT', `/v2/strict/manifests/${sha256(good)}`, good, { 'Content-Type': DOCKER_MANIFEST })).status).toBe(201);
    expect(errorCodes(await go('PUT', '/v2/strict/manifests/v1', '{"schemaVersion":2', { 'Content-Type': DOCKER_MANIFEST }))).toEqual(['MANIFEST_INVALID']);
    expect(errorCodes(await go('PUT', '/v2/strict/manifests/.bad', good, { 'Content-Type': DOCKER_MANIFEST }))).toEqual(['TAG_INVALID']);
    const huge = await go('PUT', '/v2/strict/manifests/v1', Buffer.alloc(4 * 1024 * 1024 + 10, 32), { 'Content-Type': DOCKER_MANIFEST });
    expect(huge.status).toBe(413);
  });

  test('OCI manifests and indexes; an index needs its manifests; Accept negotiation', async () => {
    const amd64 = await putImage('multi', 'amd64', { mediaType: OCI_MANIFEST });
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: amd64.digest, size: amd64.bytes.length, platform: { os: 'linux', architecture: 'amd64' } }],
      }),
    );
    const missingChild = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, digest: sha256('x'), size: 1 }] }));
    expect(errorCodes(await go('PUT', '/v2/multi/manifests/broken', missingChild, { 'Content-Type': OCI_INDEX }))).toEqual(['MANIFEST_BLOB_UNKNOWN']);
    expect((await go('PUT', '/v2/multi/manifests/latest', index, { 'Content-Type': OCI_INDEX })).status).toBe(201);
    const asIndex = await go('GET', '/v2/multi/manifests/latest', undefined, { Accept: `${OCI_MANIFEST}, ${OCI_INDEX}` });
    expect(asIndex.headers['content-type']).toBe(OCI_INDEX);
    expect(asIndex.body.equals(index)).toBe(true);
    // A client that takes only image manifests gets the linux/amd64 entry.
    const fallback = await go('GET', '/v2/multi/manifests/latest', undefined, { Accept: OCI_MANIFEST });
    expect(fallback.headers['docker-content-digest']).toBe(amd64.digest);
    const refused = await go('GET', '/v2/multi/manifests/amd64', undefined, { Accept: DOCKER_MANIFEST });
    expect(refused.status).toBe(404);
    expect(refused.json<{ errors: { message: string }[] }>().errors[0].message).toMatch(/OCI manifest found, but accept header does not support/);
    const list = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_LIST, manifests: [{ mediaType: OCI_MANIFEST, digest: amd64.digest, size: amd64.bytes.length }] }));
    expect((await go('PUT', '/v2/multi/manifests/list', list, { 'Content-Type': DOCKER_LIST })).status).toBe(201);
  });

  test('tags list with pagination and Link headers; NAME_UNKNOWN for unknown repositories', async () => {
    const image = await putImage('paged', 'c');
    for (const tag of ['a', 'b', 'd']) expect((await go('PUT', `/v2/paged/manifests/${tag}`, image.bytes, { 'Content-Type': DOCKER_MANIFEST })).status).toBe(201);
    expect((await go('GET', '/v2/paged/tags/list')).json()).toEqual({ name: 'paged', tags: ['a', 'b', 'c', 'd'] });
    const first = await go('GET', '/v2/paged/tags/list?n=2');
    expect(first.json()).toEqual({ name: 'paged', tags: ['a', 'b'] });
    expect(first.headers.link).toBe('</v2/paged/tags/list?n=2&last=b>; rel="next"');
    const second = await go('GET', '/v2/paged/tags/list?n=2&last=b');
    expect(second.json()).toEqual({ name: 'paged', tags: ['c', 'd'] });
    expect(second.headers.link).toBeUndefined();
    expect((await go('GET', '/v2/paged/tags/list?n=0')).json()).toEqual({ name: 'paged', tags: [] });
    expect(errorCodes(await go('GET', '/v2/paged/tags/list?n=-1'))).toEqual(['PAGINATION_NUMBER_INVALID']);
    expect(errorCodes(await go('GET', '/v2/never/pushed/tags/list'))).toEqual(['NAME_UNKNOWN']);
  });

  test('_catalog lists repositories with pagination', async () => {
    const all = (await go('GET', '/v2/_catalog')).json<{ repositories: string[] }>().repositories;
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['app/web', 'multi', 'paged']));
    expect(all).not.toContain('mono'); // blobs only, no manifest
    const page = await go('GET', '/v2/_catalog?n=1');
    expect(page.json<{ repositories: string[] }>().repositories).toEqual([all[0]]);
    expect(page.headers.link).toBe(`</v2/_catalog?n=1&last=${encodeURIComponent(all[0]).replace(/%2F/g, '%2F')}>; rel="next"`);
    const next = await go('GET', `/v2/_catalog?n=1&last=${encodeURIComponent(all[0])}`);
    expect(next.json<{ repositories: string[] }>().repositories).toEqual([all[1]]);
  });

  test('deletes: a tag, a manifest (with its tags), a blob; unknown ones are 404', async () => {
    const image = await putImage('doomed', 'keep');
    expect((await go('PUT', '/v2/doomed/manifests/gone', image.bytes, { 'Content-Type': DOCKER_MANIFEST })).status).toBe(201);
    expect((await go('DELETE', '/v2/doomed/manifests/gone')).status).toBe(202);
    expect((await go('GET', '/v2/doomed/tags/list')).json()).toEqual({ name: 'doomed', tags: ['keep'] });
    expect((await go('DELETE', `/v2/doomed/manifests/${image.digest}`)).status).toBe(202);
    expect((await go('GET', '/v2/doomed/manifests/keep')).status).toBe(404);
    expect((await go('GET', '/v2/doomed/tags/list')).json()).toEqual({ name: 'doomed', tags: [] });
    expect(errorCodes(await go('DELETE', `/v2/doomed/manifests/${image.digest}`))).toEqual(['MANIFEST_UNKNOWN']);
    expect((await go('DELETE', `/v2/doomed/blobs/${image.layers[0]}`)).status).toBe(202);
    expect(errorCodes(await go('GET', `/v2/doomed/blobs/${image.layers[0]}`))).toEqual(['BLOB_UNKNOWN']);
    expect(errorCodes(await go('DELETE', `/v2/doomed/blobs/${image.layers[0]}`))).toEqual(['BLOB_UNKNOWN']);
    // Nothing refers to the layer any more: its data is gone from disk too.
    expect(readdirSync(path.join(root, 'data', 'blobs', 'sha256'))).not.toContain(image.layers[0].slice(7));
  });

  test('a blob shared by two repositories survives the delete in one of them', async () => {
    const digest = await putBlob('shared-a', randomBytes(32));
    expect((await go('POST', `/v2/shared-b/blobs/uploads/?mount=${digest}&from=shared-a`)).status).toBe(201);
    expect((await go('DELETE', `/v2/shared-a/blobs/${digest}`)).status).toBe(202);
    expect((await go('GET', `/v2/shared-b/blobs/${digest}`)).status).toBe(200);
  });

  test('a corrupt small blob is detected, answered 500 and quarantined, never served', async () => {
    const bytes = randomBytes(1000);
    const digest = await putBlob('corrupt', bytes);
    const file = path.join(root, 'data', 'blobs', 'sha256', digest.slice(7));
    const damaged = Buffer.from(bytes);
    damaged[500] ^= 0xff;
    writeFileSync(file, damaged);
    const reply = await go('GET', `/v2/corrupt/blobs/${digest}`);
    expect(reply.status).toBe(500);
    expect(reply.body.includes(damaged.subarray(400, 600))).toBe(false);
    expect(errorCodes(reply)).toEqual(['UNKNOWN']);
    expect((await go('GET', `/v2/corrupt/blobs/${digest}`)).status).toBe(404);
    expect(readdirSync(path.join(root, 'data', 'quarantine')).some((name) => name.startsWith(digest.slice(7)))).toBe(true);
  });

  test('a corrupt large blob is cut before its last bytes; a range of it is refused', async () => {
    const bytes = randomBytes(6 * 1024 * 1024);
    const digest = await putBlob('corrupt', bytes);
    const file = path.join(root, 'data', 'blobs', 'sha256', digest.slice(7));
    const damaged = Buffer.from(bytes);
    damaged[3_000_000] ^= 0x01;
    writeFileSync(file, damaged);
    const ranged = await go('GET', `/v2/corrupt/blobs/${digest}`, undefined, { Range: 'bytes=0-99' });
    expect(ranged.status).toBe(500);
    // Quarantined by the ranged read: put it back to exercise the streaming path too.
    writeFileSync(file, damaged);
    const reply = await go('GET', `/v2/corrupt/blobs/${digest}`);
    expect(reply.status).toBe(200);
    expect(reply.truncated).toBe(true);
    expect(reply.body.length).toBeLessThan(bytes.length);
    expect((await go('HEAD', `/v2/corrupt/blobs/${digest}`)).status).toBe(404);
  });

  test('a corrupt manifest is a 500, not its bytes', async () => {
    const image = await putImage('corrupt-manifest', 'v1');
    const file = path.join(root, 'data', 'blobs', 'sha256', image.digest.slice(7));
    writeFileSync(file, image.bytes.toString().replace('schemaVersion', 'schemaVersioN'));
    expect((await go('GET', '/v2/corrupt-manifest/manifests/v1')).status).toBe(500);
  });

  test('content and upload sessions survive a restart', async () => {
    const image = await putImage('durable', 'v1');
    const bytes = randomBytes(50);
    const started = await go('POST', '/v2/durable/blobs/uploads/');
    const location = started.headers.location as string;
    await go('PATCH', location, bytes.subarray(0, 20), { 'Content-Range': '0-19' });
    await server.close();
    await start();
    expect((await go('GET', '/v2/durable/manifests/v1')).body.equals(image.bytes)).toBe(true);
    const status = await go('GET', location);
    expect(status.status).toBe(204);
    expect(status.headers.range).toBe('0-19');
    await go('PATCH', location, bytes.subarray(20), { 'Content-Range': '20-49' });
    expect((await go('PUT', `${location}?digest=${sha256(bytes)}`)).status).toBe(201);
  });
});

describe('registry server with Basic authentication', () => {
  const root = mkdtempSync('/tmp/brs-auth-');
  let server: RegistryServer;
  let port = 0;
  const basic = (user: string, password: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

  beforeAll(async () => {
    const htpasswd = path.join(root, 'htpasswd');
    // alice/password (bcrypt, cost 4) and carol/secret ({SHA}).
    writeFileSync(htpasswd, 'alice:$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm\ncarol:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n');
    server = new RegistryServer({ root: path.join(root, 'data'), logger, htpasswd, realm: 'Test Realm' });
    await server.open();
    port = (await server.listen('127.0.0.1', 0)).port;
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('no or wrong credentials: 401 UNAUTHORIZED with a Basic challenge', async () => {
    for (const headers of [{}, basic('alice', 'wrong'), basic('mallory', 'password'), { Authorization: 'Bearer x' }]) {
      const reply = await call(port, 'GET', '/v2/', undefined, headers);
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Basic realm="Test Realm"');
      expect(errorCodes(reply)).toEqual(['UNAUTHORIZED']);
    }
  });

  test('bcrypt and {SHA} users get in, on every endpoint', async () => {
    expect((await call(port, 'GET', '/v2/', undefined, basic('alice', 'password'))).status).toBe(200);
    expect((await call(port, 'GET', '/v2/_catalog', undefined, basic('carol', 'secret'))).status).toBe(200);
    expect((await call(port, 'GET', '/v2/_catalog')).status).toBe(401);
    expect((await call(port, 'POST', '/v2/x/blobs/uploads/')).status).toBe(401);
  });
});
