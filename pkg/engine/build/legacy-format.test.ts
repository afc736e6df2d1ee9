import { describe, expect, test } from 'vitest';
import { exposedPorts, goDuration, goQuoteList, healthcheckComment, normalizeDest, normalizeWorkdir } from './legacy-format.js';

describe('legacy history text', () => {
  test('Go %q of a string list', () => {
    expect(goQuoteList(['sh', '-c', 'echo "hi"\n'])).toBe('["sh" "-c" "echo \\"hi\\"\\n"]');
    expect(goQuoteList(null)).toBe('[]');
  });

  test('Go durations', () => {
    expect([0, 5e9, 90e9, 3600e9, 1.5e9, 250e6, 3723e9].map(goDuration)).toEqual(['0s', '5s', '1m30s', '1h0m0s', '1.5s', '250ms', '1h2m3s']);
  });

  test('HEALTHCHECK as %q of the struct', () => {
    expect(healthcheckComment({ Test: ['CMD-SHELL', 'true'], Interval: 30e9, Timeout: 3e9, StartPeriod: 0, StartInterval: 0, Retries: 3 })).toBe(
      'HEALTHCHECK &{["CMD-SHELL" "true"] "30s" "3s" "0s" "0s" \'\\x03\'}',
    );
  });
});

describe('exposedPorts', () => {
  test('ports, protocols and ranges', () => {
    expect(exposedPorts(['80', '53/UDP', '8000-8002'])).toEqual(['80/tcp', '53/udp', '8000/tcp', '8001/tcp', '8002/tcp']);
    expect(() => exposedPorts(['http'])).toThrow('invalid containerPort: http');
    expect(() => exposedPorts(['80/xyz'])).toThrow('invalid proto: xyz');
  });
});

describe('paths', () => {
  test('WORKDIR is relative to the previous one', () => {
    expect(normalizeWorkdir('', 'app')).toBe('/app');
    expect(normalizeWorkdir('/app', 'src/../lib')).toBe('/app/lib');
    expect(normalizeWorkdir('/app', '/opt//x/')).toBe('/opt/x/');
  });

  test('COPY destinations keep their directory-ness', () => {
    expect(normalizeDest('/app', '.')).toBe('/app/');
    expect(normalizeDest('/app', 'bin/')).toBe('/app/bin/');
    expect(normalizeDest('/app', 'file.txt')).toBe('/app/file.txt');
    expect(normalizeDest('', '/etc/motd')).toBe('/etc/motd');
    expect(normalizeDest('', '/')).toBe('/');
  });
});
