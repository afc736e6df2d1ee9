// network/volume ls rows and the typed inspect views, against docker 28's output for the same objects.
import { describe, expect, test } from 'vitest';
import type { Network, Volume } from '../../client/index.js';
import { goJson } from '../template/funcs.js';
import { Template } from '../template/template.js';
import { renderRows } from './formatter.js';
import { GoTime } from './go-struct.js';
import { NETWORK_HEADERS, NetworkContext, networkFormat, networkView } from './network-context.js';
import { VOLUME_HEADERS, VolumeContext, volumeFormat, volumeView } from './volume-context.js';

const network = (overrides: Partial<Network> = {}): Network => ({
  Name: 'tnet',
  Id: 'fee9a11af20f6018d3f5e8fdcd28d3e01c865a558d987ea5a370eb508dd93822',
  Created: '2026-11-24T06:48:40.959Z',
  Scope: 'local',
  Driver: 'bridge',
  EnableIPv4: true,
  EnableIPv6: false,
  IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.99.0.0/24', Gateway: '10.99.0.1' }] },
  Internal: false,
  Attachable: false,
  Ingress: false,
  ConfigFrom: { Network: '' },
  ConfigOnly: false,
  Containers: {},
  Options: {},
  Labels: {},
  ...overrides,
});

const volume = (overrides: Partial<Volume> = {}): Volume => ({
  CreatedAt: '2026-11-24T07:01:05Z',
  Driver: 'local',
  Labels: { x: 'y' },
  Mountpoint: '/var/lib/berth/volumes/tv/_data',
  Name: 'tv',
  Options: { type: 'tmpfs', device: 'tmpfs' },
  Scope: 'local',
  ...overrides,
});

describe('network ls', () => {
  test('the default table: truncated IDs, docker headers', () => {
    const rows = [new NetworkContext(network(), true)];
    expect(renderRows(networkFormat('', false), rows, NETWORK_HEADERS)).toBe('NETWORK ID     NAME      DRIVER    SCOPE\nfee9a11af20f   tnet      bridge    local\n');
  });

  test('-q prints IDs; --no-trunc the full ID', () => {
    expect(renderRows(networkFormat('', true), [new NetworkContext(network(), false)], NETWORK_HEADERS)).toBe(`${network().Id}\n`);
  });

  test('json and custom fields read like docker', () => {
    const row = new NetworkContext(network({ Labels: { a: 'b' }, Internal: true }), true);
    expect(renderRows('json', [row], NETWORK_HEADERS)).toBe(
      '{"CreatedAt":"2026-11-24 06:48:40.959 +0000 UTC","Driver":"bridge","ID":"fee9a11af20f","IPv4":"true","IPv6":"false","Internal":"true","Labels":"a=b","Name":"tnet","Scope":"local"}\n',
    );
    expect(renderRows('{{.Name}} {{.Label "a"}} {{.Labels}}', [row], NETWORK_HEADERS)).toBe('tnet b a=b\n');
  });

  test('raw format keeps a blank line between entries, as docker prints it', () => {
    const rows = [new NetworkContext(network(), true), new NetworkContext(network({ Name: 'u' }), true)];
    expect(renderRows(networkFormat('raw', false), rows, NETWORK_HEADERS)).toBe(
      'network_id: fee9a11af20f\nname: tnet\ndriver: bridge\nscope: local\n\nnetwork_id: fee9a11af20f\nname: u\ndriver: bridge\nscope: local\n\n',
    );
  });
});

describe('network inspect -f runs on network.Inspect', () => {
  const render = (format: string, raw: unknown = network()): string => Template.compile(format).execute(networkView(raw));
  test('time.Time and struct printing', () => {
    expect(render('{{.Created}}')).toBe('2026-11-24 06:48:40.959 +0000 UTC');
    expect(render('{{.IPAM.Config}}')).toBe('[{10.99.0.0/24  10.99.0.1 map[]}]');
    expect(render('{{.IPAM}} {{.ConfigFrom}} {{.Peers}}')).toBe('{default map[] [{10.99.0.0/24  10.99.0.1 map[]}]} {} []');
  });
  test('json is the wire form', () => {
    expect(render('{{json .IPAM}}')).toBe('{"Driver":"default","Options":{},"Config":[{"Subnet":"10.99.0.0/24","Gateway":"10.99.0.1"}]}');
  });
  test('an unknown field is an error on the typed view', () => {
    expect(() => render('{{.Foo}}')).toThrow("can't evaluate field Foo in type network.Inspect");
  });
});

describe('volume ls and inspect', () => {
  test('the default table and cluster-only fields', () => {
    const rows = [new VolumeContext(volume())];
    expect(renderRows(volumeFormat('', false), rows, VOLUME_HEADERS)).toBe('DRIVER    VOLUME NAME\nlocal     tv\n');
    expect(renderRows('{{.Links}} {{.Size}} {{.Group}} {{.Status}} {{.Labels}}', rows, VOLUME_HEADERS)).toBe('N/A N/A N/A N/A x=y\n');
    expect(renderRows('{{.Links}} {{.Size}}', [new VolumeContext(volume({ UsageData: { RefCount: 2, Size: 8192 } }))], VOLUME_HEADERS)).toBe('2 8.192kB\n');
  });

  test('the typed view: nil maps print map[], JSON keeps null and sorts map keys', () => {
    const view = volumeView(volume({ Labels: null, Options: { type: 'tmpfs', device: 'tmpfs' } }));
    expect(Template.compile('{{.}}').execute(view)).toBe('{<nil> 2026-11-24T07:01:05Z local map[] /var/lib/berth/volumes/tv/_data tv map[device:tmpfs type:tmpfs] local map[] <nil>}');
    expect(goJson(view)).toBe(
      '{"CreatedAt":"2026-11-24T07:01:05Z","Driver":"local","Labels":null,"Mountpoint":"/var/lib/berth/volumes/tv/_data","Name":"tv","Options":{"device":"tmpfs","type":"tmpfs"},"Scope":"local"}',
    );
    expect(() => Template.compile('{{.Foo}}').execute(view)).toThrow("can't evaluate field Foo in type volume.Volume");
  });
});

describe('GoTime', () => {
  test("prints Go's time.Time.String and marshals RFC 3339 without trailing zeros", () => {
    expect(new GoTime('2026-11-22T17:49:31.834714986Z').goString()).toBe('2026-11-22 17:49:31.834714986 +0000 UTC');
    expect(new GoTime('2026-11-22T17:49:31.500Z').toJSON()).toBe('2026-11-22T17:49:31.5Z');
    expect(new GoTime('2026-11-22T17:49:31+02:00').goString()).toBe('2026-11-22 17:49:31 +0200 +0200');
  });
});
