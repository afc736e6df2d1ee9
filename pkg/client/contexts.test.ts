// The context store in the docker CLI's layout, context selection, and endpoint resolution.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ContextStore, readCurrentContext, resolveContextName, validateContextName, writeCurrentContext } from './contexts.js';
import { resolveClientOptions } from './endpoint.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'berth-contexts-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const digest = (name: string): string => createHash('sha256').update(name).digest('hex');
const pem = (label: string): Buffer => Buffer.from(`-----BEGIN CERTIFICATE-----\n${Buffer.from(label).toString('base64')}\n-----END CERTIFICATE-----\n`);

/** A context as `docker context create` writes it (meta.json bytes as the docker CLI 28 writes them). */
function dockerWrites(name: string, host: string, options: { description?: string; skip?: boolean; tls?: Record<string, Buffer> } = {}): void {
  const meta = path.join(dir, 'contexts', 'meta', digest(name));
  mkdirSync(meta, { recursive: true });
  const metadata = options.description ? `{"Description":${JSON.stringify(options.description)}}` : '{}';
  writeFileSync(path.join(meta, 'meta.json'), `{"Name":${JSON.stringify(name)},"Metadata":${metadata},"Endpoints":{"docker":{"Host":${JSON.stringify(host)},"SkipTLSVerify":${options.skip ?? false}}}}`);
  if (options.tls) {
    const tls = path.join(dir, 'contexts', 'tls', digest(name), 'docker');
    mkdirSync(tls, { recursive: true });
    for (const [file, data] of Object.entries(options.tls)) writeFileSync(path.join(tls, file), data);
  }
}

describe('ContextStore', () => {
  test('reads contexts the docker CLI wrote, with their TLS files', () => {
    dockerWrites('remote', 'tcp://10.0.0.1:2376', { description: 'my remote', tls: { 'ca.pem': pem('ca'), 'cert.pem': pem('cert'), 'key.pem': pem('key'), '.DS_Store': Buffer.from('') } });
    const store = new ContextStore(dir);
    const context = store.read('remote');
    expect(context).toMatchObject({
      name: 'remote',
      metadata: { Description: 'my remote' },
      endpoints: { docker: { Host: 'tcp://10.0.0.1:2376', SkipTLSVerify: false } },
      tlsMaterial: { docker: ['ca.pem', 'cert.pem', 'key.pem'] },
      metadataPath: path.join(dir, 'contexts', 'meta', digest('remote')),
    });
    expect(store.readTls('remote')?.ca?.toString()).toContain('BEGIN CERTIFICATE');
  });

  test('writes the layout and bytes docker writes, keys and certificates 0600', () => {
    const store = new ContextStore(dir);
    store.create({ name: 'remote', metadata: { Description: 'my remote' }, endpoint: { Host: 'tcp://10.0.0.1:2376', SkipTLSVerify: false }, tls: { ca: pem('ca'), key: pem('key') } });
    const metaFile = path.join(dir, 'contexts', 'meta', digest('remote'), 'meta.json');
    expect(readFileSync(metaFile, 'utf8')).toBe('{"Name":"remote","Metadata":{"Description":"my remote"},"Endpoints":{"docker":{"Host":"tcp://10.0.0.1:2376","SkipTLSVerify":false}}}');
    const tlsDir = path.join(dir, 'contexts', 'tls', digest('remote'), 'docker');
    expect(statSync(path.join(tlsDir, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(tlsDir).mode & 0o777).toBe(0o700);
    expect(store.read('remote').tlsMaterial).toEqual({ docker: ['ca.pem', 'key.pem'] });
  });

  test('lists by name, numbers in order, and finds nothing in an empty store', () => {
    const store = new ContextStore(dir);
    expect(store.list()).toEqual([]);
    for (const name of ['b10', 'b9', 'a1']) dockerWrites(name, 'unix:///x.sock');
    expect(store.list().map((context) => context.name)).toEqual(['a1', 'b9', 'b10']);
  });

  test('refuses duplicates, bad names and the reserved name; reports missing contexts like docker', () => {
    const store = new ContextStore(dir);
    dockerWrites('dup', 'unix:///x.sock');
    expect(() => store.create({ name: 'dup', metadata: {}, endpoint: { Host: '', SkipTLSVerify: false } })).toThrow('context "dup" already exists');
    expect(() => validateContextName('bad name')).toThrow('context name "bad name" is invalid, names are validated against regexp "^[a-zA-Z0-9][a-zA-Z0-9_.+-]+$"');
    expect(() => validateContextName('x')).toThrow(/is invalid/);
    expect(() => validateContextName('default')).toThrow('"default" is a reserved context name');
    expect(() => store.read('nope')).toThrow(`context "nope": context not found: open ${path.join(dir, 'contexts', 'meta', digest('nope'), 'meta.json')}: no such file or directory`);
    expect(() => store.remove('nope')).toThrow('context "nope" does not exist');
  });

  test('removes metadata and TLS files', () => {
    dockerWrites('gone', 'tcp://h:2376', { tls: { 'ca.pem': pem('ca') } });
    const store = new ContextStore(dir);
    store.remove('gone');
    expect(store.exists('gone')).toBe(false);
    expect(store.readTls('gone')).toBeUndefined();
  });
});

describe('currentContext in config.json', () => {
  test('sets and clears it, keeping the other keys', () => {
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'registry.example': { auth: 'eDp5' } }, psFormat: 'table {{.ID}}' }));
    writeCurrentContext(dir, 'remote');
    expect(readCurrentContext(dir)).toBe('remote');
    expect(JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8'))).toMatchObject({ auths: { 'registry.example': { auth: 'eDp5' } }, psFormat: 'table {{.ID}}', currentContext: 'remote' });
    writeCurrentContext(dir, 'default');
    expect(readCurrentContext(dir)).toBeUndefined();
    expect(statSync(path.join(dir, 'config.json')).mode & 0o777).toBe(0o600);
  });

  test('a missing config.json has no current context', () => {
    expect(readCurrentContext(path.join(dir, 'absent'))).toBeUndefined();
  });
});

