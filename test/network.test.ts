// Issue 3: networks, published ports, DNS and volumes, driven through the real docker CLI against
// a berthd running in its own network namespace (its bridges, table and veths go with it).

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, eventually } from './helpers/daemon.js';

const HTTPD = ['sh', '-c', 'mkdir -p /www && echo "page of $(hostname)" > /www/index.html && exec httpd -f -p 80 -h /www'];

describe.skipIf(!existsSync(DOCKER))('networks, ports, DNS and volumes', () => {
  const daemon = new TestDaemon('bnet');
  const scratch = mkdtempSync('/tmp/bnet-scratch-');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  const docker = (args: string[], input?: string) => daemon.docker(args, input === undefined ? {} : { input });

  test('containers on a user network reach each other by name and alias; other networks cannot', async () => {
    expect((await docker(['network', 'create', 'front'])).code).toBe(0);
    expect((await docker(['network', 'create', 'back'])).code).toBe(0);
    expect((await docker(['run', '-d', '--name', 'api', '--hostname', 'api-host', '--network', 'front', '--network-alias', 'service', ...['busybox', ...HTTPD]])).code).toBe(0);
    const probe = await docker([
      'run', '--rm', '--network', 'front', 'busybox', 'sh', '-c',
      'ping -c1 -W2 api >/dev/null && echo ping-name; ping -c1 -W2 service >/dev/null && echo ping-alias; ' +
        'timeout 3 wget -qO- http://service/; timeout 3 wget -qO- http://api-host/; echo hi | timeout 3 nc api 80 >/dev/null && echo tcp-ok',
    ]);
    expect(probe.stdout).toBe('ping-name\nping-alias\npage of api-host\npage of api-host\ntcp-ok\n');
    const isolated = await docker(['run', '--rm', '--network', 'back', 'busybox', 'sh', '-c', 'timeout 3 wget -qO- http://api/ 2>/dev/null || echo no-name']);
    expect(isolated.stdout).toBe('no-name\n');
    const apiIp = (await docker(['inspect', '-f', '{{.NetworkSettings.Networks.front.IPAddress}}', 'api'])).stdout.trim();
    expect(apiIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const byIp = await docker(['run', '--rm', '--network', 'back', 'busybox', 'sh', '-c', `timeout 3 wget -qO- http://${apiIp}/ || echo unreachable`]);
    expect(byIp.stdout.trim()).toBe('unreachable');
    // docker network inspect lists the container with its address.
    const inspect = JSON.parse((await docker(['network', 'inspect', 'front'])).stdout) as Array<{ Containers: Record<string, { Name: string; IPv4Address: string }> }>;
    expect(Object.values(inspect[0].Containers)).toEqual([expect.objectContaining({ Name: 'api', IPv4Address: `${apiIp}/16` })]);
  });

  test('network connect attaches a running container to a second network', async () => {
    await docker(['run', '-d', '--name', 'bridged', '--network', 'back', 'busybox', 'sleep', '300']);
    expect((await docker(['network', 'connect', '--alias', 'joined', 'front', 'bridged'])).code).toBe(0);
    const reach = await docker(['exec', 'bridged', 'sh', '-c', 'timeout 3 wget -qO- http://api/']);
    expect(reach.stdout).toBe('page of api-host\n');
    const fromFront = await docker(['run', '--rm', '--network', 'front', 'busybox', 'sh', '-c', 'ping -c1 -W2 joined >/dev/null && echo alias-ok']);
    expect(fromFront.stdout).toBe('alias-ok\n');
    expect((await docker(['network', 'disconnect', 'front', 'bridged'])).code).toBe(0);
    const after = await docker(['exec', 'bridged', 'sh', '-c', 'timeout 2 wget -qO- http://api/ 2>/dev/null || echo gone']);
    expect(after.stdout.trim()).toBe('gone');
  });

  test('an internal network cannot reach outside its bridge', async () => {
    // An address of the daemon's own namespace stands in for "outside".
    // (This kernel has no dummy driver: a veth pair serves.)
    expect((await daemon.inNetns(['ip', 'link', 'add', 'outside0', 'type', 'veth', 'peer', 'name', 'outside1'])).code).toBe(0);
    await daemon.inNetns(['ip', 'addr', 'add', '10.253.0.1/32', 'dev', 'outside0']);
    await daemon.inNetns(['ip', 'link', 'set', 'outside0', 'up']);
    await daemon.inNetns(['ip', 'link', 'set', 'outside1', 'up']);
    const listener = daemon.inNetns(['node', '-e', "require('net').createServer(s => s.end('outside\\n')).listen(9999, '10.253.0.1'); setTimeout(() => process.exit(0), 20000)"], { timeoutMs: 25_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await docker(['network', 'create', '--internal', 'sealed'])).code).toBe(0);
    const open = await docker(['run', '--rm', 'busybox', 'sh', '-c', 'timeout 3 nc 10.253.0.1 9999 </dev/null']);
    expect(open.stdout).toBe('outside\n');
    const sealed = await docker(['run', '--rm', '--network', 'sealed', 'busybox', 'sh', '-c', 'timeout 3 nc 10.253.0.1 9999 </dev/null || echo sealed']);
    expect(sealed.stdout.trim()).toBe('sealed');
    void listener;
  });

  test('-p publishes on 127.0.0.1 and every local address; -P picks a port shown by port and ps; rm removes the rule', async () => {
    expect((await docker(['run', '-d', '--name', 'web', '-p', '8080:80', 'busybox', ...HTTPD])).code).toBe(0);
    const page = await eventually(async () => {
      const res = await daemon.inNetns(['curl', '-s', '-m', '3', 'http://127.0.0.1:8080/']);
      return res.code === 0 && res.stdout ? res.stdout : undefined;
    });
    expect(page).toMatch(/^page of /);
    const port = await docker(['port', 'web']);
    expect(port.stdout).toBe('80/tcp -> 0.0.0.0:8080\n');
    expect((await docker(['ps', '--filter', 'name=^web$', '--format', '{{.Ports}}'])).stdout.trim()).toBe('0.0.0.0:8080->80/tcp');

    expect((await docker(['run', '-d', '--name', 'auto', '--expose', '80', '-P', 'busybox', ...HTTPD])).code).toBe(0);
    const autoPort = (await docker(['port', 'auto', '80/tcp'])).stdout.trim();
    expect(autoPort).toMatch(/^0\.0\.0\.0:\d+$/);
    const hostPort = autoPort.split(':')[1];
    expect((await docker(['ps', '--filter', 'name=auto', '--format', '{{.Ports}}'])).stdout).toContain(`0.0.0.0:${hostPort}->80/tcp`);
    const autoPage = await daemon.inNetns(['curl', '-s', '-m', '3', `http://127.0.0.1:${hostPort}/`]);
    expect(autoPage.stdout).toMatch(/^page of /);

    expect((await docker(['run', '-d', '--name', 'udp', '-p', '127.0.0.1:5353:53/udp', 'busybox', 'sleep', '300'])).code).toBe(0);
    let rules = (await daemon.inNetns(['nft', 'list', 'table', 'ip', 'berth'])).stdout;
    expect(rules).toContain('tcp dport 8080 dnat to');
    expect(rules).toContain('ip daddr 127.0.0.1 udp dport 5353 dnat to');
    expect((await docker(['rm', '-f', 'web', 'udp'])).code).toBe(0);
    rules = (await daemon.inNetns(['nft', 'list', 'table', 'ip', 'berth'])).stdout;
    expect(rules).not.toContain('dport 8080');
    expect(rules).not.toContain('dport 5353');
    const gone = await daemon.inNetns(['curl', '-s', '-m', '2', 'http://127.0.0.1:8080/']);
    expect(gone.code).not.toBe(0);
  });

  test('named volumes survive rm; read-only binds refuse writes; tmpfs is empty on every start', async () => {
    expect((await docker(['volume', 'create', '--label', 'purpose=test', 'keep'])).stdout).toBe('keep\n');
    expect((await docker(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo saved > /data/file'])).code).toBe(0);
    expect((await docker(['run', '--rm', '-v', 'keep:/data', 'busybox', 'cat', '/data/file'])).stdout).toBe('saved\n');
    expect((await docker(['volume', 'ls', '--filter', 'label=purpose=test', '--format', '{{.Name}}'])).stdout).toBe('keep\n');
    // A new named volume is populated from the image's content at that path.
    expect((await docker(['run', '--rm', '-v', 'etc-copy:/etc', 'busybox', 'cat', '/etc/passwd'])).stdout).toContain('root:x:0:0');

    writeFileSync(path.join(scratch, 'host.txt'), 'from host\n');
    const ro = await docker(['run', '--rm', '-v', `${scratch}:/host:ro`, 'busybox', 'sh', '-c', 'cat /host/host.txt; echo x > /host/new 2>&1 || echo refused']);
    expect(ro.stdout).toBe('from host\nrefused\n');
    expect(existsSync(path.join(scratch, 'new'))).toBe(false);
    const rw = await docker(['run', '--rm', '--mount', `type=bind,source=${scratch},target=/host`, 'busybox', 'sh', '-c', 'echo written > /host/rw.txt']);
    expect(rw.code).toBe(0);
    expect(existsSync(path.join(scratch, 'rw.txt'))).toBe(true);

    await docker(['run', '-d', '--name', 'tmp', '--tmpfs', '/scratch', 'busybox', 'sh', '-c', 'ls -A /scratch | wc -l; touch /scratch/mark; sleep 300']);
    await docker(['restart', '-t', '0', 'tmp']);
    const logs = await eventually(async () => {
      const out = (await docker(['logs', 'tmp'])).stdout;
      return out.split('\n').filter(Boolean).length >= 2 ? out : undefined;
    });
    expect(logs).toBe('0\n0\n');

    await docker(['run', '-d', '--name', 'holder', '-v', 'keep:/data', 'busybox', 'sleep', '300']);
    const inUse = await docker(['volume', 'rm', 'keep']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('volume is in use');
    await docker(['rm', '-f', 'holder']);
    expect((await docker(['volume', 'rm', 'keep'])).code).toBe(0);
  });

  test('bad input: overlapping subnets, a subnet that is not a CIDR, a port already published, removing a network in use', async () => {
    expect((await docker(['network', 'create', '--subnet', '10.77.0.0/16', 'first'])).code).toBe(0);
    const overlap = await docker(['network', 'create', '--subnet', '10.77.5.0/24', 'second']);
    expect(overlap.code).toBe(1);
    expect(overlap.stderr).toContain('Pool overlaps with other one on this address space');
    const notCidr = await docker(['network', 'create', '--subnet', '10.78.0.0/33', 'third']);
    expect(notCidr.code).toBe(1);
    expect(notCidr.stderr).toMatch(/invalid subnet|invalid CIDR/i);
    const dupName = await docker(['network', 'create', 'first']);
    expect(dupName.stderr).toContain('network with name first already exists');
    const names = (await docker(['network', 'ls', '--format', '{{.Name}}'])).stdout.split('\n');
    expect(names).not.toContain('second');
    expect(names).not.toContain('third');

    await docker(['run', '-d', '--name', 'p1', '-p', '18080:80', 'busybox', ...HTTPD]);
    const clash = await docker(['run', '-d', '--name', 'p2', '-p', '18080:80', 'busybox', ...HTTPD]);
    expect(clash.code).toBe(125);
    expect(clash.stderr).toContain('port is already allocated');
    expect((await daemon.inNetns(['curl', '-s', '-m', '3', 'http://127.0.0.1:18080/'])).stdout).toMatch(/^page of /);

    await docker(['run', '-d', '--name', 'member', '--network', 'first', 'busybox', 'sleep', '300']);
    const inUse = await docker(['network', 'rm', 'first']);
    expect(inUse.code).toBe(1);
    expect(inUse.stderr).toContain('has active endpoints');
    expect((await docker(['exec', 'member', 'ip', 'route'])).stdout).toContain('10.77.0.1');
    const predefined = await docker(['network', 'rm', 'bridge']);
    expect(predefined.stderr).toContain('bridge is a pre-defined network and cannot be removed');
  });

  test('after kill -9 of berthd: addresses kept, names resolve, published ports answer', async () => {
    await docker(['network', 'create', 'survive']);
    await docker(['run', '-d', '--name', 'kept', '--network', 'survive', '-p', '19090:80', 'busybox', ...HTTPD]);
    await docker(['run', '-d', '--name', 'asker', '--network', 'survive', 'busybox', 'sleep', '300']);
    const before = (await docker(['inspect', '-f', '{{.NetworkSettings.Networks.survive.IPAddress}}', 'kept'])).stdout.trim();
    await daemon.kill9();
    // DNAT lives in the kernel: the port answers even while berthd is down.
    expect((await daemon.inNetns(['curl', '-s', '-m', '3', 'http://127.0.0.1:19090/'])).stdout).toMatch(/^page of /);
    await daemon.start();
    expect((await docker(['inspect', '-f', '{{.NetworkSettings.Networks.survive.IPAddress}}', 'kept'])).stdout.trim()).toBe(before);
    expect((await docker(['exec', 'asker', 'sh', '-c', 'timeout 3 wget -qO- http://kept/'])).stdout).toMatch(/^page of /);
    expect((await daemon.inNetns(['curl', '-s', '-m', '3', 'http://127.0.0.1:19090/'])).stdout).toMatch(/^page of /);
    // A new container still gets a fresh address, not the survivor's.
    await docker(['run', '-d', '--name', 'newcomer', '--network', 'survive', 'busybox', 'sleep', '300']);
    const newIp = (await docker(['inspect', '-f', '{{.NetworkSettings.Networks.survive.IPAddress}}', 'newcomer'])).stdout.trim();
    expect(newIp).not.toBe(before);
  });

  test('host and none network modes', async () => {
    const none = await docker(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
    expect(none.stdout.trim().split('\n').map((l) => l.split(':')[1].trim())).toEqual(['lo']);
    expect((await daemon.inNetns(['ip', 'link', 'add', 'marker0', 'type', 'veth', 'peer', 'name', 'marker1'])).code).toBe(0);
    const host = await docker(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', 'link']);
    expect(host.stdout).toContain('marker0');
  });
});
