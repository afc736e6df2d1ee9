// berthd as a remote daemon: -H tcp:// with mutual TLS from `berth system tls-init`. The docker CLI
// and berth work over it (run, logs -f, exec -it, attach, contexts); clients without a certificate
// from the CA are refused during the handshake; plain HTTP gets nothing of the API; plain TCP needs
// --insecure-tcp. All traffic stays on the loopback of the daemon's network namespace.

import { existsSync, mkdtempSync, mkdirSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BERTH, DOCKER, TestDaemon, run } from './helpers/daemon.js';

const haveDocker = existsSync(DOCKER);
const PORT = 2376;
const ADDRESS = `tcp://127.0.0.1:${PORT}`;

const scratch = mkdtempSync('/tmp/btls-');
const certs = path.join(scratch, 'certs');
const otherCa = path.join(scratch, 'other');
const caOnly = path.join(scratch, 'ca-only');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function tlsInit(dir: string): Promise<void> {
  const made = await run(process.execPath, [BERTH, 'system', 'tls-init', dir], process.env);
  expect(made).toMatchObject({ code: 0, stderr: '' });
}

/** A client command inside the daemon's network namespace, with its own environment. */
function client(daemon: TestDaemon, argv: string[], env: NodeJS.ProcessEnv, options: { input?: string; timeoutMs?: number } = {}): ReturnType<typeof run> {
  return run('nsenter', [`--net=${daemon.netnsPath}`, ...argv], { PATH: process.env.PATH, HOME: scratch, DOCKER_CONFIG: path.join(scratch, 'docker-config'), DOCKER_CLI_HINTS: 'false', ...env }, options);
}

const tlsEnv = (certPath: string): NodeJS.ProcessEnv => ({ DOCKER_HOST: ADDRESS, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });

beforeAll(async () => {
  await tlsInit(certs);
  await tlsInit(otherCa);
  mkdirSync(caOnly);
  copyFileSync(path.join(certs, 'ca.pem'), path.join(caOnly, 'ca.pem'));
});

