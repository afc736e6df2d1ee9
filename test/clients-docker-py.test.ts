// docker-py (Debian's python3-docker, what docker-compose 1.29 is built on) against berthd: run,
// exec_run output (read through a buffered HTTP response: output must not ride along with the 101
// head), attach with stdin, logs, ports, networks and volumes.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon, run } from './helpers/daemon.js';

const PYTHON = '/usr/bin/python3';
const haveDockerPy = existsSync('/usr/lib/python3/dist-packages/docker');

const SCRIPT = `
import docker, json, time
c = docker.from_env()
out = {}
out['run'] = c.containers.run('busybox', ['echo', 'hello-py'], remove=True).decode()
ct = c.containers.run('busybox', ['sh', '-c', 'echo started; sleep 100'], detach=True, name='pyc', ports={'80/tcp': None})
out['exec'] = [ct.exec_run(['sh', '-c', 'echo in exec; exit 3']) for _ in range(10)]
out['exec'] = [[r.exit_code, r.output.decode()] for r in out['exec']]
out['missing'] = list(ct.exec_run('nosuchcmd'))
out['missing'][1] = out['missing'][1].decode()
ct.reload()
out['port'] = ct.attrs['NetworkSettings']['Ports']['80/tcp'][0]['HostIp']
time.sleep(0.2)
out['logs'] = ct.logs().decode()
net = c.networks.create('pynet'); net.connect(ct); ct.reload()
out['networks'] = sorted(ct.attrs['NetworkSettings']['Networks'].keys())
net.disconnect(ct); net.remove()
vol = c.volumes.create('pyvol'); out['volume'] = vol.name
ct.stop(timeout=1); ct.remove(); vol.remove()
cat = c.containers.run('busybox', 'cat', stdin_open=True, detach=True)
sock = c.api.attach_socket(cat.id, params={'stdin': 1, 'stream': 1, 'stdout': 1})
sock._sock.sendall(b'via socket\\n'); sock._sock.shutdown(1)
time.sleep(0.5)
out['attach'] = sock._sock.recv(4096)[8:].decode()
cat.remove(force=True)
print(json.dumps(out))
`;

describe.skipIf(!haveDockerPy)('docker-py against berthd', () => {
  const daemon = new TestDaemon('bpy');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  test('the common docker-py calls behave as with dockerd', async () => {
    const result = await run(PYTHON, ['-c', SCRIPT], daemon.env, { timeoutMs: 90_000 });
    expect(result.stderr).toBe('');
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(out.run).toBe('hello-py\n');
    expect(out.exec).toEqual(Array.from({ length: 10 }, () => [3, 'in exec\n']));
    expect(out.missing).toEqual([127, expect.stringContaining('executable file not found in $PATH')]);
    expect(out.port).toBe('0.0.0.0');
    expect(out.logs).toBe('started\n');
    expect(out.networks).toEqual(['bridge', 'pynet']);
    expect(out.volume).toBe('pyvol');
    expect(out.attach).toBe('via socket\n');
  });
});
