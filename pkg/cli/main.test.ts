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

describe('network and volume commands send what docker sends', () => {
  const answer = (routes: Record<string, [number, unknown]>) =>
    startFakeEngine((request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      const found = Object.entries(routes).find(([prefix]) => `${request.method} ${path}`.startsWith(prefix));
      if (!found) return sendJson(response, 404, { message: 'page not found' });
      const [status, body] = found[1];
      if (status === 204) {
        response.writeHead(204);
        response.end();
      } else sendJson(response, status, body);
    });

  test('a bare management command prints its usage on stderr; --help on stdout', async () => {
    const bare = await berth(['network']);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: {2}berth network COMMAND\n\nManage networks\n\nCommands:\n {2}connect {5}Connect a container to a network\n/);
    expect((await berth(['volume', '--help'])).stdout).toContain('  rm          Remove one or more volumes\n');
  });

  test('"requires at most" keeps docker\'s SRun typo', async () => {
    expect((await berth(['volume', 'create', 'a', 'b'])).stderr).toBe(
      "berth: 'berth volume create' requires at most 1 argument\n\nUsage:  berth volume create [OPTIONS] [VOLUME]\n\nSRun 'berth volume create --help' for more information\n",
    );
  });

  test('network create: the request body of docker 28', async () => {
    engine = await answer({ 'POST /v1.50/networks/create': [201, { Id: 'n'.repeat(64), Warning: '' }] });
    const result = await berth(
      ['network', 'create', '--subnet', '10.1.0.0/16,10.2.0.0/16', '--gateway', '10.1.0.1', '--ip-range', '10.2.1.0/24', '--aux-address', 'a=10.1.0.5', '--ipam-opt', 'x=y',
        '--ipam-driver', 'foo', '-o', 'c', '-o', 'a=b', '--label', 'l=1', '--internal', '--attachable', '--scope', 'local', '--config-from', 'other', '--ipv4=false', '--ipv6', 'n2'],
      { DOCKER_HOST: engine.host },
    );
    expect(result).toEqual({ code: 0, stdout: `${'n'.repeat(64)}\n`, stderr: '' });
    expect(engine.requests[1]!.body).toBe(
      '{"Driver":"bridge","Scope":"local","EnableIPv4":false,"EnableIPv6":true,"IPAM":{"Driver":"foo","Options":{"x":"y"},"Config":[{"Subnet":"10.1.0.0/16","Gateway":"10.1.0.1","AuxiliaryAddresses":{"a":"10.1.0.5"}},{"Subnet":"10.2.0.0/16","IPRange":"10.2.1.0/24"}]},"Internal":true,"Attachable":true,"Ingress":false,"ConfigOnly":false,"ConfigFrom":{"Network":"other"},"Options":{"a":"b","c":""},"Labels":{"l":"1"},"Name":"n2"}',
    );
  });

  test('network connect and disconnect: the endpoint docker sends', async () => {
    engine = await answer({ 'POST /v1.50/networks/n1/connect': [200, null], 'POST /v1.50/networks/n1/disconnect': [200, null] });
    const connect = await berth(['network', 'connect', '--alias', 'a,b', '--alias', 'c', '--ip', '1.2.3.4', '--link', 'x:y', '--driver-opt', 'k=v', '--gw-priority', '5', 'n1', 'c1'], {
      DOCKER_HOST: engine.host,
    });
    expect(connect).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(engine.requests[1]!.body).toBe(
      '{"Container":"c1","EndpointConfig":{"IPAMConfig":{"IPv4Address":"1.2.3.4"},"Links":["x:y"],"Aliases":["a","b","c"],"MacAddress":"","DriverOpts":{"k":"v"},"GwPriority":5,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}',
    );
    await berth(['network', 'disconnect', '-f', 'n1', 'c1'], { DOCKER_HOST: engine.host });
    expect(engine.requests.at(-1)!.body).toBe('{"Container":"c1","Force":true}');
  });

  test('network rm reports each failure and ends with "exit status 1"; -f ignores missing networks', async () => {
    engine = await answer({ 'GET /v1.50/networks/gone': [404, { message: 'network gone not found' }], 'DELETE /v1.50/networks/gone': [404, { message: 'network gone not found' }], 'GET /v1.50/networks/ok': [200, { Name: 'ok', Ingress: false }], 'DELETE /v1.50/networks/ok': [204, null] });
    expect(await berth(['network', 'rm', 'gone', 'ok'], { DOCKER_HOST: engine.host })).toEqual({
      code: 1,
      stdout: 'ok\n',
      stderr: 'Error response from daemon: network gone not found\nexit status 1\n',
    });
    expect(await berth(['network', 'rm', '-f', 'gone', 'ok'], { DOCKER_HOST: engine.host })).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
  });

  test('volume create omits empty fields; volume rm joins errors', async () => {
    engine = await answer({
      'POST /v1.50/volumes/create': [201, { Name: 'v1', Driver: 'local', Labels: null, Options: null, Scope: 'local', Mountpoint: '/x' }],
      'DELETE /v1.50/volumes/gone': [404, { message: 'get gone: no such volume' }],
      'DELETE /v1.50/volumes/v1': [204, null],
    });
    expect((await berth(['volume', 'create'], { DOCKER_HOST: engine.host })).stdout).toBe('v1\n');
    expect(engine.requests[1]!.body).toBe('{"Driver":"local"}');
    await berth(['volume', 'create', '--label', 'b=2', '--label', 'a=1', '-o', 'type=tmpfs', 'v1'], { DOCKER_HOST: engine.host });
    expect(engine.requests.at(-1)!.body).toBe('{"Driver":"local","DriverOpts":{"type":"tmpfs"},"Labels":{"a":"1","b":"2"},"Name":"v1"}');
    expect(await berth(['volume', 'rm', 'gone', 'v1', 'gone'], { DOCKER_HOST: engine.host })).toEqual({
      code: 1,
      stdout: 'v1\n',
      stderr: 'Error response from daemon: get gone: no such volume\nError response from daemon: get gone: no such volume\n',
    });
  });

  test('volume prune -a asks the daemon for all=true after docker\'s prompt', async () => {
    engine = await answer({ 'POST /v1.50/volumes/prune': [200, { VolumesDeleted: ['v1'], SpaceReclaimed: 2048 }] });
    expect(await berth(['volume', 'prune', '-a', '-f', '--filter', 'label=x'], { DOCKER_HOST: engine.host })).toEqual({
      code: 0,
      stdout: 'Deleted Volumes:\nv1\n\nTotal reclaimed space: 2.048kB\n',
      stderr: '',
    });
    expect(new URL(engine.requests.at(-1)!.url, 'http://x').searchParams.get('filters')).toBe('{"all":{"true":true},"label":{"x":true}}');
    expect((await berth(['volume', 'prune', '-a', '-f', '--filter', 'all=1'], { DOCKER_HOST: engine.host })).stderr).toBe('conflicting options: cannot specify both --all and --filter all=1\n');
  });
});
