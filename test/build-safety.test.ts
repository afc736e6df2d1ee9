// Issue 5 acceptance 3: a build context and the layers a build makes cannot read or write outside
// their roots: COPY ../x, context symlinks pointing out of the context, tar entries with ".." or
// through a symlink in the uploaded context, COPY --from through a stage's symlinks, ADD archives
// with ".." entries, ADD of URLs. Each is a clear error (or stays inside its root) and nothing is
// written outside.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, run } from './helpers/daemon.js';

/** A tar made of the given entries, in order. */
async function makeTar(entries: { name: string; type?: 'file' | 'symlink' | 'directory'; content?: string; linkname?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) => {
      const header = { name: entry.name, type: entry.type ?? 'file', mode: entry.type === 'directory' ? 0o755 : 0o644, linkname: entry.linkname };
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (entry.type === 'file' || entry.type === undefined) pack.entry(header, entry.content ?? '', done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('build safety', () => {
  const daemon = new TestDaemon('bx');
  let work = '';

  const docker = (args: string[], input?: string) => run(DOCKER, args, { ...daemon.env, DOCKER_BUILDKIT: '0' }, { timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });

  /** A context directory with a Dockerfile and extra files; returns its path. */
  const context = (name: string, dockerfile: string, files: Record<string, string> = {}): string => {
    const dir = path.join(work, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return dir;
  };

  /** Files named `name` anywhere below the daemon's directory (where an escape would land first). */
  const strays = async (name: string): Promise<boolean> => {
    const found = await run('find', [daemon.dir, '-name', name], process.env);
    return found.stdout.trim() !== '';
  };

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
    work = mkdtempSync('/tmp/berth-build-safety-');
    writeFileSync(path.join(work, 'outside-secret'), 'must never be copied\n');
  });

  afterAll(async () => {
    await daemon.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('COPY of a path above the context is refused', async () => {
    for (const source of ['../outside-secret', '/../outside-secret', 'sub/../../outside-secret']) {
      const dir = context(`up-${source.length}`, `FROM busybox\nCOPY ${source} /x\n`, { 'sub/keep': 'x' });
      const result = await docker(['build', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`COPY failed: forbidden path outside the build context: ${source}`);
    }
  });

  test('symlinks in the context are never followed out of it', async () => {
    const dir = context('links', 'FROM busybox\nCOPY . /ctx/\nCOPY up/ /up/\n', { 'data/file.txt': 'in context\n' });
    symlinkSync('/etc', path.join(dir, 'abs'));
    symlinkSync('../../../../../../..', path.join(dir, 'up'));
    symlinkSync('../../../../../../../etc', path.join(dir, 'upetc'));
    symlinkSync('/etc/hostname', path.join(dir, 'hostname-link'));
    const built = await docker(['build', '-t', 'safety:links', dir]);
    expect(built.code, built.stderr).toBe(0);
    // Copied as links, never as the host files they name; "up" resolves inside the context (to its root).
    const inside = await daemon.docker(['run', '--rm', 'safety:links', 'sh', '-c', 'readlink /ctx/abs; readlink /ctx/hostname-link; ls /up; test -e /up/passwd || echo no-host-passwd']);
    expect(inside.stdout.split('\n')).toEqual(['/etc', '/etc/hostname', 'Dockerfile', 'abs', 'data', 'hostname-link', 'up', 'upetc', 'no-host-passwd', '']);
    for (const source of ['abs/passwd', 'hostname-link', 'upetc/passwd', 'up/etc/passwd']) {
      writeFileSync(path.join(dir, 'Dockerfile'), `FROM busybox\nCOPY ${source} /x\n`);
      const result = await docker(['build', dir]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('COPY failed: file not found in build context or excluded by .dockerignore');
    }
  });

  test('a context tar with ".." entries or entries through a symlink is refused before anything is written', async () => {
    const dotdot = await makeTar([
      { name: 'Dockerfile', content: 'FROM busybox\nCOPY . /x/\n' },
      { name: '../../../../escaped-by-berth-test', content: 'escaped\n' },
    ]);
    let response = await daemon.request('POST', '/v1.50/build', dotdot, { 'Content-Type': 'application/x-tar' });
    expect(response.status).toBe(400);
    expect(response.json<{ message: string }>().message).toBe(
      'invalid build context: the tar entry "../../../../escaped-by-berth-test" points outside the build context ("..")',
    );
    expect(await strays('escaped-by-berth-test')).toBe(false);
    expect(existsSync('/escaped-by-berth-test')).toBe(false);

    const throughLink = await makeTar([
      { name: 'Dockerfile', content: 'FROM busybox\n' },
      { name: 'link', type: 'symlink', linkname: work },
      { name: 'link/pwned-by-berth-test', content: 'pwned\n' },
    ]);
    response = await daemon.request('POST', '/v1.50/build', throughLink, { 'Content-Type': 'application/x-tar' });
    expect(response.status).toBe(400);
    expect(response.json<{ message: string }>().message).toBe('invalid build context: the tar entry "link/pwned-by-berth-test" passes through the symlink "link"');
    expect(existsSync(path.join(work, 'pwned-by-berth-test'))).toBe(false);

    const absolute = await makeTar([
      { name: 'Dockerfile', content: 'FROM busybox\nCOPY abs-by-berth-test /abs\n' },
      { name: '/abs-by-berth-test', content: 'rooted in the context\n' },
    ]);
    response = await daemon.request('POST', '/v1.50/build?t=safety:abs', absolute, { 'Content-Type': 'application/x-tar' });
    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain('Successfully tagged safety:abs');
    expect(existsSync('/abs-by-berth-test')).toBe(false);
  });

  test('COPY --from follows a stage\'s symlinks inside that stage only', async () => {
    const dockerfile = [
      'FROM busybox AS stage',
      'RUN mkdir /a && ln -s / /a/root && ln -s ../../../../../.. /a/up && ln -s /etc/passwd /a/passwd && echo stage-marker > /etc/stage-marker',
      'FROM busybox',
      'COPY --from=stage /a/root/etc/stage-marker /m1',
      'COPY --from=stage /a/up/etc/stage-marker /m2',
      'COPY --from=stage /a/passwd /p',
      'COPY --from=stage /a/../../../etc/stage-marker /m3',
      'COPY --from=stage /a/ /a/',
      '',
    ].join('\n');
    const built = await docker(['build', '-t', 'safety:stage', '-'], dockerfile);
    expect(built.code, built.stderr).toBe(0);
    const result = await daemon.docker(['run', '--rm', 'safety:stage', 'sh', '-c', 'cat /m1 /m2 /m3; cat /p; readlink /a/root; readlink /a/up']);
    const stagePasswd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
    expect(result.stdout).toBe(`stage-marker\nstage-marker\nstage-marker\n${stagePasswd}/\n../../../../../..\n`);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toBe(stagePasswd);
  });

  test('ADD refuses an archive entry that leaves the destination, and URLs', async () => {
    const archive = await makeTar([
      { name: 'ok.txt', content: 'fine\n' },
      { name: '../../../../../../tmp/add-escaped-by-berth-test', content: 'escaped\n' },
    ]);
    const dir = context('add-tar', 'FROM busybox\nADD evil.tar /dest/\n');
    writeFileSync(path.join(dir, 'evil.tar'), archive);
    let result = await docker(['build', dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ADD failed: invalid tar entry "../../../../../../tmp/add-escaped-by-berth-test": path escapes the root');
    expect(existsSync('/tmp/add-escaped-by-berth-test')).toBe(false);
    expect(await strays('add-escaped-by-berth-test')).toBe(false);

    result = await docker(['build', '-'], 'FROM busybox\nADD https://example.com/file.tgz /x\n');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ADD failed: https://example.com/file.tgz is a remote source and berthd fetches nothing from the network');
  });
});
