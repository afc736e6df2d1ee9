// --network and friends, --add-host, --dns, --dns-search, --link: docker 28's endpoint mapping and texts.
import { describe, expect, test } from 'vitest';
import { formatIp, isMacAddress, networkContains, parseCidr, parseIp } from './go-net.js';
import {
  NetworkOptionError,
  parseNetworkFlag,
  planNetworks,
  validateDnsSearch,
  validateExtraHost,
  validateIpAddress,
  validateLink,
  type LegacyNetworkFlags,
} from './network-opts.js';
import { ValueError } from './values.js';

const NO_LEGACY: LegacyNetworkFlags = { aliases: [], links: [], ipv4Address: '', ipv6Address: '', macAddress: '', linkLocalIps: [] };

describe('--network values', () => {
  test('a plain name is the target', () => expect(parseNetworkFlag('mynet')).toEqual({ target: 'mynet' }));
  test('"name=" alone is a plain name (the long form needs a word after "=")', () => expect(parseNetworkFlag('name=')).toEqual({ target: 'name=' }));
  test('the long form, lowercased like docker does', () => {
    expect(parseNetworkFlag('Name=MyNet,Alias=X,ip=10.1.1.1,driver-opt=a=b,gw-priority=3')).toEqual({
      target: 'mynet',
      aliases: ['x'],
      ipv4Address: '10.1.1.1',
      driverOpts: { a: 'b' },
      gwPriority: 3,
    });
  });
  const errors: [string, string][] = [
    ['foo=bar', 'invalid field key foo'],
    ['name=a,bogus=1', 'invalid field key bogus'],
    ['name=a,gw-priority=x', 'invalid gw-priority (x): invalid syntax'],
    ['name=a,gw-priority=99999999999999999999', 'invalid gw-priority (99999999999999999999): value out of range'],
    ['alias=x', 'network name/id is not specified'],
    ['name=a,"alias=b', 'parse error on line 1, column 16: extraneous or missing " in quoted-field'],
  ];
  for (const [value, message] of errors) {
    test(`rejects ${value}`, () => {
      expect(() => parseNetworkFlag(value)).toThrow(ValueError);
      expect(() => parseNetworkFlag(value)).toThrow(message);
    });
  }
});

describe('endpoints', () => {
  const plan = (values: string[], legacy: Partial<LegacyNetworkFlags> = {}) => planNetworks(values.map(parseNetworkFlag), { ...NO_LEGACY, ...legacy });

  test('no --network: the default endpoint, always sent', () => {
    const { networkMode, endpoints } = plan([]);
    expect(networkMode).toBe('default');
    expect(Object.keys(endpoints)).toEqual(['default']);
    expect(endpoints.default).toMatchObject({ IPAMConfig: null, Aliases: null, MacAddress: '', GwPriority: 0, DNSNames: null });
  });

  test('one network with nothing to say sends no endpoint', () => {
    expect(plan(['host'])).toEqual({ networkMode: 'host', endpoints: {} });
    expect(plan(['container:abc'])).toEqual({ networkMode: 'container:abc', endpoints: {} });
  });

  test('legacy flags land on the first network', () => {
    const { networkMode, endpoints } = plan(['mynet'], { aliases: ['a1'], links: ['c1:al'], ipv4Address: '10.0.0.5', macAddress: '02:42:ac:11:00:02' });
    expect(networkMode).toBe('mynet');
    expect(endpoints.mynet).toMatchObject({ IPAMConfig: { IPv4Address: '10.0.0.5' }, Links: ['c1:al'], Aliases: ['a1'], MacAddress: '02:42:ac:11:00:02' });
  });

  test('--link on the default bridge stays a legacy link (no endpoint links)', () => {
    expect(plan(['bridge'], { links: ['c1'] }).endpoints).toEqual({});
  });

  test('several networks: one endpoint each, as docker 28 sends them', () => {
    const { networkMode, endpoints } = plan(['n1', 'name=n2,alias=x']);
    expect(networkMode).toBe('n1');
    expect(Object.keys(endpoints)).toEqual(['n1', 'n2']);
    expect(endpoints.n1).toMatchObject({ Aliases: null, IPAMConfig: null });
    expect(endpoints.n2).toMatchObject({ Aliases: ['x'] });
  });

  const errors: [string[], Partial<LegacyNetworkFlags>, string][] = [
    [[''], {}, 'no name set for network'],
    [['host', 'n2'], {}, 'conflicting options: cannot attach both user-defined and non-user-defined network-modes'],
    [['n1', 'n1'], {}, 'network "n1" is specified multiple times'],
    [[], { aliases: ['x'] }, 'network-scoped aliases are only supported for user-defined networks'],
    [['host'], { aliases: ['x'] }, 'network-scoped aliases are only supported for user-defined networks'],
    [['name=n1,ip=1.1.1.1'], { ipv4Address: '2.2.2.2' }, 'conflicting options: cannot specify both --ip and per-network IPv4 address'],
    [['name=n1,alias=a'], { aliases: ['b'] }, 'conflicting options: cannot specify both --network-alias and per-network alias'],
    [['name=n1,mac-address=zz'], {}, 'zz is not a valid mac address'],
  ];
  for (const [values, legacy, message] of errors) {
    test(`rejects ${values.join(' ')} ${JSON.stringify(legacy)}`, () => {
      expect(() => plan(values, legacy)).toThrow(NetworkOptionError);
      expect(() => plan(values, legacy)).toThrow(message);
    });
  }
});

