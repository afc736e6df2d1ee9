// daemon.json parsing and validation, the merge with flags, listen addresses and reload plans.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { normalizeCreate } from '../container/create.js';
import { effectiveLogLevel, goValue, mergeDaemonConfig, planReload, type DaemonDefaults } from './daemon-config.js';
import { parseDaemonFile } from './daemon-file.js';
import { formatListenAddress, parseListenAddress } from './hosts.js';
import { LogLevelControl } from './log-level.js';
import { createReloader } from './reload.js';

const DEFAULTS: DaemonDefaults = { hosts: ['unix:///run/berth/berth.sock'], dataRoot: '/var/lib/berth', execRoot: '/run/berth', certDir: '/certs' };

describe('parseDaemonFile', () => {
  test('reads the keys dockerd spells, and an empty file as no configuration', () => {
    const text = JSON.stringify({
      hosts: ['unix:///run/b.sock', 'tcp://0.0.0.0:2376'],
      'data-root': '/srv/berth',
      tlsverify: true,
      tlscacert: '/etc/berth/ca.pem',
      'log-driver': 'local',
      'log-opts': { 'max-size': '10m', 'max-file': '3' },
      'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }],
      debug: true,
      'log-level': 'warn',
      pidfile: '/run/berthd.pid',
    });
    expect(parseDaemonFile(text)).toMatchObject({ 'data-root': '/srv/berth', 'log-opts': { 'max-size': '10m' }, 'default-address-pools': [{ base: '10.10.0.0/16', size: 24 }] });
    expect(parseDaemonFile('  \n')).toEqual({});
    expect(parseDaemonFile('\uFEFF{"debug": false}')).toEqual({ debug: false });
  });

  test('treats null values as absent', () => {
    expect(parseDaemonFile('{"debug": null, "log-level": "info"}')).toEqual({ 'log-level': 'info' });
  });

  const refusals = [
    { name: 'unknown keys, all of them, sorted', text: '{"zeta": 1, "alpha": true, "debug": true}', message: "the following directives don't match any configuration option: alpha, zeta", key: 'alpha' },
    { name: 'a value of the wrong type', text: '{"debug": "yes"}', message: 'invalid value for "debug": must be boolean (got "yes")', key: 'debug' },
    { name: 'a log level outside the list', text: '{"log-level": "loud"}', message: 'invalid value for "log-level": must be one of trace, debug, info, warn, error, fatal (got "loud")', key: 'log-level' },
    { name: 'an unsupported log driver', text: '{"log-driver": "syslog"}', message: 'invalid value for "log-driver": must be one of json-file, local, none', key: 'log-driver' },
    { name: 'a log option no driver knows', text: '{"log-opts": {"max-sise": "1m"}}', message: `invalid value for "log-opts": unknown log opt 'max-sise'`, key: 'log-opts' },
    { name: 'a log size that does not parse', text: '{"log-opts": {"max-size": "ten"}}', message: 'invalid value for "log-opts": invalid value for log opt max-size: ten', key: 'log-opts' },
    { name: 'a pool field of the wrong type, by JSON path', text: '{"default-address-pools": [{"base": "10.0.0.0/8", "size": "24"}]}', message: 'invalid value for "default-address-pools[0].size": must be integer', key: 'default-address-pools' },
    { name: 'a pool without its size', text: '{"default-address-pools": [{"base": "10.0.0.0/8"}]}', message: 'invalid value for "default-address-pools[0]": needs "size"', key: 'default-address-pools' },
    { name: 'a pool base that is no CIDR', text: '{"default-address-pools": [{"base": "10.0.0.0/33", "size": 24}]}', message: 'invalid value for "default-address-pools[0].base"', key: 'default-address-pools' },
    { name: 'a pool size wider than its base', text: '{"default-address-pools": [{"base": "10.0.0.0/16", "size": 8}]}', message: '8 is shorter than the pool\'s own prefix /16', key: 'default-address-pools' },
    { name: 'a host that is no listen address', text: '{"hosts": ["ssh://h"]}', message: 'invalid value for "hosts": invalid bind address "ssh://h"', key: 'hosts' },
    { name: 'fd:// hosts', text: '{"hosts": ["fd://"]}', message: 'fd:// (systemd socket activation) is not supported', key: 'hosts' },
    { name: 'JSON that does not parse', text: '{"debug": tru}', message: 'invalid JSON', key: undefined },
    { name: 'a document that is not an object', text: '["debug"]', message: 'the configuration must be a JSON object', key: undefined },
  ];
  for (const { name, text, message, key } of refusals) {
    test(`refuses ${name}, naming the key`, () => {
      let error: unknown;
      try {
        parseDaemonFile(text);
      } catch (err) {
        error = err;
      }
      expect((error as Error).message).toContain(message);
      expect((error as { key?: string }).key).toBe(key);
    });
  }
});

