// The other `berth compose` commands against a real berthd: logs with per-service prefixes (and
// colours), run --rm one-offs, exec, secrets and configs mounted read-only, ps/ls/images/port/top
// output, stop/start/restart/pause/kill, events, wait, and attached `up` ending on container exit.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BERTH, TestDaemon } from './helpers/daemon.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const daemon = new TestDaemon('bcc');
const scratch = mkdtempSync('/tmp/bcc-scratch-');
const dir = path.join(scratch, 'shop');

function compose(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BERTH, 'compose', ...args], { cwd: options.cwd ?? dir, env: { ...daemon.env, ...(options.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const SHOP = `
services:
  web:
    image: busybox
    init: true
    command: sh -c 'echo web listening; echo web warning >&2; exec httpd -f -p 80 -h /www'
    ports: ["8088:80"]
    volumes: [./www:/www:ro]
    configs:
      - source: banner
        target: /etc/banner
      - source: settings
    secrets: [api_key, db_password]
    depends_on: [db]
  db:
    image: busybox
    init: true
    command: sh -c 'echo db ready; exec sleep 300'
    tmpfs: [/scratch]
configs:
  banner: { content: "welcome to the shop" }
  settings: { file: ./settings.ini }
secrets:
  api_key: { environment: SHOP_API_KEY }
  db_password: { file: ./db_password.txt }
`;

beforeAll(async () => {
  await daemon.start();
  await daemon.importBusybox();
  mkdirSync(path.join(dir, 'www'), { recursive: true });
  writeFileSync(path.join(dir, 'compose.yaml'), SHOP);
  writeFileSync(path.join(dir, 'www/index.html'), 'shop front\n');
  writeFileSync(path.join(dir, 'settings.ini'), 'currency=EUR\n');
  writeFileSync(path.join(dir, 'db_password.txt'), 'hunter2\n');
  writeFileSync(path.join(dir, '.env'), 'SHOP_API_KEY=k-123\n');
  const up = await compose(['up', '-d']);
  if (up.code !== 0) throw new Error(`compose up failed: ${up.stderr}`);
});

afterAll(async () => {
  await compose(['down', '-v', '-t', '0', '--remove-orphans']).catch(() => undefined);
  await daemon.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

describe('compose commands', () => {
  test('logs: per-service prefixes padded to the longest name, stderr kept apart, colours with --ansi always', async () => {
    const logs = await compose(['logs']);
    expect(logs.code).toBe(0);
    expect(logs.stdout.split('\n').sort()).toEqual(['', 'db-1   | db ready', 'web-1  | web listening']);
    expect(logs.stderr).toBe('web-1  | web warning\n');
    const coloured = await compose(['--ansi', 'always', 'logs', 'db']);
    const ESC = '\u001b';
    expect(coloured.stdout.startsWith(`${ESC}[3`)).toBe(true);
    expect(coloured.stdout.endsWith(`db-1  | ${ESC}[0mdb ready\n`)).toBe(true);
    expect((await compose(['logs', '--no-log-prefix', '--tail', '1', 'db'])).stdout).toBe('db ready\n');
    const follow = await compose(['logs', '-f', '--tail', '0', 'web'], { timeoutMs: 3000 });
    expect(follow.code).not.toBe(0); // still following when the timeout kills it
  });

  test('secrets and configs: files mounted read-only, environment/content injected 0444', async () => {
    const show = await compose(['exec', '-T', 'web', 'sh', '-c', 'cat /etc/banner /settings /run/secrets/api_key /run/secrets/db_password; stat -c "%a %n" /etc/banner /run/secrets/api_key']);
    expect(show).toMatchObject({ code: 0, stdout: 'welcome to the shopcurrency=EUR\nk-123hunter2\n444 /etc/banner\n444 /run/secrets/api_key\n' });
    for (const file of ['/settings', '/run/secrets/db_password']) {
      const write = await compose(['exec', '-T', 'web', 'sh', '-c', `echo x >> ${file}`]);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toContain('Read-only file system');
    }
    const inspect = (await daemon.request('GET', '/containers/shop-web-1/json')).json<{ Mounts: Array<{ Destination: string; RW: boolean }> }>();
    expect(inspect.Mounts.filter((m) => ['/settings', '/run/secrets/db_password', '/www'].includes(m.Destination)).map((m) => m.RW)).toEqual([false, false, false]);
  });

  test('exec returns the command\'s exit code; published port answers', async () => {
    expect(await compose(['exec', '-T', 'db', 'sh', '-c', 'exit 4'])).toMatchObject({ code: 4 });
    expect((await compose(['exec', '-T', '--index', '2', 'db', 'true'])).stderr).toContain('service "db" is not running container #2');
    const page = await daemon.inNetns(['curl', '-s', '-m', '5', 'http://127.0.0.1:8088/']);
    expect(page.stdout).toBe('shop front\n');
  });

  test('run --rm: a one-off with the service config, removed after; without --rm it stays, labelled oneoff', async () => {
    const once = await compose(['run', '--rm', 'db', 'sh', '-c', 'echo one-off on $(hostname); test -d /scratch']);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^one-off on [0-9a-f]{12}\n$/);
    const failing = await compose(['run', '-e', 'CODE=3', 'db', 'sh', '-c', 'exit $CODE']);
    expect(failing.code).toBe(3);
    const listed = (await daemon.request('GET', `/containers/json?all=1&filters=${encodeURIComponent(JSON.stringify({ label: ['com.docker.compose.oneoff=True'] }))}`)).json<Array<{ Names: string[]; State: string; Labels: Record<string, string> }>>();
    expect(listed).toHaveLength(1);
    expect(listed[0]!.Names[0]).toMatch(/^\/shop-db-run-[0-9a-f]{12}$/);
    expect(listed[0]!.Labels['com.docker.compose.slug']).toMatch(/^[0-9a-f]{64}$/);
    expect(listed[0]!.State).toBe('exited');
    const ps = await compose(['ps', '-a', '--format', '{{.Name}} {{.Service}} {{.ExitCode}}']);
    expect(ps.stdout).toMatch(/^shop-db-run-[0-9a-f]{12} db 3$/m);
    const rm = await compose(['rm', '-f']);
    expect(rm.code).toBe(0);
    expect((await compose(['ps', '-a', '-q'])).stdout.trim().split('\n')).toHaveLength(2);
  });

  test('ps, ls, images, port and top print compose\'s tables', async () => {
    const ps = await compose(['ps']);
    expect(ps.stdout.split('\n')[0]).toMatch(/^NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS$/);
    // dockerd's Command quotes arguments that hold spaces: sh -c 'echo web listening; …'.
    expect(ps.stdout).toMatch(/^shop-web-1 +busybox +"sh -c 'echo web lis…" +web +.* ago +Up .* +0\.0\.0\.0:8088->80\/tcp$/m);
    expect((await compose(['ps', '--services'])).stdout).toBe('db\nweb\n');
    const json = (await compose(['ps', '--format', 'json'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { Name: string; Service: string; State: string; Project: string });
    expect(json.map((c) => [c.Name, c.Service, c.State, c.Project])).toEqual([
      ['shop-db-1', 'db', 'running', 'shop'],
      ['shop-web-1', 'web', 'running', 'shop'],
    ]);
    const ls = await compose(['ls']);
    expect(ls.stdout).toBe(`NAME                STATUS              CONFIG FILES\nshop                running(2)          ${dir}/compose.yaml\n`);
    expect((await compose(['images'])).stdout).toMatch(/^CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE\nshop-db-1 +busybox +latest +[0-9a-f]{12} +[\d.]+MB\n/);
    expect((await compose(['port', 'web', '80'])).stdout).toBe('0.0.0.0:8088\n');
    const top = await compose(['top', 'db']);
    expect(top.stdout).toMatch(/^shop-db-1\nUID +PID +PPID +C +STIME +TTY +TIME +CMD\n/);
    expect(top.stdout).toContain('sleep 300');
  });

  test('stop, start, restart, pause/unpause, kill, and events of the project', async () => {
    const events = spawn(process.execPath, [BERTH, 'compose', 'events', '--json'], { cwd: dir, env: daemon.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let eventText = '';
    events.stdout.on('data', (chunk: Buffer) => (eventText += chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stop = await compose(['--progress', 'plain', 'stop', '-t', '1']);
    expect(stop.stderr.split('\n').filter((l) => l !== '')).toEqual([' Container shop-web-1 Stopping', ' Container shop-web-1 Stopped', ' Container shop-db-1 Stopping', ' Container shop-db-1 Stopped']);
    expect((await compose(['ps', '-a', '--format', '{{.State}}'])).stdout).toBe('exited\nexited\n');
    const start = await compose(['--progress', 'plain', 'start']);
    expect(start.stderr.split('\n').filter((l) => l !== '')).toEqual([' Container shop-db-1 Starting', ' Container shop-db-1 Started', ' Container shop-web-1 Starting', ' Container shop-web-1 Started']);
    expect((await compose(['--progress', 'plain', 'restart', 'db'])).stderr).toContain('Container shop-db-1 Started');
    expect((await compose(['pause', 'web'])).code).toBe(0);
    expect((await compose(['ps', '--format', '{{.Name}} {{.State}}'])).stdout).toBe('shop-db-1 running\nshop-web-1 paused\n');
    expect((await compose(['unpause', 'web'])).code).toBe(0);
    expect((await compose(['kill', 'db'])).code).toBe(0);
    expect((await compose(['ps', '-a', '--format', '{{.Name}} {{.State}}'])).stdout).toBe('shop-db-1 exited\nshop-web-1 running\n');
    expect((await compose(['up', '-d'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    events.kill();
    const actions = eventText
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; service: string; type: string; attributes: Record<string, string> });
    expect(actions.every((e) => e.type === 'container')).toBe(true);
    expect(actions.filter((e) => e.service === 'web').map((e) => e.action)).toEqual(expect.arrayContaining(['kill', 'die', 'stop', 'start', 'pause', 'unpause']));
    expect(actions.find((e) => e.action === 'start')?.attributes.name).toMatch(/^shop-(web|db)-1$/);
  });

  test('wait returns the first exit code; attached up streams logs and ends with --exit-code-from', async () => {
    const jobs = path.join(scratch, 'jobs');
    mkdirSync(jobs, { recursive: true });
    writeFileSync(
      path.join(jobs, 'compose.yaml'),
      `
services:
  worker:
    image: busybox
    command: sh -c 'for i in 1 2 3; do echo step $$i; sleep 0.2; done; exit 7'
  idle:
    image: busybox
    init: true
    command: sleep 300
`,
    );
    const up = await compose(['up', '--exit-code-from', 'worker', '-t', '1'], { cwd: jobs });
    expect(up.code).toBe(7);
    expect(up.stdout).toMatch(/^Attaching to idle-1, worker-1\n/);
    expect(up.stdout).toContain('worker-1  | step 1\nworker-1  | step 2\nworker-1  | step 3\n');
    expect(up.stdout).toContain('worker-1 exited with code 7\n');
    expect(up.stderr).toContain('Aborting on container exit...');
    expect((await compose(['ps', '-a', '--format', '{{.Name}} {{.State}}'], { cwd: jobs })).stdout).toBe('jobs-idle-1 exited\njobs-worker-1 exited\n');
    expect((await compose(['up', '-d', 'worker'], { cwd: jobs })).code).toBe(0);
    expect(await compose(['wait', 'worker'], { cwd: jobs })).toMatchObject({ code: 7 });
    expect((await compose(['down', '-t', '0'], { cwd: jobs })).code).toBe(0);
  });

  test('logs -f follows a restarted container and ends once the service is stopped', async () => {
    const follower = spawn(process.execPath, [BERTH, 'compose', 'logs', '-f', '--no-color', 'db'], { cwd: dir, env: daemon.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    follower.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const exited = new Promise<number>((resolve) => follower.on('close', (code) => resolve(code ?? -1)));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await compose(['restart', '-t', '1', 'db'])).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await compose(['stop', '-t', '1', 'db'])).code).toBe(0);
    const code = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => resolve(-2), 8000))]);
    follower.kill();
    expect(code).toBe(0);
    expect(text.match(/^db-1 {2}\| db ready$/gm)?.length).toBeGreaterThanOrEqual(2);
    expect((await compose(['up', '-d'])).code).toBe(0);
  });

  test('--progress tty redraws a live line per resource; json prints one object per event', async () => {
    const tiny = path.join(scratch, 'tiny');
    mkdirSync(tiny, { recursive: true });
    writeFileSync(path.join(tiny, 'compose.yaml'), 'services:\n  one: { image: busybox, init: true, command: sleep 300 }\n  two: { image: busybox, init: true, command: sleep 300 }\n');
    const tty = await compose(['--progress', 'tty', '--ansi', 'never', 'up', '-d'], { cwd: tiny });
    expect(tty.code).toBe(0);
    const ESC = '\u001b';
    expect(tty.stderr).toContain(`${ESC}[?25l`);
    expect(tty.stderr).toContain('[+] Running 3/3');
    const finalFrame = tty.stderr.split('[+] Running').at(-1)!;
    expect(finalFrame).toMatch(/ ✔ Network tiny_default {2,}Created +\d+\.\ds/);
    expect(finalFrame).toMatch(/ ✔ Container tiny-one-1 {2,}Started +\d+\.\ds/);
    const json = await compose(['--progress', 'json', 'down', '-t', '0'], { cwd: tiny });
    const messages = json.stderr.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string; text: string });
    expect(messages).toContainEqual({ id: 'Container tiny-two-1', status: 'Done', text: 'Removed' });
    expect(messages).toContainEqual({ id: 'Network tiny_default', status: 'Working', text: 'Removing' });
  });

  test('config and version; unknown commands and services fail like compose', async () => {
    expect((await compose(['config', '--services'])).stdout).toBe('db\nweb\n');
    expect((await compose(['version'])).stdout).toMatch(/^Berth Compose version v\d+\.\d+\.\d+/);
    const unknown = await compose(['frobnicate']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown docker command: "compose frobnicate"');
    const noService = await compose(['up', '-d', 'nope']);
    expect(noService).toMatchObject({ code: 15 });
    expect(noService.stderr.trim()).toBe('no such service: nope');
    const help = await compose(['--help']);
    expect(help.stdout).toMatch(/^Usage: {2}berth compose \[OPTIONS\] COMMAND\n/);
    for (const name of ['up', 'down', 'ps', 'logs', 'exec', 'run', 'ls', 'events', 'wait']) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
