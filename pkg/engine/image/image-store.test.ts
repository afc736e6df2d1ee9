import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Harness, busyboxRootfs, makeHarness, streamOf } from './testdata/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => {
  await h.close();
});

async function importBusybox(options: { reference?: string; changes?: string[] } = { reference: 'busybox:latest', changes: ['CMD ["sh"]'] }): Promise<string> {
  return h.images.importRootfs(streamOf(await busyboxRootfs()), options);
}

describe('importRootfs', () => {
  test('makes a one-layer image whose id is the sha256 of its config, tagged and announced', async () => {
    const id = await importBusybox();
    const configBytes = await readFile(join(h.dir, 'image/blobs/sha256', id.slice(7)));
    expect(id).toBe(`sha256:${createHash('sha256').update(configBytes).digest('hex')}`);
    const config = JSON.parse(configBytes.toString()) as Record<string, unknown>;
    expect(config).toMatchObject({
      os: 'linux',
      config: { Cmd: ['sh'] },
      history: [{ comment: 'Imported from -' }],
      rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(await busyboxRootfs()).digest('hex')}`] },
    });
    expect(h.events.map((event) => [event.action, event.name])).toEqual([
      ['tag', 'busybox:latest'],
      ['import', id],
    ]);
  });

  test('inspect at API 1.41 has the shape dockerd 20.10 sent for busybox', async () => {
    const id = await importBusybox();
    const view = h.images.inspect('busybox', { apiVersion: '1.41' });
    expect(Object.keys(view)).toEqual([
      'Id', 'RepoTags', 'RepoDigests', 'Parent', 'Comment', 'Created', 'Container', 'ContainerConfig', 'DockerVersion',
      'Author', 'Config', 'Architecture', 'Os', 'Size', 'VirtualSize', 'GraphDriver', 'RootFS', 'Metadata',
    ]);
    const chainId = h.images.resolve(id).chainId ?? '';
    const layerDir = join(h.layers.root, chainId.slice(7));
    expect(view).toMatchObject({
      Id: id,
      RepoTags: ['busybox:latest'],
      RepoDigests: [],
      Parent: '',
      Comment: 'Imported from -',
      Created: '2026-11-22T17:26:44.968Z',
      Container: '',
      DockerVersion: '',
      Author: '',
      Os: 'linux',
      GraphDriver: { Data: { MergedDir: `${layerDir}/merged`, UpperDir: `${layerDir}/diff`, WorkDir: `${layerDir}/work` }, Name: 'overlay2' },
      RootFS: { Type: 'layers', Layers: [chainId] },
      Metadata: { LastTagTime: '2026-11-22T17:26:45.968Z' },
    });
    expect(view.Config).toEqual({
      Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false,
      OpenStdin: false, StdinOnce: false, Env: null, Cmd: ['sh'], Image: '', Volumes: null, WorkingDir: '', Entrypoint: null,
      OnBuild: null, Labels: null,
    });
    const size = h.layers.get(chainId)?.size ?? 0;
    expect(size).toBeGreaterThan(1_900_000);
    expect([view.Size, view.VirtualSize]).toEqual([size, size]);
  });

  test('inspect at API 1.50 drops VirtualSize, Container and ContainerConfig and trims Config', async () => {
    await importBusybox();
    const view = h.images.inspect('busybox:latest', { apiVersion: '1.50' });
    expect(view).not.toHaveProperty('VirtualSize');
    expect(view).not.toHaveProperty('Container');
    expect(view).not.toHaveProperty('ContainerConfig');
    expect(view.Config).toEqual({ User: '', Env: null, Entrypoint: null, Cmd: ['sh'], Volumes: null, WorkingDir: '', Labels: null, OnBuild: null });
  });

  test('applies --change lines like docker import --change', async () => {
    const id = await importBusybox({
      changes: [
        'CMD ["sh"]',
        'ENV A=1 B="two words"',
        'ENV PATH /usr/bin:/bin',
        'WORKDIR /srv',
        'WORKDIR www',
        'EXPOSE 80 53/udp',
        'LABEL org.example.team=infra "quoted key"=yes',
        'USER nobody',
        'VOLUME /data',
        'STOPSIGNAL SIGQUIT',
        'ONBUILD RUN echo hi',
        'HEALTHCHECK --interval=5s --retries=2 CMD wget -q -O- http://localhost/',
      ],
    });
    expect(h.images.config(id).config).toEqual({
      Cmd: ['sh'],
      Env: ['A=1', 'B=two words', 'PATH=/usr/bin:/bin'],
      WorkingDir: '/srv/www',
      ExposedPorts: { '80/tcp': {}, '53/udp': {} },
      Labels: { 'org.example.team': 'infra', 'quoted key': 'yes' },
      User: 'nobody',
      Volumes: { '/data': {} },
      StopSignal: 'SIGQUIT',
      OnBuild: ['RUN echo hi'],
      Healthcheck: { Interval: 5_000_000_000, Retries: 2, Test: ['CMD-SHELL', 'wget -q -O- http://localhost/'] },
    });
    const shell = await importBusybox({ changes: ['ENTRYPOINT /bin/run --flag'] });
    expect(h.images.config(shell).config?.Entrypoint).toEqual(['/bin/sh', '-c', '/bin/run --flag']);
  });

  test('an invalid change, reference or compression is a 400 and stores nothing', async () => {
    const tries = [
      { options: { changes: ['FROM busybox'] }, message: 'from is not a valid change command', data: await busyboxRootfs() },
      { options: { reference: 'Busybox' }, message: 'invalid reference format: repository name (library/Busybox) must be lowercase', data: await busyboxRootfs() },
      { options: {}, message: /xz-compressed/, data: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]) },
    ];
    for (const { options, message, data } of tries) {
      const error = await h.images.importRootfs(streamOf(data), options).catch((err: unknown) => err as Error & { httpStatus: number });
      expect(error).toMatchObject({ httpStatus: 400 });
      expect((error as Error).message).toMatch(message);
    }
    expect(h.images.list()).toEqual([]);
    expect(await readdir(join(h.dir, 'image/blobs/sha256'))).toEqual([]);
    expect(h.layers.list()).toEqual([]);
  });

  test('a gzip rootfs gives the same layer as the plain one', async () => {
    const plain = await importBusybox({ reference: 'a:1' });
    const gzipped = await h.images.importRootfs(streamOf(gzipSync(await busyboxRootfs())), { reference: 'b', tag: '1' });
    expect(h.images.inspect(gzipped).RepoTags).toEqual(['b:1']);
    expect(h.images.config(gzipped).rootfs).toEqual(h.images.config(plain).rootfs);
    expect(h.layers.list()).toHaveLength(1);
  });
});

describe('list, resolve and history', () => {
  test('GET /images/json at 1.41 and 1.50', async () => {
    const id = await importBusybox();
    const size = h.images.inspect(id).Size;
    const item = h.images.list({ apiVersion: '1.41' })[0];
    expect(Object.keys(item)).toEqual(['Containers', 'Created', 'Id', 'Labels', 'ParentId', 'RepoDigests', 'RepoTags', 'SharedSize', 'Size', 'VirtualSize']);
    expect(item).toEqual({
      Containers: -1, Created: Math.floor(Date.parse('2026-11-22T17:26:44.968Z') / 1000), Id: id, Labels: null, ParentId: '',
      RepoDigests: [], RepoTags: ['busybox:latest'], SharedSize: -1, Size: size, VirtualSize: size,
    });
    expect(h.images.list({ apiVersion: '1.50' })[0]).not.toHaveProperty('VirtualSize');
  });

  test('filters by reference glob, label, dangling, before and since', async () => {
    const old = await importBusybox({ reference: 'busybox:old' });
    const labelled = await importBusybox({ reference: 'localhost:5000/team/web:v1', changes: ['LABEL tier=web'] });
    const untagged = await importBusybox({ changes: ['USER nobody'] });
    const ids = (filters: Record<string, string[]>): unknown[] => h.images.list({ filters }).map((item) => item.Id);
    expect(ids({})).toEqual([untagged, labelled, old]);
    expect(ids({ reference: ['busybox'] })).toEqual([old]);
    expect(ids({ reference: ['team/*'] })).toEqual([]);
    expect(ids({ reference: ['*/team/*'] })).toEqual([labelled]);
    expect(ids({ reference: ['localhost:5000/team/*'] })).toEqual([labelled]);
    expect(ids({ label: ['tier=web'] })).toEqual([labelled]);
    expect(ids({ label: ['tier'] })).toEqual([labelled]);
    expect(ids({ dangling: ['true'] })).toEqual([untagged]);
    expect(ids({ dangling: ['false'] })).toEqual([labelled, old]);
    expect(ids({ before: [labelled] })).toEqual([old]);
    expect(ids({ since: ['busybox:old'] })).toEqual([untagged, labelled]);
    expect(() => h.images.list({ filters: { colour: ['red'] } })).toThrow("invalid filter 'colour'");
    expect(() => h.images.list({ filters: { dangling: ['maybe'] } })).toThrow("invalid filter 'dangling=maybe'");
    expect(h.images.list({ apiVersion: '1.41', filters: { dangling: ['true'] } })[0]).toMatchObject({
      RepoTags: ['<none>:<none>'],
      RepoDigests: ['<none>@<none>'],
    });
  });

  test('resolves full ids, bare hex, unique prefixes and names; misses say No such image', async () => {
    const id = await importBusybox();
    const hex = id.slice(7);
    for (const name of [id, hex, hex.slice(0, 12), `sha256:${hex.slice(0, 8)}`, 'busybox', 'docker.io/library/busybox:latest']) {
      expect(h.images.resolve(name).id).toBe(id);
    }
    expect(() => h.images.resolve('nope')).toThrow('No such image: nope:latest');
    expect(() => h.images.resolve(`sha256:${'0'.repeat(64)}`)).toThrow(`No such image: sha256:${'0'.repeat(64)}`);
    expect(() => h.images.resolve('Nope')).toThrow('invalid reference format: repository name (library/Nope) must be lowercase');
  });

  test('history lists the import with its size and tag', async () => {
    const id = await importBusybox();
    expect(h.images.history('busybox')).toEqual([
      { Comment: 'Imported from -', Created: Math.floor(Date.parse('2026-11-22T17:26:44.968Z') / 1000), CreatedBy: '', Id: id, Size: h.images.inspect(id).Size, Tags: ['busybox:latest'] },
    ]);
  });

  test('images, tags and layers survive a re-open of both stores', async () => {
    const id = await importBusybox();
    await h.images.tag(id, 'localhost:5000/copy', 'v2');
    const before = { list: h.images.list(), inspect: h.images.inspect(id) };
    const reopened = await h.reopen();
    expect(reopened.images.list()).toEqual(before.list);
    expect(reopened.images.inspect('localhost:5000/copy:v2')).toEqual(before.inspect);
    expect(reopened.images.inspect(id).RepoTags).toEqual(['busybox:latest', 'localhost:5000/copy:v2']);
  });
});
