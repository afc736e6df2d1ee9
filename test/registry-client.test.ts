// The engine's registry client (pkg/engine/distribution) in-process against `RegistryServer` behind
// a Bearer token service on loopback: token scopes, refresh tokens from login, registry tokens,
// gzip-once push with its progress messages, dedupe on the second push, pull into a second image
// store with the same image id, and errors raised before any progress is written.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Distribution, type ProgressMessage } from '../pkg/engine/distribution/index.js';
import { ImageStore } from '../pkg/engine/image/index.js';
import { LayerStore } from '../pkg/engine/snapshot/index.js';
import { RegistryServer } from '../pkg/registry/index.js';
import { busyboxRootfs } from './helpers/daemon.js';
import { makeTar } from './helpers/registry.js';

const logger = pino({ level: 'silent' });

interface Node {
  images: ImageStore;
  distribution: Distribution;
}

async function makeNode(root: string): Promise<Node> {
  const layers = new LayerStore({ root: path.join(root, 'overlay2'), logger });
  const images = new ImageStore({ root: path.join(root, 'image'), layerStore: layers, logger, onEvent: () => undefined });
  await layers.open();
  await images.open();
  const distribution = new Distribution({ dataRoot: root, images, layers, logger, onEvent: () => undefined, userAgent: 'berth-test' });
  return { images, distribution };
}

/**
 * A token service in front of the registry, like Docker Hub's: /token hands out tokens for the
 * scopes asked (Basic alice:password, or a refresh token); /v2/ needs a token covering the
 * repository and action, else 401 with a Bearer challenge naming the scope.
 */
class TokenGate {
  readonly server: http.Server;
  readonly tokenRequests: { scopes: string[]; grant: string }[] = [];
  readonly methods: string[] = [];
  private readonly tokens = new Map<string, string[]>();
  private serial = 0;

  constructor(private readonly registry: RegistryServer) {
    this.server = http.createServer((req, res) => void this.route(req, res));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private issue(scopes: string[]): string {
    const token = `token-${++this.serial}`;
    this.tokens.set(token, scopes);
    return token;
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gate');
    if (url.pathname === '/token') {
      let scopes = url.searchParams.getAll('scope');
      let grant = 'password';
      let ok = req.headers.authorization === `Basic ${Buffer.from('alice:password').toString('base64')}`;
      if (req.method === 'POST') {
        const form = new URLSearchParams(await new Response(Readable.toWeb(req) as ReadableStream).text());
        grant = form.get('grant_type') ?? '';
        scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        ok = grant === 'refresh_token' && form.get('refresh_token') === 'refresh-alice';
      }
      this.tokenRequests.push({ scopes, grant });
      if (!ok) {
        res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"incorrect username or password"}]}');
        return;
      }
      const body: Record<string, string> = { token: this.issue(scopes) };
      if (url.searchParams.get('offline_token') === 'true') body.refresh_token = 'refresh-alice';
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    this.methods.push(`${req.method} ${url.pathname}`);
    const match = /^\/v2\/(.+?)\/(?:blobs|manifests|tags)\//.exec(url.pathname);
    const action = req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push';
    const needed = match === null ? undefined : `repository:${match[1]}:${action}`;
    const granted = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, '')) ?? (req.headers.authorization === 'Bearer registry-token' ? ['*'] : undefined);
    const covers = (scope: string): boolean => granted?.some((item) => item === '*' || (item.startsWith(`${scope.slice(0, scope.lastIndexOf(':'))}:`) && item.slice(item.lastIndexOf(':') + 1).split(',').includes(action))) ?? false;
    if (granted === undefined || (needed !== undefined && !covers(needed))) {
      const challenge = `Bearer realm="http://127.0.0.1:${this.port}/token",service="gate"${needed === undefined ? '' : `,scope="${needed}"`}`;
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Type': 'application/json', Connection: 'close' }).end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
      return;
    }
    await this.registry.handle(req, res);
  }
}

