// berthd killed with SIGKILL while containers run: the containers keep running and logging, and
// the restarted daemon re-adopts them (ps, logs -f, stop, wait work; no log line is lost).

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BERTHD, TestDaemon, eventually, run } from './helpers/daemon.js';

interface Inspect {
  State: { Status: string; Running: boolean; Pid: number; ExitCode: number };
}

describe('daemon crash and re-adoption', () => {
  const daemon = new TestDaemon('bcrash');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  async function createAndStart(name: string, cmd: string[], hostConfig: Record<string, unknown> = {}): Promise<string> {
    const created = await daemon.request('POST', `/containers/create?name=${name}`, { Image: 'busybox', Cmd: cmd, HostConfig: hostConfig });
    expect(created.status).toBe(201);
    const id = created.json<{ Id: string }>().Id;
    expect((await daemon.request('POST', `/containers/${id}/start`)).status).toBe(204);
    return id;
  }

  test('a counting container survives kill -9 of berthd and every line is logged', async () => {
    const id = await createAndStart('counter', ['sh', '-c', 'i=0; while true; do echo n$i; i=$((i+1)); sleep 0.05; done']);
    const pid = (await daemon.request('GET', `/containers/${id}/json`)).json<Inspect>().State.Pid;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await daemon.kill9();
    // With the daemon gone, the container still runs and writes its log.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(() => process.kill(pid, 0)).not.toThrow();
    await daemon.start();
    const inspect = (await daemon.request('GET', `/containers/${id}/json`)).json<Inspect>();
    expect(inspect.State).toMatchObject({ Status: 'running', Running: true, Pid: pid });
    const ps = (await daemon.request('GET', '/containers/json')).json<Array<{ Id: string; State: string }>>();
    expect(ps.map((c) => c.Id)).toContain(id);

    // logs -f after the restart follows new lines, and ends when the container stops.
    const follow = daemon.docker(['logs', '-f', 'counter'], { timeoutMs: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const waited = daemon.request('POST', `/containers/${id}/wait`);
    expect((await daemon.request('POST', `/containers/${id}/stop?t=1`)).status).toBe(204);
    const wait = await waited;
    expect(wait.json()).toEqual({ Error: null, StatusCode: 137 });
    const followed = await follow;
    const lines = followed.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    lines.forEach((line, index) => expect(line).toBe(`n${index}`));
    const logs = await daemon.docker(['logs', 'counter']);
    expect(logs.stdout).toBe(followed.stdout);
  });

  test('a container that exits while berthd is down is seen as exited with its code, and --rm ones are removed', async () => {
    const id = await createAndStart('short', ['sh', '-c', 'sleep 1; exit 7']);
    const gone = await createAndStart('short-rm', ['sh', '-c', 'sleep 1; exit 0'], { AutoRemove: true });
    await daemon.kill9();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await daemon.start();
    const state = await eventually(async () => {
      const inspect = (await daemon.request('GET', `/containers/${id}/json`)).json<Inspect>();
      return inspect.State.Status === 'exited' ? inspect.State : undefined;
    });
    expect(state.ExitCode).toBe(7);
    await eventually(async () => ((await daemon.request('GET', `/containers/${gone}/json`)).status === 404 ? true : undefined), 10_000, 'auto-remove');
    expect(daemon.monitorPids()).toEqual([]);
  });

  test('a second berthd on the same data root refuses to start and names the first', async () => {
    const second = await run(process.execPath, [BERTHD, '--data-root', daemon.dataRoot, '--exec-root', `${daemon.execRoot}2`, '-H', `unix://${daemon.socket}2`], process.env, { timeoutMs: 20_000 });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`another berthd (pid ${daemon.process!.pid}) is using the data root`);
    // The running daemon still answers.
    expect((await daemon.request('GET', '/_ping')).status).toBe(200);
  });

  test('a restart-always container is restarted after it died with the daemon down', async () => {
    const id = await createAndStart('always', ['sh', '-c', 'sleep 1; exit 1'], { RestartPolicy: { Name: 'always' } });
    await daemon.kill9();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await daemon.start();
    const restarted = await eventually(async () => {
      const inspect = (await daemon.request('GET', `/containers/${id}/json`)).json<Inspect & { RestartCount: number }>();
      return inspect.RestartCount >= 1 ? inspect : undefined;
    });
    expect(restarted.RestartCount).toBeGreaterThanOrEqual(1);
    expect((await daemon.request('POST', `/containers/${id}/stop?t=0`)).status).toBe(204);
  });
});
