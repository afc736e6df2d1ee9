// `berth compose` against a real berthd (issue 4's acceptance): every example comes up, a second
// `up` changes nothing, an edited service alone is recreated, `down -v` leaves nothing; depends_on
// conditions gate starts (timestamps printed); malformed projects fail with one line and create
// nothing on the engine; scale, orphans, recreate policies, down -v/--rmi.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import YAML from 'yaml';
import { BERTH, REPO, TestDaemon } from './helpers/daemon.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

interface Listed {
  Id: string;
  Names: string[];
  State: string;
  Labels: Record<string, string> | null;
}

const daemon = new TestDaemon('bcu');
const scratch = mkdtempSync('/tmp/bcu-scratch-');

/** Runs `berth compose …` in `cwd` against the test daemon. */
function compose(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BERTH, 'compose', ...args], { cwd, env: { ...daemon.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Copies an example (or a generated project) into the scratch dir so the test may edit it. */
function copyExample(name: string): string {
  const dir = path.join(scratch, name);
  cpSync(path.join(REPO, 'examples', name), dir, { recursive: true });
  return dir;
}

/** Writes a project into the scratch dir (replacing compose.yaml, keeping other files unless given). */
function writeProject(name: string, yaml: string, files: Record<string, string> = {}): string {
  const dir = path.join(scratch, name);
  for (const [file, content] of Object.entries({ 'compose.yaml': yaml, ...files })) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return dir;
}

async function containers(project: string): Promise<Listed[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
  return (await daemon.request('GET', `/containers/json?all=1&filters=${filters}`)).json<Listed[]>();
}

const nameOf = (c: Listed): string => c.Names[0]!.slice(1);

async function idsByName(project: string): Promise<Record<string, string>> {
  return Object.fromEntries((await containers(project)).map((c) => [nameOf(c), c.Id]));
}

async function engineObjects(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const c = (await daemon.request('GET', '/containers/json?all=1')).json<Listed[]>().map((x) => x.Id);
  const n = (await daemon.request('GET', '/networks')).json<Array<{ Id: string }>>().map((x) => x.Id);
  const v = ((await daemon.request('GET', '/volumes')).json<{ Volumes: Array<{ Name: string }> | null }>().Volumes ?? []).map((x) => x.Name);
  return { containers: c.sort(), networks: n.sort(), volumes: v.sort() };
}

/** What the progress output says happened, as `Container x Started` lines (plain mode). */
function events(output: string): string[] {
  return output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(Container|Network|Volume|Image) /.test(l));
}

async function curl(port: number, pathName = '/'): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const result = await daemon.inNetns(['curl', '-s', '-m', '5', `http://127.0.0.1:${port}${pathName}`]);
    if (result.code === 0 && result.stdout !== '') return result.stdout;
    if (attempt > 40) throw new Error(`curl :${port}${pathName} failed: ${result.code} ${result.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  await daemon.start();
  await daemon.importBusybox();
});

afterAll(async () => {
  await daemon.destroy();
  rmSync(scratch, { recursive: true, force: true });
});

const EXAMPLES = [
  { name: 'static-site', project: 'static-site', port: 8080, expect: 'Served by busybox httpd on Berth', edit: 'web', up: ['up', '-d'] },
  { name: 'worker-queue', project: 'worker-queue', port: 8081, expect: 'worker-queue', edit: 'status', up: ['up', '-d'] },
  { name: 'healthchecks', project: 'healthchecks', port: 8082, expect: 'db said: pong', edit: 'web', up: ['up', '-d', '--wait'] },
];

describe('examples (acceptance 1)', () => {
  for (const example of EXAMPLES) {
    test(`${example.name}: up, up again changes nothing, an edit recreates one service, down -v leaves nothing`, async () => {
      const before = await engineObjects();
      const dir = copyExample(example.name);
      const first = await compose(dir, ['--progress', 'plain', ...example.up]);
      expect(first.stderr, first.stderr).not.toMatch(/Error/);
      expect(first.code).toBe(0);
      expect(events(first.stderr).some((l) => /^Container .* Started$/.test(l))).toBe(true);
      expect(await curl(example.port)).toContain(example.expect);
      const running = await containers(example.project);
      expect(running.every((c) => c.State === 'running')).toBe(true);

      const again = await compose(dir, ['--progress', 'plain', 'up', '-d']);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain(`Project ${example.project} is up-to-date`);
      expect(events(again.stderr).every((l) => / Running$/.test(l))).toBe(true);
      expect(await idsByName(example.project)).toEqual(Object.fromEntries(running.map((c) => [nameOf(c), c.Id])));

      const file = path.join(dir, 'compose.yaml');
      const doc = YAML.parseDocument(readFileSync(file, 'utf8'));
      doc.setIn(['services', example.edit, 'environment', 'EDITED_BY_TEST'], '1');
      writeFileSync(file, doc.toString());
      const beforeEdit = await idsByName(example.project);
      const edited = await compose(dir, ['--progress', 'plain', ...example.up]);
      expect(edited.code).toBe(0);
      const after = await idsByName(example.project);
      const changed = Object.keys(after).filter((name) => after[name] !== beforeEdit[name]);
      expect(changed.length).toBeGreaterThan(0);
      for (const name of changed) expect(name).toMatch(new RegExp(`^${example.project}-${example.edit}-\\d+$`));
      expect(events(edited.stderr).filter((l) => l.endsWith(' Recreated')).map((l) => l.split(' ')[1])).toEqual(changed.sort());
      expect(await curl(example.port)).toContain(example.expect);

      const down = await compose(dir, ['--progress', 'plain', 'down', '-v']);
      expect(down.code).toBe(0);
      expect(await engineObjects()).toEqual(before);
    });
  }
});

describe('depends_on conditions (acceptance 2)', () => {
  const stack = (migrateExit: number): string => `
services:
  db:
    image: busybox
    init: true
    command: sh -c 'sleep 2; touch /tmp/ready; exec sleep 300'
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ready"], interval: 500ms, retries: 20 }
  migrate:
    image: busybox
    command: sh -c 'sleep 1; echo migrated; exit ${migrateExit}'
  app:
    image: busybox
    init: true
    command: sleep 300
    depends_on:
      db: { condition: service_healthy }
      migrate: { condition: service_completed_successfully }
`;

  test('app starts only after db is healthy and migrate exited 0', async () => {
    const dir = writeProject('gated', stack(0));
    const started = Date.now();
    const up = await compose(dir, ['--progress', 'plain', 'up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const inspect = async (name: string) => (await daemon.request('GET', `/containers/${name}/json`)).json<{ State: { StartedAt: string; FinishedAt: string; ExitCode: number } }>();
    const db = await inspect('gated-db-1');
    const migrate = await inspect('gated-migrate-1');
    const app = await inspect('gated-app-1');
    const since = Math.floor(started / 1000) - 1;
    const healthEvents = await daemon.request('GET', `/events?since=${since}&until=${Math.ceil(Date.now() / 1000) + 1}&filters=${encodeURIComponent(JSON.stringify({ container: ['gated-db-1'], event: ['health_status'] }))}`);
    const healthy = healthEvents.body
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { Action: string; timeNano: number })
      .find((e) => e.Action === 'health_status: healthy');
    expect(healthy).toBeDefined();
    const healthyAt = Math.floor(healthy!.timeNano / 1e6);
    const ms = (text: string): number => Date.parse(text);
    const rel = (t: number): string => `+${t - started} ms`;
    process.stdout.write(
      [
        `db started        ${db.State.StartedAt} (${rel(ms(db.State.StartedAt))})`,
        `db healthy        ${new Date(healthyAt).toISOString()} (${rel(healthyAt)})`,
        `migrate started   ${migrate.State.StartedAt} (${rel(ms(migrate.State.StartedAt))})`,
        `migrate exited 0  ${migrate.State.FinishedAt} (${rel(ms(migrate.State.FinishedAt))})`,
        `app started       ${app.State.StartedAt} (${rel(ms(app.State.StartedAt))})`,
        '',
      ].join('\n'),
    );
    expect(migrate.State.ExitCode).toBe(0);
    expect(ms(app.State.StartedAt)).toBeGreaterThanOrEqual(healthyAt);
    expect(ms(app.State.StartedAt)).toBeGreaterThanOrEqual(ms(migrate.State.FinishedAt));
    // db needs ~2 s before its healthcheck can pass: app cannot have started sooner.
    expect(ms(app.State.StartedAt) - ms(db.State.StartedAt)).toBeGreaterThanOrEqual(2000);
    const lines = events(up.stderr);
    expect(lines.indexOf('Container gated-db-1 Healthy')).toBeLessThan(lines.indexOf('Container gated-app-1 Starting'));
    expect(lines.indexOf('Container gated-migrate-1 Exited')).toBeLessThan(lines.indexOf('Container gated-app-1 Starting'));
    expect((await compose(dir, ['down', '-t', '1'])).code).toBe(0);
  });

  test('a dependency exiting non-zero fails up and leaves the dependent unstarted', async () => {
    const dir = writeProject('gatedfail', stack(3));
    const up = await compose(dir, ['--progress', 'plain', 'up', '-d']);
    expect(up.code).toBe(1);
    expect(up.stderr.trim().split('\n').at(-1)).toBe(`service "migrate" didn't complete successfully: exit 3`);
    const app = (await containers('gatedfail')).find((c) => nameOf(c) === 'gatedfail-app-1');
    expect(app?.State).toBe('created');
    expect((await compose(dir, ['down', '-t', '1'])).code).toBe(0);
  });

  test('an unhealthy dependency fails up with compose\'s message', async () => {
    const dir = writeProject('sick', `
services:
  db:
    image: busybox
    command: sleep 300
    healthcheck: { test: ["CMD", "false"], interval: 300ms, retries: 1 }
  app:
    image: busybox
    command: sleep 300
    depends_on: { db: { condition: service_healthy } }
`);
    const up = await compose(dir, ['--progress', 'plain', 'up', '-d']);
    expect(up.code).toBe(1);
    expect(up.stderr.trim().split('\n').at(-1)).toBe('dependency failed to start: container sick-db-1 is unhealthy');
    expect((await compose(dir, ['down', '-t', '0'])).code).toBe(0);
  });
});

