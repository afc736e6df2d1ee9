// A container's filesystem as image material (issue 10) with the real docker CLI: commit with
// --change lines, diff (A/C/D), export, history of imported, committed and loaded images, invalid
// changes refused with nothing created, and `docker system df` (plain, -v and the API's types).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon } from './helpers/daemon.js';

interface EventLine {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
}

describe.skipIf(!existsSync(DOCKER))('docker commit, diff, export, history and system df', () => {
  const daemon = new TestDaemon('bcm');
  const scratch = mkdtempSync('/tmp/bcm-scratch-');
  let busyboxId = '';

  beforeAll(async () => {
    await daemon.start();
    busyboxId = await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  const docker = (...args: string[]) => daemon.docker(args);

  async function eventsSince(since: number, filters: Record<string, string[]>): Promise<EventLine[]> {
    const query = `since=${since / 1000}&until=${Date.now() / 1000 + 1}&filters=${encodeURIComponent(JSON.stringify(filters))}`;
    const res = await daemon.request('GET', `/events?${query}`);
    return res.body.toString().trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as EventLine);
  }

  test('commit with --change lines: the new image runs the changed command on the committed file', async () => {
    expect((await docker('run', '--name', 'writer', 'busybox', 'sh', '-c', 'echo committed > /greeting')).code).toBe(0);
    const since = Date.now();
    const commit = await docker('commit', '-c', 'CMD ["cat", "/greeting"]', '-c', 'ENV GREETING=hello', '-c', 'LABEL tier=test', '-m', 'first commit', '-a', 'Berth Tests', 'writer', 'greeter:v1');
    expect(commit.code).toBe(0);
    expect(commit.stdout.trim()).toMatch(/^sha256:[0-9a-f]{64}$/);
    const run = await docker('run', '--rm', 'greeter:v1');
    expect(run).toMatchObject({ code: 0, stdout: 'committed\n' });
    const env = await docker('run', '--rm', 'greeter:v1', 'sh', '-c', 'echo $GREETING');
    expect(env.stdout).toBe('hello\n');
    const inspect = await docker('image', 'inspect', '-f', '{{json .Config.Cmd}}|{{.Config.Labels.tier}}|{{.Author}}|{{.Comment}}|{{.Parent}}', 'greeter:v1');
    expect(inspect.stdout.trim()).toBe(`["cat","/greeting"]|test|Berth Tests|first commit|${busyboxId}`);
    const layers = await docker('image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'greeter:v1');
    expect(layers.stdout.trim()).toBe('2');

    const events = await eventsSince(since, {});
    const commitEvent = events.find((e) => e.Type === 'container' && e.Action === 'commit');
    expect(commitEvent?.Actor.Attributes).toMatchObject({ name: 'writer', image: 'busybox', comment: 'first commit', imageID: commit.stdout.trim(), imageRef: 'greeter:v1' });
    expect(events.filter((e) => e.Type === 'image').map((e) => `${e.Action} ${e.Actor.Attributes.name}`)).toEqual([
      `create ${commit.stdout.trim()}`,
      'tag greeter:v1',
    ]);
    // A stopped container is not paused for the commit.
    expect(events.some((e) => e.Action === 'pause')).toBe(false);
  });

  test('committing a running container pauses it for the copy, unless --pause=false', async () => {
    expect((await docker('run', '-d', '--name', 'busy', 'busybox', 'sh', '-c', 'echo live > /live; exec sleep 300')).code).toBe(0);
    const since = Date.now();
    expect((await docker('commit', 'busy', 'live:paused')).code).toBe(0);
    expect((await docker('commit', '--pause=false', 'busy', 'live:unpaused')).code).toBe(0);
    const actions = (await eventsSince(since, { container: ['busy'] })).map((e) => e.Action);
    expect(actions).toEqual(['pause', 'unpause', 'commit', 'commit']);
    expect((await docker('inspect', '-f', '{{.State.Status}}', 'busy')).stdout.trim()).toBe('running');
    expect((await docker('run', '--rm', 'live:unpaused', 'cat', '/live')).stdout).toBe('live\n');
    // The committed command is the container's, as dockerd keeps it.
    expect((await docker('image', 'inspect', '-f', '{{json .Config.Cmd}}', 'live:paused')).stdout.trim()).toBe('["sh","-c","echo live > /live; exec sleep 300"]');
    expect((await docker('rm', '-f', 'busy')).code).toBe(0);
  });

  test('an invalid --change is a 400 with dockerd\'s text, and nothing is created', async () => {
    expect((await docker('create', '--name', 'victim', 'busybox', 'true')).code).toBe(0);
    const before = (await docker('images', '-aq', '--no-trunc')).stdout;
    const bad = await docker('commit', '-c', 'FROM busybox', 'victim', 'never:created');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('from is not a valid change command');
    const api = await daemon.request('POST', `/commit?container=victim&repo=never&changes=${encodeURIComponent('RUN echo hi')}`);
    expect(api.status).toBe(400);
    expect(api.json<{ message: string }>().message).toBe('run is not a valid change command');
    const badEnv = await daemon.request('POST', `/commit?container=victim&changes=${encodeURIComponent('ENV')}`);
    expect(badEnv.status).toBe(400);
    expect((await docker('images', '-aq', '--no-trunc')).stdout).toBe(before);
    expect((await docker('image', 'inspect', 'never:created')).code).toBe(1);
    const missing = await daemon.request('POST', '/commit?container=no-such-container');
    expect(missing.status).toBe(404);
    const digest = await daemon.request('POST', `/commit?container=victim&repo=${encodeURIComponent(`repo@sha256:${'a'.repeat(64)}`)}`);
    expect(digest.status).toBe(400);
  });

  test('a commit without changes records an empty layer', async () => {
    expect((await docker('run', '--name', 'noop', 'busybox', 'true')).code).toBe(0);
    expect((await docker('commit', 'noop', 'noop:v1')).code).toBe(0);
    const layers = await docker('image', 'inspect', '-f', '{{len .RootFS.Layers}}', 'noop:v1');
    expect(layers.stdout.trim()).toBe('1');
    const history = await docker('history', '--format', '{{.CreatedBy}}|{{.Size}}', 'noop:v1');
    expect(history.stdout.trim().split('\n')[0]).toBe('true|0B');
  });

  test('diff lists what the container added, changed and deleted (A/C/D), running or stopped', async () => {
    expect((await docker('run', '-d', '--name', 'differ', 'busybox', 'sh', '-c', 'echo new > /added; echo extra >> /etc/passwd; rm /bin/ls; mkdir -p /tmp/dir; exec sleep 300')).code).toBe(0);
    const expected = ['A /added', 'C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'C /tmp', 'A /tmp/dir'];
    await expect.poll(async () => (await docker('diff', 'differ')).stdout.trim().split('\n'), { timeout: 5000 }).toEqual(expected);
    expect((await docker('stop', '-t', '0', 'differ')).code).toBe(0);
    expect((await docker('diff', 'differ')).stdout.trim().split('\n')).toEqual(expected);
    const raw = await daemon.request('GET', '/containers/differ/changes');
    expect(raw.json()).toEqual(expect.arrayContaining([{ Path: '/added', Kind: 1 }, { Path: '/bin/ls', Kind: 2 }, { Path: '/etc/passwd', Kind: 0 }]));
    // Nothing changed: dockerd answers null, and the CLI prints nothing.
    expect((await docker('create', '--name', 'pristine', 'busybox', 'true')).code).toBe(0);
    expect((await daemon.request('GET', '/containers/pristine/changes')).body.toString().trim()).toBe('null');
    expect(await docker('diff', 'pristine')).toMatchObject({ code: 0, stdout: '' });
    expect((await docker('diff', 'nope')).code).toBe(1);
    // Mount points of volumes, tmpfs and --init are in the container layer, as dockerd lists them;
    // the /etc files and /proc, /sys the runtime mounts (dockerd's init layer) are not.
    expect((await docker('run', '--name', 'mounts', '--init', '--tmpfs', '/scratch', '-v', 'diffvol:/data', 'busybox', 'true')).code).toBe(0);
    expect((await docker('diff', 'mounts')).stdout.trim().split('\n')).toEqual(['A /data', 'C /sbin', 'A /sbin/docker-init', 'A /scratch']);
    expect((await docker('rm', '-v', 'mounts')).code).toBe(0);
    expect((await docker('volume', 'rm', 'diffvol')).code).toBe(0);
    // A directory replaced wholesale (opaque in the container layer): what it hid is deleted.
    expect((await docker('run', '--name', 'replacer', 'busybox', 'sh', '-c', 'rm -rf /var; mkdir /var; echo x > /var/fresh')).code).toBe(0);
    expect((await docker('diff', 'replacer')).stdout.trim().split('\n')).toEqual(['C /var', 'A /var/fresh', 'D /var/www']);
    expect((await docker('commit', 'replacer', 'replaced:v1')).code).toBe(0);
    expect((await docker('run', '--rm', 'replaced:v1', 'ls', '/var')).stdout).toBe('fresh\n');
    expect((await docker('rmi', 'replaced:v1')).code).toBe(0);
    expect((await docker('rm', 'replacer')).code).toBe(0);
  });

  test('export writes the flattened rootfs with the new files and without volumes', async () => {
    expect((await docker('run', '--name', 'exporter', '-v', 'expvol:/data', 'busybox', 'sh', '-c', 'echo x > /exported; echo v > /data/in-volume')).code).toBe(0);
    const since = Date.now();
    const file = path.join(scratch, 'export.tar');
    expect((await docker('export', '-o', file, 'exporter')).code).toBe(0);
    const names = execFileSync('tar', ['tf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toContain('exported');
    expect(names).toContain('bin/busybox');
    expect(names).toContain('etc/');
    expect(names.some((name) => name.startsWith('./') || name.startsWith('/'))).toBe(false);
    expect(names).not.toContain('data/in-volume');
    expect(execFileSync('tar', ['xOf', file, 'exported'], { encoding: 'utf8' })).toBe('x\n');
    // The stopped container's rootfs was mounted for the export only.
    expect(execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' })).not.toContain(`${daemon.dataRoot}/overlay2/${(await docker('inspect', '-f', '{{.Id}}', 'exporter')).stdout.trim()}/merged`);
    const events = await eventsSince(since, { container: ['exporter'] });
    expect(events.map((e) => e.Action)).toEqual(['export']);

    expect((await docker('run', '-d', '--name', 'live-export', 'busybox', 'sh', '-c', 'echo running > /state; exec sleep 300')).code).toBe(0);
    const live = path.join(scratch, 'live.tar');
    await expect.poll(async () => {
      await docker('export', '-o', live, 'live-export');
      return execFileSync('tar', ['tf', live], { encoding: 'utf8' }).split('\n').includes('state');
    }).toBe(true);
    expect((await docker('rm', '-f', 'live-export')).code).toBe(0);
  });

  test('history of imported, committed and loaded images looks like dockerd\'s', async () => {
    const imported = await docker('history', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}', 'busybox');
    expect(imported.stdout.trim()).toBe(`${busyboxId.slice(7, 19)}||1.99MB|Imported from -`);
    const table = await docker('history', 'greeter:v1');
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^[0-9a-f]{12}\s+.+ ago\s+sh -c echo committed > \/greeting\s+10B\s+first commit$/);
    expect(lines[2]).toMatch(new RegExp(`^${busyboxId.slice(7, 19)}\\s+.+ ago\\s+1\\.99MB\\s+Imported from -$`));

    const saved = path.join(scratch, 'greeter.tar');
    expect((await docker('save', '-o', saved, 'greeter:v1')).code).toBe(0);
    const before = (await docker('history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}|{{.Comment}}', 'greeter:v1')).stdout;
    expect((await docker('rmi', 'greeter:v1')).code).toBe(0);
    expect((await docker('load', '-i', saved)).stdout).toContain('Loaded image: greeter:v1');
    const after = await docker('history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Size}}|{{.Comment}}', 'greeter:v1');
    expect(after.stdout).toBe(before);
    expect(after.stdout.trim().split('\n')).toEqual(['sh -c echo committed > /greeting|10B|first commit', '|1.99MB|Imported from -']);
  });

  test('system df and df -v count images, containers and volumes like dockerd', async () => {
    const own = await daemon.request('GET', '/system/df');
    const usage = own.json<{
      LayersSize: number;
      Images: Array<{ Id: string; Containers: number; SharedSize: number; Size: number; RepoTags: string[] | null }>;
      Containers: Array<{ Names: string[]; SizeRw: number; SizeRootFs: number }>;
      Volumes: Array<{ Name: string; UsageData: { Size: number; RefCount: number } }>;
      BuildCache: unknown[];
    }>();
    const busybox = usage.Images.find((image) => image.Id === busyboxId)!;
    expect(busybox.Containers).toBeGreaterThanOrEqual(4);
    expect(busybox.SharedSize).toBe(busybox.Size);
    const greeter = usage.Images.find((image) => image.RepoTags?.includes('greeter:v1'))!;
    expect(greeter.Size - greeter.SharedSize).toBe(10);
    // busybox, greeter's layer ("committed\n") and live's ("live\n"), each counted once.
    expect(usage.LayersSize).toBe(busybox.Size + 10 + 5);
    const writer = usage.Containers.find((c) => c.Names[0] === '/writer')!;
    expect(writer.SizeRw).toBe(10);
    expect(writer.SizeRootFs).toBe(busybox.Size + 10);
    expect(usage.Volumes).toEqual([expect.objectContaining({ Name: 'expvol', UsageData: { Size: 2, RefCount: 1 } })]);
    expect(usage.BuildCache).toEqual([]);

    const table = await docker('system', 'df');
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/);
    expect(rows[1]).toMatch(new RegExp(`^Images\\s+${usage.Images.length}\\s+1\\s+1\\.986MB\\s+`));
    expect(rows[2]).toMatch(new RegExp(`^Containers\\s+${usage.Containers.length}\\s+0\\s+`));
    expect(rows[3]).toMatch(/^Local Volumes\s+1\s+1\s+2B\s+0B \(0%\)$/);
    expect(rows[4]).toMatch(/^Build Cache\s+0\s+0\s+0B\s+0B$/);

    const verbose = await docker('system', 'df', '-v');
    expect(verbose.stdout).toMatch(/Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/);
    expect(verbose.stdout).toMatch(/\ngreeter\s+v1\s+[0-9a-f]{12}\s+.+\s+1\.99MB\s+1\.986MB\s+10B\s+0\n/);
    expect(verbose.stdout).toMatch(/\nLocal Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\nexpvol\s+1\s+2B\n/);
    expect(verbose.stdout).toMatch(/\n[0-9a-f]{12}\s+busybox\s+"sh -c 'echo committ…"\s+0\s+10B\s+/);

    const volumesOnly = (await daemon.request('GET', '/v1.50/system/df?type=volume')).json<Record<string, unknown>>();
    expect(volumesOnly).toMatchObject({ LayersSize: 0, Images: null, Containers: null, BuildCache: null });
    expect(volumesOnly.Volumes).toHaveLength(1);
    const unknown = await daemon.request('GET', '/v1.50/system/df?type=layers');
    expect(unknown.status).toBe(400);
    expect(unknown.json<{ message: string }>().message).toBe('unknown object type: layers');
    // Before API 1.42 there is no type filter, and images carry VirtualSize.
    const old = (await daemon.request('GET', '/v1.41/system/df?type=volume')).json<{ Images: Array<Record<string, unknown>> }>();
    expect(old.Images.length).toBeGreaterThan(0);
    expect(old.Images[0].VirtualSize).toBe(old.Images[0].Size);
  });
});
