import { describe, expect, test } from 'vitest';
import { parsePortSpec, parseShellWords, parseVolumeSpec } from './shortsyntax.js';

describe('parsePortSpec', () => {
  test('container port only', () => expect(parsePortSpec('80')).toEqual([{ mode: 'ingress', target: 80, protocol: 'tcp' }]));
  test('host:container', () => expect(parsePortSpec('8080:80')).toEqual([{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]));
  test('ip:host:container/udp', () =>
    expect(parsePortSpec('127.0.0.1:53:53/udp')).toEqual([{ mode: 'ingress', host_ip: '127.0.0.1', target: 53, published: '53', protocol: 'udp' }]));
  test('ipv6 in brackets', () => expect(parsePortSpec('[::1]:80:80')[0].host_ip).toBe('::1'));
  test('ip with empty host port', () => expect(parsePortSpec('127.0.0.1::80')).toEqual([{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, protocol: 'tcp' }]));
  test('ranges expand one mapping per port', () =>
    expect(parsePortSpec('3000-3001:4000-4001').map((p) => `${p.published}->${p.target}`)).toEqual(['3000->4000', '3001->4001']));
  test('a host range for one container port stays a range', () => expect(parsePortSpec('8000-8010:80')[0].published).toBe('8000-8010'));
  const bad: Array<[string, string]> = [
    ['80:x', 'invalid containerPort: x'],
    ['x:80', 'invalid hostPort: x'],
    ['1:2:3:4:80', 'invalid IP address: 1:2:3'],
    ['80/icmp', 'invalid proto: icmp'],
    ['70000', 'invalid containerPort: 70000'],
    ['1-3:1-2', 'invalid ranges specified for container and host Ports: 1-2 and 1-3'],
    ['8080:', 'no port specified: 8080:<empty>'],
  ];
  for (const [spec, message] of bad) test(`rejects ${spec}`, () => expect(() => parsePortSpec(spec)).toThrow(message));
});

describe('parseVolumeSpec', () => {
  test('relative bind', () => expect(parseVolumeSpec('./data:/data')).toEqual({ type: 'bind', source: './data', target: '/data', bind: { create_host_path: true } }));
  test('named volume read-only', () => expect(parseVolumeSpec('db:/var/lib/db:ro')).toEqual({ type: 'volume', source: 'db', target: '/var/lib/db', read_only: true, volume: {} }));
  test('anonymous volume', () => expect(parseVolumeSpec('/cache')).toEqual({ type: 'volume', target: '/cache', volume: {} }));
  test('bind options', () =>
    expect(parseVolumeSpec('/src:/dst:ro,z,rshared')).toEqual({ type: 'bind', source: '/src', target: '/dst', read_only: true, bind: { selinux: 'z', propagation: 'rshared', create_host_path: true } }));
  test('nocopy', () => expect(parseVolumeSpec('vol:/d:nocopy').volume).toEqual({ nocopy: true }));
  test('a one-letter source reads as a Windows drive, as in compose', () => expect(parseVolumeSpec('v:/d:nocopy').source).toBe('v:/d'));
  test('windows drive letter', () => expect(parseVolumeSpec('C:\\data:/data')).toMatchObject({ type: 'bind', source: 'C:\\data', target: '/data' }));
  test('colons inside ${} are not separators', () => expect(parseVolumeSpec('${A:-./x}:/y').source).toBe('${A:-./x}'));
  test('too many colons', () => expect(() => parseVolumeSpec('./a:/b:ro:x')).toThrow('too many colons'));
  test('empty section', () => expect(() => parseVolumeSpec('./a::/b')).toThrow('empty section between colons'));
});

describe('parseShellWords', () => {
  const cases: Array<[string, string[]]> = [
    ['echo hello', ['echo', 'hello']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`sh -c 'echo "a b"'`, ['sh', '-c', 'echo "a b"']],
    [`echo "it's" \\"quoted\\"`, ['echo', "it's", '"quoted"']],
    [`printf a\\ b`, ['printf', 'a b']],
    [`echo ""`, ['echo', '']],
    ['echo a; rm -rf /', ['echo', 'a']],
    ['echo $(date)', ['echo', '$(date)']],
  ];
  for (const [line, words] of cases) test(line, () => expect(parseShellWords(line)).toEqual(words));
  test('unterminated quote', () => expect(() => parseShellWords(`echo 'oops`)).toThrow('invalid command line string'));
});