describe('bad input creates nothing (acceptance 4)', () => {
  const corpus = path.join(REPO, 'test/compose/bad');
  const cases = readdirSync(corpus).sort();

  test('every bad-corpus project fails `up -d` with its one-line error and exit code, and the engine is unchanged', async () => {
    const before = await engineObjects();
    const failures: string[] = [];
    const runCase = async (name: string): Promise<void> => {
      const dir = path.join(scratch, 'bad', name);
      cpSync(path.join(corpus, name), dir, { recursive: true });
      const args = JSON.parse(readFileSync(path.join(dir, 'args.json'), 'utf8')) as { files?: string[]; projectName?: string; envFiles?: string[]; env?: Record<string, string> };
      const flags = [...(args.files ?? []).flatMap((f) => ['-f', f]), ...(args.projectName !== undefined ? ['-p', args.projectName] : [])];
      // Node 20 itself rejects `--env-file MISSING` anywhere on its command line (exit 9, before
      // berth runs), so the env file goes through COMPOSE_ENV_FILES, which compose reads the same way.
      const envFiles: Record<string, string> = args.envFiles !== undefined ? { COMPOSE_ENV_FILES: args.envFiles.join(',') } : {};
      const result = await compose(dir, [...flags, 'up', '-d'], { HOME: '/home/user', ...(args.env ?? {}), ...envFiles });
      const [exitLine, message] = readFileSync(path.join(dir, 'expected.txt'), 'utf8').split('\n');
      const actual = result.stderr.split(dir).join('/project');
      if (`exit ${result.code}` !== exitLine || actual !== `${message}\n`) failures.push(`${name}: exit ${result.code} ${JSON.stringify(actual)} (expected ${exitLine} ${JSON.stringify(message)})`);
    };
    for (let i = 0; i < cases.length; i += 2) await Promise.all(cases.slice(i, i + 2).map(runCase));
    expect(failures).toEqual([]);
    expect(await engineObjects()).toEqual(before);
  });

  test('engine-side refusals (missing external network, failed build, --no-build, pull_policy never, unset secret variable) create nothing', async () => {
    const before = await engineObjects();
    const external = writeProject('ext', `
services:
  web: { image: busybox, command: sleep 300, networks: [outside], volumes: [data:/data] }
networks:
  outside: { external: true }
volumes:
  data: {}
`);
    const a = await compose(external, ['up', '-d']);
    expect(a.code).toBe(1);
    expect(a.stderr.trim()).toBe('network outside declared as external, but could not be found');
    const build = writeProject('failedbuild', `
services:
  db: { image: busybox, command: sleep 300, volumes: [data:/data] }
  app: { build: ./app, command: sleep 300, depends_on: [db] }
volumes:
  data: {}
`, { 'app/Dockerfile': 'FROM busybox\nRUN exit 3\n' });
    const b = await compose(build, ['--progress', 'quiet', 'up', '-d']);
    expect(b.code).toBe(1);
    expect(b.stderr.trim().split('\n')).toHaveLength(1);
    expect(b.stderr).toMatch(/returned a non-zero code: 3/);
    const noBuild = await compose(build, ['up', '-d', '--no-build']);
    expect(noBuild).toMatchObject({ code: 1, stderr: 'service "app" needs its image "failedbuild-app" built, but --no-build was given\n' });
    const never = writeProject('never', `
services:
  web: { image: "not-here:1", pull_policy: never, volumes: [data:/data] }
volumes:
  data: {}
`);
    const c = await compose(never, ['up', '-d']);
    expect(c).toMatchObject({ code: 1, stderr: 'No such image: not-here:1 (service "web" has pull_policy never)\n' });
    const secret = writeProject('secretless', `
services:
  web: { image: busybox, secrets: [token], volumes: [data:/data] }
secrets:
  token: { environment: NOT_SET_ANYWHERE }
volumes:
  data: {}
`);
    const d = await compose(secret, ['up', '-d']);
    expect(d).toMatchObject({ code: 1, stderr: 'environment variable "NOT_SET_ANYWHERE" required by secret "token" is not set\n' });
    expect(await engineObjects()).toEqual(before);
  });
});

