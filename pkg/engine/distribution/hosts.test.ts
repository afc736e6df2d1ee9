import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { hostnameOf, isInsecureRegistry, registryHost, validateInsecureRegistry } from './hosts.js';

describe('registry hosts', () => {
  test('docker.io is served by registry-1.docker.io', () => {
    expect(registryHost('docker.io').host).toBe('registry-1.docker.io');
    expect(registryHost('127.0.0.1:5000').host).toBe('127.0.0.1:5000');
  });
  test('hostnames', () => {
    expect(hostnameOf('127.0.0.1:5000')).toBe('127.0.0.1');
    expect(hostnameOf('[::1]:5000')).toBe('::1');
    expect(hostnameOf('registry.example.com')).toBe('registry.example.com');
  });
  const cases: { host: string; insecure: string[]; expected: boolean }[] = [
    { host: '127.0.0.1:5000', insecure: [], expected: true },
    { host: '127.8.9.10:443', insecure: [], expected: true },
    { host: '[::1]:5000', insecure: [], expected: true },
    { host: 'localhost:5000', insecure: [], expected: true },
    { host: 'registry.example.com', insecure: [], expected: false },
    { host: '10.0.0.5:5000', insecure: [], expected: false },
    { host: '10.0.0.5:5000', insecure: ['10.0.0.5:5000'], expected: true },
    { host: '10.0.0.5:5001', insecure: ['10.0.0.5:5000'], expected: false },
    { host: '10.0.0.5:5001', insecure: ['10.0.0.5'], expected: true },
    { host: '10.0.0.5:5000', insecure: ['10.0.0.0/8'], expected: true },
    { host: '11.0.0.5:5000', insecure: ['10.0.0.0/8'], expected: false },
    { host: 'Registry.Example.com:5000', insecure: ['registry.example.com:5000'], expected: true },
  ];
  for (const { host, insecure, expected } of cases) {
    test(`${host} with [${insecure.join(' ')}] → ${expected ? 'http allowed' : 'https only'}`, () => expect(isInsecureRegistry(host, insecure)).toBe(expected));
  }
  test('--insecure-registry values', () => {
    expect(validateInsecureRegistry('http://10.0.0.5:5000/')).toBe('10.0.0.5:5000');
    expect(validateInsecureRegistry('10.0.0.0/8')).toBe('10.0.0.0/8');
    expect(() => validateInsecureRegistry('')).toThrow(InvalidArgumentError);
    expect(() => validateInsecureRegistry('host/path')).toThrow(InvalidArgumentError);
  });
});
