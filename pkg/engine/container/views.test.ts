import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { defaultHostConfig } from './create.js';
import { formatTimestamp, initialState, type ContainerRecord } from './record.js';
import type { ContainerState, EndpointSettings } from './types.js';
import {
  checkContainerFilters,
  humanDuration,
  inspectView,
  matchesContainerFilters,
  portsSummary,
  statusText,
  summaryView,
  type FilterContext,
  type Filters,
  type ViewContext,
} from './views.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-11-24T12:00:00Z');
const ago = (ms: number): string => formatTimestamp(new Date(NOW - ms));

function endpoint(overrides: Partial<EndpointSettings> = {}): EndpointSettings {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '02:42:ac:11:00:02', NetworkID: 'f00dbabe'.repeat(8),
    EndpointID: 'e1'.repeat(32), Gateway: '172.17.0.1', IPAddress: '172.17.0.2', IPPrefixLen: 16, IPv6Gateway: '',
    GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null, ...overrides,
  };
}

function record(overrides: Partial<ContainerRecord> = {}, state: Partial<ContainerState> = {}): ContainerRecord {
  return {
    id: '3f1c0e5d9a7b'.padEnd(64, '0'),
    name: 'web',
    created: ago(3 * DAY),
    imageId: `sha256:${'ab'.repeat(32)}`,
    config: {
      Hostname: '3f1c0e5d9a7b', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true,
      ExposedPorts: { '80/tcp': {} }, Tty: false, OpenStdin: false, StdinOnce: false, Env: ['PATH=/bin'], Cmd: ['nginx', '-g', 'daemon off;'],
      Image: 'nginx:alpine', Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: { tier: 'web', env: 'prod', empty: '' },
    },
    hostConfig: defaultHostConfig({ ncpu: 2, hardLimits: {}, cgroupVersion: 1 }),
    networkingConfig: { EndpointsConfig: null },
    path: 'nginx',
    args: ['-g', 'daemon off;'],
    state: { ...initialState(), ...state },
    restartCount: 0,
    manuallyStopped: false,
    hasBeenStarted: true,
    layerChainId: null,
    mounts: [{ Type: 'volume', Name: 'webdata', Source: '/var/lib/berth/volumes/webdata/_data', Destination: '/data', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }],
    networks: { bridge: endpoint() },
    extras: {},
    ...overrides,
  };
}

const running = (startedAgo: number, extra: Partial<ContainerState> = {}): Partial<ContainerState> => ({
  Status: 'running', Running: true, Pid: 4242, StartedAt: ago(startedAgo), ...extra,
});
const exited = (code: number, finishedAgo: number): Partial<ContainerState> => ({
  Status: 'exited', ExitCode: code, StartedAt: ago(finishedAgo + MINUTE), FinishedAt: ago(finishedAgo),
});

const CONTEXT: ViewContext = {
  now: NOW,
  logPath: '/var/lib/berth/containers/x/x-json.log',
  dir: '/var/lib/berth/containers/x',
  graphDriver: { MergedDir: '/m', UpperDir: '/u', LowerDir: '/l', WorkDir: '/w' },
  execIds: [],
  ports: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
  sandboxKey: '/var/run/berth/netns/x',
  apiVersion: 1050,
};

