import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createBuildContext, dockerfileOnlyContext, type BuildContextTar } from './build.js';

async function entries(context: BuildContextTar): Promise<{ name: string; type: string; uid: number; content: string }[]> {
  const extract = tar.extract();
  const result: { name: string; type: string; uid: number; content: string }[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      result.push({ name: entry.header.name, type: entry.header.type ?? 'file', uid: entry.header.uid ?? 0, content: Buffer.concat(chunks).toString() });
    }
  })();
  for await (const chunk of context.stream) extract.write(chunk as Buffer);
  extract.end(null);
  await reading;
  return result;
}

describe('createBuildContext', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-client-context-'));
    await mkdir(join(dir, 'src/nested'), { recursive: true });
    await mkdir(join(dir, 'node_modules/pkg'), { recursive: true });
    await writeFile(join(dir, 'Dockerfile'), 'FROM busybox\n');
    await writeFile(join(dir, '.dockerignore'), 'node_modules\n*.log\n!keep.log\nDockerfile\n.dockerignore\n');
    await writeFile(join(dir, 'src/nested/main.ts'), 'main');
    await writeFile(join(dir, 'node_modules/pkg/index.js'), 'x');
    await writeFile(join(dir, 'debug.log'), 'noise');
    await writeFile(join(dir, 'keep.log'), 'kept');
    await symlink('/etc/passwd', join(dir, 'link'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('applies .dockerignore but always sends the Dockerfile and .dockerignore, root-owned', async () => {
    const context = await createBuildContext(dir);
    expect(context.dockerfile).toBe('Dockerfile');
    const sent = await entries(context);
    expect(sent.map((entry) => entry.name)).toEqual(['.dockerignore', 'Dockerfile', 'keep.log', 'link', 'src', 'src/nested', 'src/nested/main.ts']);
    expect(sent.find((entry) => entry.name === 'link')).toMatchObject({ type: 'symlink' });
    expect(sent.every((entry) => entry.uid === 0)).toBe(true);
  });

  test('a Dockerfile outside the context or from stdin travels under a private name', async () => {
    const outside = join(dir, '..', `Dockerfile.outside-${Date.now()}`);
    await writeFile(outside, 'FROM scratch\n');
    try {
      const context = await createBuildContext(join(dir, 'src'), { dockerfile: outside });
      expect(context.dockerfile).toMatch(/^\.dockerfile\.[0-9a-f]{20}$/);
      expect((await entries(context)).find((entry) => entry.name === context.dockerfile)?.content).toBe('FROM scratch\n');
    } finally {
      await rm(outside, { force: true });
    }
    const stdin = await createBuildContext(dir, { dockerfileText: 'FROM x\n' });
    expect((await entries(stdin)).find((entry) => entry.name === stdin.dockerfile)?.content).toBe('FROM x\n');
  });

  test('-f inside the context keeps its relative path; a missing one is docker\'s error', async () => {
    await writeFile(join(dir, 'src/Dockerfile.dev'), 'FROM y\n');
    expect((await createBuildContext(dir, { dockerfile: join(dir, 'src/Dockerfile.dev') })).dockerfile).toBe('src/Dockerfile.dev');
    await expect(createBuildContext(dir, { dockerfile: join(dir, 'nope') })).rejects.toThrow(/unable to evaluate symlinks in Dockerfile path: lstat .*nope: no such file or directory/);
    await expect(createBuildContext(join(dir, 'missing-dir'))).rejects.toThrow(/unable to prepare context: path ".*missing-dir" not found/);
  });

  test('dockerfileOnlyContext wraps stdin text', async () => {
    expect(await entries(dockerfileOnlyContext('FROM z\n'))).toEqual([{ name: 'Dockerfile', type: 'file', uid: 0, content: 'FROM z\n' }]);
  });
});