describe.skipIf(!haveDocker)('mutual TLS', () => {
  const daemon = new TestDaemon('btls');
  const docker = (args: string[], options: { input?: string; timeoutMs?: number } = {}): ReturnType<typeof run> => client(daemon, [DOCKER, ...args], tlsEnv(certs), options);

  beforeAll(async () => {
    await daemon.start([
      '-H', ADDRESS, '--tlsverify',
      '--tlscacert', path.join(certs, 'ca.pem'), '--tlscert', path.join(certs, 'server-cert.pem'), '--tlskey', path.join(certs, 'server-key.pem'),
    ]);
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  test('the daemon says it serves mutual TLS', () => {
    expect(daemon.logTail(100)).toMatch(/"address":"tcp:\/\/127\.0\.0\.1:2376","mode":"mutual-tls","msg":"API listening"/);
  });

  test('docker run and version over TLS', async () => {
    expect((await docker(['version', '--format', '{{.Server.APIVersion}}'])).stdout.trim()).toBe('1.50');
    expect(await docker(['run', '--rm', 'busybox', 'echo', 'over tls'])).toMatchObject({ code: 0, stdout: 'over tls\n' });
  });

  test('docker logs -f follows to the end', async () => {
    await docker(['run', '-d', '--name', 'tls-logs', 'busybox', 'sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done']);
    const logs = await docker(['logs', '-f', 'tls-logs'], { timeoutMs: 20_000 });
    expect(logs).toMatchObject({ code: 0, stdout: 'line1\nline2\nline3\n' });
  });

  test('docker exec -i and exec -it (a tty through script)', async () => {
    await docker(['run', '-d', '--name', 'tls-exec', 'busybox', 'sleep', '300']);
    const piped = await docker(['exec', '-i', 'tls-exec', 'sh'], { input: 'echo from-stdin; exit 3\n', timeoutMs: 20_000 });
    expect(piped).toMatchObject({ code: 3, stdout: 'from-stdin\n' });
    const tty = await client(daemon, ['script', '-qec', `${DOCKER} exec -it tls-exec sh -c 'tty; echo tty-ok'`, '/dev/null'], tlsEnv(certs), { timeoutMs: 20_000 });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/\/dev\/pts\/\d+\r?\ntty-ok\r?\n/);
  });

  test('docker attach sends stdin and gets the output', async () => {
    await docker(['run', '-d', '-i', '--name', 'tls-attach', 'busybox', 'sh', '-c', 'read line; echo got:$line']);
    const attached = await docker(['attach', 'tls-attach'], { input: 'hello\n', timeoutMs: 20_000 });
    expect(attached).toMatchObject({ code: 0, stdout: 'got:hello\n' });
  });

  test('berth over TLS, from the environment and from a context docker created', async () => {
    expect(await client(daemon, [process.execPath, BERTH, 'run', '--rm', 'busybox', 'echo', 'berth over tls'], tlsEnv(certs))).toMatchObject({ code: 0, stdout: 'berth over tls\n' });
    const files = `ca=${path.join(certs, 'ca.pem')},cert=${path.join(certs, 'cert.pem')},key=${path.join(certs, 'key.pem')}`;
    expect((await client(daemon, [DOCKER, 'context', 'create', 'btls-remote', '--docker', `host=${ADDRESS},${files}`], {})).code).toBe(0);
    const ps = await client(daemon, [process.execPath, BERTH, '--context', 'btls-remote', 'ps', '-a', '--format', '{{.Names}}'], {});
    expect(ps.code).toBe(0);
    expect(ps.stdout).toContain('tls-exec');
    expect((await client(daemon, [DOCKER, '--context', 'btls-remote', 'ps', '-q'], {})).code).toBe(0);
  });

  test('a client without a certificate is refused during the handshake', async () => {
    const refused = await client(daemon, [DOCKER, 'ps'], tlsEnv(caOnly));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/remote error: tls: certificate required/);
    const berth = await client(daemon, [process.execPath, BERTH, 'ps'], tlsEnv(caOnly));
    expect(berth.code).not.toBe(0);
    expect(berth.stderr).toMatch(/certificate required/i);
    expect(daemon.logTail(200)).toMatch(/"reason":"ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE","msg":"TLS handshake refused"/);
  });

  test('a client with a certificate from another CA is refused during the handshake', async () => {
    // Trusts the right server CA, but presents a client certificate berthd's CA did not sign.
    const mixed = path.join(scratch, 'mixed');
    mkdirSync(mixed, { recursive: true });
    copyFileSync(path.join(certs, 'ca.pem'), path.join(mixed, 'ca.pem'));
    copyFileSync(path.join(otherCa, 'cert.pem'), path.join(mixed, 'cert.pem'));
    copyFileSync(path.join(otherCa, 'key.pem'), path.join(mixed, 'key.pem'));
    const refused = await client(daemon, [DOCKER, 'ps'], tlsEnv(mixed));
    expect(refused.code).not.toBe(0);
    // Node checks the client chain once OpenSSL finishes the handshake and drops the connection
    // without an alert, so the client sees the connection end before any HTTP answer.
    expect(refused.stderr).toMatch(/error during connect: .*(EOF|connection reset by peer|remote error: tls)/);
    expect(refused.stderr).not.toContain('Error response from daemon');
    const berth = await client(daemon, [process.execPath, BERTH, 'ps'], tlsEnv(mixed));
    expect(berth.code).not.toBe(0);
    expect(berth.stdout).toBe('');
    expect(daemon.logTail(200)).toMatch(/"remote":"127\.0\.0\.1",.*"reason":"no session: client certificate not accepted.*","msg":"TLS handshake refused"/);
  });

  test('a client that does not trust the server’s CA refuses the daemon', async () => {
    const refused = await client(daemon, [DOCKER, 'ps'], tlsEnv(otherCa));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/x509: certificate signed by unknown authority|tls:/);
  });

  test('plain HTTP to the TLS port gets nothing of the API', async () => {
    const curl = await client(daemon, ['curl', '-sS', '-i', `http://127.0.0.1:${PORT}/v1.50/containers/json`], {});
    expect(curl.stdout).toMatch(/^HTTP\/1\.0 400 Bad Request/);
    expect(curl.stdout).toContain('Client sent an HTTP request to an HTTPS server.');
    expect(curl.stdout).not.toMatch(/Api-Version|tls-exec|"Id"/i);
    const plainDocker = await client(daemon, [DOCKER, '-H', ADDRESS, 'ps'], {});
    expect(plainDocker.code).not.toBe(0);
    expect(plainDocker.stderr).toContain('Client sent an HTTP request to an HTTPS server.');
  });

  test('the unix socket keeps working alongside', async () => {
    expect((await daemon.docker(['ps', '-q'])).code).toBe(0);
  });
});

