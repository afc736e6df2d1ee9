// Registry credentials as clients send them (X-Registry-Auth, the /auth body) and registry
// challenges (WWW-Authenticate: Basic / Bearer). Pure.
import { InvalidArgumentError } from '../../errdefs/index.js';

/** docker's AuthConfig (types/registry.AuthConfig), the fields that matter to a registry. */
export interface AuthConfig {
  username?: string;
  password?: string;
  /** base64(user:password), the form docker's config file stores. */
  auth?: string;
  serveraddress?: string;
  /** An OAuth2 refresh token from an earlier login (used instead of the password). */
  identitytoken?: string;
  /** A bearer token to send as is. */
  registrytoken?: string;
}

/**
 * Decodes X-Registry-Auth: base64url (or standard base64) JSON. An empty header or "{}" is
 * anonymous; anything undecodable is a 400, as in dockerd.
 */
export function decodeRegistryAuth(header: string | undefined): AuthConfig {
  if (header === undefined || header.trim() === '') return {};
  let parsed: unknown;
  try {
    const text = Buffer.from(header.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError('invalid X-Registry-Auth header: it must be base64url-encoded JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('invalid X-Registry-Auth header: expected a JSON object');
  return normalizeAuth(parsed as Record<string, unknown>);
}

/** Keeps the string fields of an AuthConfig and splits `auth` into username/password when those are missing. */
export function normalizeAuth(value: Record<string, unknown>): AuthConfig {
  const pick = (key: string): string | undefined => {
    const raw = value[key] ?? value[key.charAt(0).toUpperCase() + key.slice(1)];
    return typeof raw === 'string' && raw !== '' ? raw : undefined;
  };
  const auth: AuthConfig = {};
  for (const key of ['username', 'password', 'auth', 'serveraddress', 'identitytoken', 'registrytoken'] as const) {
    const field = pick(key);
    if (field !== undefined) auth[key] = field;
  }
  if (auth.auth !== undefined && auth.username === undefined) {
    const text = Buffer.from(auth.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon > 0) {
      auth.username = text.slice(0, colon);
      auth.password = text.slice(colon + 1);
    }
  }
  return auth;
}

export interface Challenge {
  /** Lowercase: "basic" or "bearer". */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses WWW-Authenticate (RFC 7235): `Bearer realm="https://auth/token",service="registry",
 * scope="repository:x:pull"` and `Basic realm="r"`, several challenges comma-separated.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  const challenges: Challenge[] = [];
  for (const value of values) {
    let position = 0;
    let current: Challenge | undefined;
    const skip = (chars: RegExp): void => {
      while (position < value.length && chars.test(value[position])) position++;
    };
    while (position < value.length) {
      skip(/[\s,]/);
      const token = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(value.slice(position));
      if (token === null) break;
      position += token[0].length;
      skip(/\s/);
      if (value[position] !== '=') {
        current = { scheme: token[0].toLowerCase(), params: {} };
        challenges.push(current);
        continue;
      }
      position++;
      skip(/\s/);
      let parameter = '';
      if (value[position] === '"') {
        position++;
        while (position < value.length && value[position] !== '"') {
          if (value[position] === '\\' && position + 1 < value.length) position++;
          parameter += value[position++];
        }
        position++;
      } else {
        const bare = /^[^\s,]*/.exec(value.slice(position))![0];
        parameter = bare;
        position += bare.length;
      }
      if (current !== undefined) current.params[token[0].toLowerCase()] = parameter;
    }
  }
  return challenges;
}

/** A bearer scope string: "repository:<name>:pull,push". */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}
