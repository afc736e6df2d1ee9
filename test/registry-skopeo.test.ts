// Interop with skopeo (containers/image, Debian's build): OCI layouts copied into `berth registry
// serve` and back out unchanged (oci: and dir:), `skopeo inspect` reading our manifests, an OCI
// index copied with --all, credentials from an htpasswd file, and a corrupted blob never served.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { busyboxRootfs, requireBuild } from './helpers/daemon.js';
import { type RegistryProcess, makeTar, sha256, startRegistry, writeOciLayout } from './helpers/registry.js';

const SKOPEO = '/usr/bin/skopeo';

function skopeo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(SKOPEO, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!existsSync(SKOPEO))('skopeo against berth registry serve', () => {
  const scratch = mkdtempSync('/tmp/brsk-');
  let registry: RegistryProcess;
  let layers: Buffer[];

  beforeAll(async () => {
    requireBuild();
    registry = await startRegistry(path.join(scratch, 'root'));
    layers = [readFileSync(busyboxRootfs()), await makeTar({ 'etc/motd': 'second layer\n' })];
  });

  afterAll(async () => {
    await registry?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('oci: → registry → oci: and dir: keeps every blob byte for byte; inspect reads our manifest', async () => {
    const layout = path.join(scratch, 'layout');
    const written = writeOciLayout(layout, 'v1', [{ layers }]).images[0];
    const target = `docker://${registry.address}/interop/busybox:v1`;
    const push = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, target]);
    expect(push.code, push.stderr).toBe(0);

    const inspect = await skopeo(['inspect', '--tls-verify=false', target]);
    expect(inspect.code, inspect.stderr).toBe(0);
    const info = JSON.parse(inspect.stdout) as { Digest: string; Layers: string[]; Architecture: string; Os: string; RepoTags: string[] };
    expect(info.Digest).toBe(written.manifestDigest);
    expect(info.Layers).toEqual(written.layerDigests);
    expect(info).toMatchObject({ Architecture: 'amd64', Os: 'linux', RepoTags: ['v1'] });
    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', target]);
    expect(Buffer.from(raw.stdout).equals(written.manifestBytes)).toBe(true);
    const config = await skopeo(['inspect', '--config', '--raw', '--tls-verify=false', target]);
    expect(Buffer.from(config.stdout).equals(written.configBytes)).toBe(true);

    const back = path.join(scratch, 'back');
    const pullOci = await skopeo(['copy', '--src-tls-verify=false', target, `oci:${back}:v1`]);
    expect(pullOci.code, pullOci.stderr).toBe(0);
    for (const digest of [written.manifestDigest, written.configDigest, ...written.layerDigests]) {
      const name = digest.slice(7);
      expect(readFileSync(path.join(back, 'blobs', 'sha256', name)).equals(readFileSync(path.join(layout, 'blobs', 'sha256', name)))).toBe(true);
    }
    const dir = path.join(scratch, 'dir');
    const pullDir = await skopeo(['copy', '--src-tls-verify=false', target, `dir:${dir}`]);
    expect(pullDir.code, pullDir.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'manifest.json')).equals(written.manifestBytes)).toBe(true);
    for (const digest of written.layerDigests) expect(sha256(readFileSync(path.join(dir, digest.slice(7))))).toBe(digest);
  });

  test('a second push of the same image finds every blob already there', async () => {
    const layout = path.join(scratch, 'layout');
    const again = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${registry.address}/interop/busybox:v1-again`]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Copying blob .* skipped: already exists|Copying blob sha256:/);
    const tags = await skopeo(['list-tags', '--tls-verify=false', `docker://${registry.address}/interop/busybox`]);
    expect(JSON.parse(tags.stdout)).toMatchObject({ Tags: ['v1', 'v1-again'] });
  });

  test('an OCI index copies with --all; inspect picks linux/amd64', async () => {
    const layout = path.join(scratch, 'multi');
    const { index, images } = writeOciLayout(layout, 'multi', [
      { layers: [layers[1]], platform: { os: 'linux', architecture: 'amd64' } },
      { layers: [await makeTar({ 'arm.txt': 'arm64\n' })], platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const target = `docker://${registry.address}/interop/multi:1`;
    const push = await skopeo(['copy', '--all', '--dest-tls-verify=false', `oci:${layout}:multi`, target]);
    expect(push.code, push.stderr).toBe(0);
    const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', target]);
    expect(sha256(Buffer.from(raw.stdout))).toBe(index!.digest);
    const inspect = JSON.parse((await skopeo(['inspect', '--tls-verify=false', target])).stdout) as { Architecture: string; Layers: string[] };
    expect(inspect.Architecture).toBe('amd64');
    expect(inspect.Layers).toEqual(images[0].layerDigests);
  });

  test('with --htpasswd: skopeo needs the credentials', async () => {
    const htpasswd = path.join(scratch, 'htpasswd');
    writeFileSync(htpasswd, 'alice:$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm\n');
    const secured = await startRegistry(path.join(scratch, 'root-auth'), { htpasswd });
    try {
      const layout = path.join(scratch, 'layout');
      const target = `docker://${secured.address}/private/busybox:v1`;
      const anonymous = await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, target]);
      expect(anonymous.code).not.toBe(0);
      expect(anonymous.stderr).toMatch(/unauthorized|authentication required/i);
      const withCreds = await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds', 'alice:password', `oci:${layout}:v1`, target]);
      expect(withCreds.code, withCreds.stderr).toBe(0);
      const inspect = await skopeo(['inspect', '--tls-verify=false', '--creds', 'alice:password', target]);
      expect(inspect.code, inspect.stderr).toBe(0);
    } finally {
      await secured.stop();
    }
  });

  test('a blob corrupted on disk is never served: the copy fails and the blob is quarantined', async () => {
    const layout = path.join(scratch, 'corrupt-layout');
    const written = writeOciLayout(layout, 'v1', [{ layers: [await makeTar({ 'data.bin': Buffer.alloc(300_000, 7) })] }]).images[0];
    const target = `docker://${registry.address}/interop/corrupt:v1`;
    expect((await skopeo(['copy', '--dest-tls-verify=false', `oci:${layout}:v1`, target])).code).toBe(0);
    const blob = path.join(scratch, 'root', 'blobs', 'sha256', written.layerDigests[0].slice(7));
    const bytes = readFileSync(blob);
    bytes[bytes.length - 100] ^= 0xff;
    writeFileSync(blob, bytes);
    const out = path.join(scratch, 'corrupt-out');
    const copy = await skopeo(['copy', '--src-tls-verify=false', target, `dir:${out}`]);
    expect(copy.code).not.toBe(0);
    expect(existsSync(path.join(out, written.layerDigests[0].slice(7)))).toBe(false);
    expect(readdirSync(path.join(scratch, 'root', 'quarantine')).some((name) => name.startsWith(written.layerDigests[0].slice(7)))).toBe(true);
    expect(registry.stderr()).toMatch(/corrupt blob detected on read and quarantined/);
  });
});
