import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseGroup, parsePasswd, resolveUser, resolveUserInRootfs } from './user.js';

// busybox's files, plus an application user.
const PASSWD = parsePasswd(
  [
    'root:x:0:0:root:/root:/bin/sh',
    'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
    'nobody:x:65534:65534:nobody:/home:/bin/false',
    'app:x:1000:1000:App:/home/app:/bin/sh',
    'dup:x:1000:5:second entry for uid 1000:/nowhere:/bin/sh',
    '# comment',
    'broken:x:notanumber:0::/:/bin/sh',
    '',
  ].join('\n'),
);
const GROUPS = parseGroup(
  [
    'root:x:0:',
    'daemon:x:1:',
    'wheel:x:10:root',
    'audio:x:29:app',
    'video:x:44:app,root',
    'app:x:1000:',
    'docker:x:999:',
    'nogroup:x:65534:',
    'bad:x:abc:',
  ].join('\n'),
);

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('parsePasswd and parseGroup', () => {
  test('read the entries and skip malformed lines', () => {
    expect(PASSWD.map((p) => p.name)).toEqual(['root', 'daemon', 'nobody', 'app', 'dup']);
    expect(PASSWD[3]).toEqual({ name: 'app', uid: 1000, gid: 1000, home: '/home/app' });
    expect(GROUPS.map((g) => g.name)).toEqual(['root', 'daemon', 'wheel', 'audio', 'video', 'app', 'docker', 'nogroup']);
    expect(GROUPS[4]).toEqual({ name: 'video', gid: 44, members: ['app', 'root'] });
    expect(GROUPS[0].members).toEqual([]);
  });
});

describe('resolveUser', () => {
  const cases: Array<{ name: string; spec: string; groupAdd?: string[]; uid: number; gid: number; additionalGids: number[]; home: string }> = [
    { name: 'empty: root, with root\'s groups', spec: '', uid: 0, gid: 0, additionalGids: [0, 10, 44], home: '/root' },
    { name: 'a name', spec: 'app', uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' },
    { name: 'a uid with an entry: that entry (the first for the uid)', spec: '1000', uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' },
    { name: 'a uid without an entry: gid 0, home /', spec: '4242', uid: 4242, gid: 0, additionalGids: [0], home: '/' },
    { name: 'uid:gid', spec: '4242:4343', uid: 4242, gid: 4343, additionalGids: [4343], home: '/' },
    { name: 'name:group, no supplementary groups', spec: 'app:docker', uid: 1000, gid: 999, additionalGids: [999], home: '/home/app' },
    { name: 'name:gid', spec: 'app:10', uid: 1000, gid: 10, additionalGids: [10], home: '/home/app' },
    { name: 'uid:group', spec: '0:audio', uid: 0, gid: 29, additionalGids: [29], home: '/root' },
    { name: 'name with an empty group part keeps its groups', spec: 'app:', uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' },
    { name: ':group means root with that group', spec: ':docker', uid: 0, gid: 999, additionalGids: [999], home: '/root' },
    { name: 'GroupAdd by name and gid, after the user\'s groups', spec: 'app', groupAdd: ['docker', '4000'], uid: 1000, gid: 1000, additionalGids: [1000, 29, 44, 999, 4000], home: '/home/app' },
    { name: 'GroupAdd does not repeat a group', spec: 'app', groupAdd: ['audio', '1000'], uid: 1000, gid: 1000, additionalGids: [1000, 29, 44], home: '/home/app' },
  ];
  for (const { name, spec, groupAdd, ...expected } of cases) {
    test(`${name} (${JSON.stringify(spec)})`, () => {
      expect(resolveUser(spec, PASSWD, GROUPS, groupAdd)).toEqual(expected);
    });
  }

  test('the primary gid leads the additional gids, as dockerd sets process.user', () => {
    for (const spec of ['', 'app', '4242:4343', 'app:docker']) {
      const user = resolveUser(spec, PASSWD, GROUPS);
      expect(user.additionalGids[0]).toBe(user.gid);
    }
  });

  test('an image without /etc/passwd or /etc/group (FROM scratch) runs as root', () => {
    expect(resolveUser('', [], [])).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: '/' });
    expect(resolveUser('1000:1000', [], [])).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000], home: '/' });
  });

  const bad: Array<{ spec: string; groupAdd?: string[]; message: string }> = [
    { spec: 'x', message: 'unable to find user x: no matching entries in passwd file' },
    { spec: 'ghost:app', message: 'unable to find user ghost: no matching entries in passwd file' },
    { spec: 'app:ghosts', message: 'unable to find group ghosts: no matching entries in group file' },
    { spec: 'app', groupAdd: ['ghosts'], message: 'Unable to find group ghosts: no matching entries in group file' },
    { spec: '2147483648', message: 'uid 2147483648 is out of range' },
  ];
  for (const { spec, groupAdd, message } of bad) {
    test(`refuses ${JSON.stringify(spec)}${groupAdd ? ` with GroupAdd ${groupAdd.join(',')}` : ''}`, () => {
      expect(rejection(() => resolveUser(spec, PASSWD, GROUPS, groupAdd))).toBe(message);
    });
  }

  test('a name is never taken for a uid, even if numeric-looking names exist', () => {
    const passwd = parsePasswd('1000:x:5:5::/odd:/bin/sh\nreal:x:1000:1000::/home/real:/bin/sh\n');
    expect(resolveUser('1000', passwd, []).home).toBe('/home/real');
  });
});

describe('resolveUserInRootfs', () => {
  test('reads /etc/passwd and /etc/group through the resolver; missing files mean none', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'berth-user-'));
    try {
      await mkdir(path.join(root, 'etc'));
      await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
      await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nstaff:x:50:app\n');
      const resolve = (p: string): Promise<string> => Promise.resolve(path.join(root, p));
      expect(await resolveUserInRootfs('app', ['staff'], resolve)).toEqual({ uid: 1000, gid: 1000, additionalGids: [1000, 50], home: '/home/app' });
      const empty = await mkdtemp(path.join(tmpdir(), 'berth-user-scratch-'));
      try {
        expect(await resolveUserInRootfs('', [], (p) => Promise.resolve(path.join(empty, p)))).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: '/' });
        // /etc is a file in this image: still no passwd.
        await writeFile(path.join(empty, 'etc'), 'not a dir');
        expect(await resolveUserInRootfs('0', [], (p) => Promise.resolve(path.join(empty, p)))).toMatchObject({ uid: 0, gid: 0 });
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a passwd that is a directory is an error, not an empty file', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'berth-user-dir-'));
    try {
      await mkdir(path.join(root, 'etc/passwd'), { recursive: true });
      await symlink('/nonexistent', path.join(root, 'etc/group'));
      await expect(resolveUserInRootfs('app', [], (p) => Promise.resolve(path.join(root, p)))).rejects.toThrow(/EISDIR/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
