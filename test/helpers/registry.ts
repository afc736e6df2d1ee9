// Registry test helpers: run `berth registry serve` as a child process (on the host loopback or
// inside a test daemon's network namespace), build OCI image layouts for skopeo and `docker load`,
// and make small layer tars. Cleans up by pid, never by name.

import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { BERTH } from './daemon.js';

export interface RegistryProcess {
  port: number;
  /** host:port as clients name the registry. */
  address: string;
  process: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `berth registry serve` on 127.0.0.1 (port 0 picks a free one) and waits for its
 * "listening" line. With `netnsPath` it runs inside that network namespace (nsenter).
 */
export async function startRegistry(root: string, options: { netnsPath?: string; port?: number; htpasswd?: string; realm?: string } = {}): Promise<RegistryProcess> {
  const args = [BERTH, 'registry', 'serve', '--addr', `127.0.0.1:${options.port ?? 0}`, '--root', root, '--log-level', 'debug'];
  if (options.htpasswd) args.push('--htpasswd', options.htpasswd);
  if (options.realm) args.push('--realm', options.realm);
  const child = options.netnsPath ? spawn('nsenter', [`--net=${options.netnsPath}`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`registry did not start within 10 s: ${stderr.slice(-2000)}`)), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on http:\/\/[^\s]*:(\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
  return {
    port,
    address: `127.0.0.1:${port}`,
    process: child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A tar holding the given files (reproducible: fixed mtime, root owner). */
export async function makeTar(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const [name, content] of Object.entries(files)) {
    const body = typeof content === 'string' ? Buffer.from(content) : content;
    pack.entry({ name, size: body.length, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, body);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface LayoutImage {
  /** Uncompressed layer tars, bottom first; stored gzip-compressed. */
  layers: Buffer[];
  config?: Record<string, unknown>;
  platform?: { os: string; architecture: string };
  /** Docker media types (schema 2) instead of OCI ones. */
  docker?: boolean;
}

export interface WrittenImage {
  configBytes: Buffer;
  configDigest: string;
  manifestDigest: string;
  manifestBytes: Buffer;
  layerDigests: string[];
}

/** Writes an image's blobs into an OCI layout's blobs/sha256 and returns its manifest descriptor data. */
function writeImageBlobs(dir: string, image: LayoutImage): WrittenImage {
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (bytes: Buffer): string => {
    const digest = sha256(bytes);
    writeFileSync(path.join(blobs, digest.slice(7)), bytes);
    return digest;
  };
  const gz = image.layers.map((layer) => gzipSync(layer));
  const platform = image.platform ?? { os: 'linux', architecture: 'amd64' };
  const config = {
    architecture: platform.architecture,
    os: platform.os,
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: image.layers.map((layer) => sha256(layer)) },
    history: image.layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test layer' })),
    ...image.config,
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = put(configBytes);
  const layerDigests = gz.map(put);
  const manifest = {
    schemaVersion: 2,
    mediaType: image.docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: image.docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
    layers: gz.map((bytes, index) => ({
      mediaType: image.docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: layerDigests[index],
      size: bytes.length,
    })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { configBytes, configDigest, manifestDigest: put(manifestBytes), manifestBytes, layerDigests };
}

/**
 * An OCI image layout at `dir` with one entry tagged `tag`: a single image, or (with several) an
 * image index over them (one per platform).
 */
export function writeOciLayout(dir: string, tag: string, images: LayoutImage[]): { index?: { digest: string; bytes: Buffer }; images: WrittenImage[] } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const written = images.map((image) => writeImageBlobs(dir, image));
  let top: { mediaType: string; digest: string; size: number };
  let index: { digest: string; bytes: Buffer } | undefined;
  if (written.length === 1) {
    top = { mediaType: images[0].docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json', digest: written[0].manifestDigest, size: written[0].manifestBytes.length };
  } else {
    const nested = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: written.map((image, position) => ({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: image.manifestDigest,
        size: image.manifestBytes.length,
        platform: images[position].platform ?? { os: 'linux', architecture: 'amd64' },
      })),
    };
    const bytes = Buffer.from(JSON.stringify(nested));
    const digest = sha256(bytes);
    writeFileSync(path.join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
    index = { digest, bytes };
    top = { mediaType: nested.mediaType, digest, size: bytes.length };
  }
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ ...top, annotations: { 'org.opencontainers.image.ref.name': tag } }] }),
  );
  return { index, images: written };
}

/** A `docker load` archive (OCI layout + manifest.json) of one image tagged `reference`. */
export async function dockerArchive(reference: string, image: LayoutImage, scratch: string): Promise<{ tar: Buffer; written: WrittenImage }> {
  const dir = path.join(scratch, `archive-${process.hrtime.bigint()}`);
  const { images } = writeOciLayout(dir, 'latest', [image]);
  const written = images[0];
  const files: Record<string, Buffer | string> = {};
  const { readdirSync, readFileSync } = await import('node:fs');
  for (const name of readdirSync(path.join(dir, 'blobs', 'sha256'))) files[`blobs/sha256/${name}`] = readFileSync(path.join(dir, 'blobs', 'sha256', name));
  files['oci-layout'] = readFileSync(path.join(dir, 'oci-layout'));
  files['index.json'] = readFileSync(path.join(dir, 'index.json'));
  files['manifest.json'] = JSON.stringify([
    { Config: `blobs/sha256/${written.configDigest.slice(7)}`, RepoTags: [reference], Layers: written.layerDigests.map((digest) => `blobs/sha256/${digest.slice(7)}`) },
  ]);
  return { tar: await makeTar(files), written };
}