describe.skipIf(!haveDocker)('server TLS only (--tls)', () => {
  const daemon = new TestDaemon('btls');

  beforeAll(async () => {
    await daemon.start(['-H', ADDRESS, '--tls', '--tlscert', path.join(certs, 'server-cert.pem'), '--tlskey', path.join(certs, 'server-key.pem')]);
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  test('encrypts without asking for a client certificate, and warns about it', async () => {
    expect((await client(daemon, [DOCKER, 'version', '--format', '{{.Server.APIVersion}}'], tlsEnv(caOnly))).stdout.trim()).toBe('1.50');
    expect(daemon.logTail(100)).toContain('--tls without --tlsverify');
  });
});

describe('start-up rules for tcp://', () => {
  async function refused(args: string[]): Promise<string> {
    const daemon = new TestDaemon('btls');
    try {
      let failure: Error | undefined;
      await daemon.start(args).catch((err: Error) => (failure = err));
      expect(failure?.message).toMatch(/berthd exited with 1/);
      return daemon.logTail(30);
    } finally {
      await daemon.destroy();
    }
  }

  test('-H tcp:// without TLS and without --insecure-tcp does not start, and says why', async () => {
    const log = await refused(['-H', 'tcp://127.0.0.1:2375']);
    expect(log).toContain('refusing to serve the API on tcp://127.0.0.1:2375 without TLS');
    expect(log).toMatch(/--tlsverify .*berth system tls-init.*--insecure-tcp/);
  });

  test('a TLS file that does not parse stops the start, naming the file', async () => {
    const bad = path.join(scratch, 'bad-cert.pem');
    writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n');
    const log = await refused(['-H', ADDRESS, '--tlsverify', '--tlscacert', path.join(certs, 'ca.pem'), '--tlscert', bad, '--tlskey', path.join(certs, 'server-key.pem')]);
    expect(log).toContain(`the TLS certificate (--tlscert) ${bad} does not parse`);
    const mismatched = await refused(['-H', ADDRESS, '--tls', '--tlscert', path.join(certs, 'server-cert.pem'), '--tlskey', path.join(certs, 'key.pem')]);
    expect(mismatched).toContain(`the TLS key ${path.join(certs, 'key.pem')} does not belong to the certificate`);
  });

  test.skipIf(!haveDocker)('--insecure-tcp serves plain TCP, with a loud warning', async () => {
    const daemon = new TestDaemon('btls');
    try {
      await daemon.start(['-H', 'tcp://127.0.0.1:2375', '--insecure-tcp']);
      expect(daemon.logTail(100)).toMatch(/"level":40,.*"address":"tcp:\/\/127\.0\.0\.1:2375".*INSECURE: the Engine API is served over plain TCP/);
      expect((await client(daemon, [DOCKER, '-H', 'tcp://127.0.0.1:2375', 'version', '--format', '{{.Server.APIVersion}}'], {})).stdout.trim()).toBe('1.50');
    } finally {
      await daemon.destroy();
    }
  });
});
