// One conversation with a registry about one repository (effectful: sockets): picks https or, for
// insecure registries, http; answers Basic and Bearer challenges (token endpoint, refresh tokens);
// retries once on a 401 when the body can be replayed; follows blob redirects, dropping
// credentials when the host changes. Registry errors become BerthErrors with the registry's words.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { BerthError, ForbiddenError, InternalError, NotFoundError, UnavailableError, type ErrorCode } from '../../errdefs/index.js';
import { type AuthConfig, type Challenge, parseChallenges, repositoryScope } from './auth.js';
import type { RegistryHost } from './hosts.js';

/** Shared between sessions: keep-alive agents and the scheme each insecure host answered on. */
export interface SessionPool {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  /** For insecure registries: TLS without certificate checks, as dockerd does for them. */
  insecureHttpsAgent: https.Agent;
  schemes: Map<string, 'http' | 'https'>;
  userAgent: string;
}

export function createSessionPool(userAgent: string): SessionPool {
  const options = { keepAlive: true, maxSockets: 8 };
  return {
    httpAgent: new http.Agent(options),
    httpsAgent: new https.Agent(options),
    insecureHttpsAgent: new https.Agent({ ...options, rejectUnauthorized: false }),
    schemes: new Map(),
    userAgent,
  };
}

export interface SessionOptions {
  registry: RegistryHost;
  /** Repository path on the registry ("library/busybox", "x/y"). */
  repository: string;
  actions: readonly ('pull' | 'push')[];
  /** More bearer scopes (repository:<other>:pull for cross-repository mounts). */
  extraScopes?: readonly string[];
  auth: AuthConfig;
  insecure: boolean;
  pool: SessionPool;
  logger: Logger;
  signal?: AbortSignal;
}

export interface RequestOptions {
  headers?: Record<string, string | number>;
  body?: Buffer | Readable;
  /** Statuses the caller handles itself; anything else ≥ 400 becomes an error. */
  accept?: readonly number[];
}

/** A socket stalled this long (no bytes either way) is given up. */
const IDLE_TIMEOUT_MS = 120_000;
const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY = 64 * 1024;

/** Failure codes by registry HTTP status (the rest are internal). */
/** Registry refusals (401) are internal here; login() alone reports them as 'unauthorized' (see failure()). */
function codeForStatus(status: number): ErrorCode {
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429 || status >= 502) return 'unavailable';
  return 'internal';
}

/** Error text like distribution's client: "manifest unknown: manifest unknown". */
export function describeRegistryErrors(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string; detail?: unknown }[] };
    const errors = parsed.errors ?? [];
    if (errors.length === 0) return undefined;
    return errors
      .map((error) => {
        const code = (error.code ?? 'unknown').toLowerCase().replace(/_/g, ' ');
        return error.message ? `${code}: ${error.message}` : code;
      })
      .join('; ');
  } catch {
    return undefined;
  }
}

