// The CLI end to end through main(): docker's usage errors and exit codes, and commands against a fake engine.
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, test } from 'vitest';
import { sendJson, startFakeEngine, type FakeEngine } from '../client/testdata/fake-engine.js';
import { main } from './main.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function berth(argv: string[], env: NodeJS.ProcessEnv = {}, now = 0): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const stdin = new PassThrough();
  stdin.end();
  const code = await main(argv, { stdin, stdout, stderr, env, process, now: () => now });
  return { code, stdout: out, stderr: err };
}

let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const traces = JSON.parse(readFileSync(new URL('./format/testdata/docker-traces.json', import.meta.url), 'utf8')) as Record<string, { body: unknown; nowMs: number; output: string }>;

describe('usage errors (no daemon needed)', () => {
  test('unknown flag: 125 with usage', async () => {
    expect(await berth(['ps', '--bogus'])).toEqual({
      code: 125,
      stdout: '',
      stderr: "unknown flag: --bogus\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n",
    });
  });

  test('unknown shorthand and missing flag value', async () => {
    expect((await berth(['ps', '-x'])).stderr).toMatch(/^unknown shorthand flag: 'x' in -x\n/);
    expect((await berth(['logs', '--tail'])).stderr).toMatch(/^flag needs an argument: --tail\n/);
    expect((await berth(['logs', '-n'])).stderr).toMatch(/^flag needs an argument: 'n' in -n\n/);
  });

  test("bad flag values use pflag's wording", async () => {
    expect(await berth(['run', '-m', 'x', 'busybox'])).toEqual({
      code: 125,
      stdout: '',
      stderr: "invalid argument \"x\" for \"-m, --memory\" flag: invalid size: 'x'\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information\n",
    });
  });

  test('semantic run errors are prefixed and point at --help', async () => {
    expect(await berth(['run', '--rm', '--restart', 'always', 'busybox'])).toEqual({
      code: 125,
      stdout: '',
      stderr: "berth: conflicting options: cannot specify both --restart and --rm\n\nRun 'berth run --help' for more information\n",
    });
  });

  test('argument counts', async () => {
    expect(await berth(['rm'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "berth: 'berth rm' requires at least 1 argument\n\nUsage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth rm --help' for more information\n",
    });
    expect((await berth(['ps', 'x'])).stderr).toBe("berth: 'berth ps' accepts no arguments\n\nUsage:  berth ps [OPTIONS]\n\nRun 'berth ps --help' for more information\n");
    expect((await berth(['rename', 'a'])).stderr).toMatch(/^berth: 'berth rename' requires 2 arguments\n/);
  });

  test('unknown commands', async () => {
    expect(await berth(['frob'])).toEqual({ code: 1, stdout: '', stderr: "berth: unknown command: berth frob\n\nRun 'berth --help' for more information\n" });
    expect((await berth(['container', 'frob'])).stderr).toBe("berth: unknown command: berth container frob\n\nUsage:  berth container\n\nRun 'berth container --help' for more information\n");
  });

  test('help renders docker layout with aliases', async () => {
    const help = await berth(['container', 'ls', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: {2}berth container ls \[OPTIONS\]\n\nList containers\n\nAliases:\n {2}berth container ls, berth container list, berth container ps, berth ps\n\nOptions:\n {2}-a, --all {13}Show all containers/);
    expect((await berth(['run', '--help'])).stdout).toContain('  -h, --hostname string');
    expect((await berth(['ps', '-h'])).stdout).toMatch(/^Usage: {2}berth ps/);
  });

  test('-v prints the version without loading commands', async () => {
    expect(await berth(['-v'])).toEqual({ code: 0, stdout: 'Berth version 0.1.0, build unknown\n', stderr: '' });
  });

  test('an unreachable daemon', async () => {
    expect(await berth(['ps'], { DOCKER_HOST: 'unix:///nonexistent/berth.sock' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Cannot connect to the Berth daemon at unix:///nonexistent/berth.sock. Is the berth daemon running?\n',
    });
  });
});

describe('against a fake engine', () => {
  test('ps prints the recorded docker table', async () => {
    const trace = traces['06-ps']!;
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, trace.body));
    const result = await berth(['ps'], { DOCKER_HOST: engine.host }, trace.nowMs);
    expect(result).toEqual({ code: 0, stdout: trace.output, stderr: '' });
    expect(engine.requests.map((r) => r.url)).toEqual(['/_ping', '/v1.50/containers/json']);
  });

  test('ps -a -q --filter sends docker query parameters', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    await berth(['ps', '-a', '-q', '--filter', 'status=exited', '-n', '3'], { DOCKER_HOST: engine.host });
    const url = new URL(engine.requests[1]!.url, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ all: '1', limit: '3', filters: '{"status":{"exited":true}}' });
  });

  test('-H overrides DOCKER_HOST', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, []));
    const result = await berth(['-H', engine.host, 'images', '-q'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(result.code).toBe(0);
  });

  test('daemon errors print "Error response from daemon" and join per object', async () => {
    engine = await startFakeEngine((request, response) => {
      if (request.url?.includes('/nope')) sendJson(response, 404, { message: 'No such container: nope' });
      else {
        response.writeHead(204);
        response.end();
      }
    });
    const result = await berth(['stop', 'ok', 'nope'], { DOCKER_HOST: engine.host });
    expect(result).toEqual({ code: 1, stdout: 'ok\n', stderr: 'Error response from daemon: No such container: nope\n' });
  });

  test('inspect prints the daemon JSON indented by four spaces and runs templates', async () => {
    const raw = '{"Id":"abc","State":{"Status":"running","Pid":12},"Config":{"Env":["A=1"],"Labels":{}}}';
    engine = await startFakeEngine((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(raw);
    });
    const plain = await berth(['container', 'inspect', 'abc'], { DOCKER_HOST: engine.host });
    expect(plain.stdout).toBe('[\n    {\n        "Id": "abc",\n        "State": {\n            "Status": "running",\n            "Pid": 12\n        },\n        "Config": {\n            "Env": [\n                "A=1"\n            ],\n            "Labels": {}\n        }\n    }\n]\n');
    const formatted = await berth(['inspect', '-f', '{{.State.Status}} {{.State.Pid}} {{json .Config.Env}}', 'abc'], { DOCKER_HOST: engine.host });
    expect(formatted.stdout).toBe('running 12 ["A=1"]\n');
  });

  test('inspect of an unknown object tries each type, then fails like docker', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 404, { message: 'not found' }));
    expect(await berth(['inspect', 'x'], { DOCKER_HOST: engine.host })).toEqual({ code: 1, stdout: '[]\n', stderr: 'Error: No such object: x\n' });
    expect(engine.requests.map((r) => r.url)).toEqual(['/_ping', '/v1.50/containers/x/json', '/v1.50/images/x/json', '/v1.50/networks/x', '/v1.50/volumes/x']);
  });

  test('a bad --format is a template parsing error', async () => {
    engine = await startFakeEngine((_request, response) => sendJson(response, 200, traces['06-ps']!.body));
    const result = await berth(['ps', '--format', '{{.Nope}}'], { DOCKER_HOST: engine.host });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ContainerContext\n');
  });

  test('system prune -f runs the prunes in docker order and totals the space', async () => {
    engine = await startFakeEngine((request, response) => {
      if (request.url?.startsWith('/v1.50/containers/prune')) sendJson(response, 200, { ContainersDeleted: ['c1'], SpaceReclaimed: 1000 });
      else if (request.url?.startsWith('/v1.50/networks/prune')) sendJson(response, 200, { NetworksDeleted: null });
      else if (request.url?.startsWith('/v1.50/images/prune')) sendJson(response, 200, { ImagesDeleted: [{ Untagged: 'a:1' }, { Deleted: 'sha256:x' }], SpaceReclaimed: 2_000_000 });
      else sendJson(response, 404, { message: 'page not found' });
    });
    const result = await berth(['system', 'prune', '-f'], { DOCKER_HOST: engine.host });
    expect(result).toEqual({
      code: 0,
      stdout: 'Deleted Containers:\nc1\n\nDeleted Images:\nuntagged: a:1\ndeleted: sha256:x\n\nTotal reclaimed space: 2.001MB\n',
      stderr: '',
    });
    const images = engine.requests.find((r) => r.url.startsWith('/v1.50/images/prune'))!;
    expect(new URL(images.url, 'http://x').searchParams.get('filters')).toBe('{"dangling":{"true":true}}');
  });
});
