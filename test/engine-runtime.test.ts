// Container runtime behaviour users rely on: restart policies with back-off, json-file log
// rotation, --init, limits applied to the cgroup, Docker's default hardening (capabilities,
// seccomp, masked paths, read-only rootfs), pause/unpause and tty output.

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon, eventually } from './helpers/daemon.js';

interface Inspect {
  Id: string;
  State: { Status: string; Running: boolean; Paused: boolean; Pid: number; ExitCode: number; Restarting: boolean };
  RestartCount: number;
  LogPath: string;
}

describe('container runtime', () => {
  const daemon = new TestDaemon('brt');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  async function run(name: string, cmd: string[], hostConfig: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<string> {
    const created = await daemon.request('POST', `/containers/create?name=${name}`, { Image: 'busybox', Cmd: cmd, HostConfig: hostConfig, ...extra });
    expect(created.status, created.body.toString()).toBe(201);
    const id = created.json<{ Id: string }>().Id;
    const started = await daemon.request('POST', `/containers/${id}/start`);
    expect(started.status, started.body.toString()).toBe(204);
    return id;
  }

  const inspect = async (id: string): Promise<Inspect> => (await daemon.request('GET', `/containers/${id}/json`)).json<Inspect>();

  async function execOut(id: string, cmd: string[]): Promise<string> {
    return (await daemon.docker(['exec', id, ...cmd])).stdout;
  }

  test('on-failure:2 restarts twice with growing delays, then stays exited', async () => {
    const started = Date.now();
    const id = await run('flaky', ['sh', '-c', 'date +%s >> /tmp/starts; exit 3'], { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
    const final = await eventually(async () => {
      const state = await inspect(id);
      return state.RestartCount === 2 && state.State.Status === 'exited' ? state : undefined;
    }, 15_000, 'two restarts');
    expect(final.State.ExitCode).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await inspect(id)).RestartCount).toBe(2);
    // Back-off: 100 ms then 200 ms between runs, so the whole thing takes at least 300 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const events = (await daemon.request('GET', `/events?since=0&until=${Math.ceil(Date.now() / 1000)}&filters=${encodeURIComponent(JSON.stringify({ container: [id], event: ['start'] }))}`)).body.toString();
    expect(events.trim().split('\n')).toHaveLength(3);
  });

  test('restart always keeps restarting; docker stop ends it; unless-stopped honours the manual stop', async () => {
    const id = await run('always', ['sh', '-c', 'sleep 0.2; exit 1'], { RestartPolicy: { Name: 'always' } });
    await eventually(async () => ((await inspect(id)).RestartCount >= 2 ? true : undefined), 15_000, 'restarts');
    expect((await daemon.request('POST', `/containers/${id}/stop?t=1`)).status).toBe(204);
    const count = (await inspect(id)).RestartCount;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await inspect(id);
    expect(after.State.Running).toBe(false);
    expect(after.RestartCount).toBe(count);
  });

  test('--rm removes the container after it exits; --init runs tini as PID 1', async () => {
    const id = await run('auto', ['true'], { AutoRemove: true });
    await eventually(async () => ((await daemon.request('GET', `/containers/${id}/json`)).status === 404 ? true : undefined), 10_000, 'auto-remove');
    const withInit = await daemon.docker(['run', '--rm', '--init', 'busybox', 'sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "']);
    expect(withInit.stdout).toMatch(/^\/sbin\/docker-init -- sh -c/);
  });

  test('json-file logs rotate at max-size keeping max-file files, and logs reads across them', async () => {
    const id = await run('chatty', ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do echo "line $i with some padding to fill the log faster"; i=$((i+1)); done; sleep 300'], {
      LogConfig: { Type: 'json-file', Config: { 'max-size': '4k', 'max-file': '3' } },
    });
    const logPath = (await inspect(id)).LogPath;
    await eventually(async () => ((await daemon.docker(['logs', '--tail', '1', 'chatty'])).stdout.includes('line 399') ? true : undefined), 10_000, 'all lines');
    const files = readdirSync(path.dirname(logPath)).filter((f) => f.startsWith(path.basename(logPath)));
    expect(files.sort()).toEqual([path.basename(logPath), `${path.basename(logPath)}.1`, `${path.basename(logPath)}.2`]);
    for (const file of files) expect(readFileSync(path.join(path.dirname(logPath), file)).length).toBeLessThanOrEqual(4096);
    const logs = (await daemon.docker(['logs', 'chatty'])).stdout.trim().split('\n');
    expect(logs.at(-1)).toBe('line 399 with some padding to fill the log faster');
    // Older lines were rotated away; what remains is contiguous.
    const first = Number(/^line (\d+)/.exec(logs[0])![1]);
    expect(first).toBeGreaterThan(0);
    logs.forEach((line, i) => expect(line).toBe(`line ${first + i} with some padding to fill the log faster`));
    expect((await daemon.docker(['logs', '--tail', '3', 'chatty'])).stdout.trim().split('\n')).toEqual(logs.slice(-3));
  });

  test('limits land in the cgroup: memory, cpus, pids', async () => {
    const id = await run('limited', ['sleep', '300'], { Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, PidsLimit: 20 });
    const cgroup = `/berth/${id}`;
    expect(readFileSync(`/sys/fs/cgroup/memory${cgroup}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(64 * 1024 * 1024));
    expect(readFileSync(`/sys/fs/cgroup/cpu${cgroup}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('50000');
    expect(readFileSync(`/sys/fs/cgroup/cpu${cgroup}/cpu.cfs_period_us`, 'utf8').trim()).toBe('100000');
    expect(readFileSync(`/sys/fs/cgroup/pids${cgroup}/pids.max`, 'utf8').trim()).toBe('20');
    const forkBomb = await execOut(id, ['sh', '-c', 'for i in $(seq 40); do sleep 5 & done 2>&1 | head -1; echo done']);
    expect(forkBomb).toContain("can't fork");
  });

  test('default hardening: capabilities, seccomp, masked paths, read-only rootfs, no-new-privileges', async () => {
    const id = await run('hardened', ['sleep', '300']);
    const status = await execOut(id, ['cat', '/proc/1/status']);
    // Docker's default set: 0x00000000a80425fb.
    expect(/^CapBnd:\s+(\w+)/m.exec(status)?.[1]).toBe('00000000a80425fb');
    expect(await execOut(id, ['sh', '-c', 'unshare -n true 2>&1 || echo refused'])).toContain('refused');
    expect(await execOut(id, ['sh', '-c', 'mount -t tmpfs none /tmp 2>&1 || echo refused'])).toContain('refused');
    // Masked: /dev/null over /proc/timer_list (this kernel has no /proc/kcore), an empty tmpfs over /proc/acpi.
    expect(readFileSync('/proc/timer_list', 'utf8').length).toBeGreaterThan(0);
    expect(await execOut(id, ['sh', '-c', 'wc -c < /proc/timer_list'])).toBe('0\n');
    expect(await execOut(id, ['sh', '-c', 'mount | grep -c " /proc/timer_list "'])).toBe('1\n');
    expect(await execOut(id, ['sh', '-c', 'echo 1 > /proc/sys/kernel/domainname 2>&1 || echo refused'])).toContain('refused');
    const dropped = await daemon.docker(['run', '--rm', '--cap-drop', 'NET_RAW', 'busybox', 'sh', '-c', 'ping -c1 127.0.0.1 2>&1 || echo no-ping']);
    expect(dropped.stdout).toContain('no-ping');
    const readonly = await daemon.docker(['run', '--rm', '--read-only', 'busybox', 'sh', '-c', 'touch /x 2>&1 || echo read-only']);
    expect(readonly.stdout).toContain('Read-only file system');
    const nnp = await daemon.docker(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/self/status']);
    expect(nnp.stdout).toMatch(/NoNewPrivs:\s+1/);
    const privileged = await daemon.docker(['run', '--rm', '--privileged', 'busybox', 'sh', '-c', 'mount -t tmpfs none /tmp && echo mounted']);
    expect(privileged.stdout).toBe('mounted\n');
  });

  test('pause freezes and unpause resumes; ps shows (Paused)', async () => {
    const id = await run('frozen', ['sh', '-c', 'while true; do date +%s%N > /tmp/tick; sleep 0.05; done']);
    expect((await daemon.request('POST', `/containers/${id}/pause`)).status).toBe(204);
    expect((await inspect(id)).State).toMatchObject({ Status: 'paused', Paused: true, Running: true });
    expect((await daemon.docker(['ps', '--filter', 'name=frozen', '--format', '{{.Status}}'])).stdout).toMatch(/\(Paused\)/);
    const freezer = readFileSync(`/sys/fs/cgroup/freezer/berth/${id}/freezer.state`, 'utf8').trim();
    expect(freezer).toBe('FROZEN');
    expect((await daemon.request('POST', `/containers/${id}/pause`)).status).toBe(409);
    expect((await daemon.request('POST', `/containers/${id}/unpause`)).status).toBe(204);
    expect((await inspect(id)).State.Status).toBe('running');
  });

  test('tty output arrives raw with CRLF, and exec -t gets a terminal', async () => {
    // The container's pty turns \n into \r\n; script's own pty adds one more \r, as with dockerd.
    const result = await daemon.inNetns(['script', '-qec', `DOCKER_HOST=unix://${daemon.socket} docker run -t --rm busybox sh -c "tty; echo hi"`, '/dev/null']);
    expect(result.stdout).toContain('/dev/pts/0\r\r\nhi\r\r\n');
    const id = await run('ttyexec', ['sleep', '300']);
    const exec = await daemon.inNetns(['script', '-qec', `DOCKER_HOST=unix://${daemon.socket} docker exec -t ${id} tty`, '/dev/null']);
    expect(exec.stdout).toMatch(/^\/dev\/pts\/\d+\r\r\n$/);
  });
});
