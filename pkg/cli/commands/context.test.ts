// `berth context …` through main(), in a private DOCKER_CONFIG, and commands reaching a context's host.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { sendJson, startFakeEngine, type FakeEngine } from '../../client/testdata/fake-engine.js';
import { main } from '../main.js';

let config: string;
let engine: FakeEngine | undefined;
beforeEach(() => {
  config = mkdtempSync(path.join(tmpdir(), 'berth-cli-contexts-'));
});
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  rmSync(config, { recursive: true, force: true });
});

async function berth(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(argv, { stdin, stdout, stderr, env: { DOCKER_CONFIG: config, ...env }, process });
  return { code, stdout: out, stderr: err };
}

describe('berth context', () => {
  test('create, ls, use, show, rm', async () => {
    const ca = path.join(config, 'given-ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n');
    expect(await berth(['context', 'create', 'remote', '--description', 'my remote', '--docker', `host=tcp://10.0.0.1:2376,ca=${ca}`])).toEqual({
      code: 0,
      stdout: 'remote\n',
      stderr: 'Successfully created context "remote"\n',
    });
    expect((await berth(['context', 'ls'])).stdout).toBe(
      'NAME        DESCRIPTION                               DOCKER ENDPOINT                ERROR\n' +
        'default *   Current DOCKER_HOST based configuration   unix:///run/berth/berth.sock   \n' +
        'remote      my remote                                 tcp://10.0.0.1:2376            \n',
    );
    expect(await berth(['context', 'use', 'remote'])).toEqual({ code: 0, stdout: 'remote\n', stderr: 'Current context is now "remote"\n' });
    expect(JSON.parse(readFileSync(path.join(config, 'config.json'), 'utf8'))).toEqual({ currentContext: 'remote' });
    expect((await berth(['context', 'show'])).stdout).toBe('remote\n');
    expect((await berth(['context', 'ls', '-q'])).stdout).toBe('default\nremote\n');
    expect((await berth(['context', 'ls', '--format', 'json'])).stdout.split('\n')[1]).toBe(
      '{"Current":true,"Description":"my remote","DockerEndpoint":"tcp://10.0.0.1:2376","Error":"","Name":"remote"}',
    );
    expect(await berth(['context', 'rm', 'remote'])).toEqual({ code: 1, stdout: '', stderr: 'context "remote" is in use, set -f flag to force remove\n' });
    expect(await berth(['context', 'rm', '-f', 'remote', 'default'])).toEqual({ code: 1, stdout: 'remote\n', stderr: 'context "default" cannot be removed\n' });
    expect((await berth(['context', 'show'])).stdout).toBe('default\n');
  });

  test('inspect prints docker’s object; the default context lives in memory', async () => {
    await berth(['context', 'create', 'plain', '--docker', 'host=tcp://h:2375,skip-tls-verify=true']);
    const [plain] = JSON.parse((await berth(['context', 'inspect', 'plain'])).stdout) as [Record<string, unknown>];
    expect(plain).toMatchObject({ Name: 'plain', Metadata: {}, Endpoints: { docker: { Host: 'tcp://h:2375', SkipTLSVerify: true } }, TLSMaterial: {} });
    const inspected = await berth(['context', 'inspect'], { DOCKER_HOST: 'unix:///x.sock' });
    expect(inspected.stdout).toContain('"MetadataPath": "\\u003cIN MEMORY\\u003e"');
    expect(inspected.stdout).toContain('"Host": "unix:///x.sock"');
    expect((await berth(['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}', 'plain'])).stdout).toBe('tcp://h:2375\n');
  });

  test('create without --docker copies the current context; --from copies another', async () => {
    await berth(['context', 'create', 'copy']);
    await berth(['context', 'create', 'copy2', '--from', 'copy', '--description', 'second']);
    const [copy2] = JSON.parse((await berth(['context', 'inspect', 'copy2'])).stdout) as [Record<string, unknown>];
    expect(copy2).toMatchObject({ Metadata: { Description: 'second' }, Endpoints: { docker: { Host: 'unix:///run/berth/berth.sock' } } });
  });

  test('refuses what docker refuses, with its messages', async () => {
    expect((await berth(['context', 'create', 'default'])).stderr).toBe('"default" is a reserved context name\n');
    expect((await berth(['context', 'create', 'xy', '--docker', 'foo=bar'])).stderr).toBe('unable to create docker endpoint config: unrecognized config key: foo\n');
    expect((await berth(['context', 'create', 'xy', '--docker', 'host=tcp://h,ca=/nonexistent'])).stderr).toBe(
      'unable to create docker endpoint config: open /nonexistent: no such file or directory\n',
    );
    expect((await berth(['context', 'use', 'nope'])).stderr).toMatch(/^context "nope": context not found: open .*meta\.json: no such file or directory\n$/);
    expect(existsSync(path.join(config, 'config.json'))).toBe(false);
  });
});

describe('commands in a context', () => {
  test('--context, DOCKER_CONTEXT and currentContext send requests to the context’s host', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    await berth(['context', 'create', 'fake', '--docker', `host=${engine.host}`]);
    expect((await berth(['--context', 'fake', 'ps', '-q'])).code).toBe(0);
    expect((await berth(['ps', '-q'], { DOCKER_CONTEXT: 'fake' })).code).toBe(0);
    await berth(['context', 'use', 'fake']);
    expect((await berth(['ps', '-q'])).code).toBe(0);
    expect(engine.requests.filter((request) => request.url.endsWith('/containers/json'))).toHaveLength(3);
  });

  test('an unknown context or --host with --context fails before any request', async () => {
    expect(await berth(['--context', 'nope', 'ps'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Failed to initialize: unable to resolve docker endpoint: context "nope": context not found/) as unknown });
    expect(await berth(['--context', 'x', '-H', 'unix:///y.sock', 'ps'])).toMatchObject({ code: 1, stderr: 'conflicting options: cannot specify both --host and --context\n' });
  });
});

const docker = '/usr/local/bin/docker';
describe.skipIf(!existsSync(docker))('the docker CLI and berth share contexts', () => {
  test('each lists and inspects what the other created', async () => {
    const env = { ...process.env, DOCKER_CONFIG: config };
    execFileSync(docker, ['context', 'create', 'by-docker', '--docker', 'host=tcp://10.9.9.9:2376,skip-tls-verify=true'], { env, stdio: 'pipe' });
    await berth(['context', 'create', 'by-berth', '--description', 'made by berth', '--docker', 'host=tcp://10.8.8.8:2376']);
    expect((await berth(['context', 'inspect', 'by-docker'])).stdout).toBe(execFileSync(docker, ['context', 'inspect', 'by-docker'], { env, encoding: 'utf8' }));
    expect((await berth(['context', 'inspect', 'by-berth'])).stdout).toBe(execFileSync(docker, ['context', 'inspect', 'by-berth'], { env, encoding: 'utf8' }));
    await berth(['context', 'use', 'by-docker']);
    expect(execFileSync(docker, ['context', 'show'], { env, encoding: 'utf8' })).toBe('by-docker\n');
  });
});