describe('parseListenAddress', () => {
  const cases = [
    { spec: 'unix:///run/x.sock', tls: false, expected: 'unix:///run/x.sock' },
    { spec: 'unix://', tls: false, expected: 'unix:///run/berth/berth.sock' },
    { spec: 'tcp://0.0.0.0:2376', tls: true, expected: 'tcp://0.0.0.0:2376' },
    { spec: 'tcp://:2380', tls: false, expected: 'tcp://127.0.0.1:2380' },
    { spec: 'tcp://10.0.0.1', tls: false, expected: 'tcp://10.0.0.1:2375' },
    { spec: 'tcp://10.0.0.1', tls: true, expected: 'tcp://10.0.0.1:2376' },
    { spec: 'tcp://[::1]:2376', tls: true, expected: 'tcp://[::1]:2376' },
  ];
  for (const { spec, tls, expected } of cases) {
    test(`reads ${spec}${tls ? ' with TLS' : ''}`, () => expect(formatListenAddress(parseListenAddress(spec, tls))).toBe(expected));
  }
  for (const spec of ['localhost:2375', 'tcp://h:0', 'tcp://h:70000', 'tcp://h:1/path', 'tcp://::1:2375', 'unix://relative.sock', `unix:///${'x'.repeat(120)}`]) {
    test(`refuses ${spec.slice(0, 40)}`, () => expect(() => parseListenAddress(spec, false)).toThrow(/invalid bind address/));
  }
});

describe('mergeDaemonConfig', () => {
  test('applies defaults when neither flags nor file set a key', () => {
    const config = mergeDaemonConfig({}, {}, DEFAULTS);
    expect(config).toMatchObject({ dataRoot: '/var/lib/berth', execRoot: '/run/berth', tls: undefined, logDriver: 'json-file', logOpts: {}, debug: false, logLevel: 'info' });
    expect(config.hosts).toEqual([{ kind: 'unix', path: '/run/berth/berth.sock' }]);
  });

  test('takes each key from whichever side sets it', () => {
    const config = mergeDaemonConfig({ 'data-root': '/flag' }, { 'exec-root': '/file', debug: true }, DEFAULTS);
    expect(config).toMatchObject({ dataRoot: '/flag', execRoot: '/file', debug: true });
    expect(effectiveLogLevel(config)).toBe('debug');
  });

  test('refuses a key given both ways with dockerd’s message, values in Go’s %v', () => {
    expect(() => mergeDaemonConfig({ hosts: ['unix:///a.sock'], debug: true, 'log-level': 'info' }, { hosts: ['tcp://0.0.0.0:2376'], debug: false, tls: true }, DEFAULTS)).toThrow(
      'the following directives are specified both as a flag and in the configuration file: hosts: (from flag: [unix:///a.sock], from file: [tcp://0.0.0.0:2376]), debug: (from flag: true, from file: false)',
    );
  });

  test('prints maps and lists of maps like Go', () => {
    expect(goValue({ 'max-size': '1m', 'max-file': '2' })).toBe('map[max-file:2 max-size:1m]');
    expect(goValue([{ base: '10.0.0.0/8', size: 24 }])).toBe('[map[base:10.0.0.0/8 size:24]]');
  });

  test('--tlsverify implies TLS; TLS files default to the cert directory', () => {
    const config = mergeDaemonConfig({ hosts: ['tcp://0.0.0.0'], tlsverify: true }, {}, DEFAULTS);
    expect(config.tls).toEqual({ verify: true, caFile: '/certs/ca.pem', certFile: '/certs/cert.pem', keyFile: '/certs/key.pem' });
    expect(formatListenAddress(config.hosts[0]!)).toBe('tcp://0.0.0.0:2376');
  });

  test('--tls alone is server TLS without client verification', () => {
    expect(mergeDaemonConfig({ hosts: ['tcp://0.0.0.0:2376'], tls: true, tlscert: '/c.pem', tlskey: '/k.pem' }, {}, DEFAULTS).tls).toMatchObject({ verify: false, certFile: '/c.pem' });
  });

  test('refuses tcp:// without TLS, explaining the choices', () => {
    const attempt = (): unknown => mergeDaemonConfig({ hosts: ['unix:///a.sock', 'tcp://0.0.0.0:2375'] }, {}, DEFAULTS);
    expect(attempt).toThrow(/refusing to serve the API on tcp:\/\/0\.0\.0\.0:2375 without TLS/);
    expect(attempt).toThrow(/--tlsverify .* --tls .* --insecure-tcp/);
  });

  test('serves plain tcp:// with insecure-tcp, from the flag or the file', () => {
    expect(mergeDaemonConfig({ hosts: ['tcp://127.0.0.1:2375'], 'insecure-tcp': true }, {}, DEFAULTS).insecureTcp).toBe(true);
    expect(mergeDaemonConfig({}, { hosts: ['tcp://127.0.0.1:2375'], 'insecure-tcp': true }, DEFAULTS).tls).toBeUndefined();
  });

  test('checks flag values too, naming the flag', () => {
    expect(() => mergeDaemonConfig({ 'log-opts': { bogus: '1' } }, {}, DEFAULTS)).toThrow(/invalid value for --log-opt: unknown log opt 'bogus'/);
    expect(() => mergeDaemonConfig({ hosts: ['fd://'] }, {}, DEFAULTS)).toThrow(/invalid value for --host/);
  });

  test('refuses the same address twice', () => {
    expect(() => mergeDaemonConfig({ hosts: ['unix:///a.sock', 'unix:///a.sock'] }, {}, DEFAULTS)).toThrow('the same address is given twice');
  });
});