describe('convergence', () => {
  const yaml = (extra = ''): string => `
services:
  web:
    image: busybox
    init: true
    command: sleep 300
  db:
    image: busybox
    init: true
    command: sleep 300
${extra}`;

  test('--scale up and down, orphans kept with a warning then removed, --force-recreate and --no-recreate', async () => {
    const dir = writeProject('conv', yaml('  cache:\n    image: busybox\n    init: true\n    command: sleep 300\n'));
    expect((await compose(dir, ['up', '-d'])).code).toBe(0);
    const up3 = await compose(dir, ['--progress', 'plain', 'up', '-d', '--scale', 'web=3']);
    expect(up3.code).toBe(0);
    expect(Object.keys(await idsByName('conv')).sort()).toEqual(['conv-cache-1', 'conv-db-1', 'conv-web-1', 'conv-web-2', 'conv-web-3']);
    expect(events(up3.stderr).filter((l) => l.endsWith('Created')).sort()).toEqual(['Container conv-web-2 Created', 'Container conv-web-3 Created']);
    const down1 = await compose(dir, ['--progress', 'plain', 'up', '-d', '--scale', 'web=1']);
    expect(events(down1.stderr).filter((l) => l.endsWith('Removed')).sort()).toEqual(['Container conv-web-2 Removed', 'Container conv-web-3 Removed']);
    expect(Object.keys(await idsByName('conv')).sort()).toEqual(['conv-cache-1', 'conv-db-1', 'conv-web-1']);

    writeProject('conv', yaml());
    const orphan = await compose(dir, ['up', '-d']);
    expect(orphan.code).toBe(0);
    expect(orphan.stderr).toMatch(/WARN\[0000\] Found orphan containers \(conv-cache-1\) for this project/);
    expect(Object.keys(await idsByName('conv'))).toContain('conv-cache-1');
    const removed = await compose(dir, ['--progress', 'plain', 'up', '-d', '--remove-orphans']);
    expect(events(removed.stderr)).toContain('Container conv-cache-1 Removed');
    expect(Object.keys(await idsByName('conv')).sort()).toEqual(['conv-db-1', 'conv-web-1']);

    const ids = await idsByName('conv');
    const forced = await compose(dir, ['--progress', 'plain', 'up', '-d', '--force-recreate', 'web']);
    expect(forced.code).toBe(0);
    const afterForce = await idsByName('conv');
    expect(afterForce['conv-web-1']).not.toBe(ids['conv-web-1']);
    expect(afterForce['conv-db-1']).toBe(ids['conv-db-1']);

    writeProject('conv', yaml().replace('command: sleep 300\n  db', 'command: sleep 301\n  db'));
    const kept = await compose(dir, ['--progress', 'plain', 'up', '-d', '--no-recreate']);
    expect(kept.stderr).toContain('Project conv is up-to-date');
    expect(await idsByName('conv')).toEqual(afterForce);
    const recreated = await compose(dir, ['--progress', 'plain', 'up', '-d']);
    expect(events(recreated.stderr).filter((l) => l.endsWith('Recreated'))).toEqual(['Container conv-web-1 Recreated']);
    expect((await compose(dir, ['down', '-t', '0'])).code).toBe(0);
    expect(await containers('conv')).toEqual([]);
  });

  test('external network and volume, named network aliases, bind and tmpfs mounts, restart policy, --no-deps', async () => {
    expect((await daemon.request('POST', '/networks/create', { Name: 'shared-net' })).status).toBe(201);
    expect((await daemon.request('POST', '/volumes/create', { Name: 'shared-vol' })).status).toBe(201);
    const dir = writeProject('wired', `
services:
  api:
    image: busybox
    init: true
    command: sleep 300
    restart: on-failure:3
    networks:
      back: { aliases: [backend] }
      outside: {}
    volumes:
      - shared:/shared
      - ./conf:/conf:ro
    tmpfs: [/scratch]
  client:
    image: busybox
    init: true
    command: sleep 300
    depends_on: [api]
    networks: [back]
networks:
  back: {}
  outside: { external: true, name: shared-net }
volumes:
  shared: { external: true, name: shared-vol }
`, { 'conf/app.ini': 'mode=test\n' });
    const up = await compose(dir, ['up', '-d', '--no-deps', 'client']);
    expect(up.code, up.stderr).toBe(0);
    expect(Object.keys(await idsByName('wired'))).toEqual(['wired-client-1']);
    expect((await compose(dir, ['up', '-d'])).code).toBe(0);
    const inspect = (await daemon.request('GET', '/containers/wired-api-1/json')).json<{
      HostConfig: { RestartPolicy: { Name: string; MaximumRetryCount: number }; Tmpfs: Record<string, string> };
      NetworkSettings: { Networks: Record<string, unknown> };
      Mounts: Array<{ Type: string; Name?: string; Destination: string; RW: boolean }>;
    }>();
    expect(inspect.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    expect(Object.keys(inspect.HostConfig.Tmpfs)).toEqual(['/scratch']);
    expect(Object.keys(inspect.NetworkSettings.Networks).sort()).toEqual(['shared-net', 'wired_back']);
    expect(inspect.Mounts.find((m) => m.Destination === '/shared')).toMatchObject({ Type: 'volume', Name: 'shared-vol' });
    expect(inspect.Mounts.find((m) => m.Destination === '/conf')).toMatchObject({ Type: 'bind', RW: false });
    const reach = await compose(dir, ['exec', '-T', 'client', 'sh', '-c', 'ping -c 1 -W 2 backend >/dev/null && ping -c 1 -W 2 api >/dev/null && echo reachable']);
    expect(reach.stdout).toBe('reachable\n');
    expect((await compose(dir, ['exec', '-T', 'api', 'cat', '/conf/app.ini'])).stdout).toBe('mode=test\n');
    expect((await compose(dir, ['down', '-v', '-t', '0'])).code).toBe(0);
    // External resources are not the project's to remove.
    expect((await daemon.request('GET', '/networks/shared-net')).status).toBe(200);
    expect((await daemon.request('GET', '/volumes/shared-vol')).status).toBe(200);
    await daemon.request('DELETE', '/networks/shared-net');
    await daemon.request('DELETE', '/volumes/shared-vol');
  });

  test('a recreated container keeps its anonymous volume; -V renews it', async () => {
    const dir = writeProject('anon', yaml().replace('command: sleep 300\n  db', 'command: sleep 300\n    volumes: [/data]\n  db'));
    expect((await compose(dir, ['up', '-d', 'web'])).code).toBe(0);
    expect((await compose(dir, ['exec', '-T', 'web', 'sh', '-c', 'echo kept > /data/file'])).code).toBe(0);
    writeProject('anon', yaml('').replace('command: sleep 300\n  db', 'command: sleep 300\n    environment: [CHANGED=1]\n    volumes: [/data]\n  db'));
    const recreated = await compose(dir, ['--progress', 'plain', 'up', '-d', 'web']);
    expect(events(recreated.stderr)).toContain('Container anon-web-1 Recreated');
    expect((await compose(dir, ['exec', '-T', 'web', 'cat', '/data/file'])).stdout).toBe('kept\n');
    expect((await compose(dir, ['up', '-d', '--force-recreate', '-V', 'web'])).code).toBe(0);
    expect((await compose(dir, ['exec', '-T', 'web', 'ls', '/data'])).stdout).toBe('');
    expect((await compose(dir, ['down', '-v', '-t', '0'])).code).toBe(0);
    // -V leaves the previous anonymous volume dangling, as docker compose does.
    expect((await daemon.request('POST', '/volumes/prune')).status).toBe(200);
  });

  test('build: up builds what is missing through the engine, up --build rebuilds and recreates what changed', async () => {
    const dir = writeProject('built', `
services:
  app:
    build:
      context: ./app
      args: { GREETING: hello }
    init: true
  other:
    image: busybox
    init: true
    command: sleep 300
`, { 'app/Dockerfile': 'FROM busybox\nARG GREETING\nRUN echo "$GREETING v1" > /built.txt\nCMD ["sh", "-c", "cat /built.txt; exec sleep 300"]\n' });
    const up = await compose(dir, ['--progress', 'plain', 'up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    expect(events(up.stderr)).toEqual(expect.arrayContaining(['Image built-app Building', 'Image built-app Built']));
    expect((await compose(dir, ['exec', '-T', 'app', 'cat', '/built.txt'])).stdout).toBe('hello v1\n');
    const again = await compose(dir, ['--progress', 'plain', 'up', '-d']);
    expect(again.stderr).toContain('Project built is up-to-date');
    writeProject('built', readFileSync(path.join(dir, 'compose.yaml'), 'utf8'), { 'app/Dockerfile': 'FROM busybox\nARG GREETING\nRUN echo "$GREETING v2" > /built.txt\nCMD ["sh", "-c", "cat /built.txt; exec sleep 300"]\n' });
    const rebuilt = await compose(dir, ['--progress', 'plain', 'up', '-d', '--build']);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(events(rebuilt.stderr).filter((l) => l.endsWith('Recreated'))).toEqual(['Container built-app-1 Recreated']);
    expect((await compose(dir, ['exec', '-T', 'app', 'cat', '/built.txt'])).stdout).toBe('hello v2\n');
    const buildCommand = await compose(dir, ['build', '--build-arg', 'GREETING=bonjour', 'app']);
    expect(buildCommand.code).toBe(0);
    expect(buildCommand.stderr).toMatch(/Successfully tagged built-app:latest/);
    expect((await compose(dir, ['down', '--rmi', 'local', '-t', '0'])).code).toBe(0);
    expect((await daemon.request('GET', '/images/built-app/json')).status).toBe(404);
  });

  test('down -v removes named and anonymous volumes; --rmi local removes built images only', async () => {
    expect((await daemon.request('POST', '/images/busybox/tag?repo=rmi-app&tag=latest')).status).toBe(201);
    const dir = writeProject('rmi', `
services:
  app:
    build: ./app
    command: sleep 300
    init: true
    volumes: [data:/data, /anonymous]
  base:
    image: busybox
    command: sleep 300
    init: true
volumes:
  data: {}
`, { 'app/Dockerfile': 'FROM busybox\n' });
    const up = await compose(dir, ['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    const volumes = async (): Promise<string[]> => ((await daemon.request('GET', '/volumes')).json<{ Volumes: Array<{ Name: string }> | null }>().Volumes ?? []).map((v) => v.Name);
    expect(await volumes()).toContain('rmi_data');
    expect((await volumes()).length).toBeGreaterThanOrEqual(2);
    const down = await compose(dir, ['--progress', 'plain', 'down', '-v', '--rmi', 'local', '-t', '0']);
    expect(down.code, down.stderr).toBe(0);
    expect(events(down.stderr)).toEqual(expect.arrayContaining(['Volume rmi_data Removed', 'Image rmi-app Removed', 'Network rmi_default Removed']));
    expect(await volumes()).toEqual([]);
    expect((await daemon.request('GET', '/images/rmi-app/json')).status).toBe(404);
    expect((await daemon.request('GET', '/images/busybox/json')).status).toBe(200);
  });
});
