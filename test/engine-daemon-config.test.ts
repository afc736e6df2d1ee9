// berthd's daemon.json: start-up refusals that name the key (unknown keys, bad values, a key given
// both as a flag and in the file), the file's defaults reaching containers and networks, and SIGHUP
// reloads (applied, reported, and survived when the file breaks).

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, eventually } from './helpers/daemon.js';

const haveDocker = existsSync(DOCKER);
const scratch = mkdtempSync('/tmp/bdcf-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function configFile(name: string, content: unknown): string {
  const file = path.join(scratch, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Starts berthd with `args`, expects it to exit, and returns its log. */
async function refusedStart(args: string[]): Promise<string> {
  const daemon = new TestDaemon('bdcf');
  try {
    let failure: Error | undefined;
    await daemon.start(args).catch((err: Error) => (failure = err));
    expect(failure?.message).toMatch(/berthd exited with 1/);
    return daemon.logTail(50);
  } finally {
    await daemon.destroy();
  }
}

describe('start-up refusals', () => {
  test('an unknown key, named', async () => {
    const file = configFile('unknown.json', { debug: false, 'max-concurrent-downloads': 3 });
    expect(await refusedStart(['--config-file', file])).toContain(
      `berthd: unable to configure the Berth daemon with file ${file}: the following directives don't match any configuration option: max-concurrent-downloads`,
    );
  });

  test('a bad value, with the key and what it should be', async () => {
    const file = configFile('bad.json', { debug: 'yes' });
    expect(await refusedStart(['--config-file', file])).toContain(`with file ${file}: invalid value for "debug": must be boolean (got "yes")`);
    const pools = configFile('pools.json', { 'default-address-pools': [{ base: '10.0.0.0/8', size: 40 }] });
    expect(await refusedStart(['--config-file', pools])).toContain('invalid value for "default-address-pools[0].size": must be <= 30');
  });

  test('a key given as a flag and in the file, in dockerd’s words', async () => {
    // The harness passes --log-level debug and --data-root.
    const file = configFile('conflict.json', { 'log-level': 'info', 'data-root': '/srv/elsewhere' });
    expect(await refusedStart(['--config-file', file])).toMatch(
      /the following directives are specified both as a flag and in the configuration file: data-root: \(from flag: \/tmp\/bdcf-\w+\/data, from file: \/srv\/elsewhere\), log-level: \(from flag: debug, from file: info\)/,
    );
  });

  test('a named file that does not exist; JSON that does not parse', async () => {
    expect(await refusedStart(['--config-file', path.join(scratch, 'absent.json')])).toContain(`open ${path.join(scratch, 'absent.json')}: no such file or directory`);
    const broken = configFile('broken.json', '{"debug": true,');
    expect(await refusedStart(['--config-file', broken])).toContain(`with file ${broken}: invalid JSON`);
  });
});

describe.skipIf(!haveDocker)('a daemon configured by daemon.json', () => {
  const daemon = new TestDaemon('bdcf');
  const file = path.join(scratch, 'daemon.json');

  beforeAll(async () => {
    writeFileSync(file, JSON.stringify({ debug: false, 'log-opts': { 'max-size': '1m', 'max-file': '2' }, 'default-address-pools': [{ base: '10.123.0.0/16', size: 24 }] }));
    await daemon.start(['--config-file', file]);
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  const debugFlag = async (): Promise<string> => (await daemon.docker(['info', '--format', '{{.Debug}}'])).stdout.trim();
  const logConfig = async (name: string): Promise<unknown> => {
    await daemon.docker(['create', '--name', name, 'busybox', 'true']);
    return JSON.parse((await daemon.docker(['inspect', '--format', '{{json .HostConfig.LogConfig}}', name])).stdout) as unknown;
  };

  test('containers that set no log options get the file’s', async () => {
    expect(await logConfig('dcf-logs1')).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
    await daemon.docker(['create', '--name', 'dcf-own', '--log-opt', 'max-size=5m', 'busybox', 'true']);
    expect(JSON.parse((await daemon.docker(['inspect', '--format', '{{json .HostConfig.LogConfig.Config}}', 'dcf-own'])).stdout)).toEqual({ 'max-size': '5m', 'max-file': '2' });
  });

  test('networks get subnets from default-address-pools', async () => {
    expect((await daemon.docker(['network', 'create', 'dcf-net'])).code).toBe(0);
    const subnet = (await daemon.docker(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Subnet}}', 'dcf-net'])).stdout.trim();
    expect(subnet).toMatch(/^10\.123\.\d+\.0\/24$/);
  });

  test('SIGHUP applies debug and log-opts, logs what changed, and keeps the old values when the file breaks', async () => {
    expect(await debugFlag()).toBe('false');
    writeFileSync(file, JSON.stringify({ debug: true, 'log-opts': { 'max-size': '2m' }, 'default-address-pools': [{ base: '10.123.0.0/16', size: 24 }] }));
    daemon.process!.kill('SIGHUP');
    await eventually(async () => ((await debugFlag()) === 'true' ? true : undefined), 10_000, 'Debug true after SIGHUP');
    const reloaded = daemon.logTail(400).split('\n').find((line) => line.includes('"configuration reloaded"'));
    expect(JSON.parse(reloaded!)).toMatchObject({ changes: { debug: { from: false, to: true }, 'log-opts': { from: { 'max-size': '1m', 'max-file': '2' }, to: { 'max-size': '2m' } } } });
    expect(await logConfig('dcf-logs2')).toEqual({ Type: 'json-file', Config: { 'max-size': '2m' } });
    const events = await daemon.docker(['events', '--since', '0', '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', 'type=daemon', '--format', '{{.Action}}']);
    expect(events.stdout).toContain('reload');

    writeFileSync(file, '{"debug": false, "log-opts": ');
    daemon.process!.kill('SIGHUP');
    await eventually(() => (daemon.logTail(400).includes('configuration reload failed') ? true : undefined), 10_000, 'the reload failure in the log');
    expect(await debugFlag()).toBe('true');
    expect(await logConfig('dcf-logs3')).toEqual({ Type: 'json-file', Config: { 'max-size': '2m' } });

    writeFileSync(file, JSON.stringify({ debug: true, 'log-opts': { 'max-size': '2m' }, 'log-driver': 'local', 'default-address-pools': [{ base: '10.123.0.0/16', size: 24 }] }));
    daemon.process!.kill('SIGHUP');
    await eventually(() => (daemon.logTail(400).includes('only take effect after a restart') ? true : undefined), 10_000, 'the restart-only warning');
    expect((await daemon.docker(['info', '--format', '{{.LoggingDriver}}'])).stdout.trim()).toBe('json-file');
  });
});
