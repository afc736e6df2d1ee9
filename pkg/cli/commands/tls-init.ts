// `berth system tls-init DIR`: a CA, server and client certificates for a TLS-protected berthd, and
// the commands that use them.
import path from 'node:path';
import { StatusError } from '../errors.js';
import { BUNDLE_FILES, writeTlsBundle } from '../pki/tls-bundle.js';
import type { CommandRunner } from '../spec.js';
import { intFlag, write } from './shared.js';

export const tlsInit: CommandRunner = async (context, args, flags) => {
  const dir = path.resolve(args[0]!);
  const days = intFlag(flags, { long: 'days' }) ?? 365;
  const hosts = flags.list('host');
  let written: string[];
  try {
    written = await writeTlsBundle(dir, { hosts, ips: flags.list('ip'), days });
  } catch (err) {
    throw new StatusError(1, `Error: ${(err as Error).message}`);
  }
  const file = (name: string): string => path.join(dir, name);
  const serverHost = hosts[0] ?? flags.list('ip')[0] ?? '127.0.0.1';
  await write(
    context.stdout,
    `${written.map((name) => `wrote ${name}`).join('\n')}\n\n` +
      `Start the daemon with mutual TLS (keep ca-key.pem offline: it signs new certificates):\n` +
      `  berthd -H unix:///run/berth/berth.sock -H tcp://0.0.0.0:2376 --tlsverify \\\n` +
      `    --tlscacert ${file(BUNDLE_FILES.ca)} --tlscert ${file(BUNDLE_FILES.serverCert)} --tlskey ${file(BUNDLE_FILES.serverKey)}\n\n` +
      `Clients (berth or docker) with ${BUNDLE_FILES.ca}, ${BUNDLE_FILES.clientCert} and ${BUNDLE_FILES.clientKey}:\n` +
      `  export DOCKER_HOST=tcp://${serverHost.includes(':') ? `[${serverHost}]` : serverHost}:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=${dir}\n`,
  );
};