describe('humanDuration (Go\'s units.HumanDuration)', () => {
  const cases: Array<[number, string]> = [
    [-5 * SECOND, 'Less than a second'],
    [0, 'Less than a second'],
    [999, 'Less than a second'],
    [SECOND, '1 second'],
    [1999, '1 second'],
    [2 * SECOND, '2 seconds'],
    [59 * SECOND + 999, '59 seconds'],
    [MINUTE, 'About a minute'],
    [2 * MINUTE - 1, 'About a minute'],
    [2 * MINUTE, '2 minutes'],
    [59 * MINUTE + 59 * SECOND, '59 minutes'],
    [HOUR, 'About an hour'],
    [1.5 * HOUR - 1, 'About an hour'],
    [1.5 * HOUR, '2 hours'],
    [47.5 * HOUR - 1, '47 hours'],
    [47.5 * HOUR, '2 days'],
    [13 * DAY + 23 * HOUR, '13 days'],
    [14 * DAY - 0.5 * HOUR, '2 weeks'],
    [59 * DAY, '8 weeks'],
    [60 * DAY, '2 months'],
    [729 * DAY, '24 months'],
    // Go rounds hours up from the half for the bucket but truncates them for the years count.
    [730 * DAY - 0.5 * HOUR, '1 years'],
    [730 * DAY, '2 years'],
    [10 * 365 * DAY, '10 years'],
  ];
  for (const [ms, text] of cases) {
    test(`${ms} ms → ${text}`, () => expect(humanDuration(ms)).toBe(text));
  }

  const UNITS = ['Less than a second', 'second', 'minute', 'hour', 'day', 'week', 'month', 'year'];
  const rank = (text: string): [number, number] => {
    const unit = UNITS.findIndex((u, i) => (i === 0 ? text === u : text.includes(u)));
    const number = /^\d+/.exec(text)?.[0];
    return [unit, number ? Number(number) : 1];
  };

  test('property: longer durations never fall in an earlier bucket, nor show a smaller count in the same one', () => {
    fc.assert(
      fc.property(fc.integer({ min: -HOUR, max: 20 * 365 * DAY }), fc.integer({ min: 0, max: 5 * 365 * DAY }), (a, delta) => {
        const [unitA, countA] = rank(humanDuration(a));
        const [unitB, countB] = rank(humanDuration(a + delta));
        expect(unitA).toBeGreaterThanOrEqual(0);
        expect(unitB).toBeGreaterThanOrEqual(unitA);
        if (unitA === unitB) expect(countB).toBeGreaterThanOrEqual(countA);
      }),
    );
  });
});

describe('statusText', () => {
  const cases: Array<{ name: string; record: ContainerRecord; text: string }> = [
    { name: 'created', record: record({ hasBeenStarted: false }), text: 'Created' },
    { name: 'running', record: record({}, running(5 * SECOND)), text: 'Up 5 seconds' },
    { name: 'running for hours', record: record({}, running(3 * HOUR)), text: 'Up 3 hours' },
    { name: 'health starting', record: record({}, running(5 * SECOND, { Health: { Status: 'starting', FailingStreak: 0, Log: [] } })), text: 'Up 5 seconds (health: starting)' },
    { name: 'healthy', record: record({}, running(MINUTE, { Health: { Status: 'healthy', FailingStreak: 0, Log: [] } })), text: 'Up About a minute (healthy)' },
    { name: 'unhealthy', record: record({}, running(10 * MINUTE, { Health: { Status: 'unhealthy', FailingStreak: 3, Log: [] } })), text: 'Up 10 minutes (unhealthy)' },
    { name: 'health none', record: record({}, running(5 * SECOND, { Health: { Status: 'none', FailingStreak: 0, Log: [] } })), text: 'Up 5 seconds' },
    { name: 'paused', record: record({}, running(2 * MINUTE, { Status: 'paused', Paused: true })), text: 'Up 2 minutes (Paused)' },
    {
      name: 'paused and healthy: no health suffix, as Docker',
      record: record({}, running(2 * MINUTE, { Status: 'paused', Paused: true, Health: { Status: 'healthy', FailingStreak: 0, Log: [] } })),
      text: 'Up 2 minutes (Paused)',
    },
    { name: 'restarting', record: record({}, { Status: 'restarting', Restarting: true, Running: true, ExitCode: 1, FinishedAt: ago(30 * SECOND) }), text: 'Restarting (1) 30 seconds ago' },
    { name: 'exited', record: record({}, exited(137, 2 * MINUTE)), text: 'Exited (137) 2 minutes ago' },
    { name: 'exited 0 long ago', record: record({}, exited(0, 3 * DAY)), text: 'Exited (0) 3 days ago' },
    { name: 'exited without having run', record: record({ hasBeenStarted: false }, { Status: 'exited' }), text: 'Created' },
    { name: 'removing', record: record({}, { Status: 'removing' }), text: 'Removal In Progress' },
    { name: 'dead', record: record({}, { Status: 'dead', Dead: true }), text: 'Dead' },
  ];
  for (const { name, record: r, text } of cases) {
    test(`${name}: ${text}`, () => expect(statusText(r, NOW)).toBe(text));
  }
});

