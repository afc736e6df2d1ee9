// Docker image references (distribution/reference grammar): parsing, normalisation to docker.io and
// library/, familiar display forms, and recognising image ids. Pure.
import { InvalidArgumentError } from '../../errdefs/index.js';

const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_AND_PORT = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_NAME_RE = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
const SHORT_ID_RE = /^(?:sha256:)?[a-f0-9]{1,64}$/;

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_MAX = 255;

/** A normalised named reference: domain always set, docker.io names carry library/. */
export interface ImageReference {
  /** e.g. "docker.io" or "localhost:5000" */
  domain: string;
  /** e.g. "library/busybox" */
  path: string;
  tag?: string;
  /** e.g. "sha256:…" */
  digest?: string;
}

function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message);
}

/** Validates a digest the way go-digest does (sha256/sha384/sha512, lowercase hex of the right length). */
export function validateDigest(digest: string): void {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon === digest.length - 1) throw invalid('invalid checksum digest format');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const lengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };
  const expected = lengths[algorithm];
  if (expected === undefined) {
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algorithm)) throw invalid('invalid checksum digest format');
    throw invalid('unsupported digest algorithm');
  }
  if (encoded.length !== expected) throw invalid('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(encoded)) throw invalid('invalid checksum digest format');
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: DEFAULT_DOMAIN, remainder: OFFICIAL_PREFIX + name };
  const maybeDomain = name.slice(0, slash);
  let domain = DEFAULT_DOMAIN;
  let remainder = name;
  if (maybeDomain === LEGACY_DEFAULT_DOMAIN) {
    remainder = name.slice(slash + 1);
  } else if (maybeDomain === 'localhost' || /[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) {
    domain = maybeDomain;
    remainder = name.slice(slash + 1);
  }
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/** distribution/reference Parse on an already-qualified string. */
function parseQualified(text: string): ImageReference {
  const match = REFERENCE_RE.exec(text);
  if (match === null) {
    if (text === '') throw invalid('repository name must have at least one component');
    if (REFERENCE_RE.test(text.toLowerCase())) throw invalid('repository name must be lowercase');
    throw invalid('invalid reference format');
  }
  const nameMatch = ANCHORED_NAME_RE.exec(match[1]);
  const domain = nameMatch?.[1] ?? '';
  const path = nameMatch?.[2] ?? match[1];
  if (path.length > NAME_MAX) throw invalid(`repository name must not be more than ${NAME_MAX} characters`);
  const reference: ImageReference = { domain, path };
  if (match[2] !== undefined) reference.tag = match[2];
  if (match[3] !== undefined) {
    validateDigest(match[3]);
    reference.digest = match[3];
  }
  return reference;
}

/**
 * Parses a user-given reference like dockerd's ParseNormalizedNamed: "busybox" becomes
 * docker.io/library/busybox. With `defaultTag` (the default) a bare name gets ":latest".
 */
export function parseReference(text: string, options: { defaultTag?: boolean } = {}): ImageReference {
  if (IDENTIFIER_RE.test(text)) {
    throw invalid(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(text);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw invalid(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const reference = parseQualified(`${domain}/${remainder}`);
  if ((options.defaultTag ?? true) && reference.tag === undefined && reference.digest === undefined) {
    reference.tag = DEFAULT_TAG;
  }
  return reference;
}

/** "docker.io/library/busybox" */
export function fullName(reference: Pick<ImageReference, 'domain' | 'path'>): string {
  // A first component with "." that is no valid host (e.g. "a__b.c") leaves the domain empty, as in Go.
  return reference.domain === '' ? reference.path : `${reference.domain}/${reference.path}`;
}

/** "busybox", "localhost:5000/a/b", "someuser/app" */
export function familiarName(reference: Pick<ImageReference, 'domain' | 'path'>): string {
  if (reference.domain !== DEFAULT_DOMAIN) return fullName(reference);
  if (reference.path.startsWith(OFFICIAL_PREFIX)) {
    const rest = reference.path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return reference.path;
}

function suffix(reference: ImageReference): string {
  return (reference.tag !== undefined ? `:${reference.tag}` : '') + (reference.digest !== undefined ? `@${reference.digest}` : '');
}

/** The display form: "busybox:latest", "busybox@sha256:…". */
export function familiarString(reference: ImageReference): string {
  return familiarName(reference) + suffix(reference);
}

/** The fully qualified form: "docker.io/library/busybox:latest". */
export function canonicalString(reference: ImageReference): string {
  return fullName(reference) + suffix(reference);
}

/**
 * A reference as the image store keys it: a tag, or a digest; never both (dockerd stores
 * name:tag@digest under the digest).
 */
export function storeKey(reference: ImageReference): string {
  if (reference.digest !== undefined) return `${fullName(reference)}@${reference.digest}`;
  return `${fullName(reference)}:${reference.tag ?? DEFAULT_TAG}`;
}

/** Parses a key produced by storeKey. */
export function parseStoreKey(key: string): ImageReference {
  return parseQualified(key);
}

/** The repository+tag pair of POST /images/{name}/tag (dockerd's RepoTagReference). */
export function parseRepoTag(repository: string, tag?: string): ImageReference {
  if (repository === '') throw invalid('repository name must have at least one component');
  const reference = parseReference(repository, { defaultTag: false });
  if (reference.digest !== undefined) throw invalid('cannot import digest reference');
  if (tag !== undefined && tag !== '') {
    if (!TAG_RE.test(tag)) throw invalid('invalid tag format');
    reference.tag = tag;
  }
  reference.tag ??= DEFAULT_TAG;
  if (familiarName(reference) === 'sha256') {
    throw invalid('refusing to create an ambiguous tag using digest algorithm as name');
  }
  return reference;
}

export type ImageLookup =
  | { kind: 'id'; id: string } // a full image id ("sha256:<hex>" or bare 64 hex)
  | { kind: 'reference'; reference: ImageReference; idPrefix?: string }; // a name, or possibly a short id

/**
 * Classifies what `docker image inspect X` was given, like dockerd's ParseAnyReference: a full id,
 * or a reference that may also be a short id prefix ("74f50ecff0b9" parses as a name too).
 */
export function parseLookup(text: string): ImageLookup {
  if (IDENTIFIER_RE.test(text)) return { kind: 'id', id: `sha256:${text}` };
  if (/^[a-z0-9]+:[a-f0-9]+$/.test(text)) {
    try {
      validateDigest(text);
      return { kind: 'id', id: text };
    } catch {
      // not a digest: maybe name:tag
    }
  }
  const reference = parseReference(text);
  const lookup: ImageLookup = { kind: 'reference', reference };
  if (SHORT_ID_RE.test(text)) lookup.idPrefix = text.startsWith('sha256:') ? text.slice(7) : text;
  return lookup;
}

/** Docker's 12-character short id ("74f50ecff0b9") of an id or digest. */
export function shortId(id: string): string {
  const hex = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return hex.slice(0, 12);
}
