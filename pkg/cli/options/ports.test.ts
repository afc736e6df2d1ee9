// -p/--expose parsing: every form docker 28 accepts, and its error texts (recorded from docker run).
import { describe, expect, test } from 'vitest';
import { parsePorts, PortSpecError } from './ports.js';

describe('publish forms', () => {
  const cases: { name: string; publish: string[]; exposed: string[]; bindings: Record<string, { HostIp: string; HostPort: string }[]> }[] = [
    { name: 'host:container', publish: ['8080:80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } },
    { name: 'ip:host:container/udp', publish: ['127.0.0.1:8080:80/udp'], exposed: ['80/udp'], bindings: { '80/udp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } },
    { name: 'container port alone picks a host port', publish: ['80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } },
    { name: 'an empty host port', publish: [':80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } },
    { name: 'ip with no host port', publish: ['127.0.0.1::80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    { name: 'bracketed IPv6 address', publish: ['[::]:80:80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '::', HostPort: '80' }] } },
    { name: 'bare IPv6 address (everything before the last two colons)', publish: ['::1:81:80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '::1', HostPort: '81' }] } },
    {
      name: 'ranges map port by port',
      publish: ['8000-8002:80-82'],
      exposed: ['80/tcp', '81/tcp', '82/tcp'],
      bindings: { '80/tcp': [{ HostIp: '', HostPort: '8000' }], '81/tcp': [{ HostIp: '', HostPort: '8001' }], '82/tcp': [{ HostIp: '', HostPort: '8002' }] },
    },
    { name: 'a host range for one container port is a range to pick from', publish: ['8000-8005:80'], exposed: ['80/tcp'], bindings: { '80/tcp': [{ HostIp: '', HostPort: '8000-8005' }] } },
    { name: 'protocol is lowercased', publish: ['80/SCTP'], exposed: ['80/sctp'], bindings: { '80/sctp': [{ HostIp: '', HostPort: '' }] } },
    { name: 'long syntax', publish: ['published=8080,target=80,protocol=udp'], exposed: ['80/udp'], bindings: { '80/udp': [{ HostIp: '', HostPort: '8080' }] } },
    {
      name: 'two bindings of one port accumulate',
      publish: ['8080:80', '127.0.0.1:9090:80'],
      exposed: ['80/tcp'],
      bindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '9090' }] },
    },
  ];
  for (const { name, publish, exposed, bindings } of cases) {
    test(name, () => {
      const parsed = parsePorts(publish, []);
      expect(Object.keys(parsed.exposedPorts)).toEqual(exposed);
      expect(parsed.portBindings).toEqual(bindings);
    });
  }

  test('keys come out sorted like Go encodes maps', () => {
    expect(Object.keys(parsePorts(['90', '100', '80'], []).exposedPorts)).toEqual(['100/tcp', '80/tcp', '90/tcp']);
  });
});

describe('expose', () => {
  test('ports and ranges join the exposed set without bindings', () => {
    const parsed = parsePorts(['8080:80'], ['7000-7001', '99/udp', '80']);
    expect(Object.keys(parsed.exposedPorts)).toEqual(['7000/tcp', '7001/tcp', '80/tcp', '99/udp']);
    expect(Object.keys(parsed.portBindings)).toEqual(['80/tcp']);
  });

  test('the protocol is taken as written', () => {
    expect(Object.keys(parsePorts([], ['80/XYZ']).exposedPorts)).toEqual(['80/XYZ']);
  });
});

describe("rejects bad specs with docker's messages", () => {
  const cases: [string[], string[], string][] = [
    [['8080:80:90:100'], [], 'invalid IP address: 8080:80'],
    [['foo'], [], 'invalid containerPort: foo'],
    [['8080:'], [], 'no port specified: 8080:<empty>'],
    [['1.2.3.4.5:80:80'], [], 'invalid IP address: 1.2.3.4.5'],
    [['[::1:80:80'], [], "invalid IP address [::1: address [::1:: missing ']' in address"],
    [['[::1]x:80:80'], [], 'invalid IP address [::1]x: address [::1]x:: missing port in address'],
    [['[::1]:x:80:80'], [], 'invalid IP address [::1]:x: address [::1]:x:: too many colons in address'],
    [['80/xyz'], [], 'invalid proto: xyz'],
    [['70000:80'], [], 'invalid hostPort: 70000'],
    [['8000-8001:80-82'], [], 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
    [['80-70'], [], 'invalid containerPort: 80-70'],
    [['a=b,c'], [], "invalid publish opts format (should be name=value but got 'c')"],
    [[], ['80:90'], 'invalid port format for --expose: 80:90'],
    [[], ['foo'], 'invalid range format for --expose: foo, error: strconv.ParseUint: parsing "foo": invalid syntax'],
    [[], ['90-80'], 'invalid range format for --expose: 90-80, error: invalid range specified for port: 90-80'],
    [[], ['70000'], 'invalid range format for --expose: 70000, error: strconv.ParseUint: parsing "70000": value out of range'],
  ];
  for (const [publish, expose, message] of cases) {
    test([...publish.map((p) => `-p ${p}`), ...expose.map((e) => `--expose ${e}`)].join(' '), () => {
      const attempt = (): unknown => parsePorts(publish, expose);
      expect(attempt).toThrow(PortSpecError);
      expect(attempt).toThrow(message);
    });
  }
});
