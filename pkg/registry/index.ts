// Public surface of pkg/registry: an OCI-distribution registry server (`berth registry serve`) that
// clusters and users push images to and pull them from. Everything else here is internal.
//
// The server (server.ts) maps /v2/ requests onto RegistryStorage (storage.ts: blobs by digest,
// per-repository links, tags, resumable uploads, all crash-safe on disk and verified on every read).
// The pure parts: names.ts (name/tag/digest grammar and URL routes), range.ts, pagination.ts,
// manifest.ts (validation and Accept negotiation), errors.ts (the spec's error codes), htpasswd.ts
// and bcrypt.ts (Basic authentication).
export { RegistryServer, type RegistryServerOptions } from './server.js';
export { RegistryError, REGISTRY_ERRORS, type RegistryErrorCode } from './errors.js';
export { MEDIA_TYPES, validateManifest, negotiate, type Descriptor } from './manifest.js';
export { isRepositoryName, isTag, isDigest } from './names.js';
export { parseHtpasswd, verifyPassword } from './htpasswd.js';
export { bcryptHash, bcryptVerify } from './bcrypt.js';

/** "127.0.0.1:5000", "[::1]:5000", ":5000", "5000" → host and port (pure); no host means every interface. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const trimmed = text.trim();
  const match = /^(?:(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):)?(\d{1,5})$/.exec(trimmed);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new Error(`invalid listen address ${JSON.stringify(text)}: use HOST:PORT, e.g. 127.0.0.1:5000`);
  const host = match[1] ?? (match[2] === undefined || match[2] === '' ? '0.0.0.0' : match[2]);
  return { host, port };
}
