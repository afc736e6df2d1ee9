// berthd's registry client with the real docker CLI (and berth's): push → rmi → pull round trips
// that keep image ids, layer dedupe and cross-repository mounts, pulls by digest and through an
// OCI index, a corrupted registry blob refused, and login/logout against an htpasswd registry.
// The registries run inside the test daemon's network namespace, so berthd reaches them at
// 127.0.0.1 (plain http: loopback) and nothing leaves the namespace.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BERTH, DOCKER, TestDaemon, busyboxRootfs, run } from './helpers/daemon.js';
import { type RegistryProcess, dockerArchive, makeTar, startRegistry, writeOciLayout } from './helpers/registry.js';

const haveDocker = existsSync(DOCKER);

describe.skipIf(!haveDocker)('push and pull through berth registry serve', () => {
  const daemon = new TestDaemon('breg');
  const scratch = mkdtempSync('/tmp/breg-scratch-');
  const dockerConfig = path.join(scratch, 'docker-config');
  let registry: RegistryProcess;
  let secured: RegistryProcess;
  let busyboxId = '';
  const REG = '127.0.0.1:5000';
  const SECURE = '127.0.0.1:5001';

  const env = (): NodeJS.ProcessEnv => ({ ...daemon.env, DOCKER_CONFIG: dockerConfig });
  const docker = (args: string[], input?: string) => run(DOCKER, args, env(), { input, timeoutMs: 120_000 });
  const berth = (args: string[], input?: string) => run(process.execPath, [BERTH, ...args], env(), { input, timeoutMs: 120_000 });
  const imageId = async (reference: string): Promise<string> => (await docker(['image', 'inspect', '--format', '{{.Id}}', reference])).stdout.trim();

  beforeAll(async () => {
    await daemon.start();
    busyboxId = await daemon.importBusybox();
    registry = await startRegistry(path.join(scratch, 'registry'), { netnsPath: daemon.netnsPath, port: 5000 });
    const htpasswd = path.join(scratch, 'htpasswd');
    // alice / password (bcrypt, as `htpasswd -B` writes it).
    writeFileSync(htpasswd, 'alice:$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm\n');
    secured = await startRegistry(path.join(scratch, 'secured'), { netnsPath: daemon.netnsPath, port: 5001, htpasswd, realm: 'Berth Test' });
  });

  afterAll(async () => {
    await registry?.stop();
    await secured?.stop();
    await daemon.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('busybox: push, rmi, pull, run — the same image id, RepoDigests recorded', async () => {
    const target = `${REG}/test/busybox:1`;
    expect((await docker(['tag', 'busybox', target])).code).toBe(0);
    const push = await docker(['push', target]);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain(`The push refers to repository [${REG}/test/busybox]`);
    expect(push.stdout).toMatch(/[0-9a-f]{12}: Pushed/);
    const digest = /1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
    expect(digest).toBeDefined();
    const repoDigests = JSON.parse((await docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', target])).stdout) as string[];
    expect(repoDigests).toContain(`${REG}/test/busybox@${digest}`);

    const again = await docker(['push', target]);
    expect(again.stdout).toMatch(/[0-9a-f]{12}: Layer already exists/);

    expect((await docker(['rmi', target, 'busybox'])).code).toBe(0);
    expect((await docker(['image', 'inspect', busyboxId])).code).not.toBe(0);
    const pull = await docker(['pull', target]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('1: Pulling from test/busybox');
    expect(pull.stdout).toMatch(/[0-9a-f]{12}: Pulling fs layer/);
    expect(pull.stdout).toMatch(/[0-9a-f]{12}: Download complete/);
    expect(pull.stdout).toMatch(/[0-9a-f]{12}: Pull complete/);
    expect(pull.stdout).toContain(`Digest: ${digest}`);
    expect(pull.stdout).toContain(`Status: Downloaded newer image for ${target}`);
    expect(await imageId(target)).toBe(busyboxId);
    const ran = await docker(['run', '--rm', target, 'echo', 'pulled']);
    expect(ran).toMatchObject({ code: 0, stdout: 'pulled\n' });

    const upToDate = await docker(['pull', target]);
    expect(upToDate.stdout).toMatch(/[0-9a-f]{12}: Already exists/);
    expect(upToDate.stdout).toContain(`Status: Image is up to date for ${target}`);
    expect((await docker(['tag', target, 'busybox'])).code).toBe(0);
  });

  test('a two-layer image: the shared layer is mounted, the round trip keeps the id and both layers', async () => {
    const { tar, written } = await dockerArchive('two-layers:1', { layers: [readFileSync(busyboxRootfs()), await makeTar({ 'etc/motd': 'second layer\n' })] }, scratch);
    const archive = path.join(scratch, 'two.tar');
    writeFileSync(archive, tar);
    expect((await docker(['load', '-i', archive])).code).toBe(0);
    const id = await imageId('two-layers:1');
    expect(id).toBe(written.configDigest);
    const target = `${REG}/test/two:1`;
    await docker(['tag', 'two-layers:1', target]);
    const push = await docker(['push', target]);
    expect(push.code, push.stderr).toBe(0);
    // The busybox layer went to test/busybox in the previous test: mounted, not uploaded again.
    expect(push.stdout).toMatch(/[0-9a-f]{12}: Mounted from test\/busybox/);
    expect(push.stdout).toMatch(/[0-9a-f]{12}: Pushed/);
    expect((await docker(['rmi', target, 'two-layers:1'])).code).toBe(0);
    const pull = await docker(['pull', target]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toMatch(/[0-9a-f]{12}: Already exists/);
    expect(pull.stdout).toMatch(/[0-9a-f]{12}: Pull complete/);
    expect(await imageId(target)).toBe(id);
    const motd = await docker(['run', '--rm', target, 'cat', '/etc/motd']);
    expect(motd).toMatchObject({ code: 0, stdout: 'second layer\n' });
  });

  test('pull by digest', async () => {
    const digest = /(sha256:[0-9a-f]{64})/.exec((await docker(['image', 'inspect', '--format', '{{index .RepoDigests 0}}', `${REG}/test/two:1`])).stdout)![1];
    const byDigest = `${REG}/test/two@${digest}`;
    await docker(['rmi', `${REG}/test/two:1`]);
    const pull = await docker(['pull', byDigest]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain(`Digest: ${digest}`);
    expect(pull.stdout).toContain(`Status: Downloaded newer image for ${byDigest}`);
    const images = await docker(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', `${REG}/test/two`]);
    expect(images.stdout.trim()).toBe(`${REG}/test/two <none> ${digest}`);
    expect((await docker(['run', '--rm', byDigest, 'cat', '/etc/motd'])).stdout).toBe('second layer\n');
  });

  test('an OCI index: the linux/amd64 image is pulled', async () => {
    const layout = path.join(scratch, 'multi');
    const { index, images } = writeOciLayout(layout, 'multi', [
      { layers: [readFileSync(busyboxRootfs()), await makeTar({ 'arch.txt': 'amd64\n' })], platform: { os: 'linux', architecture: 'amd64' } },
      { layers: [await makeTar({ 'arch.txt': 'arm64\n' })], platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const copy = await daemon.inNetns(['skopeo', 'copy', '--all', '--dest-tls-verify=false', `oci:${layout}:multi`, `docker://${REG}/test/multi:1`], { timeoutMs: 120_000 });
    expect(copy.code, copy.stderr).toBe(0);
    const pull = await docker(['pull', `${REG}/test/multi:1`]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain(`Digest: ${index!.digest}`);
    expect(await imageId(`${REG}/test/multi:1`)).toBe(images[0].configDigest);
    expect((await docker(['run', '--rm', `${REG}/test/multi:1`, 'cat', '/arch.txt'])).stdout).toBe('amd64\n');
  });

  test('a layer corrupted in the registry is refused: the pull fails and no image appears', async () => {
    const { tar, written } = await dockerArchive('fragile:1', { layers: [await makeTar({ 'data.bin': Buffer.alloc(200_000, 9) })] }, scratch);
    const archive = path.join(scratch, 'fragile.tar');
    writeFileSync(archive, tar);
    await docker(['load', '-i', archive]);
    const target = `${REG}/test/fragile:1`;
    await docker(['tag', 'fragile:1', target]);
    expect((await docker(['push', target])).code).toBe(0);
    const blob = path.join(scratch, 'registry', 'blobs', 'sha256', written.layerDigests[0].slice(7));
    const bytes = readFileSync(blob);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(blob, bytes);
    await docker(['rmi', target, 'fragile:1']);
    const pull = await docker(['pull', target]);
    expect(pull.code).not.toBe(0);
    expect((await docker(['image', 'inspect', target])).code).not.toBe(0);
    expect(registry.stderr()).toMatch(/corrupt blob/);
  });

  test('login, push and pull with credentials, logout (docker CLI)', async () => {
    const target = `${SECURE}/private/busybox:1`;
    await docker(['tag', 'busybox', target]);
    const anonymous = await docker(['push', target]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stdout + anonymous.stderr).toMatch(/no basic auth credentials/);
    const wrong = await docker(['login', SECURE, '-u', 'alice', '--password-stdin'], 'wrong\n');
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/401 Unauthorized/);
    const login = await docker(['login', SECURE, '-u', 'alice', '--password-stdin'], 'password\n');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain('Login Succeeded');
    const config = JSON.parse(readFileSync(path.join(dockerConfig, 'config.json'), 'utf8')) as { auths: Record<string, { auth: string }> };
    expect(Buffer.from(config.auths[SECURE].auth, 'base64').toString()).toBe('alice:password');
    const push = await docker(['push', target]);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toMatch(/[0-9a-f]{12}: Pushed/);
    await docker(['rmi', target]);
    const pull = await docker(['pull', target]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(await imageId(target)).toBe(busyboxId);
    const logout = await docker(['logout', SECURE]);
    expect(logout.stdout).toContain(`Removing login credentials for ${SECURE}`);
    await docker(['rmi', target]);
    const refused = await docker(['pull', target]);
    expect(refused.code).not.toBe(0);
  });

  test('berth login/push/pull/logout share the docker config and show progress', async () => {
    const target = `${SECURE}/berth/busybox:2`;
    await docker(['tag', 'busybox', target]);
    const login = await berth(['login', SECURE, '-u', 'alice', '--password-stdin'], 'password\n');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toBe('Login Succeeded\n');
    const push = await berth(['push', target]);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toContain(`The push refers to repository [${SECURE}/berth/busybox]`);
    expect(push.stdout).toMatch(/[0-9a-f]{12}: (Pushed|Layer already exists|Mounted from private\/busybox)/);
    expect(push.stdout).toMatch(/2: digest: sha256:[0-9a-f]{64} size: \d+/);
    await docker(['rmi', target]);
    const pull = await berth(['pull', target]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain('2: Pulling from berth/busybox');
    expect(pull.stdout).toContain(`Status: Downloaded newer image for ${target}`);
    expect(pull.stdout.trim().split('\n').pop()).toBe(target);
    expect((await berth(['logout', SECURE])).stdout).toBe(`Removing login credentials for ${SECURE}\n`);
    expect((await berth(['logout', SECURE])).stdout).toBe(`Not logged in to ${SECURE}\n`);
  });

  test('push --all-tags pushes every tag of the repository; pull and push are image events', async () => {
    await docker(['tag', 'busybox', `${REG}/test/all:a`]);
    await docker(['tag', 'busybox', `${REG}/test/all:b`]);
    const push = await docker(['push', '--all-tags', `${REG}/test/all`]);
    expect(push.code, push.stderr).toBe(0);
    expect(push.stdout).toMatch(/^a: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    expect(push.stdout).toMatch(/^b: digest: sha256:[0-9a-f]{64} size: \d+$/m);
    const until = Math.ceil(Date.now() / 1000) + 1;
    const events = await daemon.request('GET', `/events?since=0&until=${until}&filters=${encodeURIComponent(JSON.stringify({ type: ['image'] }))}`);
    const actions = events.body
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { Action: string; Actor: { ID: string } })
      .map((event) => `${event.Action} ${event.Actor.ID}`);
    expect(actions).toEqual(expect.arrayContaining([`push ${REG}/test/all:a`, `push ${REG}/test/all:b`, `pull ${REG}/test/busybox:1`]));
  });

  test('pushing what does not exist, pulling what is not there', async () => {
    const push = await docker(['push', `${REG}/test/absent:1`]);
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`An image does not exist locally with the tag: ${REG}/test/absent`);
    const pull = await docker(['pull', `${REG}/test/busybox:nope`]);
    expect(pull.code).not.toBe(0);
    expect(pull.stderr).toContain(`manifest for ${REG}/test/busybox:nope not found: manifest unknown`);
  });
});
