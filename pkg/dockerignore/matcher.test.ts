import { describe, expect, test } from 'vitest';
import { isExcluded, parseDockerignore } from './matcher.js';

const excluded = (patterns: string, path: string): boolean => isExcluded(parseDockerignore(patterns), path);

describe('parseDockerignore', () => {
  test('drops comments and blank lines, cleans paths and leading slashes', () => {
    const patterns = parseDockerignore('# comment\n\n  /node_modules/  \n!./keep//me\n  # not a comment after spaces\n');
    expect(patterns.map((pattern) => [pattern.text, pattern.exclusion])).toEqual([
      ['node_modules', false],
      ['keep/me', true],
      ['# not a comment after spaces', false],
    ]);
  });
});

describe('isExcluded', () => {
  const cases: [string, string, boolean][] = [
    ['*.log', 'debug.log', true],
    ['*.log', 'sub/debug.log', false],
    ['*/*.log', 'sub/debug.log', true],
    ['**/*.log', 'a/b/c/debug.log', true],
    ['**/*.log', 'debug.log', true],
    ['node_modules', 'node_modules/x/index.js', true],
    ['build/**', 'build/out/a', true],
    ['build/**', 'build', false],
    ['a/**/z', 'a/z', true],
    ['a/**/z', 'a/b/c/z', true],
    ['te?t', 'test', true],
    ['te?t', 'te/t', false],
    ['[abc].txt', 'b.txt', true],
    ['[abc].txt', 'd.txt', false],
    ['file.txt', 'filextxt', false],
    ['\\*', '*', true],
    ['\\*', 'x', false],
    ['.git', '.git/HEAD', true],
  ];
  for (const [patterns, path, expected] of cases) {
    test(`${JSON.stringify(patterns)} ${expected ? 'excludes' : 'keeps'} ${path}`, () => expect(excluded(patterns, path)).toBe(expected));
  }

  test('a later ! exception re-includes, a later pattern excludes again', () => {
    const patterns = '*.md\n!README.md\nREADME*.md\n';
    expect(excluded(patterns, 'CHANGES.md')).toBe(true);
    expect(excluded('*.md\n!README.md\n', 'README.md')).toBe(false);
    expect(excluded(patterns, 'README.md')).toBe(true);
  });

  test('exceptions below an excluded directory', () => {
    const patterns = 'docs\n!docs/keep.txt\n';
    expect(excluded(patterns, 'docs/other.txt')).toBe(true);
    expect(excluded(patterns, 'docs/keep.txt')).toBe(false);
  });

  test('everything except a few files', () => {
    const patterns = '*\n!src\n!package.json\n';
    expect(excluded(patterns, 'secret.env')).toBe(true);
    expect(excluded(patterns, 'src/main.ts')).toBe(false);
    expect(excluded(patterns, 'package.json')).toBe(false);
  });
});
