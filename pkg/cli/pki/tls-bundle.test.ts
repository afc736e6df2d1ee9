// tls-init's certificates: names, key usages, the chain, file modes, and refusal to overwrite.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { opensslConfig, subjectAltNames, writeTlsBundle } from './tls-bundle.js';

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

describe('subjectAltNames', () => {
  test('always has localhost and 127.0.0.1, then the given names and addresses once each', () => {
    expect(subjectAltNames(['Docker.Example.org', 'docker.example.org', '10.0.0.5'], ['10.0.0.5', '::1'])).toEqual({
      dns: ['localhost', 'docker.example.org'],
      ip: ['127.0.0.1', '10.0.0.5', '::1'],
    });
  });

  test('refuses names and addresses that are neither', () => {
    expect(() => subjectAltNames(['bad name'], [])).toThrow('invalid host name "bad name"');
    expect(() => subjectAltNames([], ['10.0.0.300'])).toThrow('invalid IP address "10.0.0.300"');
  });

  test('puts them in the server section of the openssl configuration', () => {
    expect(opensslConfig({ dns: ['localhost'], ip: ['127.0.0.1'] })).toContain('subjectAltName = DNS:localhost,IP:127.0.0.1\n');
  });
});

describe.skipIf(!openssl)('writeTlsBundle', () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'berth-tls-init-')), 'certs');
  const read = (file: string): X509Certificate => new X509Certificate(readFileSync(path.join(dir, file)));
  beforeAll(async () => {
    await writeTlsBundle(dir, { hosts: ['berth.example'], ips: ['10.1.2.3'], days: 30 });
  });
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  test('makes a CA that signed a server and a client certificate', () => {
    const ca = read('ca.pem');
    expect(ca.ca).toBe(true);
    for (const file of ['server-cert.pem', 'cert.pem']) {
      const leaf = read(file);
      expect(leaf.ca).toBe(false);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.verify(ca.publicKey)).toBe(true);
    }
  });

  test('the server certificate names the daemon and is for servers; the client one is for clients', () => {
    const server = read('server-cert.pem');
    expect(server.subjectAltName).toBe('DNS:localhost, DNS:berth.example, IP Address:127.0.0.1, IP Address:10.1.2.3');
    expect(server.checkHost('berth.example')).toBe('berth.example');
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(read('cert.pem').keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
  });

  test('certificates last the given days', () => {
    const server = read('server-cert.pem');
    const days = (Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
  });

  test('keys are 0600 and belong to their certificates; nothing else is left behind', () => {
    for (const [cert, key] of [['ca.pem', 'ca-key.pem'], ['server-cert.pem', 'server-key.pem'], ['cert.pem', 'key.pem']] as const) {
      expect(statSync(path.join(dir, key)).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dir, cert)).mode & 0o777).toBe(0o644);
      expect(read(cert).checkPrivateKey(createPrivateKey(readFileSync(path.join(dir, key))))).toBe(true);
    }
    expect(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual(['ca-key.pem', 'ca.pem', 'cert.pem', 'key.pem', 'server-cert.pem', 'server-key.pem']);
  });

  test('never overwrites existing files', async () => {
    const before = readFileSync(path.join(dir, 'ca-key.pem'));
    await expect(writeTlsBundle(dir, { hosts: [], ips: [], days: 1 })).rejects.toThrow(`${path.join(dir, 'ca.pem')} already exists`);
    expect(readFileSync(path.join(dir, 'ca-key.pem'))).toEqual(before);
  });

  test('refuses a bad validity before writing anything', async () => {
    const other = path.join(path.dirname(dir), 'other');
    writeFileSync(path.join(path.dirname(dir), 'marker'), '');
    await expect(writeTlsBundle(other, { hosts: [], ips: [], days: 0 })).rejects.toThrow('invalid --days 0');
  });
});