describe('portsSummary', () => {
  test('one entry per binding, 0.0.0.0 for an unset host IP, then exposed ports without bindings', () => {
    const ports = { '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }], '53/udp': null };
    expect(portsSummary(ports, { '80/tcp': {}, '443/tcp': {}, '53/udp': {} })).toEqual([
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { PrivatePort: 53, Type: 'udp' },
      { PrivatePort: 443, Type: 'tcp' },
    ]);
  });

  test('nothing published or exposed: no ports', () => {
    expect(portsSummary({}, undefined)).toEqual([]);
  });
});

describe('summaryView', () => {
  test('the /containers/json shape', () => {
    const view = summaryView(record({}, running(5 * SECOND)), CONTEXT);
    expect(view).toEqual({
      Id: record().id,
      Names: ['/web'],
      Image: 'nginx:alpine',
      ImageID: `sha256:${'ab'.repeat(32)}`,
      Command: "nginx -g 'daemon off;'",
      Created: Math.floor((NOW - 3 * DAY) / 1000),
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
      Labels: { tier: 'web', env: 'prod', empty: '' },
      State: 'running',
      Status: 'Up 5 seconds',
      HostConfig: { NetworkMode: 'default' },
      NetworkSettings: { Networks: { bridge: endpoint() } },
      Mounts: [record().mounts[0]],
    });
  });

  test('sizes only when asked for; annotations when set', () => {
    expect('SizeRw' in summaryView(record(), CONTEXT)).toBe(false);
    const sized = summaryView(record(), { ...CONTEXT, sizeRw: 12, sizeRootFs: 3400 });
    expect(sized).toMatchObject({ SizeRw: 12, SizeRootFs: 3400 });
    const annotated = record();
    annotated.hostConfig = { ...annotated.hostConfig, Annotations: { 'io.example': 'x' } };
    expect(summaryView(annotated, CONTEXT).HostConfig).toEqual({ NetworkMode: 'default', Annotations: { 'io.example': 'x' } });
  });

  test('the view does not share its mounts and networks with the record', () => {
    const r = record();
    const view = summaryView(r, CONTEXT) as { Mounts: Array<{ RW: boolean }>; NetworkSettings: { Networks: Record<string, { IPAddress: string }> } };
    view.Mounts[0].RW = false;
    view.NetworkSettings.Networks.bridge.IPAddress = '10.0.0.9';
    expect(r.mounts[0].RW).toBe(true);
    expect(r.networks.bridge.IPAddress).toBe('172.17.0.2');
  });
});

describe('inspectView', () => {
  test('the inspect shape of a running container', () => {
    const r = record({ restartCount: 2 }, running(5 * SECOND));
    const view = inspectView(r, { ...CONTEXT, execIds: ['e1'] });
    expect(view).toMatchObject({
      Id: r.id,
      Created: r.created,
      Path: 'nginx',
      Args: ['-g', 'daemon off;'],
      Image: r.imageId,
      Name: '/web',
      RestartCount: 2,
      Driver: 'overlay2',
      Platform: 'linux',
      ResolvConfPath: '/var/lib/berth/containers/x/resolv.conf',
      HostnamePath: '/var/lib/berth/containers/x/hostname',
      HostsPath: '/var/lib/berth/containers/x/hosts',
      LogPath: CONTEXT.logPath,
      ExecIDs: ['e1'],
      GraphDriver: { Name: 'overlay2', Data: CONTEXT.graphDriver },
      Config: r.config,
      HostConfig: r.hostConfig,
    });
    expect(view.State).toEqual(r.state);
    expect(view.NetworkSettings).toMatchObject({
      SandboxID: r.id,
      SandboxKey: '/var/run/berth/netns/x',
      Ports: CONTEXT.ports,
      IPAddress: '172.17.0.2',
      IPPrefixLen: 16,
      Gateway: '172.17.0.1',
      MacAddress: '02:42:ac:11:00:02',
      EndpointID: 'e1'.repeat(32),
      Networks: { bridge: endpoint() },
    });
  });

  test('no Health key without a healthcheck; Health when there is one', () => {
    expect('Health' in (inspectView(record(), CONTEXT).State as object)).toBe(false);
    const health = { Status: 'healthy' as const, FailingStreak: 0, Log: [] };
    expect((inspectView(record({}, { Health: health }), CONTEXT).State as { Health: unknown }).Health).toEqual(health);
  });

  test('null ExecIDs without execs, empty LogPath with the none driver, empty network fields without networks', () => {
    const r = record({ networks: {} });
    r.hostConfig = { ...r.hostConfig, LogConfig: { Type: 'none', Config: {} } };
    const view = inspectView(r, { ...CONTEXT, sandboxKey: '' });
    expect(view.ExecIDs).toBeNull();
    expect(view.LogPath).toBe('');
    expect(view.NetworkSettings).toMatchObject({ SandboxID: '', IPAddress: '', Gateway: '', IPPrefixLen: 0, Networks: {} });
  });

  test('sizes only when asked for', () => {
    expect('SizeRw' in inspectView(record(), CONTEXT)).toBe(false);
    expect(inspectView(record(), { ...CONTEXT, sizeRw: 0, sizeRootFs: 10 })).toMatchObject({ SizeRw: 0, SizeRootFs: 10 });
  });
});

describe('matchesContainerFilters', () => {
  const context: FilterContext = {
    imageMatches: (r, reference) => r.config.Image === reference || r.imageId === reference || r.config.Image.split(':')[0] === reference,
    createdOf: (reference) => ({ older: ago(4 * DAY), newer: ago(2 * DAY) })[reference] ?? '',
  };
  const web = record({}, running(5 * SECOND));
  const match = (filters: Filters, r: ContainerRecord = web): boolean => matchesContainerFilters(r, filters, context);

  const cases: Array<{ name: string; filters: Filters; matches: boolean; record?: ContainerRecord }> = [
    { name: 'no filters', filters: {}, matches: true },
    { name: 'an empty value list', filters: { status: [] }, matches: true },
    { name: 'id prefix', filters: { id: ['3f1c0e'] }, matches: true },
    { name: 'full id', filters: { id: [web.id] }, matches: true },
    { name: 'another id', filters: { id: ['deadbeef'] }, matches: false },
    { name: 'name', filters: { name: ['web'] }, matches: true },
    { name: 'name with its slash', filters: { name: ['/web'] }, matches: true },
    { name: 'name as an anchored regexp (^web$)', filters: { name: ['^web$'] }, matches: true },
    { name: 'name as an anchored regexp with the slash (^/web$)', filters: { name: ['^/web$'] }, matches: true },
    { name: 'name substring', filters: { name: ['e'] }, matches: true },
    { name: 'anchored name of another container', filters: { name: ['^we$'] }, matches: false },
    { name: 'an invalid regexp falls back to a substring', filters: { name: ['we['] }, matches: false },
    { name: 'label key', filters: { label: ['tier'] }, matches: true },
    { name: 'label key with an empty value', filters: { label: ['empty'] }, matches: true },
    { name: 'label key=value', filters: { label: ['tier=web'] }, matches: true },
    { name: 'label key= (empty value)', filters: { label: ['empty='] }, matches: true },
    { name: 'label with another value', filters: { label: ['tier=db'] }, matches: false },
    { name: 'labels are AND-ed', filters: { label: ['tier=web', 'env=prod'] }, matches: true },
    { name: 'labels are AND-ed: one missing', filters: { label: ['tier=web', 'env=dev'] }, matches: false },
    { name: 'a label named like an Object.prototype key', filters: { label: ['constructor'] }, matches: false },
    { name: 'status', filters: { status: ['running'] }, matches: true },
    { name: 'statuses are OR-ed', filters: { status: ['exited', 'running'] }, matches: true },
    { name: 'another status', filters: { status: ['exited'] }, matches: false },
    { name: 'exited code of an exited container', filters: { exited: ['137'] }, record: record({}, exited(137, MINUTE)), matches: true },
    { name: 'another exit code', filters: { exited: ['0'] }, record: record({}, exited(137, MINUTE)), matches: false },
    { name: 'exited=0 never matches a running container', filters: { exited: ['0'] }, matches: false },
    { name: 'exited=0 never matches a container that never ran', filters: { exited: ['0'] }, record: record({ hasBeenStarted: false }, { Status: 'exited' }), matches: false },
    { name: 'ancestor', filters: { ancestor: ['nginx'] }, matches: true },
    { name: 'another ancestor', filters: { ancestor: ['redis'] }, matches: false },
    { name: 'before a newer container', filters: { before: ['newer'] }, matches: true },
    { name: 'before an older container', filters: { before: ['older'] }, matches: false },
    { name: 'since an older container', filters: { since: ['older'] }, matches: true },
    { name: 'since a newer container', filters: { since: ['newer'] }, matches: false },
    { name: 'health none without a healthcheck', filters: { health: ['none'] }, matches: true },
    { name: 'health healthy without a healthcheck', filters: { health: ['healthy'] }, matches: false },
    { name: 'health healthy', filters: { health: ['healthy'] }, record: record({}, running(MINUTE, { Health: { Status: 'healthy', FailingStreak: 0, Log: [] } })), matches: true },
    { name: 'volume by name', filters: { volume: ['webdata'] }, matches: true },
    { name: 'volume by destination', filters: { volume: ['/data'] }, matches: true },
    { name: 'another volume', filters: { volume: ['other'] }, matches: false },
    { name: 'network by name', filters: { network: ['bridge'] }, matches: true },
    { name: 'network by id prefix', filters: { network: ['f00dbabe'] }, matches: true },
    { name: 'another network', filters: { network: ['host'] }, matches: false },
    { name: 'expose with protocol', filters: { expose: ['80/tcp'] }, matches: true },
    { name: 'expose without protocol means tcp', filters: { expose: ['80'] }, matches: true },
    { name: 'expose of another port', filters: { expose: ['443'] }, matches: false },
    { name: 'is-task=false for a plain container', filters: { 'is-task': ['false'] }, matches: true },
    { name: 'is-task=true for a plain container', filters: { 'is-task': ['true'] }, matches: false },
    { name: 'keys are AND-ed', filters: { status: ['running'], name: ['db'] }, matches: false },
  ];
  for (const { name, filters, matches, record: r } of cases) {
    test(`${name} → ${matches ? 'matches' : 'no match'}`, () => expect(match(filters, r)).toBe(matches));
  }

  test('a container without labels matches no label filter', () => {
    const bare = record();
    bare.config = { ...bare.config, Labels: {} };
    expect(match({ label: ['tier'] }, bare)).toBe(false);
  });
});

describe('checkContainerFilters', () => {
  test('accepts every key and value docker ps sends', () => {
    expect(() =>
      checkContainerFilters({
        id: ['a'], name: ['b'], label: ['c=d'], status: ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'],
        ancestor: ['nginx'], exited: ['0', '137', '-1'], before: ['x'], since: ['y'], volume: ['v'], network: ['n'],
        health: ['starting', 'healthy', 'unhealthy', 'none'], publish: ['80'], expose: ['80'], 'is-task': ['true'],
      }),
    ).not.toThrow();
  });

  const bad: Array<[Filters, string]> = [
    [{ colour: ['red'] }, "invalid filter 'colour'"],
    [{ status: ['sleeping'] }, "invalid filter 'status=sleeping'"],
    [{ status: ['running', 'up'] }, "invalid filter 'status=up'"],
    [{ exited: ['x'] }, "invalid filter 'exited=x'"],
    [{ health: ['sick'] }, 'Unrecognised filter value for health: sick'],
  ];
  for (const [filters, message] of bad) {
    test(`refuses ${JSON.stringify(filters)}`, () => {
      let error: unknown;
      try {
        checkContainerFilters(filters);
      } catch (err) {
        error = err;
      }
      expect((error as Error).message).toBe(message);
      expect((error as { httpStatus: number }).httpStatus).toBe(400);
    });
  }
});
