// The berth CLI against a real berthd, side by side with the real docker CLI on the same daemon:
// where docker's output is deterministic, berth must print the same bytes and exit the same way.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BERTH, DOCKER, TestDaemon, busyboxRootfs, eventually } from './helpers/daemon.js';

const haveDocker = existsSync(DOCKER);

type Result = { code: number; stdout: string; stderr: string };

/** Relative times move while two CLIs run one after the other; compare them as a placeholder. */
function normalizeTimes(text: string): string {
  return text
    .replace(/(Less than a second|About a minute|About an hour|\d+ (second|minute|hour|day|week|month|year)s?)( ago)?/g, '<T>')
    .replace(/ {2,}/g, '  ');
}

/** docker's messages name docker; berth's name berth. */
const asBerth = (text: string): string => text.replaceAll('docker', 'berth').replaceAll('Docker', 'Berth');

describe.skipIf(!haveDocker)('berth CLI against berthd', () => {
  const daemon = new TestDaemon('bclb');
  const scratch = mkdtempSync('/tmp/bclb-scratch-');

  const berth = (args: string[], options?: { input?: string }): Promise<Result> => daemon.berth(args, options);
  const docker = (args: string[], options?: { input?: string }): Promise<Result> => daemon.docker(args, options);

  /** Runs a read-only command with both CLIs and expects the same result. */
  async function expectSameAsDocker(args: string[], options: { times?: boolean } = {}): Promise<Result> {
    const fromDocker = await docker(args);
    const fromBerth = await berth(args);
    const clean = (text: string): string => (options.times ? normalizeTimes(text) : text);
    expect({ code: fromBerth.code, stdout: clean(fromBerth.stdout), stderr: clean(fromBerth.stderr) }).toEqual({
      code: fromDocker.code,
      stdout: clean(fromDocker.stdout),
      stderr: clean(asBerth(fromDocker.stderr)),
    });
    return fromBerth;
  }

  let imported: Result;
  beforeAll(async () => {
    await daemon.start();
    // Every test needs busybox; importing it with berth is itself under test below.
    imported = await berth(['import', '--change', 'CMD ["sh"]', busyboxRootfs(), 'busybox:latest']);
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('import creates busybox:latest and images lists it like docker', async () => {
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    await expectSameAsDocker(['images'], { times: true });
    await expectSameAsDocker(['images', '-q']);
    await expectSameAsDocker(['images', '--format', '{{json .}}'], { times: true });
    await expectSameAsDocker(['image', 'inspect', 'busybox']);
    await expectSameAsDocker(['history', 'busybox'], { times: true });
  });

  test('version and info templates read the same daemon fields', async () => {
    await expectSameAsDocker(['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}']);
    await expectSameAsDocker(['info', '--format', '{{.Driver}} {{.CgroupDriver}} {{.Images}} {{.OSType}}']);
  });

  test('run: output, exit codes, stderr, stdin', async () => {
    expect(await berth(['run', '--rm', 'busybox', 'echo', 'hi'])).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
    expect((await berth(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3'])).code).toBe(3);
    expect(await berth(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2'])).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
    expect(await berth(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\nthere\n' })).toEqual({ code: 0, stdout: 'hi\nthere\n', stderr: '' });
    expect((await berth(['ps', '-aq'])).stdout).toBe('');
  });

  test('run: 127 for a missing command, 126 for a non-executable, with docker stderr', async () => {
    for (const command of ['no-such-command', '/etc/passwd']) {
      const fromDocker = await docker(['run', '--rm', 'busybox', command]);
      const fromBerth = await berth(['run', '--rm', 'busybox', command]);
      expect(fromBerth.code).toBe(fromDocker.code);
      expect(fromBerth.stderr).toBe(asBerth(fromDocker.stderr));
    }
  });

  test('run: flag errors before anything is created, daemon refusals with 125', async () => {
    const before = (await berth(['ps', '-aq'])).stdout;
    for (const args of [
      ['run', '-m', 'x', 'busybox'],
      ['run', '--cpus', 'abc', 'busybox'],
      ['run', '--rm', '--restart', 'always', 'busybox'],
      ['run', '--rm', '-m', '1m', 'busybox', 'true'],
      ['run', '--rm', '--cpus', '64', 'busybox', 'true'],
      ['run'],
    ]) {
      const fromDocker = await docker(args);
      const fromBerth = await berth(args);
      expect({ args, code: fromBerth.code, stderr: fromBerth.stderr }).toEqual({ args, code: fromDocker.code, stderr: asBerth(fromDocker.stderr) });
    }
    expect((await berth(['ps', '-aq'])).stdout).toBe(before);
  });

  test('a detached container: ps, logs, exec, top, stats, inspect, port', async () => {
    const run = await berth(['run', '-d', '--name', 'w', '--init', 'busybox', 'sh', '-c', 'echo started; exec sleep 1000']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    await eventually(async () => ((await berth(['logs', 'w'])).stdout === 'started\n' ? true : undefined), 5000, 'log line');
    await expectSameAsDocker(['ps'], { times: true });
    await expectSameAsDocker(['ps', '-a', '--no-trunc'], { times: true });
    await expectSameAsDocker(['ps', '--format', '{{.ID}} {{.Names}} {{.State}} {{.Command}} {{.Label "x"}}']);
    await expectSameAsDocker(['ps', '--format', 'table {{.Names}}\t{{.Image}}\t{{.State}}']);
    await expectSameAsDocker(['logs', 'w']);
    await expectSameAsDocker(['logs', '-t', 'w']);
    await expectSameAsDocker(['exec', 'w', 'ls', '/']);
    await expectSameAsDocker(['top', 'w']);
    await expectSameAsDocker(['inspect', 'w']);
    await expectSameAsDocker(['inspect', '--format', '{{.State.Status}} {{.Name}} {{json .Config.Cmd}} {{range .Config.Env}}[{{.}}]{{end}}', 'w']);
    await expectSameAsDocker(['container', 'inspect', '-f', '{{json .HostConfig.RestartPolicy}}', 'w']);
    await expectSameAsDocker(['port', 'w']);
    await expectSameAsDocker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'w']);
    expect(await berth(['exec', '-i', 'w', 'sh'], { input: 'echo one\necho two >&2\nexit 4\n' })).toEqual({ code: 4, stdout: 'one\n', stderr: 'two\n' });
    expect((await berth(['exec', '-d', 'w', 'touch', '/tmp/detached'])).code).toBe(0);
    await eventually(async () => ((await berth(['exec', 'w', 'ls', '/tmp/detached'])).code === 0 ? true : undefined), 5000, 'detached exec');
  });

  test('lifecycle: stop, start, restart, kill, wait, pause, rename, rm', async () => {
    expect(await berth(['run', '-d', '--name', 'life', 'busybox', 'sleep', '1000'])).toMatchObject({ code: 0 });
    expect(await berth(['stop', '-t', '1', 'life'])).toEqual({ code: 0, stdout: 'life\n', stderr: '' });
    expect((await berth(['ps', '-a', '--filter', 'name=life', '--format', '{{.Status}}'])).stdout).toMatch(/^Exited \(137\) /);
    expect(await berth(['start', 'life'])).toEqual({ code: 0, stdout: 'life\n', stderr: '' });
    expect(await berth(['pause', 'life'])).toEqual({ code: 0, stdout: 'life\n', stderr: '' });
    expect((await berth(['ps', '--format', '{{.State}}', '--filter', 'name=life'])).stdout).toBe('paused\n');
    expect(await berth(['unpause', 'life'])).toEqual({ code: 0, stdout: 'life\n', stderr: '' });
    expect(await berth(['restart', '-t', '1', 'life'])).toEqual({ code: 0, stdout: 'life\n', stderr: '' });
    expect(await berth(['rename', 'life', 'life2'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const wait = berth(['wait', 'life2']);
    expect(await berth(['kill', 'life2'])).toEqual({ code: 0, stdout: 'life2\n', stderr: '' });
    expect(await wait).toEqual({ code: 0, stdout: '137\n', stderr: '' });
    expect(await berth(['rm', 'life2'])).toEqual({ code: 0, stdout: 'life2\n', stderr: '' });
  });

  test('errors read like docker: unknown containers, conflicts, unknown objects', async () => {
    await expectSameAsDocker(['logs', 'nope-not-here']);
    await expectSameAsDocker(['rm', 'nope-not-here']);
    await expectSameAsDocker(['rm', '-f', 'nope-not-here']);
    await expectSameAsDocker(['stop', 'nope1', 'nope2']);
    await expectSameAsDocker(['inspect', 'nope-not-here']);
    await expectSameAsDocker(['container', 'inspect', 'nope-not-here']);
    await expectSameAsDocker(['exec', 'nope-not-here', 'true']);
    expect((await berth(['create', '--name', 'dup', 'busybox', 'true'])).code).toBe(0);
    const fromDocker = await docker(['create', '--name', 'dup', 'busybox', 'true']);
    const fromBerth = await berth(['create', '--name', 'dup', 'busybox', 'true']);
    expect({ code: fromBerth.code, stderr: fromBerth.stderr }).toEqual({ code: fromDocker.code, stderr: asBerth(fromDocker.stderr) });
    const runConflict = await berth(['run', '--name', 'dup', 'busybox', 'true']);
    expect(runConflict.code).toBe(125);
    expect(runConflict.stderr).toContain('Conflict. The container name "/dup" is already in use');
    expect((await berth(['rm', 'dup'])).code).toBe(0);
  });

  test('cp: files and directories both ways, and tar streams with -', async () => {
    expect((await berth(['run', '-d', '--name', 'cpbox', 'busybox', 'sleep', '1000'])).code).toBe(0);
    const local = path.join(scratch, 'in.txt');
    writeFileSync(local, 'copied in\n');
    expect(await berth(['cp', local, 'cpbox:/tmp/in.txt'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await berth(['exec', 'cpbox', 'cat', '/tmp/in.txt'])).stdout).toBe('copied in\n');
    const out = path.join(scratch, 'passwd');
    expect((await berth(['cp', 'cpbox:/etc/passwd', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('root:x:0:0:root:/root:/bin/sh');

    const tree = path.join(scratch, 'tree');
    mkdirSync(path.join(tree, 'sub'), { recursive: true });
    writeFileSync(path.join(tree, 'sub', 'a'), 'a\n');
    expect((await berth(['cp', tree, 'cpbox:/tmp/'])).code).toBe(0);
    expect((await berth(['exec', 'cpbox', 'cat', '/tmp/tree/sub/a'])).stdout).toBe('a\n');
    expect((await berth(['cp', `${tree}/.`, 'cpbox:/tmp/flat'])).code).toBe(0);
    expect((await berth(['exec', 'cpbox', 'cat', '/tmp/flat/sub/a'])).stdout).toBe('a\n');
    const back = path.join(scratch, 'back');
    expect((await berth(['cp', 'cpbox:/tmp/tree', back])).code).toBe(0);
    expect(readFileSync(path.join(back, 'sub', 'a'), 'utf8')).toBe('a\n');

    const listing = await new Promise<string>((resolve, reject) => {
      execFile('sh', ['-c', `${process.execPath} ${BERTH} cp cpbox:/etc/passwd - | tar -t`], { env: daemon.env }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    expect(listing).toBe('passwd\n');
    await expectSameAsDocker(['cp', 'cpbox:/nonexistent', out]);
    expect((await berth(['rm', '-f', 'cpbox'])).stdout).toBe('cpbox\n');
  });

  test('images: tag, save, rmi, load', async () => {
    const id = (await berth(['images', '-q', 'busybox'])).stdout.trim();
    const archive = path.join(scratch, 'busybox.tar');
    expect(await berth(['save', '-o', archive, 'busybox'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await berth(['tag', 'busybox', 'copy:one'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await berth(['rmi', 'copy:one'])).toEqual({ code: 0, stdout: 'Untagged: copy:one\n', stderr: '' });
    const load = await berth(['load', '-i', archive]);
    expect(load).toEqual({ code: 0, stdout: 'Loaded image: busybox:latest\n', stderr: '' });
    expect((await berth(['images', '-q', 'busybox'])).stdout.trim()).toBe(id);
    await expectSameAsDocker(['rmi', 'nope:none']);
  });

  test('events within a window print like docker', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectSameAsDocker(['events', '--since', String(now - 120), '--until', String(now), '--filter', 'type=container']);
    await expectSameAsDocker(['events', '--since', String(now - 120), '--until', String(now), '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
  });

  test('a tty run through a pseudo-terminal prints the same bytes as docker', async () => {
    const viaScript = (cli: string): Promise<string> =>
      new Promise((resolve, reject) => {
        execFile('script', ['-qec', `${cli} run -t --rm busybox echo hi-tty`, '/dev/null'], { env: daemon.env, encoding: 'buffer' }, (err, stdout) =>
          err ? reject(err) : resolve(stdout.toString('latin1')),
        );
      });
    expect(await viaScript(`${process.execPath} ${BERTH}`)).toBe(await viaScript(DOCKER));
  });

  test('exec -it: raw terminal, the container sees our size, bytes match docker, modes restored', async () => {
    expect((await berth(['run', '-d', '--name', 'tty', 'busybox', 'sleep', '1000'])).code).toBe(0);
    const session = (cli: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const shell = `stty rows 33 cols 111; ${cli} exec -it tty stty size; stty -a | grep -o -- '-\\?opost'`;
        execFile('script', ['-qec', shell, '/dev/null'], { env: daemon.env, encoding: 'buffer' }, (err, stdout) => (err ? reject(err) : resolve(stdout.toString('latin1'))));
      });
    const fromBerth = await session(`${process.execPath} ${BERTH}`);
    expect(fromBerth).toBe('33 111\r\nopost\r\n');
    expect(fromBerth).toBe(await session(DOCKER));
    expect((await berth(['rm', '-f', 'tty'])).code).toBe(0);
  });

  test('container prune -f reports removed containers and the space', async () => {
    expect((await berth(['create', '--name', 'prunable', 'busybox', 'true'])).code).toBe(0);
    const prune = await berth(['container', 'prune', '-f']);
    expect(prune.code).toBe(0);
    expect(prune.stdout).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n(.+\n)*\nTotal reclaimed space: .+\n$/);
    expect((await berth(['ps', '-a', '--filter', 'name=prunable', '-q'])).stdout).toBe('');
  });
});
