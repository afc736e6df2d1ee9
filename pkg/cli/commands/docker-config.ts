// The docker CLI's credentials file ($DOCKER_CONFIG/config.json, else ~/.docker/config.json):
// "auths": {"<registry>": {"auth": base64(user:password)} or {"identitytoken": …}}, read and
// written the way docker does so both CLIs share logins. Effectful (the file), with pure helpers.
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../fsutil/index.js';

/** Docker Hub's key in "auths" (what `docker login` without a server uses). */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

interface AuthEntry {
  auth?: string;
  identitytoken?: string;
}

interface ConfigFile {
  auths?: Record<string, AuthEntry>;
  [key: string]: unknown;
}

export function configPath(env: NodeJS.ProcessEnv): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

/** docker's ConvertToHostname: "https://host:5000/v2/" → "host:5000". */
export function registryHostname(server: string): string {
  let text = server;
  if (text.startsWith('http://')) text = text.slice('http://'.length);
  else if (text.startsWith('https://')) text = text.slice('https://'.length);
  return text.split('/')[0];
}

/** The "auths" key for a server as the user typed it (docker.io names map to the Hub key). */
export function authKey(server: string | undefined): string {
  if (server === undefined || server === '') return DOCKER_HUB_AUTH_KEY;
  const host = registryHostname(server);
  if (host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io') return DOCKER_HUB_AUTH_KEY;
  return host;
}

/** The registry host of an image reference ("127.0.0.1:5000/x:y" → "127.0.0.1:5000"; Hub names → the Hub key). */
export function registryOfImage(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash < 0) return DOCKER_HUB_AUTH_KEY;
  const first = reference.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return authKey(first);
  return DOCKER_HUB_AUTH_KEY;
}

async function readConfig(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  try {
    const parsed = JSON.parse(await readFile(configPath(env), 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as ConfigFile) : {};
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return {};
    throw new Error(`reading ${configPath(env)}: ${(err as Error).message}`, { cause: err });
  }
}

async function writeConfig(env: NodeJS.ProcessEnv, config: ConfigFile): Promise<void> {
  const path = configPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(config, null, '\t')}\n`, 0o600);
}

function entryFor(auths: Record<string, AuthEntry>, key: string): AuthEntry | undefined {
  if (auths[key] !== undefined) return auths[key];
  for (const [candidate, entry] of Object.entries(auths)) if (authKey(candidate) === key) return entry;
  return undefined;
}

/** Stored credentials for a registry key, if any. */
export async function loadCredentials(env: NodeJS.ProcessEnv, key: string): Promise<AuthConfig | undefined> {
  const entry = entryFor((await readConfig(env)).auths ?? {}, key);
  if (entry === undefined) return undefined;
  const result: AuthConfig = { serveraddress: key };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = text.indexOf(':');
    if (colon >= 0) {
      result.username = text.slice(0, colon);
      result.password = text.slice(colon + 1);
    }
  }
  if (entry.identitytoken) result.identitytoken = entry.identitytoken;
  return result;
}

export async function storeCredentials(env: NodeJS.ProcessEnv, key: string, auth: AuthConfig): Promise<void> {
  const config = await readConfig(env);
  const auths = { ...(config.auths ?? {}) };
  const entry: AuthEntry = { auth: Buffer.from(`${auth.username ?? ''}:${auth.identitytoken ? '' : (auth.password ?? '')}`).toString('base64') };
  if (auth.identitytoken) entry.identitytoken = auth.identitytoken;
  auths[key] = entry;
  await writeConfig(env, { ...config, auths });
}

/** Removes the registry's entry; false when there was none. */
export async function removeCredentials(env: NodeJS.ProcessEnv, key: string): Promise<boolean> {
  const config = await readConfig(env);
  const auths = { ...(config.auths ?? {}) };
  const keys = Object.keys(auths).filter((candidate) => candidate === key || authKey(candidate) === key);
  if (keys.length === 0) return false;
  for (const candidate of keys) delete auths[candidate];
  await writeConfig(env, { ...config, auths });
  return true;
}

/** The X-Registry-Auth header value: base64url JSON of the AuthConfig, "e30=" ({}) when anonymous. */
export function encodeAuthHeader(auth: AuthConfig | undefined): string {
  if (auth === undefined) return 'e30=';
  return Buffer.from(JSON.stringify(auth)).toString('base64url');
}
