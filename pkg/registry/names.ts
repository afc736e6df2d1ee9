// Repository names, tags and digests as the OCI distribution spec defines them, and the request
// path → endpoint mapping of /v2/. Pure. A name that passes isRepositoryName is a safe relative
// path: every component starts with [a-z0-9], so ".", ".." and "_…" (our metadata dirs) cannot occur.

/** One path component: lowercase alphanumerics joined by ".", "_", "__" or runs of "-". */
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST_RE = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const UPLOAD_ID_RE = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** distribution caps the whole name (host excluded here) at 255 characters. */
export const MAX_NAME_LENGTH = 255;

export function isRepositoryName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && NAME_RE.test(name);
}

export function isTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

/** Registered algorithms and their encoded lengths (lowercase hex); others only need the grammar. */
const KNOWN_ALGORITHMS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Any well-formed digest (algorithm:encoded), whether or not we can store it. */
export function isDigest(text: string): boolean {
  const match = text.length <= 256 ? DIGEST_RE.exec(text) : null;
  if (match === null) return false;
  const length = KNOWN_ALGORITHMS[match[1]];
  return length === undefined || (match[2].length === length && /^[a-f0-9]+$/.test(match[2]));
}

/** The only digests this registry stores: sha256 with 64 lowercase hex digits. */
export function isSha256(text: string): boolean {
  return SHA256_RE.test(text);
}

export function isUploadId(text: string): boolean {
  return UPLOAD_ID_RE.test(text);
}

export type Endpoint =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string };

const ROUTES: { re: RegExp; make: (match: RegExpExecArray) => Endpoint }[] = [
  { re: /^\/v2\/?$/, make: () => ({ kind: 'base' }) },
  { re: /^\/v2\/_catalog$/, make: () => ({ kind: 'catalog' }) },
  { re: /^\/v2\/(.+)\/tags\/list$/, make: (m) => ({ kind: 'tags', name: m[1] }) },
  { re: /^\/v2\/(.+)\/manifests\/([^/]+)$/, make: (m) => ({ kind: 'manifest', name: m[1], reference: m[2] }) },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/?$/, make: (m) => ({ kind: 'uploads', name: m[1] }) },
  { re: /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, make: (m) => ({ kind: 'upload', name: m[1], id: m[2] }) },
  { re: /^\/v2\/(.+)\/blobs\/([^/]+)$/, make: (m) => ({ kind: 'blob', name: m[1], digest: m[2] }) },
];

/**
 * Maps a decoded request path to an endpoint; undefined when nothing matches. The name is not yet
 * validated (the caller answers NAME_INVALID for a bad one).
 */
export function matchEndpoint(pathname: string): Endpoint | undefined {
  for (const { re, make } of ROUTES) {
    const match = re.exec(pathname);
    if (match !== null) return make(match);
  }
  return undefined;
}

/** The repository name an endpoint acts on, if any. */
export function endpointName(endpoint: Endpoint): string | undefined {
  return 'name' in endpoint ? endpoint.name : undefined;
}
