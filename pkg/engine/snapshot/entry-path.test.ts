import { describe, expect, test } from 'vitest';
import { classifyWhiteout, normalizeEntryName } from './entry-path.js';
import { parseGetfattrOutput } from './host-tools.js';
import { overlayOptions, parseMountInfo } from './mount.js';

describe('normalizeEntryName', () => {
  const accepted: [string, string][] = [
    ['etc/passwd', 'etc/passwd'],
    ['/etc/passwd', 'etc/passwd'],
    ['./etc/passwd', 'etc/passwd'],
    ['etc//x/./y/', 'etc/x/y'],
    ['a/b/../c', 'a/c'],
    ['./', ''],
    ['/', ''],
  ];
  for (const [name, expected] of accepted) {
    test(`${JSON.stringify(name)} → ${JSON.stringify(expected)}`, () => expect(normalizeEntryName(name)).toBe(expected));
  }
  for (const name of ['..', '../x', 'a/../../x', '/../x', './../../etc/passwd']) {
    test(`rejects ${JSON.stringify(name)}`, () => {
      expect(() => normalizeEntryName(name)).toThrow(`invalid tar entry ${JSON.stringify(name)}: path escapes the root`);
    });
  }
});

test('classifies whiteout names', () => {
  expect(classifyWhiteout('.wh..wh..opq')).toEqual({ kind: 'opaque' });
  expect(classifyWhiteout('.wh.passwd')).toEqual({ kind: 'whiteout', target: 'passwd' });
  expect(classifyWhiteout('.wh..wh.plnk')).toEqual({ kind: 'meta' });
  expect(classifyWhiteout('.wh...')).toEqual({ kind: 'meta' });
  expect(classifyWhiteout('passwd')).toEqual({ kind: 'none' });
});

test('parses getfattr output with escaped names', () => {
  const out = '# file: /x/a\\040b\ntrusted.overlay.opaque="y"\n\n# file: /x/c\ntrusted.overlay.opaque="x"\n';
  expect(parseGetfattrOutput(out)).toEqual([
    { path: '/x/a b', value: 'y' },
    { path: '/x/c', value: 'x' },
  ]);
});

test('reads mount points from mountinfo and refuses over-long overlay options', () => {
  const info = '36 35 98:0 /mnt1 /mnt\\040with\\040space rw,noatime master:1 - ext3 /dev/root rw\n';
  expect(parseMountInfo(info)).toEqual(new Set(['/mnt with space']));
  expect(overlayOptions({ lowerDirs: ['l/A', 'l/B'], upperDir: 'c/diff', workDir: 'c/work' })).toBe(
    'index=off,lowerdir=l/A:l/B,upperdir=c/diff,workdir=c/work',
  );
  expect(() => overlayOptions({ lowerDirs: Array.from({ length: 200 }, () => 'l/ABCDEFGHIJKLMNOPQRSTUVWXYZ'), upperDir: 'u', workDir: 'w' })).toThrow(
    /over the 4096-byte page limit/,
  );
});
