// Reading the daemon's configuration inputs (effects: files): daemon.json and the TLS material,
// each failure naming the file and what is wrong with it.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hasErrno } from '../../errdefs/index.js';
import { DaemonConfigError, parseDaemonFile } from './daemon-file.js';
import type { TlsSettings } from './daemon-config.js';
import type { DaemonFile } from './schema.js';

export const DEFAULT_CONFIG_FILE = '/etc/berth/daemon.json';

/**
 * Reads and validates daemon.json. A missing file is an empty configuration unless it was named
 * explicitly (--config-file), as with dockerd.
 */
export async function readDaemonFile(file: string, options: { required: boolean }): Promise<DaemonFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (hasErrno(err, 'ENOENT') && !options.required) return {};
    throw new DaemonConfigError(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  return parseDaemonFile(text);
}

/** PEM material for a TLS listener, checked to parse and to belong together. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** Present with `verifyClients`: the CA client certificates must chain to. */
  ca?: Buffer;
  verifyClients: boolean;
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const reason = hasErrno(err, 'ENOENT') ? 'no such file or directory' : (err as Error).message;
    throw new DaemonConfigError(`could not read the TLS ${what} ${file}: ${reason}`);
  }
}

/** Every certificate in a PEM bundle, or an error naming the file. */
function parseCertificates(pem: Buffer, file: string, what: string): X509Certificate[] {
  const blocks = pem.toString('utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new DaemonConfigError(`the TLS ${what} ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new DaemonConfigError(`the TLS ${what} ${file} does not parse (certificate ${index + 1}): ${(err as Error).message}`);
    }
  });
}

/** Reads the files of `settings`, refusing ones that do not parse or a key that is not the certificate's. */
export async function loadTlsMaterial(settings: TlsSettings): Promise<TlsMaterial> {
  const cert = await readPem(settings.certFile, 'certificate (--tlscert)');
  const key = await readPem(settings.keyFile, 'key (--tlskey)');
  const [leaf] = parseCertificates(cert, settings.certFile, 'certificate (--tlscert)');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new DaemonConfigError(`the TLS key (--tlskey) ${settings.keyFile} does not parse: ${(err as Error).message}`);
  }
  if (!leaf!.checkPrivateKey(privateKey)) {
    throw new DaemonConfigError(`the TLS key ${settings.keyFile} does not belong to the certificate ${settings.certFile}`);
  }
  if (!settings.verify) return { cert, key, verifyClients: false };
  const ca = await readPem(settings.caFile, 'CA (--tlscacert)');
  parseCertificates(ca, settings.caFile, 'CA (--tlscacert)');
  return { cert, key, ca, verifyClients: true };
}
