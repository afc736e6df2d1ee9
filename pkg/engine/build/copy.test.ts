import { lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { contextRelative, copyToRootfs, elementPattern, parseChmod, resolveChown, resolveSources } from './copy.js';

describe('copy helpers', () => {
  test('contextRelative refuses paths above the context', () => {
    expect(contextRelative('/a/./b/')).toBe('a/b');
    expect(contextRelative('.')).toBe('');
    expect(contextRelative('a/../b')).toBe('b');
    expect(() => contextRelative('../x')).toThrow('forbidden path outside the build context: ../x');
    expect(() => contextRelative('/a/../../x')).toThrow(/forbidden path/);
  });

  test('elementPattern is filepath.Match for one element', () => {
    expect(elementPattern('*.txt').test('a.txt')).toBe(true);
    expect(elementPattern('*.txt').test('a.txt.bak')).toBe(false);
    expect(elementPattern('file?.md').test('file1.md')).toBe(true);
    expect(elementPattern('[!a]*').test('abc')).toBe(false);
    expect(elementPattern('[!a]*').test('xbc')).toBe(true);
  });

  test('parseChmod takes octal bits', () => {
    expect(parseChmod('755')).toBe(0o755);
    expect(parseChmod('0644')).toBe(0o644);
    expect(() => parseChmod('u+x')).toThrow(/invalid chmod parameter/);
  });
});

describe('copyToRootfs', () => {
  let work = '';
  let context = '';
  let root = '';
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'berth-copy-'));
    context = join(work, 'context');
    root = join(work, 'rootfs');
    await mkdir(join(context, 'dir/sub'), { recursive: true });
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(context, 'a.txt'), 'A');
    await writeFile(join(context, 'b.txt'), 'B');
    await writeFile(join(context, 'dir/sub/c.txt'), 'C');
    await symlink('/etc/passwd', join(context, 'dir/link'));
    await writeFile(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
    await writeFile(join(root, 'etc/group'), 'root:x:0:\nstaff:x:50:\n');
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const copy = async (sources: string[], dest: string, options: Partial<Parameters<typeof copyToRootfs>[4]> = {}): Promise<void> =>
    copyToRootfs(root, dest, await resolveSources(context, sources, 'build context'), [], { instruction: 'COPY', ...options });

  test('a file to a file path, into a directory path, and into an existing directory', async () => {
    await copy(['a.txt'], '/opt/renamed.txt');
    await copy(['a.txt'], '/opt/dir/');
    await copy(['b.txt'], '/opt/dir');
    expect(await readFile(join(root, 'opt/renamed.txt'), 'utf8')).toBe('A');
    expect(await readFile(join(root, 'opt/dir/a.txt'), 'utf8')).toBe('A');
    expect(await readFile(join(root, 'opt/dir/b.txt'), 'utf8')).toBe('B');
  });

  test('a directory copies its contents; symlinks inside stay links', async () => {
    await copy(['dir'], '/app');
    expect(await readFile(join(root, 'app/sub/c.txt'), 'utf8')).toBe('C');
    expect(await readlink(join(root, 'app/link'))).toBe('/etc/passwd');
  });

  test('globs; several sources need a directory destination', async () => {
    await copy(['*.txt'], '/g/');
    expect(await readFile(join(root, 'g/b.txt'), 'utf8')).toBe('B');
    await expect(copy(['*.txt'], '/g/file')).rejects.toThrow('When using COPY with more than one source file, the destination must be a directory and end with a /');
    await expect(copy(['nothing*'], '/g/')).rejects.toThrow('no source files were specified');
    await expect(copy(['missing.txt'], '/g/')).rejects.toThrow('file not found in build context: stat missing.txt: file does not exist');
  });

  test('--chown resolves names in the rootfs; a user alone gives its uid as gid; --chmod sets the bits', async () => {
    const owner = await resolveChown(root, 'app:staff');
    expect(owner).toEqual({ uid: 1000, gid: 50 });
    expect(await resolveChown(root, 'app')).toEqual({ uid: 1000, gid: 1000 });
    expect(await resolveChown(root, '7:8')).toEqual({ uid: 7, gid: 8 });
    await expect(resolveChown(root, 'nobody')).rejects.toThrow("can't find uid for user nobody: no such user: nobody");
    await copy(['dir'], '/owned/', { owner, mode: 0o750 });
    const stats = await lstat(join(root, 'owned/sub/c.txt'));
    expect([stats.uid, stats.gid, stats.mode & 0o7777]).toEqual([1000, 50, 0o750]);
    const created = await lstat(join(root, 'owned'));
    expect([created.uid, created.gid]).toEqual([1000, 50]);
  });

  test('destination symlinks resolve inside the rootfs, never on the host', async () => {
    await symlink('/', join(root, 'escape'));
    await symlink('../../../../../../tmp', join(root, 'up'));
    await copy(['a.txt'], '/escape/etc/through-root.txt');
    await copy(['a.txt'], '/up/through-up.txt');
    expect(await readFile(join(root, 'etc/through-root.txt'), 'utf8')).toBe('A');
    expect(await readFile(join(root, 'tmp/through-up.txt'), 'utf8')).toBe('A');
  });

  test('an existing file at the destination is replaced, a symlink there is replaced not followed', async () => {
    await writeFile(join(work, 'host-file'), 'host');
    await symlink(join(work, 'host-file'), join(root, 'target'));
    await copy(['a.txt'], '/target');
    expect(await readFile(join(work, 'host-file'), 'utf8')).toBe('host');
    expect(await readFile(join(root, 'target'), 'utf8')).toBe('A');
  });

  test('heredoc files land at the destination with mode 0644', async () => {
    await copyToRootfs(root, '/etc/motd', [], [{ name: 'EOF', content: 'hi\n' }], { instruction: 'COPY' });
    await copyToRootfs(root, '/docs/', [], [{ name: 'a.md', content: 'a' }, { name: 'b.md', content: 'b' }], { instruction: 'COPY' });
    expect(await readFile(join(root, 'etc/motd'), 'utf8')).toBe('hi\n');
    expect((await lstat(join(root, 'etc/motd'))).mode & 0o777).toBe(0o644);
    expect(await readFile(join(root, 'docs/b.md'), 'utf8')).toBe('b');
  });

  test('image sources: ".." stops at the image root', async () => {
    const sources = await resolveSources(root, ['/../../etc/passwd'], 'stage s', { image: true });
    expect(sources.map((source) => source.hostPath)).toEqual([join(root, 'etc/passwd')]);
  });
});
