// The berth CLI's network, volume and port features (issue 3) against a real berthd, side by side
// with the real docker CLI on the same daemon: where docker's output is deterministic, berth must
// print the same bytes and exit the same way; published ports must answer inside the daemon's netns.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, eventually } from './helpers/daemon.js';

const haveDocker = existsSync(DOCKER);

type Result = { code: number; stdout: string; stderr: string };

/** Relative times move while two CLIs run one after the other; compare them as a placeholder. */
function normalizeTimes(text: string): string {
  return text
    .replace(/(Less than a second|About a minute|About an hour|\d+ (second|minute|hour|day|week|month|year)s?)( ago)?/g, '<T>')
    .replace(/ {2,}/g, '  ');
}

/** docker's messages name docker; berth's name berth (not in dotted names: com.docker.network.*, docs.docker.com). */
const asBerth = (text: string): string => text.replace(/(?<![.\w])docker(?![.\w])/g, 'berth').replace(/(?<![.\w])Docker(?![.\w])/g, 'Berth');

/** Object IDs differ between two objects made the same way. */
const maskIds = (text: string): string => text.replace(/\b[0-9a-f]{64}\b/g, '<ID>').replace(/\b[0-9a-f]{12}\b/g, '<id>');

describe.skipIf(!haveDocker)('berth network, volume and port commands against berthd', () => {
  const daemon = new TestDaemon('bcln');
  const scratch = mkdtempSync('/tmp/bcln-scratch-');

  const berth = (args: string[], options?: { input?: string }): Promise<Result> => daemon.berth(args, options);
  const docker = (args: string[], options?: { input?: string }): Promise<Result> => daemon.docker(args, options);

  /** Runs a read-only command with both CLIs and expects the same result. */
  async function expectSameAsDocker(args: string[], options: { times?: boolean; input?: string } = {}): Promise<Result> {
    const fromDocker = await docker(args, options);
    const fromBerth = await berth(args, options);
    const clean = (text: string): string => (options.times ? normalizeTimes(text) : text);
    expect({ args, code: fromBerth.code, stdout: clean(fromBerth.stdout), stderr: clean(fromBerth.stderr) }).toEqual({
      args,
      code: fromDocker.code,
      stdout: clean(asBerth(fromDocker.stdout)),
      stderr: clean(asBerth(fromDocker.stderr)),
    });
    return fromBerth;
  }

  /**
   * Runs a command that changes state with each CLI on its own objects (`d-…` for docker, `b-…`
   * for berth) and expects the same result once names and IDs are lined up.
   */
  async function expectSameEffect(argsFor: (side: 'd' | 'b') => string[], options: { input?: string } = {}): Promise<Result> {
    const fromDocker = await docker(argsFor('d'), options);
    const fromBerth = await berth(argsFor('b'), options);
    const clean = (text: string): string => maskIds(text);
    const args = argsFor('b');
    expect({ args, code: fromBerth.code, stdout: clean(fromBerth.stdout), stderr: clean(fromBerth.stderr) }).toEqual({
      args,
      code: fromDocker.code,
      stdout: clean(asBerth(fromDocker.stdout).replaceAll('d-', 'b-')),
      stderr: clean(asBerth(fromDocker.stderr).replaceAll('d-', 'b-')),
    });
    return fromBerth;
  }

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('help of the network and volume commands reads like docker', async () => {
    for (const group of ['network', 'volume']) {
      await expectSameAsDocker([group, '--help']);
      await expectSameAsDocker([group]);
    }
    for (const command of ['create', 'ls', 'inspect', 'rm', 'connect', 'disconnect', 'prune']) await expectSameAsDocker(['network', command, '--help']);
    for (const command of ['create', 'ls', 'inspect', 'rm', 'prune']) await expectSameAsDocker(['volume', command, '--help']);
    await expectSameAsDocker(['network', 'create']);
    await expectSameAsDocker(['volume', 'create', 'a', 'b']);
    await expectSameAsDocker(['network', 'ls', 'extra']);
  });

  test('network create, ls, inspect and rm print what docker prints', async () => {
    const subnet = (side: 'd' | 'b'): string => (side === 'd' ? '10.201.0.0/24' : '10.202.0.0/24');
    const created = await expectSameEffect((side) => ['network', 'create', '--subnet', subnet(side), '--label', 'team=a', `${side}-net`]);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    await expectSameEffect((side) => ['network', 'create', '--internal', '--attachable', '-o', 'com.docker.network.driver.mtu=1400', `${side}-plain`]);
    await expectSameAsDocker(['network', 'ls']);
    await expectSameAsDocker(['network', 'ls', '--no-trunc']);
    await expectSameAsDocker(['network', 'ls', '-q']);
    await expectSameAsDocker(['network', 'ls', '--format', 'json']);
    await expectSameAsDocker(['network', 'ls', '--filter', 'label=team=a']);
    await expectSameAsDocker(['network', 'ls', '-f', 'driver=bridge', '--format', 'table {{.Name}}\t{{.Internal}}\t{{.IPv4}}\t{{.Labels}}\t{{.CreatedAt}}']);
    await expectSameAsDocker(['network', 'ls', '--filter', 'bogus=1']);
    await expectSameAsDocker(['network', 'inspect', 'b-net', 'd-plain', 'bridge']);
    await expectSameAsDocker(['network', 'inspect', '-v', 'b-net']);
    await expectSameAsDocker(['network', 'inspect', '-f', '{{.Name}} {{.Created}} {{.IPAM.Config}} {{json .IPAM}} {{.Labels}} {{.Internal}}', 'b-net', 'b-plain']);
    await expectSameAsDocker(['network', 'inspect', '-f', '{{.Id}} {{.IPAM.Config}} {{json .Options}}', 'b-plain']);
    await expectSameAsDocker(['network', 'inspect', 'nope', 'b-net']);
    await expectSameAsDocker(['network', 'inspect', '-f', '{{.Nope}}', 'b-net']);
    await expectSameAsDocker(['inspect', '--type', 'network', '-f', '{{.Name}} {{.Driver}} {{.Scope}}', 'b-net']);
    await expectSameEffect((side) => ['network', 'rm', `${side}-net`, 'nope', `${side}-plain`]);
    await expectSameEffect(() => ['network', 'rm', '-f', 'nope']);
    await expectSameAsDocker(['network', 'ls']);
  });

  test('network create refusals read like docker', async () => {
    await berth(['network', 'create', 'taken']);
    for (const args of [
      ['network', 'create', 'taken'],
      ['network', 'create', '--ipv6', 'v6'],
      ['network', 'create', '-d', 'nodriver', 'x'],
      ['network', 'create', '--gateway', '10.9.0.1', 'x'],
      ['network', 'create', '--subnet', '10.9.0.0/16', '--gateway', '10.8.0.1', 'x'],
      ['network', 'create', '--subnet', '10.9.0.0/16,10.9.1.0/24', 'x'],
      ['network', 'create', '--subnet', 'bogus', 'x'],
      ['network', 'create', '--label', ' =x', 'x'],
      ['network', 'rm', ' '],
    ]) {
      await expectSameAsDocker(args);
    }
    expect((await berth(['network', 'rm', 'taken'])).stdout).toBe('taken\n');
  });

  test('network connect and disconnect', async () => {
    const subnet = (side: 'd' | 'b'): string => (side === 'd' ? '10.203.0.0/24' : '10.204.0.0/24');
    await expectSameEffect((side) => ['network', 'create', '--subnet', subnet(side), `${side}-cn`]);
    await expectSameEffect((side) => ['run', '-d', '--name', `${side}-box`, 'busybox', 'sleep', '1000']);
    await expectSameEffect((side) => ['network', 'connect', '--alias', 'helper', '--ip', side === 'd' ? '10.203.0.50' : '10.204.0.50', `${side}-cn`, `${side}-box`]);
    const inside = await berth(['exec', 'b-box', 'ip', '-o', '-4', 'addr', 'show', 'eth1']);
    expect(inside.stdout).toContain('10.204.0.50/24');
    expect((await berth(['inspect', '-f', '{{json .NetworkSettings.Networks}}', 'b-box'])).stdout).toContain('"Aliases":["helper"]');
    await expectSameAsDocker(['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}', 'b-cn']);
    await expectSameEffect((side) => ['network', 'connect', `${side}-cn`, `${side}-box`]);
    await expectSameEffect((side) => ['network', 'connect', `${side}-cn`, 'nope']);
    await expectSameEffect((side) => ['network', 'connect', '--link', 'a:b:c', `${side}-cn`, `${side}-box`]);
    await expectSameEffect((side) => ['network', 'disconnect', `${side}-cn`, `${side}-box`]);
    await expectSameEffect((side) => ['network', 'disconnect', `${side}-cn`, `${side}-box`]);
    await expectSameEffect((side) => ['network', 'disconnect', '-f', `${side}-cn`, `${side}-box`]);
    await expectSameEffect((side) => ['rm', '-f', `${side}-box`]);
    await expectSameEffect((side) => ['network', 'rm', `${side}-cn`]);
  });

  test('network prune: prompt, report, filters', async () => {
    await expectSameAsDocker(['network', 'prune'], { input: 'n\n' });
    expect((await berth(['network', 'prune', '-f'])).code).toBe(0);
    await expectSameAsDocker(['network', 'prune', '-f', '--filter', 'bogus=1']);
    for (const side of ['d', 'b'] as const) {
      const cli = side === 'd' ? docker : berth;
      expect((await cli(['network', 'create', '--label', 'keep=no', `${side}-unused`])).code).toBe(0);
      expect((await cli(['network', 'create', `${side}-kept`])).code).toBe(0);
    }
    const pruned = await berth(['network', 'prune', '-f', '--filter', 'label=keep=no']);
    expect(pruned).toEqual({ code: 0, stdout: 'Deleted Networks:\nd-unused\nb-unused\n\n', stderr: '' });
    await expectSameAsDocker(['network', 'prune', '-f', '--filter', 'label=keep=no']);
    expect((await berth(['network', 'prune'], { input: 'y\n' })).stdout).toBe(
      'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] Deleted Networks:\nd-kept\nb-kept\n\n',
    );
    await expectSameAsDocker(['network', 'prune'], { input: 'y\n' });
  });

  test('volume create, ls, inspect and rm print what docker prints', async () => {
    await expectSameEffect((side) => ['volume', 'create', `${side}-vol`]);
    await expectSameEffect((side) => ['volume', 'create', '--label', 'a=1', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', `${side}-tmp`]);
    await expectSameEffect((side) => ['volume', 'create', '--name', `${side}-named`]);
    const generated = await berth(['volume', 'create']);
    expect(generated.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    await expectSameAsDocker(['volume', 'ls']);
    await expectSameAsDocker(['volume', 'ls', '-q']);
    await expectSameAsDocker(['volume', 'ls', '--format', 'json']);
    await expectSameAsDocker(['volume', 'ls', '--filter', 'label=a=1', '--format', 'table {{.Name}}\t{{.Labels}}\t{{.Links}}\t{{.Size}}']);
    await expectSameAsDocker(['volume', 'ls', '-f', 'bogus=1']);
    // Two labels print in Go's random map order in `ls`, so only inspect (sorted keys) sees them.
    await expectSameEffect((side) => ['volume', 'create', '--label', 'b=2', '--label', 'a=1', `${side}-labels`]);
    await expectSameAsDocker(['volume', 'inspect', 'b-vol', 'b-tmp', 'd-labels']);
    await expectSameAsDocker(['volume', 'inspect', 'nope', 'b-vol']);
    await expectSameAsDocker(['volume', 'inspect', '-f', '{{.}}', 'b-tmp', 'b-vol']);
    await expectSameAsDocker(['volume', 'inspect', '-f', '{{.Name}} {{.Labels}} {{.Options}} {{json .}}', 'b-tmp']);
    await expectSameAsDocker(['volume', 'inspect', '-f', '{{.Nope}}', 'b-vol']);
    await expectSameAsDocker(['inspect', 'b-tmp']);
    await expectSameEffect(() => ['volume', 'create', '-d', 'nodriver', 'x']);
    await expectSameEffect(() => ['volume', 'create', 'bad name']);
    await expectSameEffect((side) => ['volume', 'create', '--name', 'x', `${side}-y`]);
    await expectSameEffect((side) => ['run', '-d', '--name', `${side}-user`, '-v', `${side}-vol:/data`, 'busybox', 'sleep', '1000']);
    await expectSameEffect((side) => ['volume', 'rm', `${side}-vol`]);
    await expectSameEffect((side) => ['volume', 'rm', 'nope', `${side}-named`, 'nope2']);
    await expectSameEffect(() => ['volume', 'rm', '-f', 'nope']);
    await expectSameEffect((side) => ['rm', '-f', `${side}-user`]);
    await expectSameEffect((side) => ['volume', 'rm', `${side}-vol`, `${side}-tmp`, `${side}-labels`]);
    expect(await berth(['volume', 'rm', generated.stdout.trim()])).toEqual({ code: 0, stdout: generated.stdout, stderr: '' });
  });

  test('volume prune: anonymous only unless -a, prompt, conflicts', async () => {
    await expectSameAsDocker(['volume', 'prune'], { input: 'n\n' });
    expect((await berth(['volume', 'prune', '-a', '-f'])).code).toBe(0);
    await expectSameAsDocker(['volume', 'prune', '-a'], { input: 'n\n' });
    await expectSameAsDocker(['volume', 'prune', '-a', '-f', '--filter', 'all=1']);
    await expectSameAsDocker(['volume', 'prune', '-f', '--filter', 'until=1h']);
    expect((await berth(['volume', 'create', 'named-left'])).code).toBe(0);
    // An anonymous volume, left behind by a container removed without -v.
    expect((await berth(['run', '--name', 'anon-src', '-v', '/anon', 'busybox', 'true'])).code).toBe(0);
    const anonymous = (await berth(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'anon-src'])).stdout.trim();
    expect(anonymous).toMatch(/^[0-9a-f]{64}$/);
    expect((await berth(['rm', 'anon-src'])).code).toBe(0);
    const pruned = await berth(['volume', 'prune', '-f']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(new RegExp(`^Deleted Volumes:\\n${anonymous}\\n\\nTotal reclaimed space: \\S+\\n$`));
    expect((await berth(['volume', 'ls', '-q'])).stdout).toBe('named-left\n');
    await expectSameAsDocker(['volume', 'prune', '-f']);
    expect(await berth(['volume', 'prune', '-a', '-f'])).toEqual({ code: 0, stdout: expect.stringMatching(/^Deleted Volumes:\nnamed-left\n\nTotal reclaimed space: \S+\n$/), stderr: '' });
  });

  test('run -p publishes a port: the page answers, port and ps read like docker', async () => {
    const www = path.join(scratch, 'www');
    mkdirSync(www, { recursive: true });
    writeFileSync(path.join(www, 'index.html'), 'hello from berth\n');
    const run = await berth(['run', '-d', '--name', 'web', '-p', '8080:80', '-v', `${www}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const page = await eventually(async () => {
      const curl = await daemon.inNetns(['curl', '-s', '--max-time', '2', 'http://127.0.0.1:8080/']);
      return curl.code === 0 ? curl.stdout : undefined;
    }, 10_000, 'the published port to answer');
    expect(page).toBe('hello from berth\n');
    expect((await expectSameAsDocker(['port', 'web'])).stdout).toBe('80/tcp -> 0.0.0.0:8080\n');
    await expectSameAsDocker(['port', 'web', '80']);
    await expectSameAsDocker(['port', 'web', '80/udp']);
    await expectSameAsDocker(['port', 'web', '99999']);

    expect(
      (await berth(['run', '-d', '--name', 'ranges', '-p', '8000-8002:80-82', '-p', '127.0.0.1:9000:90/udp', '-p', '7000-7002:7000-7002', '--expose', '5000-5001', 'busybox', 'sleep', '1000'])).code,
    ).toBe(0);
    const ps = await expectSameAsDocker(['ps', '--format', '{{.Names}}: {{.Ports}}']);
    expect(ps.stdout).toContain('ranges: 5000-5001/tcp, 0.0.0.0:7000-7002->7000-7002/tcp, 0.0.0.0:8000->80/tcp, 0.0.0.0:8001->81/tcp, 0.0.0.0:8002->82/tcp, 127.0.0.1:9000->90/udp\n');
    expect(ps.stdout).toContain('web: 0.0.0.0:8080->80/tcp\n');
    await expectSameAsDocker(['ps'], { times: true });
    await expectSameAsDocker(['port', 'ranges']);
    await expectSameAsDocker(['inspect', '-f', '{{json .HostConfig.PortBindings}} {{json .Config.ExposedPorts}} {{json .NetworkSettings.Ports}}', 'ranges']);
  });

  test('run -P publishes every exposed port on a port that port and ps show', async () => {
    const seed = await berth(['run', '--rm', '-v', 'site:/www', 'busybox', 'sh', '-c', 'echo from a volume > /www/index.html']);
    expect(seed.code).toBe(0);
    expect((await berth(['run', '-d', '--name', 'all', '-P', '--expose', '80', '-v', 'site:/www', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www'])).code).toBe(0);
    const mapping = (await berth(['port', 'all', '80'])).stdout;
    expect(mapping).toMatch(/^0\.0\.0\.0:\d+\n$/);
    const hostPort = mapping.trim().split(':')[1]!;
    expect(Number(hostPort)).toBeGreaterThan(1024);
    await expectSameAsDocker(['port', 'all']);
    expect((await expectSameAsDocker(['ps', '--filter', 'name=all', '--format', '{{.Ports}}'])).stdout).toBe(`0.0.0.0:${hostPort}->80/tcp\n`);
    const page = await eventually(async () => {
      const curl = await daemon.inNetns(['curl', '-s', '--max-time', '2', `http://127.0.0.1:${hostPort}/`]);
      return curl.code === 0 ? curl.stdout : undefined;
    }, 10_000, 'the picked port to answer');
    expect(page).toBe('from a volume\n');
  });

  test('volumes, binds and tmpfs mounts through berth flags', async () => {
    expect((await berth(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).code).toBe(0);
    expect(await berth(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'cat', '/data/f'])).toEqual({ code: 0, stdout: 'kept\n', stderr: '' });
    const readOnly = await berth(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'touch', '/data/g']);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toContain('Read-only file system');
    expect((await berth(['run', '--rm', '--mount', 'type=volume,src=keep,dst=/m,readonly', 'busybox', 'cat', '/m/f'])).stdout).toBe('kept\n');

    const host = path.join(scratch, 'bind');
    mkdirSync(host, { recursive: true });
    writeFileSync(path.join(host, 'note'), 'from the host\n');
    expect((await berth(['run', '--rm', '-v', `${host}:/host`, 'busybox', 'sh', '-c', 'cat /host/note; echo back > /host/reply'])).stdout).toBe('from the host\n');
    expect(existsSync(path.join(host, 'reply'))).toBe(true);
    expect((await berth(['run', '--rm', '--mount', `type=bind,source=${host},target=/b,readonly`, 'busybox', 'cat', '/b/note'])).stdout).toBe('from the host\n');

    const tmpfs = await berth(['run', '--rm', '--tmpfs', '/scratch:size=1m', '--mount', 'type=tmpfs,dst=/t,tmpfs-size=2m', 'busybox', 'grep', 'tmpfs /', '/proc/mounts']);
    expect(tmpfs.stdout).toMatch(/^tmpfs \/scratch tmpfs \S*size=1024k/m);
    expect(tmpfs.stdout).toMatch(/^tmpfs \/t tmpfs \S*size=2048k/m);

    expect((await berth(['run', '-d', '--name', 'anon', '-v', '/anon', 'busybox', 'sleep', '1000'])).code).toBe(0);
    const mounts = (await berth(['inspect', '-f', '{{range .Mounts}}{{.Type}} {{.Destination}} {{.Name}}{{end}}', 'anon'])).stdout;
    expect(mounts).toMatch(/^volume \/anon [0-9a-f]{64}\n$/);
    const anonymous = mounts.trim().split(' ')[2]!;
    expect((await berth(['volume', 'ls', '-q'])).stdout).toContain(`${anonymous}\n`);
    expect((await berth(['rm', '-f', '-v', 'anon'])).code).toBe(0);
    expect((await berth(['volume', 'ls', '-q'])).stdout).not.toContain(anonymous);
  });

  test('network flags: user networks with aliases, several networks, none, host, container:, names and DNS', async () => {
    expect((await berth(['network', 'create', '--subnet', '10.205.0.0/24', 'app'])).code).toBe(0);
    expect((await berth(['network', 'create', 'app2'])).code).toBe(0);
    expect((await berth(['run', '-d', '--name', 'srv', '--network', 'app', '--network-alias', 'svc', '--ip', '10.205.0.77', 'busybox', 'sleep', '1000'])).code).toBe(0);
    const lookup = await berth(['run', '--rm', '--network', 'app', 'busybox', 'nslookup', 'svc']);
    expect(lookup.stdout).toContain('10.205.0.77');
    const two = await berth(['run', '--rm', '--network', 'app', '--network', 'name=app2,alias=second', 'busybox', 'ip', '-o', '-4', 'addr']);
    expect(two.stdout).toMatch(/eth0\s+inet 10\.205\.0\.\d+\/24/);
    expect(two.stdout).toMatch(/eth1\s+inet /);
    expect((await berth(['run', '--rm', '--network', 'none', 'busybox', 'ls', '/sys/class/net'])).stdout).toBe('lo\n');
    expect((await berth(['run', '--rm', '--net', 'host', 'busybox', 'ls', '/sys/class/net'])).stdout).toContain('berth0\n');
    expect((await berth(['run', '--rm', '--network', 'container:srv', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'eth0'])).stdout).toContain('10.205.0.77/24');
    const identity = await berth([
      'run', '--rm', '-h', 'box', '--domainname', 'example.com', '--add-host', 'db:10.0.0.9', '--add-host', 'gw=host-gateway', '--dns', '9.9.9.9',
      '--dns-search', 'corp.example', '--dns-option', 'ndots:3', 'busybox', 'sh', '-c', 'hostname; grep -E "db|gw" /etc/hosts; cat /etc/resolv.conf',
    ]);
    expect(identity.stdout).toMatch(/^box\n10\.0\.0\.9\tdb\n\S+\tgw\n/);
    expect(identity.stdout).toContain('nameserver 9.9.9.9\nsearch corp.example\noptions ndots:3');
    const loopback = await berth(['run', '--rm', '--dns', '127.0.0.1', 'busybox', 'true']);
    expect(loopback.stderr).toBe('WARNING: Localhost DNS (127.0.0.1) may fail in containers.\n');
  });

  test('containers created by berth and by docker from the same flags are configured alike', async () => {
    expect((await berth(['network', 'create', 'same'])).code).toBe(0);
    const flags = [
      '-p', '8080:80', '-p', '127.0.0.1::81/udp', '--expose', '90-91', '-v', 'vol:/data', '-v', '/anon', '-v', `${scratch}:/host:ro`, '--tmpfs', '/t:size=1m',
      '--mount', 'type=tmpfs,dst=/m,tmpfs-size=2m', '--mount', 'type=volume,src=vol2,dst=/v,volume-nocopy', '--add-host', 'h:1.2.3.4', '--dns', '9.9.9.9',
      '--dns-search', 'ex.com', '--dns-option', 'ndots:2', '-h', 'hn', '--domainname', 'dn', '--network', 'same', '--network-alias', 'al',
      '--mac-address', '02:42:ac:11:00:99', '--link', 'srv:db', '--volumes-from', 'web:ro',
    ];
    expect((await docker(['create', '--name', 'd-same', ...flags, 'busybox'])).code).toBe(0);
    expect((await berth(['create', '--name', 'b-same', ...flags, 'busybox'])).code).toBe(0);
    const format = '{{json .HostConfig}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{.Config.Hostname}} {{.Config.Domainname}} {{json .NetworkSettings.Networks.same.Aliases}} {{json .NetworkSettings.Networks.same.Links}} {{json .NetworkSettings.Networks.same.MacAddress}}';
    const fromDocker = await berth(['inspect', '-f', format, 'd-same']);
    const fromBerth = await berth(['inspect', '-f', format, 'b-same']);
    expect(fromBerth.code).toBe(0);
    // Binds come out of a Go map in docker's CLI, in no particular order.
    const sortBinds = (text: string): string => text.replace(/"Binds":\[[^\]]*\]/, (binds) => `"Binds":${JSON.stringify((JSON.parse(binds.slice(8)) as string[]).sort())}`);
    expect(sortBinds(fromBerth.stdout)).toBe(sortBinds(fromDocker.stdout));
  });

  test('flag errors read like docker and create nothing', async () => {
    const before = (await berth(['ps', '-aq'])).stdout;
    for (const args of [
      ['run', '-p', 'foo', 'busybox'],
      ['run', '-p', '8000-8001:80-82', 'busybox'],
      ['run', '-p', '[::1:80:80', 'busybox'],
      ['run', '--expose', '80:90', 'busybox'],
      ['run', '-v', '/a::/b', 'busybox'],
      ['create', '-v', '', 'busybox'],
      ['run', '--mount', 'type=bind', 'busybox'],
      ['run', '--mount', 'type=tmpfs,dst=/x,volume-nocopy', 'busybox'],
      ['run', '--mount', 'type=bind,src=/a"b,dst=/b', 'busybox'],
      ['run', '--add-host', 'nohost', 'busybox'],
      ['run', '--add-host', 'h:not-an-ip', 'busybox'],
      ['run', '--dns', 'x', 'busybox'],
      ['run', '--dns-search', '-x', 'busybox'],
      ['run', '--link', 'a:b:c', 'busybox'],
      ['run', '--mac-address', 'zz', 'busybox'],
      ['run', '--network', 'host', '--network', 'app', 'busybox'],
      ['run', '--network-alias', 'x', 'busybox'],
      ['run', '--network', 'name=a,bogus=1', 'busybox'],
      ['run', '-v', 'bad name:/x', 'busybox', 'true'],
    ]) {
      const fromDocker = await docker(args);
      const fromBerth = await berth(args);
      expect({ args, code: fromBerth.code, stderr: fromBerth.stderr }).toEqual({ args, code: fromDocker.code, stderr: asBerth(fromDocker.stderr) });
    }
    // docker's CLI takes any 404 from create for a missing image and tries to pull; berth only
    // pulls for "No such image", so a missing network reads as what it is.
    expect(await berth(['run', '--network', 'nonet', 'busybox', 'true'])).toEqual({
      code: 125,
      stdout: '',
      stderr: "berth: Error response from daemon: network nonet not found\n\nRun 'berth run --help' for more information\n",
    });
    expect((await berth(['ps', '-aq'])).stdout).toBe(before);
  });
});
