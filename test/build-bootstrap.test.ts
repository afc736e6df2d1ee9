// `berth image bootstrap debian:bookworm`: debootstrap (minbase) from the host's apt mirror,
// imported through berthd, then used as a base for builds. Takes minutes and the network, so it
// only runs with BERTH_TEST_DEBOOTSTRAP=1. With BERTH_TEST_APT=1 as well, the daemon's network
// namespace gets an uplink (a veth pair masqueraded out of the host's default interface, removed
// afterwards) and a RUN installs a package with apt-get from a container on the default bridge.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, run } from './helpers/daemon.js';

const ENABLED = process.env.BERTH_TEST_DEBOOTSTRAP === '1';
const WITH_APT = ENABLED && process.env.BERTH_TEST_APT === '1';

/** Gives the daemon's namespace a route out (10.231.77.0/30 over a veth, masqueraded by the host). */
function addUplink(netns: string): () => void {
  const sh = (args: string[]): string => execFileSync(args[0], args.slice(1), { encoding: 'utf8' });
  const uplink = execFileSync('ip', ['-j', 'route', 'show', 'default'], { encoding: 'utf8' });
  const device = (JSON.parse(uplink) as { dev: string }[])[0]?.dev ?? 'eth0';
  sh(['ip', 'link', 'add', 'bbt-up0', 'type', 'veth', 'peer', 'name', 'bbt-up1']);
  sh(['ip', 'link', 'set', 'bbt-up1', 'netns', netns]);
  sh(['ip', 'addr', 'add', '10.231.77.1/30', 'dev', 'bbt-up0']);
  sh(['ip', 'link', 'set', 'bbt-up0', 'up']);
  sh(['ip', '-n', netns, 'addr', 'add', '10.231.77.2/30', 'dev', 'bbt-up1']);
  sh(['ip', '-n', netns, 'link', 'set', 'bbt-up1', 'up']);
  sh(['ip', '-n', netns, 'route', 'add', 'default', 'via', '10.231.77.1']);
  sh(['nft', 'add table ip berth_build_test']);
  sh(['nft', 'add chain ip berth_build_test postrouting { type nat hook postrouting priority srcnat ; }']);
  sh(['nft', `add rule ip berth_build_test postrouting ip saddr 10.231.77.0/30 oifname "${device}" masquerade`]);
  return () => {
    for (const args of [['nft', 'delete table ip berth_build_test'], ['ip', 'link', 'del', 'bbt-up0']]) {
      try {
        sh(args);
      } catch {
        // already gone
      }
    }
  };
}

describe.skipIf(!ENABLED)('berth image bootstrap (BERTH_TEST_DEBOOTSTRAP=1)', () => {
  const daemon = new TestDaemon('bd');
  let removeUplink: (() => void) | undefined;
  const docker = (args: string[], input?: string) => run(DOCKER, args, { ...daemon.env, DOCKER_BUILDKIT: '0' }, { timeoutMs: 900_000, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    await daemon.start();
    if (WITH_APT) removeUplink = addUplink(daemon.netns);
  });

  afterAll(async () => {
    removeUplink?.();
    await daemon.destroy();
  });

  test('bootstraps debian:bookworm from the configured mirror, without caches', { timeout: 1_200_000 }, async () => {
    const started = Date.now();
    const result = await daemon.berth(['image', 'bootstrap', 'debian:bookworm'], { timeoutMs: 1_200_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(result.stdout).toMatch(/^debian:bookworm sha256:[0-9a-f]{64} \(debootstrap --variant=minbase from http/);
    console.log(`bootstrap took ${Math.round((Date.now() - started) / 1000)} s: ${result.stdout.trim()}`);
    const inside = await daemon.docker(['run', '--rm', 'debian:bookworm', 'sh', '-c', 'cat /etc/debian_version; ls /var/cache/apt/archives/*.deb 2>/dev/null | wc -l; cat /usr/sbin/policy-rc.d | tail -1; ls /etc/apt/apt.conf.d']);
    expect(inside.stdout).toMatch(/^12\.\d+\n0\nexit 101\n/);
    expect(inside.stdout).toContain('docker-clean');
  });

  test('builds on it offline', async () => {
    const result = await docker(['build', '-t', 'bootstrap:offline', '-'], 'FROM debian:bookworm\nRUN apt-get --version | head -1 && useradd -m builder\nUSER builder\nCMD ["id", "-un"]\n');
    expect(result.code, result.stderr).toBe(0);
    expect((await daemon.docker(['run', '--rm', 'bootstrap:offline'])).stdout).toBe('builder\n');
  });

  test.skipIf(!WITH_APT)('RUN apt-get install works from a container on the default bridge (BERTH_TEST_APT=1)', async () => {
    const dockerfile = 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends hello && rm -rf /var/lib/apt/lists/*\nCMD ["hello"]\n';
    const result = await docker(['build', '-t', 'bootstrap:hello', '-'], dockerfile);
    expect(result.code, result.stdout.slice(-2000) + result.stderr).toBe(0);
    expect((await daemon.docker(['run', '--rm', 'bootstrap:hello'])).stdout).toBe('Hello, world!\n');
  });
});
