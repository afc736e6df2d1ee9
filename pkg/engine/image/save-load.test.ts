import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { buildTar } from '../snapshot/testdata/tar-builder.js';
import { type Harness, busyboxRootfs, collect, makeHarness, streamOf } from './testdata/harness.js';

let h: Harness;
let other: Harness;
let id: string;

beforeEach(async () => {
  h = await makeHarness();
  other = await makeHarness();
  id = await h.images.importRootfs(streamOf(await busyboxRootfs()), { reference: 'busybox:latest', changes: ['CMD ["sh"]'] });
});
afterEach(async () => {
  await h.close();
  await other.close();
});

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

async function entries(archive: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(entry.header.name, Buffer.concat(chunks));
    }
  })();
  extract.end(archive);
  await done;
  return files;
}

function withoutLocalFields(view: Record<string, unknown>): Record<string, unknown> {
  const { GraphDriver: _graphDriver, Metadata: _metadata, ...rest } = view;
  return rest;
}

describe('save and load', () => {
  test('save → load into another store gives the same image id, tags and content', async () => {
    const archive = await collect(await h.images.save(['busybox']));
    const files = await entries(archive);
    const manifest = JSON.parse((files.get('manifest.json') ?? Buffer.from('null')).toString()) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    expect(manifest).toEqual([{ Config: `blobs/sha256/${id.slice(7)}`, RepoTags: ['busybox:latest'], Layers: [expect.stringMatching(/^blobs\/sha256\//)] }]);
    // the layer tar hashes to the config's diffID, as docker load checks
    expect(sha256(files.get(manifest[0].Layers[0]) ?? Buffer.alloc(0))).toBe(h.images.config(id).rootfs.diff_ids[0]);
    expect(files.has('index.json') && files.has('oci-layout')).toBe(true);
    expect(h.events.at(-1)).toMatchObject({ action: 'save', id });

    const messages: string[] = [];
    const result = await other.images.load(streamOf(archive), { onMessage: (message) => messages.push(message) });
    expect(result.imageIds).toEqual([id]);
    expect(messages).toEqual(['Loaded image: busybox:latest\n']);
    expect(withoutLocalFields(other.images.inspect('busybox'))).toEqual(withoutLocalFields(h.images.inspect('busybox')));
    expect(other.events.map((event) => event.action)).toEqual(['load']);
    // and the loaded image saves to the same bytes again
    expect(sha256(await collect(await other.images.save(['busybox'])))).toBe(sha256(archive));
  });

  test('a gzip-imported layer is saved as the original gzip bytes and still round-trips', async () => {
    const gz = gzipSync(await buildTar([{ name: 'etc/motd', content: 'compressed layer\n' }]));
    const gzId = await h.images.importRootfs(streamOf(gz), { reference: 'gz:1' });
    const archive = await collect(await h.images.save(['gz:1']));
    const files = await entries(archive);
    const index = JSON.parse((files.get('index.json') ?? Buffer.from('{}')).toString()) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    expect(index.manifests[0].annotations).toEqual({ 'io.containerd.image.name': 'docker.io/library/gz:1', 'org.opencontainers.image.ref.name': '1' });
    const manifest = JSON.parse((files.get(`blobs/${index.manifests[0].digest.replace(':', '/')}`) ?? Buffer.from('{}')).toString()) as {
      layers: { mediaType: string; digest: string }[];
    };
    expect(manifest.layers).toEqual([expect.objectContaining({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz) })]);
    expect((await other.images.load(streamOf(archive))).imageIds).toEqual([gzId]);
  });

  test('an OCI layout without manifest.json loads by its index annotations', async () => {
    const files = await entries(await collect(await h.images.save(['busybox:latest'])));
    files.delete('manifest.json');
    const archive = await buildTar([...files].map(([name, content]) => ({ name, content })));
    const result = await other.images.load(streamOf(archive));
    expect(result).toEqual({ imageIds: [id], messages: ['Loaded image: busybox:latest\n'] });
  });

  test('a dockerd 20.10-style archive (config json, <id>/layer.tar, repositories) loads', async () => {
    const rootfs = await busyboxRootfs();
    const config = Buffer.from(JSON.stringify(h.images.config(id)));
    const layerId = 'f'.repeat(64);
    const archive = await buildTar([
      { name: `${layerId}/`, type: 'directory' },
      { name: `${layerId}/VERSION`, content: '1.0' },
      { name: `${layerId}/json`, content: '{}' },
      { name: `${layerId}/layer.tar`, content: rootfs },
      { name: `${id.slice(7)}.json`, content: config },
      { name: 'manifest.json', content: JSON.stringify([{ Config: `${id.slice(7)}.json`, RepoTags: ['busybox:latest'], Layers: [`${layerId}/layer.tar`] }]) },
      { name: 'repositories', content: JSON.stringify({ busybox: { latest: layerId } }) },
    ]);
    expect((await other.images.load(streamOf(archive))).imageIds).toEqual([id]);
    expect(other.images.inspect('busybox').Id).toBe(id);
  });

  test('a legacy archive with only repositories and v1 json loads', async () => {
    const v1 = 'e'.repeat(64);
    const archive = await buildTar([
      { name: `${v1}/json`, content: JSON.stringify({ id: v1, created: '2020-01-01T00:00:00Z', os: 'linux', architecture: 'amd64', config: { Cmd: ['sh'] }, container_config: { Cmd: ['/bin/sh', '-c', '#(nop) ADD file'] } }) },
      { name: `${v1}/layer.tar`, content: await busyboxRootfs() },
      { name: 'repositories', content: JSON.stringify({ old: { v1: v1 } }) },
    ]);
    const result = await other.images.load(streamOf(archive));
    expect(result.messages).toEqual(['Loaded image: old:v1\n']);
    const config = other.images.config('old:v1');
    expect(config.rootfs.diff_ids).toEqual(h.images.config(id).rootfs.diff_ids);
    expect(config.config?.Cmd).toEqual(['sh']);
    expect(other.images.history('old:v1')[0]).toMatchObject({ CreatedBy: '/bin/sh -c #(nop) ADD file', Tags: ['old:v1'] });
  });

  test('an untagged image loads with its id; a taken tag is moved with dockerd\'s notice', async () => {
    const untagged = await collect(await h.images.save([id]));
    expect((await other.images.load(streamOf(untagged))).messages).toEqual([`Loaded image ID: ${id}\n`]);
    const previous = await other.images.importRootfs(streamOf(await busyboxRootfs()), { reference: 'busybox:latest' });
    const tagged = await collect(await h.images.save(['busybox:latest']));
    expect((await other.images.load(streamOf(tagged))).messages).toEqual([
      `The image busybox:latest already exists, renaming the old one with ID ${previous} to empty string\n`,
      'Loaded image: busybox:latest\n',
    ]);
  });

  test('a layer that does not match its diffID is refused and leaves nothing behind', async () => {
    const config = Buffer.from(JSON.stringify(h.images.config(id)));
    const archive = await buildTar([
      { name: 'config.json', content: config },
      { name: 'layer.tar', content: await buildTar([{ name: 'evil', content: 'not busybox' }]) },
      { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: ['busybox:latest'], Layers: ['layer.tar'] }]) },
    ]);
    await expect(other.images.load(streamOf(archive))).rejects.toThrow(/^invalid diffID for layer 0: expected "sha256:[a-f0-9]{64}", got "sha256:[a-f0-9]{64}"$/);
    expect(other.images.list()).toEqual([]);
    expect(other.layers.list()).toEqual([]);
    expect(await readdir(join(other.dir, 'image/blobs/sha256'))).toEqual([]);
  });

  test('archives without a manifest, or with blobs that lie about their digest, are refused', async () => {
    await expect(other.images.load(streamOf(await buildTar([{ name: 'hello', content: 'x' }])))).rejects.toThrow(
      'invalid archive: does not contain a manifest.json',
    );
    const lying = await buildTar([
      { name: `blobs/sha256/${'0'.repeat(64)}`, content: 'x' },
      { name: 'index.json', content: '{"manifests":[]}' },
    ]);
    await expect(other.images.load(streamOf(lying))).rejects.toThrow(`invalid archive: blobs/sha256/${'0'.repeat(64)} does not match its digest`);
    expect(await readdir(join(other.dir, 'image/blobs/sha256'))).toEqual([]);
  });

  test('save of an unknown name fails before streaming', async () => {
    await expect(h.images.save(['busybox', 'missing:1'])).rejects.toThrow('No such image: missing:1');
  });
});
