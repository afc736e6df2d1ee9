// Host specs, API versions, query and filter encoding.
import { describe, expect, test } from 'vitest';
import { encodeFilters, parseFilterFlags } from './filters.js';
import { parseHost } from './host.js';
import { encodeQuery } from './transport.js';
import { compareApiVersions, negotiateApiVersion } from './version.js';

describe('parseHost', () => {
  const cases = [
    { spec: 'unix:///run/berth/berth.sock', expected: { kind: 'unix', socketPath: '/run/berth/berth.sock', url: 'unix:///run/berth/berth.sock' } },
    { spec: 'unix://', expected: { kind: 'unix', socketPath: '/run/berth/berth.sock' } },
    { spec: 'tcp://10.0.0.1:2375', expected: { kind: 'tcp', host: '10.0.0.1', port: 2375, url: 'tcp://10.0.0.1:2375' } },
    { spec: 'tcp://example.org', expected: { kind: 'tcp', host: 'example.org', port: 2375 } },
    { spec: 'tcp://[::1]:1234', expected: { kind: 'tcp', host: '::1', port: 1234, url: 'tcp://[::1]:1234' } },
    { spec: 'localhost:99', expected: { kind: 'tcp', host: 'localhost', port: 99 } },
    { spec: 'tcp://:4000', expected: { kind: 'tcp', host: '127.0.0.1', port: 4000 } },
  ];
  for (const { spec, expected } of cases) {
    test(`parses ${spec}`, () => expect(parseHost(spec)).toMatchObject(expected));
  }

  test('defaults to 2376 when TLS is on', () => {
    expect(parseHost('tcp://h', { verify: true })).toMatchObject({ port: 2376, tls: { verify: true } });
  });

  for (const spec of ['ssh://user@h', 'fd://', '', 'tcp://h:99999', 'tcp://h:1/path']) {
    test(`rejects ${JSON.stringify(spec)} with docker's message`, () => {
      expect(() => parseHost(spec)).toThrow(`Invalid bind address format: ${spec}`);
    });
  }
});

describe('API versions', () => {
  test('compares numerically, not as text', () => {
    expect(compareApiVersions('1.9', '1.10')).toBeLessThan(0);
    expect(compareApiVersions('1.50', '1.50')).toBe(0);
    expect(compareApiVersions('2.0', '1.99')).toBeGreaterThan(0);
  });

  test('negotiates min(ours, theirs)', () => {
    expect(negotiateApiVersion('1.41')).toBe('1.41');
    expect(negotiateApiVersion('1.51')).toBe('1.50');
    expect(negotiateApiVersion(undefined)).toBe('1.24');
    expect(negotiateApiVersion('garbage')).toBe('1.24');
  });
});

describe('query and filters', () => {
  test('sorts keys, drops undefined, writes booleans as 1/0 and repeats arrays', () => {
    expect(encodeQuery({ tail: 'all', stdout: true, stderr: true, follow: undefined, stream: false, names: ['a', 'b'] })).toBe(
      '?names=a&names=b&stderr=1&stdout=1&stream=0&tail=all',
    );
    expect(encodeQuery({})).toBe('');
  });

  test('encodes filters as {"key":{"value":true}} and omits empty ones', () => {
    expect(encodeFilters({ dangling: ['true'], label: [] })).toBe('{"dangling":{"true":true}}');
    expect(encodeFilters({})).toBeUndefined();
  });

  test('parses --filter flags like docker', () => {
    expect(parseFilterFlags(['Status=exited', 'label=a=b', 'status=created'])).toEqual({ status: ['exited', 'created'], label: ['a=b'] });
    expect(() => parseFilterFlags(['nope'])).toThrow('bad format of filter (expected name=value)');
  });
});
