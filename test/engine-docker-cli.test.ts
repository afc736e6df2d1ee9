// The real docker CLI (28.x, API 1.50) against berthd: the everyday flows of issue 2, with the
// output shapes and exit codes a docker user expects.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, eventually } from './helpers/daemon.js';

const haveDocker = existsSync(DOCKER);

describe.skipIf(!haveDocker)('docker CLI against berthd', () => {
  const daemon = new TestDaemon('bcli');
  const scratch = mkdtempSync('/tmp/bcli-scratch-');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('version and info show the server', async () => {
    const version = await daemon.docker(['version', '--format', '{{.Server.APIVersion}} {{.Server.MinAPIVersion}}']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe('1.50 1.24');
    const info = await daemon.docker(['info', '--format', '{{.Driver}} {{.CgroupDriver}} {{.Images}}']);
    expect(info.stdout.trim()).toBe('overlay2 cgroupfs 1');
  });

  test('run --rm prints the output and exits with the container code', async () => {
    const hi = await daemon.docker(['run', '--rm', 'busybox', 'echo', 'hi']);
    expect(hi).toMatchObject({ code: 0, stdout: 'hi\n' });
    const three = await daemon.docker(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']);
    expect(three.code).toBe(3);
    const stderr = await daemon.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2']);
    expect(stderr.stdout).toBe('out\n');
    expect(stderr.stderr).toBe('err\n');
    const left = await daemon.docker(['ps', '-aq']);
    expect(left.stdout.trim()).toBe('');
  });

  test('run -i passes stdin and closes it at EOF', async () => {
    const result = await daemon.docker(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'hi\nthere\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'hi\nthere\n' });
  });

  test('a command that does not exist exits 127, a non-executable 126', async () => {
    const missing = await daemon.docker(['run', '--rm', 'busybox', 'no-such-command']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('executable file not found');
    const notExecutable = await daemon.docker(['run', '--rm', 'busybox', '/etc/passwd']);
    expect(notExecutable.code).toBe(126);
  });

  test('detached container: ps, logs, exec, exec -i, top, stats, inspect', async () => {
    const run = await daemon.docker(['run', '-d', '--name', 'w', 'busybox', 'sh', '-c', 'echo started; exec sleep 1000']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const ps = await daemon.docker(['ps']);
    const lines = ps.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
    expect(lines[1]).toMatch(new RegExp(`^${run.stdout.slice(0, 12)}\\s+busybox\\s+"sh -c 'echo start…"|"sh -c .*"\\s+.*Up .*\\s+w$`));
    await eventually(async () => ((await daemon.docker(['logs', 'w'])).stdout === 'started\n' ? true : undefined), 5000, 'log line');
    const ls = await daemon.docker(['exec', 'w', 'ls', '/']);
    expect(ls.stdout.split('\n')).toEqual(expect.arrayContaining(['bin', 'etc', 'proc', 'tmp']));
    const sh = await daemon.docker(['exec', '-i', 'w', 'sh'], { input: 'echo one\necho two >&2\nexit 4\n' });
    expect(sh).toMatchObject({ code: 4, stdout: 'one\n', stderr: 'two\n' });
    const top = await daemon.docker(['top', 'w']);
    expect(top.stdout).toMatch(/^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD/);
    expect(top.stdout).toContain('sleep 1000');
    const stats = await daemon.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'w']);
    expect(stats.stdout.trim()).toBe('w 1');
    const inspect = JSON.parse((await daemon.docker(['inspect', 'w'])).stdout) as Array<{ State: { Status: string; Pid: number }; Name: string; Config: { Cmd: string[] } }>;
    expect(inspect[0].State.Status).toBe('running');
    expect(inspect[0].State.Pid).toBeGreaterThan(0);
    expect(inspect[0].Name).toBe('/w');
    expect(inspect[0].Config.Cmd).toEqual(['sh', '-c', 'echo started; exec sleep 1000']);
  });

  test('stop, start, restart and rm -f', async () => {
    await daemon.docker(['run', '-d', '--name', 'life', 'busybox', 'sleep', '1000']);
    const stop = await daemon.docker(['stop', '-t', '1', 'life']);
    expect(stop).toMatchObject({ code: 0, stdout: 'life\n' });
    const status = await daemon.docker(['ps', '-a', '--filter', 'name=life', '--format', '{{.Status}}']);
    expect(status.stdout).toMatch(/^Exited \(137\) /);
    expect((await daemon.docker(['start', 'life'])).stdout).toBe('life\n');
    expect((await daemon.docker(['inspect', '-f', '{{.State.Running}}', 'life'])).stdout.trim()).toBe('true');
    const pidBefore = (await daemon.docker(['inspect', '-f', '{{.State.Pid}}', 'life'])).stdout.trim();
    expect((await daemon.docker(['restart', '-t', '1', 'life'])).code).toBe(0);
    const pidAfter = (await daemon.docker(['inspect', '-f', '{{.State.Pid}}', 'life'])).stdout.trim();
    expect(pidAfter).not.toBe(pidBefore);
    expect((await daemon.docker(['rm', '-f', 'life'])).stdout).toBe('life\n');
    const gone = await daemon.docker(['inspect', 'life']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('No such object: life');
  });

  test('docker cp both ways', async () => {
    await daemon.docker(['run', '-d', '--name', 'cpbox', 'busybox', 'sleep', '1000']);
    const local = path.join(scratch, 'in.txt');
    writeFileSync(local, 'copied in\n');
    expect((await daemon.docker(['cp', local, 'cpbox:/tmp/in.txt'])).code).toBe(0);
    expect((await daemon.docker(['exec', 'cpbox', 'cat', '/tmp/in.txt'])).stdout).toBe('copied in\n');
    const out = path.join(scratch, 'passwd');
    expect((await daemon.docker(['cp', 'cpbox:/etc/passwd', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('root:x:0:0:root:/root:/bin/sh');
    const missing = await daemon.docker(['cp', 'cpbox:/nonexistent', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Could not find the file /nonexistent in container cpbox');
    // Stopped containers can be copied from too.
    await daemon.docker(['stop', '-t', '0', 'cpbox']);
    const stoppedOut = path.join(scratch, 'from-stopped');
    expect((await daemon.docker(['cp', 'cpbox:/tmp/in.txt', stoppedOut])).code).toBe(0);
    expect(readFileSync(stoppedOut, 'utf8')).toBe('copied in\n');
  });

  test('images, save | load, rmi', async () => {
    const images = await daemon.docker(['images']);
    expect(images.stdout.split('\n')[0]).toMatch(/^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(images.stdout).toMatch(/busybox\s+latest\s+[0-9a-f]{12}\s+.+\s+\d+(\.\d+)?MB/);
    const id = (await daemon.docker(['images', '-q', 'busybox'])).stdout.trim();
    const archive = path.join(scratch, 'busybox.tar');
    expect((await daemon.docker(['save', '-o', archive, 'busybox'])).code).toBe(0);
    expect((await daemon.docker(['tag', 'busybox', 'copy:one'])).code).toBe(0);
    const rmi = await daemon.docker(['rmi', 'copy:one']);
    expect(rmi.stdout).toBe('Untagged: copy:one\n');
    const load = await daemon.docker(['load', '-i', archive]);
    expect(load.stdout).toContain('busybox:latest');
    expect((await daemon.docker(['images', '-q', 'busybox'])).stdout.trim()).toBe(id);
  });

  test('errors: unknown container 404, name conflict 409', async () => {
    const unknown = await daemon.docker(['logs', 'nope-not-here']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No such container: nope-not-here');
    await daemon.docker(['create', '--name', 'dup', 'busybox', 'true']);
    const conflict = await daemon.docker(['create', '--name', 'dup', 'busybox', 'true']);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain('Conflict. The container name "/dup" is already in use');
    const runConflict = await daemon.docker(['run', '--name', 'dup', 'busybox', 'true']);
    expect(runConflict.code).toBe(125);
    expect(runConflict.stderr).toContain('Conflict. The container name "/dup" is already in use');
  });

  test('invalid memory and cpu values are refused before anything is created', async () => {
    const before = (await daemon.docker(['ps', '-aq'])).stdout;
    const memory = await daemon.docker(['run', '--rm', '-m', '1m', 'busybox', 'true']);
    expect(memory.code).toBe(125);
    expect(memory.stderr).toContain('Minimum memory limit allowed is 6MB');
    const cpus = await daemon.docker(['run', '--rm', '--cpus', '64', 'busybox', 'true']);
    expect(cpus.code).toBe(125);
    expect(cpus.stderr).toMatch(/Range of CPUs is from 0.01 to \d+\.00/);
    expect((await daemon.docker(['ps', '-aq'])).stdout).toBe(before);
  });
});
