// Basic authentication against an htpasswd file (effectful: reads the file, keeps a cache). Every
// request must carry valid credentials; a 401 carries `WWW-Authenticate: Basic realm="…"` so docker
// and skopeo know to send them. Verified credentials are remembered for a while, because clients
// send them on every request and bcrypt costs tens of milliseconds each time.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { RegistryError } from './errors.js';
import { type HtpasswdEntry, parseHtpasswd, verifyPassword } from './htpasswd.js';

const CACHE_TTL_MS = 5 * 60 * 1000;
const CACHE_MAX = 1024;

export class BasicAuth {
  private entries = new Map<string, HtpasswdEntry>();
  /** sha256(user, password, stored hash) → expiry; a changed file invalidates by construction. */
  private readonly verified = new Map<string, number>();

  constructor(
    private readonly file: string,
    readonly realm: string,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    const parsed = parseHtpasswd(await readFile(this.file, 'utf8'));
    for (const problem of parsed.problems) this.logger.warn({ file: this.file, line: problem.line }, `htpasswd entry skipped: ${problem.reason}`);
    if (parsed.entries.size === 0) throw new Error(`${this.file} holds no usable entries (bcrypt, $apr1$ or {SHA})`);
    this.entries = parsed.entries;
    this.verified.clear();
  }

  /** The authenticated user, or UNAUTHORIZED with the Basic challenge. */
  check(authorization: string | undefined, now = Date.now()): string {
    const credentials = parseBasic(authorization);
    if (credentials !== undefined) {
      const entry = this.entries.get(credentials.user);
      if (entry !== undefined) {
        const key = createHash('sha256').update(`${credentials.user}\0${credentials.password}\0${entry.hash}`).digest('hex');
        const expiry = this.verified.get(key);
        if (expiry !== undefined && expiry > now) return credentials.user;
        if (verifyPassword(entry, credentials.password)) {
          if (this.verified.size >= CACHE_MAX) this.verified.clear();
          this.verified.set(key, now + CACHE_TTL_MS);
          return credentials.user;
        }
      }
      this.logger.info({ user: credentials.user }, 'authentication failed');
    }
    throw new RegistryError('UNAUTHORIZED', undefined, undefined, { headers: { 'WWW-Authenticate': `Basic realm="${this.realm.replace(/["\\]/g, '')}"` } });
  }
}

/** "Basic base64(user:password)" → its parts; undefined for anything else. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
