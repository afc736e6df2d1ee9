// Older ways containers share things: --volumes-from, legacy --link on the default bridge, and the
// settings dockerd refuses with a shared network namespace (container:<id>) or ignores with host.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon } from './helpers/daemon.js';

describe('volumes-from, links and network-mode conflicts', () => {
  const daemon = new TestDaemon('blnk');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  const create = (body: Record<string, unknown>, name?: string) =>
    daemon.request('POST', `/containers/create${name ? `?name=${name}` : ''}`, { Image: 'busybox', ...body });

  test('--volumes-from mounts the source container\'s volumes, read-only with :ro; a missing source is a 404', async () => {
    expect((await daemon.docker(['run', '--name', 'data', '-v', 'shared:/shared', '-v', '/anon', 'busybox', 'sh', '-c', 'echo from-data > /shared/f; echo anon > /anon/g'])).code).toBe(0);
    const reader = await daemon.docker(['run', '--rm', '--volumes-from', 'data', 'busybox', 'sh', '-c', 'cat /shared/f /anon/g']);
    expect(reader.stdout).toBe('from-data\nanon\n');
    const readonly = await daemon.docker(['run', '--rm', '--volumes-from', 'data:ro', 'busybox', 'sh', '-c', 'echo x > /shared/f 2>&1 || echo refused']);
    expect(readonly.stdout).toBe('refused\n');
    expect(readonly.stderr).toContain('Read-only file system');
    const missing = await create({ Cmd: ['true'], HostConfig: { VolumesFrom: ['nope'] } });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ message: 'No such container: nope' });
    // The volume is in use by both containers now.
    expect((await daemon.docker(['volume', 'rm', 'shared'])).stderr).toContain('volume is in use');
  });

  test('a legacy --link adds the target to /etc/hosts; a link to a missing container is refused', async () => {
    await daemon.docker(['run', '-d', '--name', 'db', 'busybox', 'sleep', '300']);
    const ip = (await daemon.docker(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', 'db'])).stdout.trim();
    const linked = await daemon.docker(['run', '--rm', '--link', 'db:database', 'busybox', 'sh', '-c', 'grep database /etc/hosts; ping -c1 -W2 database >/dev/null && echo reachable']);
    expect(linked.stdout).toContain(`${ip}\tdatabase`);
    expect(linked.stdout).toContain('reachable');
    const missing = await create({ Cmd: ['true'], HostConfig: { Links: ['nope:db'] } });
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ message: 'could not get container for nope: No such container: nope' });
  });

  test('container:<id> network mode refuses hostname, dns, extra hosts, links and ports', async () => {
    await daemon.docker(['run', '-d', '--name', 'owner', 'busybox', 'sleep', '300']);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ Hostname: 'x' }, 'conflicting options: hostname and the network mode'],
      [{ HostConfig: { NetworkMode: 'container:owner', Dns: ['1.1.1.1'] } }, 'conflicting options: dns and the network mode'],
      [{ HostConfig: { NetworkMode: 'container:owner', ExtraHosts: ['a:1.2.3.4'] } }, 'conflicting options: custom host-to-IP mapping and the network mode'],
      [{ HostConfig: { NetworkMode: 'container:owner', Links: ['owner:o'] } }, "conflicting options: container type network can't be used with links"],
      [{ HostConfig: { NetworkMode: 'container:owner', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }, 'conflicting options: port publishing and the container type network mode'],
    ];
    for (const [body, message] of cases) {
      const request = { Cmd: ['true'], ...body, HostConfig: { NetworkMode: 'container:owner', ...(body.HostConfig as object | undefined) } };
      const res = await create(request);
      expect(res.status, message).toBe(400);
      expect(res.json<{ message: string }>().message).toContain(message);
    }
    const shared = await daemon.docker(['run', '--rm', '--network', 'container:owner', 'busybox', 'hostname']);
    expect(shared.stdout.trim()).toBe((await daemon.docker(['inspect', '-f', '{{.Config.Hostname}}', 'owner'])).stdout.trim());
  });

  test('host networking discards published ports with a warning, and refuses a fixed IP', async () => {
    const res = await create({ Cmd: ['true'], HostConfig: { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } });
    expect(res.status).toBe(201);
    expect(res.json<{ Warnings: string[] }>().Warnings).toEqual(['Published ports are discarded when using host network mode']);
    const ip = await create({ Cmd: ['true'], HostConfig: { NetworkMode: 'host' }, NetworkingConfig: { EndpointsConfig: { host: { IPAMConfig: { IPv4Address: '10.0.0.5' } } } } });
    expect(ip.status).toBe(400);
  });
});
