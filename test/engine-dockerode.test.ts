// The issue 2 flows through dockerode (the Node ecosystem's Docker client), which needs no docker
// binary: run, attach with stdin, logs, exec, stop/start/restart, archive both ways, stats,
// inspect, images, save/load, and exit codes.

import Docker from 'dockerode';
import { PassThrough, Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TestDaemon } from './helpers/daemon.js';

function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Splits Docker's multiplexed stream into stdout and stderr text. */
function demux(docker: Docker, stream: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  const stdout = collect(out);
  const stderr = collect(err);
  stream.on('end', () => {
    out.end();
    err.end();
  });
  return Promise.all([stdout, stderr]).then(([o, e]) => ({ stdout: o.toString(), stderr: e.toString() }));
}

describe('dockerode against berthd', () => {
  const daemon = new TestDaemon('bdode');
  let docker: Docker;

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
    docker = new Docker({ socketPath: daemon.socket });
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  test('ping, version and info', async () => {
    expect((await docker.ping()).toString()).toBe('OK');
    const version = await docker.version();
    expect(version.ApiVersion).toBe('1.50');
    const info = await docker.info();
    expect(info).toMatchObject({ Driver: 'overlay2', CgroupDriver: 'cgroupfs', Images: 1 });
  });

  test('run with attached output and an exit code', async () => {
    const container = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 5'], AttachStdout: true, AttachStderr: true });
    const stream = await container.attach({ stream: true, stdout: true, stderr: true, hijack: true });
    const output = demux(docker, stream);
    const wait = container.wait({ condition: 'next-exit' });
    await container.start();
    expect(await wait).toEqual({ Error: null, StatusCode: 5 });
    expect(await output).toEqual({ stdout: 'out\n', stderr: 'err\n' });
    const inspect = await container.inspect();
    expect(inspect.State).toMatchObject({ Status: 'exited', ExitCode: 5, Running: false });
    await container.remove();
  });

  test('attach stdin and close it', async () => {
    const container = await docker.createContainer({ Image: 'busybox', Cmd: ['cat'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
    const output = demux(docker, stream);
    await container.start();
    stream.write('through stdin\n');
    (stream as unknown as { end(): void }).end();
    expect((await output).stdout).toBe('through stdin\n');
    expect((await container.wait()).StatusCode).toBe(0);
    await container.remove();
  });

  test('detached container: logs, exec, stop/start/restart, stats, top', async () => {
    const container = await docker.createContainer({ name: 'dode', Image: 'busybox', Cmd: ['sh', '-c', 'echo hello; exec sleep 1000'] });
    await container.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logs = (await container.logs({ stdout: true, stderr: true, timestamps: true })) as unknown as Buffer;
    expect(logs.subarray(8).toString()).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z hello\n$/);
    const exec = await container.exec({ Cmd: ['sh', '-c', 'echo in-exec; exit 2'], AttachStdout: true, AttachStderr: true });
    const execStream = await exec.start({ hijack: true, stdin: false });
    expect((await demux(docker, execStream)).stdout).toBe('in-exec\n');
    expect((await exec.inspect()).ExitCode).toBe(2);
    const top = await container.top();
    expect(top.Titles).toContain('PID');
    expect(top.Processes.some((row: string[]) => row.at(-1)?.includes('sleep 1000'))).toBe(true);
    const stats = await container.stats({ stream: false });
    expect(stats.pids_stats?.current).toBe(1);
    expect(stats.memory_stats.usage).toBeGreaterThan(0);
    expect(stats.precpu_stats.cpu_usage).toBeDefined();
    await container.stop({ t: 1 });
    expect((await container.inspect()).State.ExitCode).toBe(137);
    await container.start();
    await container.restart({ t: 1 });
    expect((await container.inspect()).State.Running).toBe(true);
    await container.remove({ force: true });
    await expect(docker.getContainer('dode').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  test('archive both ways', async () => {
    const container = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '1000'] });
    await container.start();
    const pack = tar.pack();
    pack.entry({ name: 'put.txt' }, 'put through the API\n');
    pack.finalize();
    await container.putArchive(Readable.from(pack as AsyncIterable<Buffer>), { path: '/tmp' });
    const archive = (await container.getArchive({ path: '/tmp/put.txt' })) as unknown as NodeJS.ReadableStream;
    const extract = tar.extract();
    const files: Record<string, string> = {};
    extract.on('entry', (header, stream, next) => {
      void collect(stream as unknown as NodeJS.ReadableStream).then((data) => {
        files[header.name] = data.toString();
        next();
      });
    });
    archive.pipe(extract);
    await new Promise<void>((resolve) => extract.on('finish', () => resolve()));
    expect(files).toEqual({ 'put.txt': 'put through the API\n' });
    await container.remove({ force: true });
  });

  test('images: list, inspect, tag, save and load to the same id', async () => {
    const images = await docker.listImages();
    expect(images.map((i) => i.RepoTags)).toContainEqual(['busybox:latest']);
    const image = docker.getImage('busybox');
    const inspect = await image.inspect();
    expect(inspect.RootFS.Layers).toHaveLength(1);
    await image.tag({ repo: 'copy', tag: 'v1' });
    const saved = await collect((await image.get()) as unknown as NodeJS.ReadableStream);
    await docker.getImage('copy:v1').remove();
    await docker.getImage('busybox').remove({ force: true });
    await expect(docker.getImage('busybox').inspect()).rejects.toMatchObject({ statusCode: 404 });
    const loaded = await collect((await docker.loadImage(Readable.from([saved]))) as unknown as NodeJS.ReadableStream);
    expect(loaded.toString()).toContain('Loaded image: busybox:latest');
    expect((await docker.getImage('busybox').inspect()).Id).toBe(inspect.Id);
  });
});
