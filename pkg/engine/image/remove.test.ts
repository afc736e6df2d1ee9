import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { shortId } from './index.js';
import { buildTar } from '../snapshot/testdata/tar-builder.js';
import { type Harness, busyboxRootfs, makeHarness, streamOf } from './testdata/harness.js';

let h: Harness;
let id: string;
let short: string;
const CONTAINER = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b';

beforeEach(async () => {
  h = await makeHarness();
  id = await h.images.importRootfs(streamOf(await busyboxRootfs()), { reference: 'busybox:latest', changes: ['CMD ["sh"]'] });
  short = shortId(id);
});
afterEach(async () => {
  await h.close();
});

describe('remove', () => {
  test('an image tagged twice must be forced when removed by id; untagging one name just untags', async () => {
    await h.images.tag('busybox', 'myrepo', 'v1');
    await expect(h.images.remove(short)).rejects.toThrow(`conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
    await expect(h.images.remove(short)).rejects.toMatchObject({ httpStatus: 409 });
    expect(await h.images.remove('myrepo:v1')).toEqual([{ Untagged: 'myrepo:v1' }]);
    expect(h.images.inspect(id).RepoTags).toEqual(['busybox:latest']);
  });

  test('a repository digest shows in RepoDigests and goes with the last tag of its repository', async () => {
    const digest = `sha256:${'c'.repeat(64)}`;
    await h.images.addRepoDigest('busybox', 'busybox', digest);
    await h.images.tag('busybox', 'mirror', 'v1');
    expect(h.images.inspect(id).RepoDigests).toEqual([`busybox@${digest}`]);
    expect(h.images.list()[0]).toMatchObject({ RepoDigests: [`busybox@${digest}`], RepoTags: ['busybox:latest', 'mirror:v1'] });
    expect(h.images.resolve(`busybox@${digest}`).id).toBe(id);
    expect(await h.images.remove('busybox:latest')).toEqual([{ Untagged: 'busybox:latest' }, { Untagged: `busybox@${digest}` }]);
    expect(h.images.inspect(id)).toMatchObject({ RepoTags: ['mirror:v1'], RepoDigests: [] });
  });

  test('a stopped container keeps the last tag unless forced', async () => {
    const containersUsing = (): string[] => [CONTAINER];
    await expect(h.images.remove('busybox', { containersUsing })).rejects.toThrow(
      `conflict: unable to remove repository reference "busybox" (must force) - container 1a2b3c4d5e6f is using its referenced image ${short}`,
    );
    await expect(h.images.remove(id, { containersUsing })).rejects.toThrow(
      `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container 1a2b3c4d5e6f`,
    );
    const chainId = h.images.resolve(id).chainId;
    expect(await h.images.remove(id, { containersUsing, force: true })).toEqual([{ Untagged: 'busybox:latest' }, { Deleted: id }, { Deleted: chainId }]);
  });

  test('a running container blocks deletion even when forced', async () => {
    const containersUsing = (): { id: string; running: boolean }[] => [{ id: CONTAINER, running: true }];
    await expect(h.images.remove(id, { containersUsing, force: true })).rejects.toThrow(
      `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container 1a2b3c4d5e6f`,
    );
    // By name with force the tag goes but the image stays for the running container, as in dockerd.
    expect(await h.images.remove('busybox:latest', { containersUsing, force: true })).toEqual([{ Untagged: 'busybox:latest' }]);
    expect(h.images.resolve(id).id).toBe(id);
  });

  test('removing the last tag deletes the image, its layer and every blob, and emits untag then delete', async () => {
    const chainId = h.images.resolve(id).chainId;
    h.events.length = 0;
    expect(await h.images.remove('busybox')).toEqual([{ Untagged: 'busybox:latest' }, { Deleted: id }, { Deleted: chainId }]);
    expect(h.events.map((event) => event.action)).toEqual(['untag', 'delete']);
    expect(h.images.list()).toEqual([]);
    expect(h.layers.list()).toEqual([]);
    expect(await readdir(join(h.dir, 'image/blobs/sha256'))).toEqual([]);
    await expect(h.images.remove('busybox')).rejects.toThrow('No such image: busybox:latest');
    const reopened = await h.reopen();
    expect(reopened.images.list()).toEqual([]);
  });

  test('a shared layer stays until the last image using it is gone', async () => {
    const other = await h.images.importRootfs(streamOf(await busyboxRootfs()), { reference: 'other:1', changes: ['USER nobody'] });
    const chainId = h.images.resolve(id).chainId;
    expect(await h.images.remove('busybox')).toEqual([{ Untagged: 'busybox:latest' }, { Deleted: id }]);
    expect(h.layers.has(chainId ?? '')).toBe(true);
    expect(await h.images.remove('other:1')).toEqual([{ Untagged: 'other:1' }, { Deleted: other }, { Deleted: chainId }]);
  });

  test('a parent with a child cannot be deleted; deleting the child prunes the untagged parent', async () => {
    const base = h.images.resolve(id);
    const layer = await h.images.ingestLayer(base.chainId, streamOf(await buildTar([{ name: 'app/run.sh', content: 'echo hi\n', mode: 0o755 }])));
    const child = await h.images.createImage({
      config: { architecture: 'amd64', os: 'linux', config: { Cmd: ['/app/run.sh'] }, history: [{ created_by: 'COPY run.sh /app/' }] },
      layerDiffIds: [...base.config.rootfs.diff_ids, layer.diffId],
      parent: id,
      reference: 'app:1',
    });
    await expect(h.images.remove(id, { force: true })).rejects.toThrow(`conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`);
    await h.images.remove('busybox');
    expect(h.images.resolve(id).id).toBe(id); // dangling parent kept while the child needs it
    expect(await h.images.remove('app:1')).toEqual([
      { Untagged: 'app:1' },
      { Deleted: child },
      { Deleted: layer.chainId },
      { Deleted: id },
      { Deleted: base.chainId },
    ]);
    expect(h.layers.list()).toEqual([]);
  });

  test('prune removes dangling images nobody uses and reports the space freed', async () => {
    const makeImage = async (file: string): Promise<{ id: string; chainId: string }> => {
      const layer = await h.images.ingestLayer(null, streamOf(await buildTar([{ name: file, content: 'x'.repeat(100) }])));
      const image = await h.images.createImage({ config: { architecture: 'amd64', os: 'linux' }, layerDiffIds: [layer.diffId] });
      return { id: image, chainId: layer.chainId };
    };
    const unused = await makeImage('a');
    const used = await makeImage('b');
    const containersUsing = (imageId: string): string[] => (imageId === used.id ? [CONTAINER] : []);
    expect(await h.images.prune({ containersUsing })).toEqual({
      ImagesDeleted: [{ Deleted: unused.id }, { Deleted: unused.chainId }],
      SpaceReclaimed: 100,
    });
    expect(await h.images.prune({ containersUsing })).toEqual({ ImagesDeleted: null, SpaceReclaimed: 0 });
    // dangling=false also takes tagged images no container uses
    const busyboxChain = h.images.resolve(id).chainId;
    const busyboxSize = h.images.inspect(id).Size;
    expect(await h.images.prune({ containersUsing, filters: { dangling: ['false'] } })).toEqual({
      ImagesDeleted: [{ Untagged: 'busybox:latest' }, { Deleted: id }, { Deleted: busyboxChain }],
      SpaceReclaimed: busyboxSize,
    });
    expect(h.images.list().map((image) => image.Id)).toEqual([used.id]);
  });
});