describe('--add-host', () => {
  const valid: [string, string][] = [
    ['h1:1.2.3.4', 'h1:1.2.3.4'],
    ['h2=::1', 'h2:::1'],
    ['h3:host-gateway', 'h3:host-gateway'],
    ['h4=[::2]', 'h4:::2'],
    ['a=[1.2.3.4]', 'a:1.2.3.4'],
  ];
  for (const [value, expected] of valid) test(`${value} → ${expected}`, () => expect(validateExtraHost(value)).toBe(expected));
  const invalid: [string, string][] = [
    ['foo', 'bad format for add-host: "foo"'],
    [':1.2.3.4', 'bad format for add-host: ":1.2.3.4"'],
    ['foo:bar', 'invalid IP address in add-host: "bar"'],
    ['a:b:1.2.3.4', 'invalid IP address in add-host: "b:1.2.3.4"'],
  ];
  for (const [value, message] of invalid) test(`rejects ${value}`, () => expect(() => validateExtraHost(value)).toThrow(message));
});

describe('--dns, --dns-search, --link', () => {
  test('--dns addresses come out in canonical form', () => {
    expect(validateIpAddress(' 8.8.8.8 ')).toBe('8.8.8.8');
    expect(validateIpAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(validateIpAddress('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(() => validateIpAddress('foo')).toThrow('IP address is not correctly formatted: foo');
  });
  test('--dns-search takes domains and "."', () => {
    expect(validateDnsSearch('example.com.')).toBe('example.com');
    expect(validateDnsSearch(' a.b ')).toBe('a.b');
    expect(validateDnsSearch('.')).toBe('.');
    expect(() => validateDnsSearch('-x')).toThrow('-x is not a valid domain');
    expect(() => validateDnsSearch('123')).toThrow('123 is not a valid domain');
  });
  test('--link takes name or name:alias', () => {
    expect(validateLink('c1:al')).toBe('c1:al');
    expect(() => validateLink('a:b:c')).toThrow('bad format for links: a:b:c');
    expect(() => validateLink('')).toThrow('empty string specified for links');
  });
});

describe("Go's address parsing", () => {
  test('ParseIP and String', () => {
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::1.2.3.4')!)).toBe('::102:304');
    expect(parseIp('010.0.0.1')).toBeUndefined();
    expect(parseIp('1.2.3')).toBeUndefined();
    expect(parseIp('fe80::1%eth0')).toBeUndefined();
    expect(parseIp('1::2::3')).toBeUndefined();
  });
  test('CIDR containment', () => {
    const network = parseCidr('10.77.0.0/24');
    expect(networkContains(network, parseIp('10.77.0.1'))).toBe(true);
    expect(networkContains(network, parseIp('10.78.0.1'))).toBe(false);
    expect(networkContains(parseCidr('fd00::/64'), parseIp('fd00::5'))).toBe(true);
    expect(() => parseCidr('10.0.0.0')).toThrow('invalid CIDR address: 10.0.0.0');
    expect(() => parseCidr('10.0.0.0/33')).toThrow('invalid CIDR address: 10.0.0.0/33');
  });
  test('MAC addresses in the three notations', () => {
    expect(isMacAddress('02:42:ac:11:00:02')).toBe(true);
    expect(isMacAddress('02-42-ac-11-00-02-00-01')).toBe(true);
    expect(isMacAddress('0242.ac11.0002')).toBe(true);
    expect(isMacAddress('02:42-ac:11:00:02')).toBe(false);
    expect(isMacAddress('zz')).toBe(false);
  });
});
