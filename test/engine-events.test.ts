// `docker events` against berthd (issue 10): a container's lifecycle replayed in order with
// --since/--until (also after the daemon restarts), a live `--filter container=x` stream, the
// type/event/label/image/network/volume filters, and the attributes dockerd puts on each action.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, eventually } from './helpers/daemon.js';

interface EventLine {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
}

describe.skipIf(!existsSync(DOCKER))('docker events', () => {
  const daemon = new TestDaemon('bev');
  const scratch = mkdtempSync('/tmp/bev-scratch-');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  const docker = (...args: string[]) => daemon.docker(args);
  const seconds = (ms: number): string => (ms / 1000).toFixed(3);

  /** `docker events --since … --until …` with filters, one formatted line per event. */
  async function replay(since: number, until: number, filters: string[], format = '{{.Type}} {{.Action}}'): Promise<string[]> {
    const args = ['events', '--since', seconds(since), '--until', seconds(until), '--format', format];
    for (const filter of filters) args.push('--filter', filter);
    const result = await docker(...args);
    expect(result.code).toBe(0);
    return result.stdout.trim().split('\n').filter(Boolean);
  }

  async function rawEvents(since: number, until: number, filters: Record<string, string[]>): Promise<EventLine[]> {
    const res = await daemon.request('GET', `/events?since=${seconds(since)}&until=${seconds(until)}&filters=${encodeURIComponent(JSON.stringify(filters))}`);
    return res.body.toString().trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventLine);
  }

  test('--since/--until replays a container\'s lifecycle in order, before and after a daemon restart', async () => {
    const since = Date.now();
    const run = await docker('run', '-d', '--name', 'life', '--label', 'tier=web', 'busybox', 'sleep', '300');
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    for (const args of [['pause', 'life'], ['unpause', 'life'], ['rename', 'life', 'life2'], ['exec', 'life2', 'true'], ['kill', 'life2'], ['rm', 'life2']]) {
      expect((await docker(...args)).code).toBe(0);
    }
    const until = Date.now() + 500;
    const expected = ['create', 'start', 'pause', 'unpause', 'rename', 'exec_create: true', 'exec_start: true', 'exec_die', 'kill', 'die', 'destroy'].map((a) => `container ${a}`);
    expect(await replay(since, until, [`container=${id}`])).toEqual(expected);

    const events = await rawEvents(since, until, { container: [id] });
    const byAction = (action: string): EventLine => events.find((e) => e.Action === action)!;
    expect(byAction('create')).toMatchObject({ status: 'create', id, from: 'busybox', Type: 'container', scope: 'local', Actor: { ID: id, Attributes: { image: 'busybox', name: 'life', tier: 'web' } } });
    expect(byAction('rename').Actor.Attributes).toMatchObject({ name: 'life2', oldName: '/life' });
    expect(byAction('kill').Actor.Attributes).toMatchObject({ signal: '9', name: 'life2' });
    expect(byAction('die').Actor.Attributes).toMatchObject({ exitCode: '137', name: 'life2' });
    expect(byAction('exec_die').Actor.Attributes).toMatchObject({ exitCode: '0', execID: expect.stringMatching(/^[0-9a-f]{64}$/) });
    for (const event of events) {
      expect(event.time).toBe(Math.floor(event.timeNano / 1e9));
    }
    expect(events.map((e) => e.timeNano)).toEqual([...events.map((e) => e.timeNano)].sort((a, b) => a - b));

    await daemon.stop();
    await daemon.start();
    expect(await replay(since, until, [`container=${id}`])).toEqual(expected);
    // The history came back from disk: filters apply to it as to live events.
    expect(await replay(since, until, ['type=container', 'event=destroy'], '{{.Actor.Attributes.name}}')).toEqual(['life2']);
  });

  test('a streaming `docker events --filter container=x` sees x\'s events as they happen', async () => {
    const child = spawn(DOCKER, ['events', '--filter', 'container=streamed', '--format', '{{.Action}} {{.Actor.Attributes.name}}'], { env: daemon.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await eventually(async () => {
        const info = (await daemon.request('GET', '/info')).json<{ NEventsListener: number }>();
        return info.NEventsListener > 0 ? true : undefined;
      }, 10_000, 'the events subscription');
      expect((await docker('run', '-d', '--name', 'streamed', 'busybox', 'sleep', '300')).code).toBe(0);
      await eventually(() => (output.includes('start streamed') ? true : undefined), 5000, 'the live start event');
      expect((await docker('run', '--rm', '--name', 'bystander', 'busybox', 'true')).code).toBe(0);
      expect((await docker('stop', '-t', '0', 'streamed')).code).toBe(0);
      expect((await docker('rm', 'streamed')).code).toBe(0);
      await eventually(() => (output.includes('destroy streamed') ? true : undefined), 5000, 'the live destroy event');
      // stop -t 0: the stop signal, then SIGKILL at once, as dockerd sends them.
      expect(output.trim().split('\n')).toEqual(['create streamed', 'start streamed', 'kill streamed', 'kill streamed', 'die streamed', 'stop streamed', 'destroy streamed']);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('filters by type, event, label, image, network and volume, with dockerd\'s attributes', async () => {
    const since = Date.now();
    const steps = [
      ['network', 'create', 'evnet'],
      ['volume', 'create', 'evvol'],
      ['run', '--name', 'filtered', '--label', 'tier=db', '--network', 'evnet', '-v', 'evvol:/data:ro', 'busybox', 'true'],
      ['rm', 'filtered'],
      ['network', 'rm', 'evnet'],
      ['volume', 'rm', 'evvol'],
      ['tag', 'busybox', 'evimg:1'],
      ['rmi', 'evimg:1'],
      ['save', '-o', path.join(scratch, 'busybox.tar'), 'busybox'],
      ['load', '-i', path.join(scratch, 'busybox.tar')],
    ];
    for (const args of steps) expect((await docker(...args)).code).toBe(0);
    const until = Date.now() + 500;

    expect(await replay(since, until, ['type=network'])).toEqual(['network create', 'network connect', 'network disconnect', 'network destroy']);
    expect(await replay(since, until, ['network=evnet'])).toEqual(['network create', 'network connect', 'network disconnect', 'network destroy']);
    expect(await replay(since, until, ['type=volume'])).toEqual(['volume create', 'volume mount', 'volume unmount', 'volume destroy']);
    expect(await replay(since, until, ['volume=evvol'])).toEqual(['volume create', 'volume mount', 'volume unmount', 'volume destroy']);
    expect(await replay(since, until, ['event=die'])).toEqual(['container die']);
    expect(await replay(since, until, ['label=tier=db'])).toEqual(['container create', 'container attach', 'container start', 'container die', 'container destroy']);
    expect(await replay(since, until, ['label=tier=web'])).toEqual([]);
    expect(await replay(since, until, ['type=image'])).toEqual(['image tag', 'image untag', 'image save', 'image load']);
    expect(await replay(since, until, ['image=evimg'])).toEqual(['image tag']);
    expect(await replay(since, until, ['image=busybox', 'type=container'])).toEqual(['container create', 'container attach', 'container start', 'container die', 'container destroy']);
    expect(await replay(since, until, ['type=network', 'event=connect', 'event=disconnect'])).toEqual(['network connect', 'network disconnect']);

    const events = await rawEvents(since, until, {});
    const find = (type: string, action: string): EventLine => events.find((e) => e.Type === type && e.Action === action)!;
    const containerId = find('container', 'create').Actor.ID;
    const networkId = find('network', 'create').Actor.ID;
    expect(find('network', 'create').Actor.Attributes).toEqual({ name: 'evnet', type: 'bridge' });
    expect(find('network', 'connect')).toMatchObject({ Actor: { ID: networkId, Attributes: { container: containerId, name: 'evnet', type: 'bridge' } } });
    expect(find('network', 'disconnect').Actor.Attributes).toEqual({ container: containerId, name: 'evnet', type: 'bridge' });
    expect(find('network', 'connect').status).toBeUndefined();
    expect(find('volume', 'create')).toMatchObject({ Actor: { ID: 'evvol', Attributes: { driver: 'local' } } });
    expect(find('volume', 'mount').Actor.Attributes).toEqual({ container: containerId, destination: '/data', driver: 'local', propagation: '', 'read/write': 'false' });
    expect(find('volume', 'unmount').Actor.Attributes).toEqual({ container: containerId, driver: 'local' });
    expect(find('volume', 'destroy').Actor.Attributes).toEqual({ driver: 'local' });
    const busyboxId = (await docker('image', 'inspect', '-f', '{{.Id}}', 'busybox')).stdout.trim();
    expect(find('image', 'tag')).toMatchObject({ status: 'tag', id: busyboxId, Actor: { ID: busyboxId, Attributes: { name: 'evimg:1' } } });
    expect(find('image', 'untag').Actor.Attributes).toEqual({ name: busyboxId });
    expect(find('image', 'save').Actor.Attributes).toEqual({ name: busyboxId });
    expect(find('image', 'load').Actor.Attributes).toEqual({ name: busyboxId });

    // Network events on the host and none networks too.
    const shared = Date.now();
    expect((await docker('run', '--rm', '--network', 'none', 'busybox', 'true')).code).toBe(0);
    expect(await replay(shared, Date.now() + 500, ['type=network'], '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.type}}')).toEqual(['connect none null', 'disconnect none null']);
  });

  test('an image deleted with its last tag reports untag then delete; bad filters are refused', async () => {
    expect((await docker('create', '--name', 'base', 'busybox', 'true')).code).toBe(0);
    const commit = await docker('commit', 'base', 'short-lived:1');
    const imageId = commit.stdout.trim();
    const since = Date.now();
    expect((await docker('rmi', 'short-lived:1')).code).toBe(0);
    const events = await rawEvents(since, Date.now() + 500, { type: ['image'] });
    expect(events.map((e) => [e.Action, e.Actor.ID, e.Actor.Attributes.name])).toEqual([
      ['untag', imageId, imageId],
      ['delete', imageId, imageId],
    ]);
    const badType = await daemon.request('GET', `/events?since=0&until=1&filters=${encodeURIComponent(JSON.stringify({ type: ['bogus'] }))}`);
    expect(badType.status).toBe(400);
    const badKey = await daemon.request('GET', `/events?since=0&until=1&filters=${encodeURIComponent(JSON.stringify({ colour: ['red'] }))}`);
    expect(badKey.status).toBe(400);
    const backwards = await daemon.request('GET', '/events?since=200&until=100');
    expect(backwards.status).toBe(400);
  });
});