describe('planReload', () => {
  const current = mergeDaemonConfig({}, { 'log-opts': { 'max-size': '1m' } }, DEFAULTS);

  test('applies debug, log-level and log-opts, and reports them', () => {
    const next = mergeDaemonConfig({}, { debug: true, 'log-level': 'warn', 'log-opts': { 'max-size': '2m' } }, DEFAULTS);
    const plan = planReload(current, next);
    expect(plan.changes).toEqual({ debug: { from: false, to: true }, 'log-level': { from: 'info', to: 'warn' }, 'log-opts': { from: { 'max-size': '1m' }, to: { 'max-size': '2m' } } });
    expect(plan.config).toMatchObject({ debug: true, logLevel: 'warn', logOpts: { 'max-size': '2m' } });
    expect(plan.needsRestart).toEqual([]);
  });

  test('keeps keys only a restart applies, listing them', () => {
    const next = mergeDaemonConfig({}, { 'data-root': '/elsewhere', 'log-driver': 'local', 'log-opts': { 'max-size': '1m' } }, DEFAULTS);
    const plan = planReload(current, next);
    expect(plan.needsRestart).toEqual(['data-root', 'log-driver']);
    expect(plan.config).toMatchObject({ dataRoot: '/var/lib/berth', logDriver: 'json-file' });
    expect(plan.changes).toEqual({});
  });
});

describe('createReloader', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-reload-'));
  const file = path.join(dir, 'daemon.json');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('applies a changed file, and keeps the running configuration when the file breaks', async () => {
    writeFileSync(file, '{"debug": false}');
    let config = mergeDaemonConfig({ 'log-level': 'warn' }, parseDaemonFile('{"debug": false}'), DEFAULTS);
    const levels = new LogLevelControl();
    const root = pino({ level: 'warn', onChild: levels.onChild }, { write: () => undefined });
    levels.attach(root);
    const child = root.child({ component: 'x' });
    const reload = createReloader({ configFile: file, required: true, flags: { 'log-level': 'warn' }, defaults: DEFAULTS, current: () => config, apply: (next) => (config = next), levels, log: root });

    writeFileSync(file, '{"debug": true}');
    expect(await reload()).toEqual({ ok: true, changed: ['debug'], needsRestart: [] });
    expect(config.debug).toBe(true);
    expect([root.level, child.level]).toEqual(['debug', 'debug']);

    writeFileSync(file, '{"debug": false, "bogus": 1}');
    const failed = await reload();
    expect(failed).toMatchObject({ ok: false, error: expect.stringContaining('bogus') as unknown });
    expect(config.debug).toBe(true);

    writeFileSync(file, '{"log-level": "info"}');
    expect(await reload()).toMatchObject({ ok: false, error: expect.stringContaining('specified both as a flag and in the configuration file') as unknown });
  });
});

describe('log defaults at container create', () => {
  const limits = { ncpu: 4, hardLimits: {}, cgroupVersion: 2 as const };
  const image = { Cmd: ['sh'] };

  test('a container without a log config gets the daemon’s driver and options', () => {
    const { hostConfig } = normalizeCreate({ Image: 'x' }, image, { ...limits, logDefaults: () => ({ Type: 'local', Config: { 'max-size': '5m' } }) });
    expect(hostConfig.LogConfig).toEqual({ Type: 'local', Config: { 'max-size': '5m' } });
  });

  test('its own options win; the daemon’s fill in the rest when the driver is the same', () => {
    const request = { Image: 'x', HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-file': '2' } } } };
    const { hostConfig } = normalizeCreate(request, image, { ...limits, logDefaults: () => ({ Type: 'json-file', Config: { 'max-size': '5m', 'max-file': '9' } }) });
    expect(hostConfig.LogConfig.Config).toEqual({ 'max-size': '5m', 'max-file': '2' });
  });

  test('another driver does not inherit the daemon’s options', () => {
    const request = { Image: 'x', HostConfig: { LogConfig: { Type: 'none', Config: {} } } };
    const { hostConfig } = normalizeCreate(request, image, { ...limits, logDefaults: () => ({ Type: 'json-file', Config: { 'max-size': '5m' } }) });
    expect(hostConfig.LogConfig).toEqual({ Type: 'none', Config: {} });
  });
});
