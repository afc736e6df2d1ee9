import { isIP } from 'node:net';
import { describe, expect, test } from 'vitest';
import { PortSpecError, parsePortRange, parsePortSpecParts, publishedPort, splitProtoPort } from './index.js';

const ip = (value: string): boolean => isIP(value) !== 0;

describe('port specs', () => {
  const cases: Array<[string, Partial<ReturnType<typeof parsePortSpecParts>>]> = [
    ['80', { ip: '', hostPort: '', start: 80, end: 80, protocol: 'tcp' }],
    ['8080:80', { hostPort: '8080', hostStart: 8080, hostEnd: 8080, start: 80 }],
    ['127.0.0.1:5353:53/UDP', { ip: '127.0.0.1', protocol: 'udp', start: 53 }],
    ['127.0.0.1::80', { ip: '127.0.0.1', hostPort: '', start: 80 }],
    ['[::1]:8080:80', { ip: '::1', hostStart: 8080 }],
    ['8000-8002:80-82', { hostStart: 8000, hostEnd: 8002, start: 80, end: 82 }],
    ['8000-8010:80', { hostStart: 8000, hostEnd: 8010, start: 80, end: 80 }],
  ];
  for (const [spec, expected] of cases) {
    test(`parses ${spec}`, () => expect(parsePortSpecParts(spec, ip)).toMatchObject(expected));
  }

  const bad: Array<[string, string]> = [
    ['x:80', 'invalid hostPort: x'],
    ['80:x', 'invalid containerPort: x'],
    ['1.2.3.4.5:80:80', 'invalid IP address: 1.2.3.4.5'],
    ['80/xyz', 'invalid proto: xyz'],
    ['8000-8001:80-82', 'invalid ranges specified for container and host Ports: 80-82 and 8000-8001'],
    ['8080:', 'no port specified: 8080:<empty>'],
    ['70000', 'invalid containerPort: 70000'],
  ];
  for (const [spec, message] of bad) {
    test(`refuses ${spec} with docker's text`, () => {
      expect(() => parsePortSpecParts(spec, ip)).toThrow(PortSpecError);
      expect(() => parsePortSpecParts(spec, ip)).toThrow(message);
    });
  }

  test('a host range for one container port is kept as the range to pick from', () => {
    const parts = parsePortSpecParts('8000-8010:80', ip);
    expect(publishedPort(parts, 0)).toBe('8000-8010');
    expect(publishedPort(parsePortSpecParts('8000-8002:80-82', ip), 2)).toBe('8002');
    expect(publishedPort(parsePortSpecParts('80', ip), 0)).toBe('');
  });

  test('ranges and protocols on their own', () => {
    expect(parsePortRange('8000-8010')).toEqual([8000, 8010]);
    expect(() => parsePortRange('9-1')).toThrow('invalid range specified for port: 9-1');
    expect(splitProtoPort('53/udp')).toEqual(['udp', '53']);
    expect(splitProtoPort('53/')).toEqual(['tcp', '53']);
  });
});
