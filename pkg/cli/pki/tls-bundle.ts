// A CA, a server certificate and a client certificate for a TLS-protected berthd, for users without a
// PKI (`berth system tls-init`). Files are made in a private scratch directory and moved into place
// only when all exist, keys mode 0600; existing files are never overwritten.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { newCaCertificate, newKey, newSignedCertificate } from './openssl.js';

/** File names docker's documentation uses (the client's are what DOCKER_CERT_PATH expects). */
export const BUNDLE_FILES = {
  ca: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server-cert.pem',
  serverKey: 'server-key.pem',
  clientCert: 'cert.pem',
  clientKey: 'key.pem',
} as const;

const KEY_FILES: readonly string[] = [BUNDLE_FILES.caKey, BUNDLE_FILES.serverKey, BUNDLE_FILES.clientKey];

export interface TlsBundleOptions {
  /** DNS names for the server certificate (besides localhost). */
  hosts: readonly string[];
  /** IP addresses for the server certificate (besides 127.0.0.1). */
  ips: readonly string[];
  days: number;
  signal?: AbortSignal;
}

const HOSTNAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * The server certificate's subject alternative names (pure): localhost and 127.0.0.1 always, then
 * the given names and addresses, deduplicated. An address given as a host name is taken as an IP.
 */
export function subjectAltNames(hosts: readonly string[], ips: readonly string[]): { dns: string[]; ip: string[] } {
  const dns = new Set(['localhost']);
  const ip = new Set(['127.0.0.1']);
  for (const host of hosts) {
    if (isIP(host)) ip.add(host);
    else if (HOSTNAME.test(host) && host.length <= 253) dns.add(host.replace(/\.$/, '').toLowerCase());
    else throw new Error(`invalid host name ${JSON.stringify(host)}: use letters, digits, '-' and '.' (or --ip for an address)`);
  }
  for (const address of ips) {
    if (!isIP(address)) throw new Error(`invalid IP address ${JSON.stringify(address)}`);
    ip.add(address);
  }
  return { dns: [...dns], ip: [...ip] };
}

/** The openssl configuration: a minimal [req] and one extension section per certificate (pure). */
export function opensslConfig(sans: { dns: string[]; ip: string[] }): string {
  const altNames = [...sans.dns.map((name) => `DNS:${name}`), ...sans.ip.map((address) => `IP:${address}`)].join(',');
  return [
    '[req]',
    'distinguished_name = dn',
    '[dn]',
    '[berth_ca]',
    'basicConstraints = critical,CA:TRUE,pathlen:0',
    'keyUsage = critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid:always',
    '[berth_server]',
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = serverAuth',
    `subjectAltName = ${altNames}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid,issuer',
    '[berth_client]',
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = clientAuth',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid,issuer',
    '',
  ].join('\n');
}

/** Writes the six files into `dir` (created 0700 if missing); returns their paths. */
export async function writeTlsBundle(dir: string, options: TlsBundleOptions): Promise<string[]> {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 36_500) throw new Error(`invalid --days ${options.days}: between 1 and 36500`);
  const sans = subjectAltNames(options.hosts, options.ips);
  const target = path.resolve(dir);
  const existing = Object.values(BUNDLE_FILES).filter((file) => existsSync(path.join(target, file)));
  if (existing.length > 0) {
    throw new Error(`${path.join(target, existing[0]!)} already exists: tls-init never overwrites keys; remove the files or choose another directory`);
  }
  await mkdir(target, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(path.join(target, '.tls-init-'));
  const exec = { cwd: scratch, signal: options.signal };
  try {
    await writeFile(path.join(scratch, 'openssl.cnf'), opensslConfig(sans), { mode: 0o600 });
    const common = { days: options.days, configFile: 'openssl.cnf' };
    for (const key of KEY_FILES) await newKey(key, exec);
    await newCaCertificate({ ...common, keyFile: BUNDLE_FILES.caKey, certFile: BUNDLE_FILES.ca, subject: '/CN=Berth CA', extensions: 'berth_ca' }, exec);
    const signer = { caCertFile: BUNDLE_FILES.ca, caKeyFile: BUNDLE_FILES.caKey };
    const serverName = options.hosts.find((host) => !isIP(host)) ?? 'localhost';
    await newSignedCertificate(
      { ...common, ...signer, keyFile: BUNDLE_FILES.serverKey, certFile: BUNDLE_FILES.serverCert, subject: `/CN=${serverName.replace(/[/=]/g, '')}`, extensions: 'berth_server' },
      exec,
    );
    await newSignedCertificate({ ...common, ...signer, keyFile: BUNDLE_FILES.clientKey, certFile: BUNDLE_FILES.clientCert, subject: '/CN=client', extensions: 'berth_client' }, exec);
    const written: string[] = [];
    for (const file of Object.values(BUNDLE_FILES)) {
      await chmod(path.join(scratch, file), KEY_FILES.includes(file) ? 0o600 : 0o644);
      await rename(path.join(scratch, file), path.join(target, file));
      written.push(path.join(target, file));
    }
    return written;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