describe('distribution client against a Bearer-token registry', () => {
  const root = mkdtempSync('/tmp/brc-');
  let registry: RegistryServer;
  let gate: TokenGate;
  let pusher: Node;
  let puller: Node;
  let busyboxId = '';
  const ALICE = { username: 'alice', password: 'password' };
  const registryName = (): string => `127.0.0.1:${gate.port}`;

  beforeAll(async () => {
    registry = new RegistryServer({ root: path.join(root, 'registry'), logger });
    await registry.open();
    gate = new TokenGate(registry);
    await new Promise<void>((resolve) => gate.server.listen(0, '127.0.0.1', resolve));
    pusher = await makeNode(path.join(root, 'pusher'));
    puller = await makeNode(path.join(root, 'puller'));
    busyboxId = await pusher.images.importRootfs(Readable.from([readFileOnce(busyboxRootfs())]), { reference: 'busybox:latest', changes: ['CMD ["sh"]'] });
    await pusher.images.tag(busyboxId, `${registryName()}/bearer/busybox`, 'v1');
  });

  afterAll(async () => {
    pusher?.distribution.close();
    puller?.distribution.close();
    await new Promise((resolve) => gate?.server.close(resolve));
    gate?.server.closeAllConnections();
    rmSync(root, { recursive: true, force: true });
  });

  test('push: token for pull,push; the uncompressed layer is gzipped once; docker-like progress', async () => {
    const messages: ProgressMessage[] = [];
    await pusher.distribution.push({ image: `${registryName()}/bearer/busybox`, tag: 'v1', auth: ALICE }, (message) => messages.push(message));
    expect(gate.tokenRequests.at(-1)).toEqual({ scopes: ['repository:bearer/busybox:pull,push'], grant: 'password' });
    const statuses = messages.map((message) => `${message.id ?? ''} ${message.status ?? ''}`.trim());
    expect(statuses[0]).toBe(`The push refers to repository [${registryName()}/bearer/busybox]`);
    expect(statuses).toContain(`${busyboxDiffShort()} Preparing`);
    expect(statuses).toContain(`${busyboxDiffShort()} Pushed`);
    const pushing = messages.filter((message) => message.status === 'Pushing');
    expect(pushing.length).toBeGreaterThan(0);
    expect(pushing.at(-1)?.progress).toMatch(/^\[=+>\s*\]\s+\S+\/\S+$/);
    expect(statuses.some((text) => /^v1: digest: sha256:[0-9a-f]{64} size: \d+$/.test(text))).toBe(true);
    expect(messages.at(-1)).toMatchObject({ aux: { Tag: 'v1', Size: expect.any(Number) as number } });
    expect(gate.methods.filter((method) => method.startsWith('PATCH'))).toHaveLength(1);
    expect(pusher.images.inspect(busyboxId).RepoDigests).toEqual([expect.stringMatching(new RegExp(`^${registryName()}/bearer/busybox@sha256:`))]);
  });

  test('a second push reuses the remembered gzip digest: nothing is compressed or uploaded again', async () => {
    const before = gate.methods.length;
    const messages: ProgressMessage[] = [];
    await pusher.distribution.push({ image: `${registryName()}/bearer/busybox:v1`, auth: ALICE }, (message) => messages.push(message));
    expect(messages.map((message) => message.status)).toContain('Layer already exists');
    const after = gate.methods.slice(before);
    expect(after.filter((method) => method.startsWith('PATCH') || method.startsWith('POST'))).toEqual([]);
  });

  test('pull into another store gives the same image id; a refresh token from login works', async () => {
    const login = await puller.distribution.login({ ...ALICE, serveraddress: registryName() });
    expect(login.identityToken).toBe('refresh-alice');
    const messages: ProgressMessage[] = [];
    await puller.distribution.pull({ image: `${registryName()}/bearer/busybox`, tag: 'v1', auth: { identitytoken: 'refresh-alice' } }, (message) => messages.push(message));
    expect(gate.tokenRequests.at(-1)).toEqual({ scopes: ['repository:bearer/busybox:pull'], grant: 'refresh_token' });
    expect(puller.images.resolve(`${registryName()}/bearer/busybox:v1`).id).toBe(busyboxId);
    const statuses = messages.map((message) => message.status);
    expect(statuses).toEqual(expect.arrayContaining(['Pulling from bearer/busybox', 'Pulling fs layer', 'Downloading', 'Verifying Checksum', 'Download complete', 'Pull complete']));
    expect(statuses.at(-1)).toBe(`Status: Downloaded newer image for ${registryName()}/bearer/busybox:v1`);
  });

  test('a registry token is sent as is; a two-layer image pulls with the shared layer skipped', async () => {
    const extra = await pusher.images.ingestLayer(pusher.images.resolve(busyboxId).chainId, Readable.from([await makeTar({ 'etc/motd': 'hi\n' })]));
    const { rootfs, ...config } = pusher.images.config(busyboxId);
    const twoId = await pusher.images.createImage({
      config: { ...config, history: [...(config.history ?? []), { created_by: 'test' }] },
      layerDiffIds: [...rootfs.diff_ids, extra.diffId],
      reference: `${registryName()}/bearer/two:1`,
    });
    await pusher.distribution.push({ image: `${registryName()}/bearer/two`, tag: '1', auth: { registrytoken: 'registry-token' } }, () => undefined);
    const messages: ProgressMessage[] = [];
    await puller.distribution.pull({ image: `${registryName()}/bearer/two:1`, auth: { registrytoken: 'registry-token' } }, (message) => messages.push(message));
    expect(puller.images.resolve(`${registryName()}/bearer/two:1`).id).toBe(twoId);
    expect(messages.filter((message) => message.status === 'Already exists')).toHaveLength(1);
    expect(messages.filter((message) => message.status === 'Pull complete')).toHaveLength(1);
  });

  test('errors before any progress: wrong password, unknown tag', async () => {
    const messages: ProgressMessage[] = [];
    await expect(puller.distribution.pull({ image: `${registryName()}/bearer/busybox:v1`, auth: { username: 'alice', password: 'nope' } }, (message) => messages.push(message))).rejects.toThrow(
      /incorrect username or password/,
    );
    await expect(puller.distribution.pull({ image: `${registryName()}/bearer/busybox:missing`, auth: ALICE }, (message) => messages.push(message))).rejects.toThrow(
      /manifest for .*bearer\/busybox:missing not found: manifest unknown/,
    );
    expect(messages).toEqual([]);
    await expect(puller.distribution.login({ username: 'alice', password: 'nope', serveraddress: registryName() })).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

let busyboxBytes: Buffer | undefined;
function readFileOnce(file: string): Buffer {
  busyboxBytes ??= readFileSync(file);
  return busyboxBytes;
}

function busyboxDiffShort(): string {
  return createHash('sha256').update(busyboxBytes!).digest('hex').slice(0, 12);
}
