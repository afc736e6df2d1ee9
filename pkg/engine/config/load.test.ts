// Reading daemon.json and TLS material: every failure names the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadTlsMaterial, readDaemonFile } from './load.js';

let openssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  openssl = false;
}

const dir = mkdtempSync(path.join(tmpdir(), 'berth-load-'));
const file = (name: string): string => path.join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readDaemonFile', () => {
  test('a missing default file is an empty configuration; a named one is an error', async () => {
    expect(await readDaemonFile(file('absent.json'), { required: false })).toEqual({});
    await expect(readDaemonFile(file('absent.json'), { required: true })).rejects.toThrow(`open ${file('absent.json')}: no such file or directory`);
  });
});

describe.skipIf(!openssl)('loadTlsMaterial', () => {
  beforeAll(() => {
    for (const name of ['a', 'b']) {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', file(`${name}-key.pem`), '-out', file(`${name}.pem`)], { stdio: 'ignore' });
    }
    writeFileSync(file('garbage.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
    writeFileSync(file('empty.pem'), 'nothing here\n');
  });

  test('loads a matching certificate and key, and the CA with --tlsverify', async () => {
    const material = await loadTlsMaterial({ verify: true, caFile: file('b.pem'), certFile: file('a.pem'), keyFile: file('a-key.pem') });
    expect(material.verifyClients).toBe(true);
    expect(material.ca?.toString()).toContain('BEGIN CERTIFICATE');
  });

  test('does not need a CA without --tlsverify', async () => {
    const material = await loadTlsMaterial({ verify: false, caFile: file('absent.pem'), certFile: file('a.pem'), keyFile: file('a-key.pem') });
    expect(material.ca).toBeUndefined();
  });

  const failures = [
    { name: 'a certificate that does not parse', certFile: 'garbage.pem', keyFile: 'a-key.pem', caFile: 'b.pem', message: /the TLS certificate \(--tlscert\) .*garbage\.pem does not parse/ },
    { name: 'a file without a certificate', certFile: 'empty.pem', keyFile: 'a-key.pem', caFile: 'b.pem', message: /empty\.pem holds no PEM certificate/ },
    { name: 'a key that does not parse', certFile: 'a.pem', keyFile: 'a.pem', caFile: 'b.pem', message: /the TLS key \(--tlskey\) .*a\.pem does not parse/ },
    { name: 'another certificate’s key', certFile: 'a.pem', keyFile: 'b-key.pem', caFile: 'b.pem', message: /b-key\.pem does not belong to the certificate .*a\.pem/ },
    { name: 'a CA that does not parse', certFile: 'a.pem', keyFile: 'a-key.pem', caFile: 'garbage.pem', message: /the TLS CA \(--tlscacert\) .*garbage\.pem does not parse/ },
    { name: 'a missing file', certFile: 'a.pem', keyFile: 'a-key.pem', caFile: 'absent.pem', message: /could not read the TLS CA \(--tlscacert\) .*absent\.pem: no such file or directory/ },
  ];
  for (const { name, certFile, keyFile, caFile, message } of failures) {
    test(`refuses ${name}, naming the file`, async () => {
      await expect(loadTlsMaterial({ verify: true, caFile: file(caFile), certFile: file(certFile), keyFile: file(keyFile) })).rejects.toThrow(message);
    });
  }
});
