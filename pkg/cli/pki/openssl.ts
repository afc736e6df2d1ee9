// openssl.ts: the only module that runs `openssl` (Debian's openssl package). Node can make keys and
// signatures but not X.509 certificates, so key, CA, CSR and signing steps are openssl subcommands
// run with argv arrays, a timeout, a fixed environment and stderr in every error.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Every step is a small local computation; a stuck openssl (an entropy wait) should not hang the CLI. */
const TIMEOUT_MS = 30_000;
const OPENSSL_ENV = { PATH: process.env.PATH || '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

export class OpensslError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OpensslError';
  }
}

async function openssl(argv: string[], options: { cwd: string; signal?: AbortSignal }): Promise<void> {
  try {
    await execFileAsync('openssl', argv, { cwd: options.cwd, env: OPENSSL_ENV, timeout: TIMEOUT_MS, signal: options.signal });
  } catch (err) {
    const failure = err as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new OpensslError('openssl not found: install it (apt-get install -y openssl)', { cause: err });
    const stderr = String(failure.stderr ?? '').trim();
    throw new OpensslError(`openssl ${argv[0]} failed: ${stderr || failure.message}`, { cause: err });
  }
}

/** A positive 127-bit serial number, as RFC 5280 asks (unique per CA without keeping a counter). */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return `0x${bytes.toString('hex')}`;
}

/** Writes a new ECDSA P-256 private key (PKCS#8 PEM; openssl creates it mode 0600). */
export async function newKey(keyFile: string, options: { cwd: string; signal?: AbortSignal }): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], options);
}

/**
 * Writes a self-signed CA certificate for `keyFile`. `configFile` holds the `[req]` section and the
 * extension section named `extensions`.
 */
export async function newCaCertificate(
  spec: { keyFile: string; certFile: string; subject: string; days: number; configFile: string; extensions: string },
  options: { cwd: string; signal?: AbortSignal },
): Promise<void> {
  await openssl(
    ['req', '-new', '-x509', '-config', spec.configFile, '-extensions', spec.extensions, '-key', spec.keyFile, '-sha256', '-days', String(spec.days), '-subj', spec.subject, '-set_serial', serial(), '-out', spec.certFile],
    options,
  );
}

/** Writes a certificate for `keyFile` signed by the CA, through a CSR, with the named extension section. */
export async function newSignedCertificate(
  spec: { keyFile: string; certFile: string; subject: string; days: number; caCertFile: string; caKeyFile: string; configFile: string; extensions: string },
  options: { cwd: string; signal?: AbortSignal },
): Promise<void> {
  const csrFile = `${spec.certFile}.csr`;
  await openssl(['req', '-new', '-config', spec.configFile, '-key', spec.keyFile, '-subj', spec.subject, '-out', csrFile], options);
  await openssl(
    ['x509', '-req', '-in', csrFile, '-CA', spec.caCertFile, '-CAkey', spec.caKeyFile, '-set_serial', serial(), '-days', String(spec.days), '-sha256', '-extfile', spec.configFile, '-extensions', spec.extensions, '-out', spec.certFile],
    options,
  );
}
