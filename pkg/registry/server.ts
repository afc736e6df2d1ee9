// The registry's HTTP server (effectful): the OCI distribution API under /v2/ over RegistryStorage,
// with optional Basic authentication. Bodies stream to and from disk; only manifests (≤ 4 MiB) and
// small blobs are held in memory.
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { BasicAuth } from './auth.js';
import { RegistryError, RegistryErrors, errorEnvelope } from './errors.js';
import { MAX_MANIFEST_BYTES, indexChildren, isIndexMediaType, negotiate, validateManifest } from './manifest.js';
import { type Endpoint, isDigest, isRepositoryName, isSha256, isTag, isUploadId, matchEndpoint } from './names.js';
import { MAX_PAGE_SIZE, nextLink, paginate, parsePageSize, sortNames } from './pagination.js';
import { parseRangeRequest, parseUploadRange, uploadRangeHeader } from './range.js';
import { CorruptBlobError, RegistryStorage } from './storage.js';

export interface RegistryServerOptions {
  /** Where blobs, manifests, tags and uploads live (created if missing). */
  root: string;
  logger: Logger;
  /** An htpasswd file: every request then needs Basic credentials from it. */
  htpasswd?: string;
  /** The Basic challenge's realm. */
  realm?: string;
}

/** Blobs up to this size are read whole and verified before the first byte is sent (a clean 500 when corrupt). */
const SMALL_BLOB_BYTES = 4 * 1024 * 1024;
const API_VERSION_HEADER = { 'Docker-Distribution-API-Version': 'registry/2.0' };

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export class RegistryServer {
  readonly storage: RegistryStorage;
  private readonly auth: BasicAuth | undefined;
  private readonly logger: Logger;
  private server: http.Server | undefined;

  constructor(options: RegistryServerOptions) {
    this.logger = options.logger;
    this.storage = new RegistryStorage(options.root, options.logger);
    this.auth = options.htpasswd === undefined ? undefined : new BasicAuth(options.htpasswd, options.realm ?? 'Berth Registry', options.logger);
  }

  async open(): Promise<void> {
    await this.storage.open();
    await this.auth?.load();
  }

  /** Listens on host:port (port 0 picks one); resolves with the bound address. */
  async listen(host: string, port: number): Promise<AddressInfo> {
    // No overall request deadline (uploads of large layers take what they take), but a socket idle
    // for 5 minutes is dropped and request heads must arrive within a minute.
    const server = http.createServer({ keepAlive: true, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => void this.handle(req, res));
    server.setTimeout(300_000);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /** Stops accepting connections and closes idle ones; in-flight requests finish. Idempotent. */
  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      // In-flight transfers get a grace period, then their connections are cut.
      const timer = setTimeout(() => server.closeAllConnections(), 5000);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One request, start to end; never throws. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://registry.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    try {
      let pathname: string;
      try {
        pathname = decodeURIComponent(url.pathname);
      } catch {
        throw new RegistryError('NAME_INVALID', 'malformed %-escape in the path');
      }
      const endpoint = matchEndpoint(pathname);
      if (endpoint === undefined) throw new RegistryError('UNSUPPORTED', `no such endpoint: ${req.method ?? ''} ${pathname}`, undefined, { status: 404 });
      this.auth?.check(req.headers.authorization);
      if ('name' in endpoint && !isRepositoryName(endpoint.name)) throw new RegistryError('NAME_INVALID', undefined, { name: endpoint.name });
      const handler = this.route(endpoint, req.method ?? 'GET');
      await handler(req, res, url);
    } catch (err) {
      this.fail(req, res, err);
    }
  }

  private route(endpoint: Endpoint, method: string): Handler {
    const table: Record<string, Handler> = {};
    switch (endpoint.kind) {
      case 'base':
        table.GET = table.HEAD = async (req, res) => this.reply(req, res, 200, { 'Content-Type': 'application/json' }, Buffer.from('{}'));
        break;
      case 'catalog':
        table.GET = (req, res, url) => this.catalog(req, res, url);
        break;
      case 'tags':
        table.GET = (req, res, url) => this.tags(endpoint.name, req, res, url);
        break;
      case 'manifest':
        table.GET = table.HEAD = (req, res) => this.getManifest(endpoint.name, endpoint.reference, req, res);
        table.PUT = (req, res) => this.putManifest(endpoint.name, endpoint.reference, req, res);
        table.DELETE = (req, res) => this.deleteManifest(endpoint.name, endpoint.reference, req, res);
        break;
      case 'blob':
        table.GET = table.HEAD = (req, res) => this.getBlob(endpoint.name, endpoint.digest, req, res);
        table.DELETE = (req, res) => this.deleteBlob(endpoint.name, endpoint.digest, req, res);
        break;
      case 'uploads':
        table.POST = (req, res, url) => this.startUpload(endpoint.name, req, res, url);
        break;
      case 'upload':
        table.GET = (req, res) => this.uploadStatus(endpoint.name, endpoint.id, req, res);
        table.PATCH = (req, res) => this.patchUpload(endpoint.name, endpoint.id, req, res);
        table.PUT = (req, res, url) => this.putUpload(endpoint.name, endpoint.id, req, res, url);
        table.DELETE = (req, res) => this.deleteUpload(endpoint.name, endpoint.id, req, res);
        break;
    }
    const handler = table[method];
    if (handler === undefined) {
      throw new RegistryError('UNSUPPORTED', `${method} is not allowed here`, undefined, { headers: { Allow: Object.keys(table).join(', ') } });
    }
    return handler;
  }

  // ---- responses ----

  private reply(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer): void {
    const all: Record<string, string | number> = { ...API_VERSION_HEADER, ...headers };
    if (body !== undefined) all['Content-Length'] = body.length;
    else if (all['Content-Length'] === undefined) all['Content-Length'] = 0;
    // A request whose body we did not read: close rather than read a possibly huge body to keep the connection.
    if (!req.complete && req.method !== 'GET' && req.method !== 'HEAD') all.Connection = 'close';
    res.writeHead(status, all);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private json(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
    this.reply(req, res, status, { 'Content-Type': 'application/json', ...headers }, Buffer.from(`${JSON.stringify(value)}\n`));
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    let error: RegistryError;
    if (err instanceof RegistryError) error = err;
    else if (err instanceof CorruptBlobError) error = new RegistryError('UNKNOWN', err.message, { digest: err.digest });
    else error = new RegistryError('UNKNOWN', err instanceof Error ? err.message : String(err));
    if (error.status >= 500) this.logger.error({ err, method: req.method, url: req.url }, 'registry request failed');
    else this.logger.debug({ code: error.code, method: req.method, url: req.url }, 'registry request refused');
    if (res.headersSent) {
      res.destroy(err instanceof Error ? err : undefined);
      return;
    }
    const errors = err instanceof RegistryErrors ? err.all : [error];
    this.json(req, res, error.status, errorEnvelope(errors), error.headers);
  }

  // ---- catalog and tags ----

  private async catalog(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const n = parsePageSize(url.searchParams.get('n'));
    const page = paginate(sortNames(await this.storage.repositories()), { n, last: url.searchParams.get('last') ?? undefined, limit: MAX_PAGE_SIZE });
    const headers: Record<string, string> = page.next === undefined ? {} : { Link: nextLink('/v2/_catalog', n ?? MAX_PAGE_SIZE, page.next) };
    this.json(req, res, 200, { repositories: page.items }, headers);
  }

  private async tags(name: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const n = parsePageSize(url.searchParams.get('n'));
    const tags = await this.storage.listTags(name);
    if (tags === undefined) throw new RegistryError('NAME_UNKNOWN', undefined, { name });
    const page = paginate(sortNames(tags), { n, last: url.searchParams.get('last') ?? undefined });
    const headers: Record<string, string> = page.next === undefined ? {} : { Link: nextLink(`/v2/${name}/tags/list`, n, page.next) };
    this.json(req, res, 200, { name, tags: page.items }, headers);
  }

  // ---- manifests ----

  private checkReference(reference: string): void {
    if (isDigest(reference)) return;
    if (!isTag(reference)) throw new RegistryError('TAG_INVALID', 'invalid tag or digest', { reference });
  }

  private async getManifest(name: string, reference: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkReference(reference);
    let stored = isDigest(reference) && !isSha256(reference) ? undefined : await this.storage.getManifest(name, reference);
    if (stored === undefined) {
      if (!(await this.storage.repositoryExists(name))) throw new RegistryError('NAME_UNKNOWN', undefined, { name });
      throw new RegistryError('MANIFEST_UNKNOWN', undefined, { name, reference });
    }
    const accept = req.headers.accept;
    const decision = negotiate(stored.mediaType, accept, isIndexMediaType(stored.mediaType) ? { manifests: indexChildren(stored.bytes) } : undefined);
    if (decision.kind === 'refuse') throw new RegistryError('MANIFEST_UNKNOWN', decision.reason, { name, reference });
    if (decision.kind === 'platform-manifest') {
      stored = await this.storage.getManifest(name, decision.descriptor.digest);
      if (stored === undefined) throw new RegistryError('MANIFEST_UNKNOWN', undefined, { name, reference: decision.descriptor.digest });
    }
    this.reply(req, res, 200, { 'Content-Type': stored.mediaType, 'Docker-Content-Digest': stored.digest, ETag: `"${stored.digest}"` }, stored.bytes);
  }

  private async putManifest(name: string, reference: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkReference(reference);
    if (isDigest(reference) && !isSha256(reference)) throw new RegistryError('DIGEST_INVALID', 'only sha256 manifest digests are supported', { digest: reference });
    const body = await readCapped(req, MAX_MANIFEST_BYTES);
    const manifest = validateManifest(body, req.headers['content-type']);
    const computed = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    if (isDigest(reference) && reference !== computed) throw new RegistryError('DIGEST_INVALID', undefined, { expected: reference, actual: computed });
    const digest = await this.storage.exclusive(async () => {
      const errors: RegistryError[] = [];
      for (const blob of manifest.blobs) {
        const size = isSha256(blob.digest) ? await this.storage.repoBlobSize(name, blob.digest) : undefined;
        if (size === undefined) errors.push(new RegistryError('MANIFEST_BLOB_UNKNOWN', undefined, { digest: blob.digest }));
        else if (size !== blob.size) errors.push(new RegistryError('MANIFEST_INVALID', undefined, `blob ${blob.digest} is ${size} bytes, the manifest says ${blob.size}`));
      }
      for (const child of manifest.manifests) {
        const known = isSha256(child.digest) ? await this.storage.manifestMediaType(name, child.digest) : undefined;
        if (known === undefined) errors.push(new RegistryError('MANIFEST_BLOB_UNKNOWN', 'manifest unknown to registry', { digest: child.digest }));
      }
      if (errors.length > 0) throw new RegistryErrors(errors);
      return this.storage.putManifest(name, body, manifest.mediaType, isDigest(reference) ? undefined : reference);
    });
    this.logger.info({ name, reference, digest, mediaType: manifest.mediaType }, 'manifest stored');
    this.reply(req, res, 201, { Location: `/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest });
  }

  private async deleteManifest(name: string, reference: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkReference(reference);
    const deleted = isDigest(reference) ? isSha256(reference) && (await this.storage.deleteManifest(name, reference)) : await this.storage.deleteTag(name, reference);
    if (!deleted) throw new RegistryError('MANIFEST_UNKNOWN', undefined, { name, reference });
    this.logger.info({ name, reference }, 'manifest deleted');
    this.reply(req, res, 202, {});
  }

  // ---- blobs ----

  private checkDigest(digest: string): void {
    if (!isDigest(digest)) throw new RegistryError('DIGEST_INVALID', 'invalid digest', { digest });
  }

  private async getBlob(name: string, digest: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkDigest(digest);
    const size = isSha256(digest) ? await this.storage.repoBlobSize(name, digest) : undefined;
    if (size === undefined) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest });
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'max-age=31536000',
    };
    const range = parseRangeRequest(req.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      this.reply(req, res, 416, { ...headers, 'Content-Range': `bytes */${size}` });
      return;
    }
    if (req.method === 'HEAD') {
      this.reply(req, res, 200, { ...headers, 'Content-Length': size });
      return;
    }
    if (size <= SMALL_BLOB_BYTES) {
      const bytes = await this.storage.readVerified(digest);
      if (bytes === undefined) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest });
      if (range.kind === 'partial') {
        const { start, end } = range.range;
        this.reply(req, res, 206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` }, bytes.subarray(start, end + 1));
      } else {
        this.reply(req, res, 200, headers, bytes);
      }
      return;
    }
    if (range.kind === 'partial') {
      await this.storage.verify(digest);
      const { start, end } = range.range;
      res.writeHead(206, { ...API_VERSION_HEADER, ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': end - start + 1 });
      await this.stream(this.storage.openRange(digest, start, end), res, digest);
      return;
    }
    res.writeHead(200, { ...API_VERSION_HEADER, ...headers, 'Content-Length': size });
    await this.stream(this.storage.openVerified(digest), res, digest);
  }

  /** Sends a blob body; on corruption or a read error mid-way the connection is cut, never completed. */
  private async stream(source: NodeJS.ReadableStream, res: ServerResponse, digest: string): Promise<void> {
    try {
      await pipeline(source, res);
    } catch (err) {
      if (err instanceof CorruptBlobError) this.logger.error({ digest, actual: err.actual }, 'corrupt blob: transfer cut before its last bytes');
      else this.logger.debug({ err, digest }, 'blob transfer ended early');
      res.destroy();
    }
  }

  private async deleteBlob(name: string, digest: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkDigest(digest);
    if (!isSha256(digest) || !(await this.storage.deleteBlob(name, digest))) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest });
    this.logger.info({ name, digest }, 'blob deleted');
    this.reply(req, res, 202, {});
  }

  // ---- uploads ----

  private uploadHeaders(name: string, id: string, offset: number): Record<string, string> {
    return { Location: `/v2/${name}/blobs/uploads/${id}`, Range: uploadRangeHeader(offset), 'Docker-Upload-UUID': id, 'Blob-Upload-Session-ID': id };
  }

  private created(req: IncomingMessage, res: ServerResponse, name: string, digest: string): void {
    this.reply(req, res, 201, { Location: `/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
  }

  private async startUpload(name: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    if (mount !== null && isSha256(mount) && (from === null || isRepositoryName(from))) {
      const mounted = await this.storage.exclusive(async () => {
        const size = from === null ? await this.storage.blobSize(mount) : await this.storage.repoBlobSize(from, mount);
        if (size === undefined) return false;
        await this.storage.linkBlob(name, mount);
        return true;
      });
      if (mounted) {
        this.logger.info({ name, from, digest: mount }, 'blob mounted');
        this.created(req, res, name, mount);
        return;
      }
    }
    const digest = url.searchParams.get('digest');
    if (digest !== null) {
      this.checkDigest(digest);
      if (!isSha256(digest)) throw new RegistryError('DIGEST_INVALID', 'only sha256 blob digests are supported', { digest });
      const id = await this.storage.createUpload(name);
      try {
        await this.storage.appendUpload(name, id, req);
        await this.storage.completeUpload(name, id, digest);
      } finally {
        await this.storage.cancelUpload(id);
      }
      this.created(req, res, name, digest);
      return;
    }
    const id = await this.storage.createUpload(name);
    this.reply(req, res, 202, this.uploadHeaders(name, id, 0));
  }

  private checkUploadId(id: string): void {
    if (!isUploadId(id)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { id });
  }

  private async uploadStatus(name: string, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkUploadId(id);
    const offset = await this.storage.uploadOffset(name, id);
    this.reply(req, res, 204, this.uploadHeaders(name, id, offset));
  }

  /** The chunk's Content-Range start, checked against its Content-Length; 416 with the current Range if malformed. */
  private async chunkStart(name: string, id: string, req: IncomingMessage): Promise<number | undefined> {
    const header = req.headers['content-range'];
    if (header === undefined) return undefined;
    const range = parseUploadRange(header);
    const length = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (range === undefined || (length !== undefined && length !== range.end - range.start + 1)) {
      const offset = await this.storage.uploadOffset(name, id);
      throw new RegistryError('RANGE_INVALID', `bad Content-Range ${JSON.stringify(header)}`, { offset }, { headers: this.uploadHeaders(name, id, offset) });
    }
    return range.start;
  }

  private async patchUpload(name: string, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkUploadId(id);
    const start = await this.chunkStart(name, id, req);
    let offset: number;
    try {
      offset = await this.storage.appendUpload(name, id, req, start);
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'RANGE_INVALID') {
        throw new RegistryError('RANGE_INVALID', err.message, err.detail, { headers: this.uploadHeaders(name, id, await this.storage.uploadOffset(name, id)) });
      }
      throw err;
    }
    this.reply(req, res, 202, this.uploadHeaders(name, id, offset));
  }

  private async putUpload(name: string, id: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.checkUploadId(id);
    const digest = url.searchParams.get('digest');
    if (digest === null) throw new RegistryError('DIGEST_INVALID', 'the digest parameter is required to complete an upload');
    this.checkDigest(digest);
    if (!isSha256(digest)) throw new RegistryError('DIGEST_INVALID', 'only sha256 blob digests are supported', { digest });
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody) {
      const start = await this.chunkStart(name, id, req);
      await this.storage.appendUpload(name, id, req, start);
    } else {
      await this.storage.uploadOffset(name, id);
    }
    const size = await this.storage.completeUpload(name, id, digest);
    this.logger.info({ name, digest, size }, 'blob stored');
    this.created(req, res, name, digest);
  }

  private async deleteUpload(name: string, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.checkUploadId(id);
    await this.storage.uploadOffset(name, id);
    await this.storage.cancelUpload(id);
    this.reply(req, res, 204, {});
  }
}

/** The whole request body, refusing more than `limit` bytes (413 MANIFEST_INVALID). */
async function readCapped(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new RegistryError('MANIFEST_INVALID', `manifest is larger than ${limit} bytes`, undefined, { status: 413 });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RegistryError('MANIFEST_INVALID', `manifest is larger than ${limit} bytes`, undefined, { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
