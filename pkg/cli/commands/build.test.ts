import { describe, expect, test } from 'vitest';
import { parseAptSources, pickMirror } from './bootstrap.js';
import { humanSize, parseBuildArgs, parseLabels } from './build.js';

describe('berth build helpers', () => {
  test('humanSize prints like docker units.HumanSize', () => {
    expect([0, 512, 2048, 3072, 11264, 1234567, 5e9].map(humanSize)).toEqual(['0B', '512B', '2.048kB', '3.072kB', '11.26kB', '1.235MB', '5GB']);
  });

  test('--build-arg takes K=V, or K from the environment (null when unset)', () => {
    expect(parseBuildArgs(['A=1', 'B=', 'HOME', 'UNSET_ONE'], { HOME: '/root' })).toEqual({ A: '1', B: '', HOME: '/root', UNSET_ONE: null });
    expect(() => parseBuildArgs(['=x'], {})).toThrow(/invalid key-value pair/);
  });

  test('--label K=V or K', () => {
    expect(parseLabels(['a=b=c', 'flag'])).toEqual({ a: 'b=c', flag: '' });
  });
});

describe('bootstrap mirror selection', () => {
  const sources = parseAptSources([
    {
      name: '/etc/apt/sources.list.d/debian.sources',
      text: 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n',
    },
    { name: '/etc/apt/sources.list', text: '# comment\ndeb [arch=amd64] http://mirror.example/debian/ trixie main\ndeb-src http://src.example/debian bookworm main\n' },
  ]);

  test('reads deb822 stanzas and one-line sources, not deb-src', () => {
    expect(sources).toEqual([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'http://deb.debian.org/debian-security', suites: ['bookworm-security'] },
      { uri: 'http://mirror.example/debian/', suites: ['trixie'] },
    ]);
  });

  test('prefers a Debian archive listing the suite, never the security archive', () => {
    expect(pickMirror(sources, 'bookworm')).toBe('http://deb.debian.org/debian');
    expect(pickMirror(sources, 'trixie')).toBe('http://mirror.example/debian');
    expect(pickMirror(sources.slice(1, 2), 'bookworm')).toBeUndefined();
  });
});
