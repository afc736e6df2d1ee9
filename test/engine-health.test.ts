// Health checks (issue 10): starting → healthy → unhealthy after `retries` failures, shown by ps and
// inspect with timestamps; a probe sleeping past its timeout is killed; health_status events; the
// opt-in restart on unhealthy; the image's HEALTHCHECK and --no-healthcheck; bad durations.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon, busyboxRootfs, eventually } from './helpers/daemon.js';

interface Health {
  Status: string;
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

describe('health checks', () => {
  const daemon = new TestDaemon('bhc');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  const health = async (name: string): Promise<Health | undefined> =>
    (await daemon.request('GET', `/containers/${name}/json`)).json<{ State: { Health?: Health } }>().State.Health;

  async function waitFor(name: string, status: string, timeoutMs = 15_000): Promise<{ health: Health; at: number }> {
    return eventually(async () => {
      const h = await health(name);
      return h?.Status === status ? { health: h, at: Date.now() } : undefined;
    }, timeoutMs, `${name} ${status}`);
  }

  test('starting → healthy → unhealthy after retries, visible in ps and inspect', async () => {
    const started = Date.now();
    const run = await daemon.docker(['run', '-d', '--name', 'web', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '500ms', '--health-retries', '3', 'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300']);
    expect(run.code).toBe(0);
    expect((await health('web'))?.Status).toBe('starting');
    expect((await daemon.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=web'])).stdout).toMatch(/\(health: starting\)/);
    const healthy = await waitFor('web', 'healthy');
    process.stdout.write(`health: starting -> healthy after ${healthy.at - started} ms\n`);
    expect((await daemon.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=web'])).stdout).toMatch(/^Up .* \(healthy\)$/m);
    expect((await daemon.docker(['ps', '-q', '--filter', 'health=healthy'])).stdout.trim()).not.toBe('');

    const broken = Date.now();
    await daemon.docker(['exec', 'web', 'rm', '/tmp/ok']);
    const unhealthy = await waitFor('web', 'unhealthy');
    process.stdout.write(`health: healthy -> unhealthy ${unhealthy.at - broken} ms after the probe started failing\n`);
    expect(unhealthy.health.FailingStreak).toBeGreaterThanOrEqual(3);
    // Three failures 500 ms apart cannot happen in under a second.
    expect(unhealthy.at - broken).toBeGreaterThanOrEqual(1000);
    expect(unhealthy.health.Log.length).toBeLessThanOrEqual(5);
    expect(unhealthy.health.Log.at(-1)).toMatchObject({ ExitCode: 1 });
    for (const entry of unhealthy.health.Log) expect(Date.parse(entry.End)).toBeGreaterThanOrEqual(Date.parse(entry.Start));
    expect((await daemon.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=web'])).stdout).toMatch(/\(unhealthy\)/);

    const events = await daemon.request('GET', `/events?since=${Math.floor(started / 1000)}&until=${Math.ceil(Date.now() / 1000) + 1}&filters=${encodeURIComponent(JSON.stringify({ container: ['web'], event: ['health_status'] }))}`);
    const actions = events.body.toString().trim().split('\n').map((line) => (JSON.parse(line) as { Action: string }).Action);
    expect(actions).toEqual(['health_status: healthy', 'health_status: unhealthy']);
  });

  test('a probe sleeping past its timeout is killed and counts as a failure', async () => {
    await daemon.docker(['run', '-d', '--name', 'slow', '--health-cmd', 'sleep 30', '--health-interval', '500ms', '--health-timeout', '1s', '--health-retries', '1', 'busybox', 'sleep', '300']);
    const started = Date.now();
    const result = await waitFor('slow', 'unhealthy', 10_000);
    // One probe: 500 ms interval + 1 s timeout (+ start-up), far from the 30 s it would sleep.
    expect(result.at - started).toBeLessThan(6000);
    const probe = result.health.Log[0];
    expect(probe).toMatchObject({ ExitCode: -1, Output: 'Health check exceeded timeout (1s)' });
    // Killed at its 1 s timeout, not after the 30 s it would have slept.
    const lasted = Date.parse(probe.End) - Date.parse(probe.Start);
    expect(lasted).toBeGreaterThanOrEqual(1000);
    expect(lasted).toBeLessThan(3000);
  });

  test('berth.restart-on-unhealthy restarts the container within interval × retries + 2 s', async () => {
    await daemon.docker([
      'run', '-d', '--name', 'heal', '--label', 'berth.restart-on-unhealthy=true',
      '--health-cmd', 'test -f /tmp/ok', '--health-interval', '500ms', '--health-retries', '2',
      'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 300',
    ]);
    await waitFor('heal', 'healthy');
    const pid = (await daemon.docker(['inspect', '-f', '{{.State.Pid}}', 'heal'])).stdout.trim();
    const broken = Date.now();
    await daemon.docker(['exec', 'heal', 'rm', '/tmp/ok']);
    const restarted = await eventually(async () => {
      const now = (await daemon.docker(['inspect', '-f', '{{.State.Pid}} {{.State.Running}}', 'heal'])).stdout.trim();
      return now !== `${pid} true` && now.endsWith('true') ? Date.now() : undefined;
    }, 10_000, 'restart');
    process.stdout.write(`health: restart-on-unhealthy restarted the container ${restarted - broken} ms after the probe started failing\n`);
    expect(restarted - broken).toBeLessThanOrEqual(500 * 2 + 2000);
    // The restarted container is healthy again (its command recreated /tmp/ok).
    await waitFor('heal', 'healthy');
  });

  test('the image HEALTHCHECK applies; --no-healthcheck disables it; bad durations are refused', async () => {
    const changes = [`HEALTHCHECK --interval=500ms --retries=1 CMD true`, 'CMD ["sleep", "300"]'].map((c) => `changes=${encodeURIComponent(c)}`).join('&');
    const imported = await daemon.request('POST', `/images/create?fromSrc=-&repo=checked&tag=v1&${changes}`, readFileSync(busyboxRootfs()), { 'Content-Type': 'application/x-tar' });
    expect(imported.status).toBe(200);
    await daemon.docker(['run', '-d', '--name', 'inherit', 'checked:v1']);
    await waitFor('inherit', 'healthy');
    await daemon.docker(['run', '-d', '--name', 'opted-out', '--no-healthcheck', 'checked:v1']);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await health('opted-out')).toBeUndefined();
    const bad = await daemon.request('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], Healthcheck: { Test: ['CMD', 'true'], Interval: 1000 } });
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string }>().message).toBe('Interval in Healthcheck cannot be less than 1ms');
    const negative = await daemon.request('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], Healthcheck: { Test: ['CMD', 'true'], Retries: -1 } });
    expect(negative.status).toBe(400);
    const cli = await daemon.docker(['run', '--rm', '--health-interval', 'soon', '--health-cmd', 'true', 'busybox', 'true']);
    expect(cli.code).toBe(125);
  });
});