export async function readBodyText(response: IncomingMessage, limit = MAX_ERROR_BODY): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a whole (small) response body; more than `limit` bytes is an error. */
export async function readBodyBytes(response: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      response.destroy();
      throw new InternalError(`${what} is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export class RegistrySession {
  private base: URL | undefined;
  private authorization: string | undefined;
  private challenge: Challenge | undefined;

  constructor(private readonly options: SessionOptions) {}

  /** host[:port] of the registry. */
  get registryHost(): string {
    return this.options.registry.host;
  }

  get baseUrl(): string {
    return this.base?.origin ?? `https://${this.options.registry.host}`;
  }

  /** Pings /v2/ (choosing the scheme) and gets credentials ready for the repository's scopes. */
  async open(): Promise<void> {
    if (this.base !== undefined) return;
    const { registry, insecure, pool } = this.options;
    const known = pool.schemes.get(registry.host);
    const schemes: ('https' | 'http')[] = !insecure ? ['https'] : known === 'http' ? ['http', 'https'] : ['https', 'http'];
    let lastError: unknown;
    for (const scheme of schemes) {
      const base = new URL(`${scheme}://${registry.host}`);
      let response: IncomingMessage;
      try {
        response = await this.send(new URL('/v2/', base), 'GET', {});
      } catch (err) {
        lastError = err;
        this.options.logger.debug({ err, registry: registry.host, scheme }, 'registry ping failed');
        continue;
      }
      await readBodyText(response);
      if (response.statusCode === 401) {
        this.challenge = pickChallenge(parseChallenges(response.headers['www-authenticate']));
      } else if ((response.statusCode ?? 0) >= 400) {
        throw new InternalError(`${base.origin}/v2/ answered ${response.statusCode}: ${registry.host} does not look like a registry (distribution API v2)`);
      }
      this.base = base;
      if (insecure) pool.schemes.set(registry.host, scheme);
      // A login session (no repository) authenticates in login(), asking for an offline token.
      if (this.scopes().length > 0) await this.authenticate(this.scopes());
      return;
    }
    pool.schemes.delete(registry.host);
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new UnavailableError(`Get "${schemes[schemes.length - 1]}://${registry.host}/v2/": ${reason}`, { cause: lastError });
  }

  private scopes(): string[] {
    const { repository, actions, extraScopes } = this.options;
    return [...(actions.length > 0 ? [repositoryScope(repository, actions)] : []), ...(extraScopes ?? [])];
  }

  /** Sets the Authorization for the current challenge; no-op when the registry asked for none. */
  private async authenticate(scopes: string[], extra: Record<string, string> = {}): Promise<{ refreshToken?: string }> {
    const challenge = this.challenge;
    const auth = this.options.auth;
    if (challenge === undefined) return {};
    if (challenge.scheme === 'basic') {
      if (auth.username !== undefined && auth.password !== undefined) {
        this.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      }
      return {};
    }
    if (challenge.scheme !== 'bearer') throw new InternalError(`registry ${this.options.registry.host} asks for unsupported authentication "${challenge.scheme}"`);
    if (auth.registrytoken !== undefined) {
      this.authorization = `Bearer ${auth.registrytoken}`;
      return {};
    }
    const result = await this.fetchToken(challenge, scopes, extra);
    this.authorization = `Bearer ${result.token}`;
    return { refreshToken: result.refreshToken };
  }

  private async fetchToken(challenge: Challenge, scopes: string[], extra: Record<string, string>): Promise<{ token: string; refreshToken?: string }> {
    const realm = challenge.params.realm;
    if (realm === undefined) throw new InternalError(`registry ${this.options.registry.host} sent a Bearer challenge without a realm`);
    const url = new URL(realm);
    const auth = this.options.auth;
    const service = challenge.params.service;
    let response: IncomingMessage;
    if (auth.identitytoken !== undefined) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: auth.identitytoken, client_id: 'berth' });
      if (service !== undefined) form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      for (const [key, value] of Object.entries(extra)) form.set(key, value);
      response = await this.send(url, 'POST', { 'Content-Type': 'application/x-www-form-urlencoded' }, Buffer.from(form.toString()));
    } else {
      if (service !== undefined) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
      const headers: Record<string, string> = {};
      if (auth.username !== undefined && auth.password !== undefined) {
        url.searchParams.set('account', auth.username);
        headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      }
      response = await this.send(url, 'GET', headers);
    }
    const text = await readBodyText(response);
    if (response.statusCode !== 200) {
      const described = describeRegistryErrors(text) ?? text.trim().slice(0, 200);
      const error = new BerthError(codeForStatus(response.statusCode ?? 500), `getting a token from ${url.origin}${url.pathname} failed (${response.statusCode}): ${described || 'no reason given'}`);
      throw error;
    }
    let parsed: { token?: string; access_token?: string; refresh_token?: string };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch (err) {
      throw new InternalError(`the token endpoint ${url.origin}${url.pathname} answered something other than JSON`, { cause: err });
    }
    const token = parsed.token ?? parsed.access_token;
    if (token === undefined || token === '') throw new InternalError(`the token endpoint ${url.origin}${url.pathname} sent no token`);
    return { token, refreshToken: parsed.refresh_token };
  }

  /**
   * Checks the credentials (docker login): the registry must accept them at /v2/ or issue a token.
   * Returns an identity token when the token server gives a refresh token.
   */
  async login(): Promise<{ identityToken?: string }> {
    await this.open();
    if (this.challenge === undefined) return {};
    const auth = this.options.auth;
    if (this.challenge.scheme === 'bearer') {
      try {
        const result = await this.authenticate([], { offline_token: 'true', client_id: 'berth' });
        return { identityToken: result.refreshToken };
      } catch (err) {
        throw new BerthError('unauthorized', (err as Error).message, { cause: err });
      }
    }
    if (auth.username === undefined || auth.password === undefined) throw new BerthError('unauthorized', 'no basic auth credentials');
    await this.authenticate([]);
    const response = await this.send(new URL('/v2/', this.base), 'GET', { Authorization: this.authorization ?? '' });
    await readBodyText(response);
    if (response.statusCode !== 200) {
      throw new BerthError(response.statusCode === 401 ? 'unauthorized' : codeForStatus(response.statusCode ?? 500), `login attempt to ${this.base!.origin}/v2/ failed with status: ${response.statusCode} ${http.STATUS_CODES[response.statusCode ?? 500] ?? ''}`.trim());
    }
    return {};
  }

  /**
   * A request to the registry (`target` is a path like /v2/x/manifests/y or an absolute URL from a
   * Location header). Errors carry the registry's message; statuses in `accept` are returned.
   */
  async request(method: string, target: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    await this.open();
    let url = new URL(target, this.base);
    const replayable = options.body === undefined || Buffer.isBuffer(options.body);
    for (let attempt = 0, redirects = 0; ; ) {
      const sameHost = url.host === this.base!.host;
      const headers: Record<string, string | number> = { ...options.headers };
      if (sameHost && this.authorization !== undefined) headers.Authorization = this.authorization;
      const response = await this.send(url, method, headers, options.body);
      const status = response.statusCode ?? 0;
      if ([301, 302, 303, 307, 308].includes(status) && (method === 'GET' || method === 'HEAD') && response.headers.location) {
        response.resume();
        if (++redirects > MAX_REDIRECTS) throw new InternalError(`too many redirects fetching ${target}`);
        url = new URL(response.headers.location, url);
        continue;
      }
      if (status === 401 && sameHost && replayable && attempt === 0) {
        attempt++;
        const challenge = pickChallenge(parseChallenges(response.headers['www-authenticate']));
        await readBodyText(response);
        if (challenge !== undefined) {
          this.challenge = challenge;
          const scope = challenge.params.scope;
          await this.authenticate(scope === undefined ? this.scopes() : [...new Set([...this.scopes(), ...scope.split(' ')])]);
          continue;
        }
      }
      if (status >= 400 && !(options.accept ?? []).includes(status)) {
        const text = method === 'HEAD' ? '' : await readBodyText(response);
        response.resume();
        throw this.failure(method, url, status, text);
      }
      return response;
    }
  }

  private failure(method: string, url: URL, status: number, body: string): BerthError {
    const described = describeRegistryErrors(body);
    if (status === 401) {
      // Not 'unauthorized': a 401 from the Engine API makes the docker CLI prompt for a login
      // (and hang on a pipe); dockerd answers a registry's refusal during pull/push with a 500 too.
      const missing = this.challenge?.scheme === 'basic' && this.options.auth.username === undefined;
      return new InternalError(`${httpMethodName(method)} "${url.href}": ${missing ? 'no basic auth credentials' : (described ?? 'unauthorized: authentication required')}`);
    }
    if (status === 403) return new ForbiddenError(`${httpMethodName(method)} "${url.href}": ${described ?? 'denied: requested access to the resource is denied'}`);
    if (status === 404) return new NotFoundError(described ?? `${httpMethodName(method)} "${url.href}": not found`);
    return new BerthError(codeForStatus(status), `${httpMethodName(method)} "${url.href}": ${described ?? `unexpected status ${status} ${http.STATUS_CODES[status] ?? ''}`.trim()}`);
  }

  /** One HTTP exchange, no auth logic. Rejects on network errors; resolves with any status. */
  private send(url: URL, method: string, headers: Record<string, string | number>, body?: Buffer | Readable): Promise<IncomingMessage> {
    const { pool, insecure, signal } = this.options;
    const secure = url.protocol === 'https:';
    const agent = secure ? (insecure && url.host === this.options.registry.host ? pool.insecureHttpsAgent : pool.httpsAgent) : pool.httpAgent;
    const allHeaders: Record<string, string | number> = { 'User-Agent': pool.userAgent, ...headers };
    if (Buffer.isBuffer(body)) allHeaders['Content-Length'] = body.length;
    else if (body === undefined && (method === 'PUT' || method === 'POST' || method === 'PATCH')) allHeaders['Content-Length'] = 0;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = (secure ? https : http).request(url, { method, headers: allHeaders, agent, signal }, (response) => resolve(response));
      request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new Error(`no data from ${url.host} for ${IDLE_TIMEOUT_MS / 1000} s`)));
      request.on('error', (err) => reject(describeNetworkError(err, url)));
      if (body === undefined || Buffer.isBuffer(body)) {
        request.end(body);
        return;
      }
      pipeline(body, request).catch((err: unknown) => {
        request.destroy(err as Error);
        reject(err);
      });
    });
  }
}

function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((challenge) => challenge.scheme === 'bearer') ?? challenges.find((challenge) => challenge.scheme === 'basic') ?? challenges[0];
}

function httpMethodName(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}

/** Go-like network error text: "dial tcp 127.0.0.1:5000: connect: connection refused". */
function describeNetworkError(err: Error, url: URL): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return new Error(`dial tcp ${url.host}: connect: connection refused`, { cause: err });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new Error(`dial tcp: lookup ${url.hostname}: no such host`, { cause: err });
  return err;
}

/** Reads a stream fully and discards it (keeps the connection reusable). */
export async function discard(stream: Readable): Promise<void> {
  for await (const chunk of stream) void chunk;
}
