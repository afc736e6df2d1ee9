// testcontainers (the npm package many Node test suites use) against berthd: a container on a user
// network with an alias, a published random port reached from the host, exec, log-based waits.
// Ryuk (testcontainers' reaper) is an image from Docker Hub, which is not reachable here: off.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon } from './helpers/daemon.js';

describe('testcontainers against berthd', () => {
  const daemon = new TestDaemon('btc');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  test('start with a network alias and a random published port, exec, fetch through the port, stop', async () => {
    // A child node in the daemon's namespace, so the published port is reached as a user would.
    const script = `
      import { GenericContainer, Network, Wait } from 'testcontainers';
      const network = await new Network().start();
      const web = await new GenericContainer('busybox:latest')
        .withCommand(['sh', '-c', 'mkdir -p /www && echo tc-ok > /www/index.html && echo ready && exec httpd -f -p 8080 -h /www'])
        .withExposedPorts(8080).withNetwork(network).withNetworkAliases('web')
        .withWaitStrategy(Wait.forLogMessage('ready')).start();
      const client = await new GenericContainer('busybox:latest').withCommand(['sleep', '300']).withNetwork(network).start();
      const viaAlias = await client.exec(['wget', '-qO-', 'http://web:8080/']);
      const viaPort = await fetch('http://127.0.0.1:' + web.getMappedPort(8080) + '/').then((r) => r.text());
      await client.stop();
      await web.stop();
      await network.stop();
      console.log(JSON.stringify({ alias: viaAlias.output.trim(), exit: viaAlias.exitCode, port: viaPort.trim() }));
    `;
    const result = await daemon.inNetns(
      ['env', `DOCKER_HOST=unix://${daemon.socket}`, 'TESTCONTAINERS_RYUK_DISABLED=true', process.execPath, '--input-type=module', '-e', script],
      { timeoutMs: 90_000 },
    );
    expect(result.stderr).not.toMatch(/Error/);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toEqual({ alias: 'tc-ok', exit: 0, port: 'tc-ok' });
    // Everything testcontainers started is gone again.
    expect((await daemon.request('GET', '/containers/json?all=1')).json()).toEqual([]);
  });
});