describe('resolveContextName (docker’s order)', () => {
  const current = (): string => 'from-config';
  const cases = [
    { name: '--context wins over everything', selection: { context: 'flag' }, env: { DOCKER_HOST: 'unix:///x', DOCKER_CONTEXT: 'env' }, expected: 'flag' },
    { name: '-H means the default context', selection: { host: 'unix:///x' }, env: { DOCKER_CONTEXT: 'env' }, expected: 'default' },
    { name: 'DOCKER_HOST means the default context', selection: {}, env: { DOCKER_HOST: 'unix:///x', DOCKER_CONTEXT: 'env' }, expected: 'default' },
    { name: 'DOCKER_CONTEXT before config.json', selection: {}, env: { DOCKER_CONTEXT: 'env' }, expected: 'env' },
    { name: 'config.json last', selection: {}, env: {}, expected: 'from-config' },
  ];
  for (const { name, selection, env, expected } of cases) test(name, () => expect(resolveContextName(selection, env, current)).toBe(expected));
  test('default when nothing is set', () => expect(resolveContextName({}, {}, () => undefined)).toBe('default'));
});

describe('resolveClientOptions with contexts', () => {
  test('a TLS context gives its host and files, verified', () => {
    dockerWrites('remote', 'tcp://10.0.0.1:2376', { tls: { 'ca.pem': pem('ca'), 'cert.pem': pem('cert'), 'key.pem': pem('key') } });
    const options = resolveClientOptions({ context: 'remote' }, { DOCKER_CONFIG: dir, DOCKER_TLS_VERIFY: '' });
    expect(options.host).toBe('tcp://10.0.0.1:2376');
    expect(options.tls).toMatchObject({ verify: true });
    expect(options.tls?.ca?.toString()).toContain(Buffer.from('ca').toString('base64'));
    expect(options.tls?.cert).toBeDefined();
  });

  test('SkipTLSVerify means TLS without verification; a lone certificate is not used', () => {
    dockerWrites('skip', 'tcp://h:2376', { skip: true, tls: { 'cert.pem': pem('cert') } });
    expect(resolveClientOptions({}, { DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'skip' }).tls).toEqual({ verify: false, ca: undefined });
  });

  test('a tcp context without TLS files is plain TCP; unix contexts never use TLS', () => {
    dockerWrites('plain', 'tcp://h:2375');
    dockerWrites('local', 'unix:///run/x.sock', { tls: { 'ca.pem': pem('ca') } });
    expect(resolveClientOptions({ context: 'plain' }, { DOCKER_CONFIG: dir })).toEqual({ host: 'tcp://h:2375' });
    expect(resolveClientOptions({ context: 'local' }, { DOCKER_CONFIG: dir })).toEqual({ host: 'unix:///run/x.sock' });
  });

  test('the current context from config.json, unless DOCKER_HOST is set', () => {
    dockerWrites('remote', 'tcp://10.0.0.1:2375');
    writeCurrentContext(dir, 'remote');
    expect(resolveClientOptions({}, { DOCKER_CONFIG: dir }).host).toBe('tcp://10.0.0.1:2375');
    expect(resolveClientOptions({}, { DOCKER_CONFIG: dir, DOCKER_HOST: 'unix:///y.sock' }).host).toBe('unix:///y.sock');
    expect(resolveClientOptions({ configDir: dir }, { DOCKER_CONFIG: '/nonexistent' }).host).toBe('tcp://10.0.0.1:2375');
  });

  test('refuses --host with --context, and an unknown context', () => {
    expect(() => resolveClientOptions({ context: 'x', host: 'unix:///y' }, {})).toThrow('conflicting options: cannot specify both --host and --context');
    expect(() => resolveClientOptions({ context: 'nope' }, { DOCKER_CONFIG: dir })).toThrow(/context "nope": context not found/);
  });

  test('DOCKER_API_VERSION applies to contexts too', () => {
    dockerWrites('local', 'unix:///run/x.sock');
    expect(resolveClientOptions({ context: 'local' }, { DOCKER_CONFIG: dir, DOCKER_API_VERSION: '1.44' }).apiVersion).toBe('1.44');
  });

  test('the default context: a CA is required to verify, a missing default client pair is skipped', () => {
    writeFileSync(path.join(dir, 'ca.pem'), pem('ca'));
    const options = resolveClientOptions({}, { DOCKER_CONFIG: dir, DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(options.tls).toMatchObject({ verify: true, cert: undefined, key: undefined });
    expect(() => resolveClientOptions({}, { DOCKER_CONFIG: dir, DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' })).toThrow(
      'open /nonexistent/ca.pem: no such file or directory',
    );
    expect(resolveClientOptions({ host: 'tcp://h:2376', tls: true }, { DOCKER_CONFIG: dir, DOCKER_CERT_PATH: '/nonexistent' }).tls).toEqual({ verify: false, ca: undefined, cert: undefined, key: undefined });
  });
});
