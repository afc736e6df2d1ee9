// `docker-compose build` (Debian's docker-compose 1.29) against berthd, both ways it builds: through
// docker-py straight to POST /build (COMPOSE_DOCKER_CLI_BUILD=0) and through the docker CLI (its
// default), with build args, labels, a target stage, a renamed Dockerfile and .dockerignore; a
// second build is all cache hits.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO, TestDaemon, run } from './helpers/daemon.js';

const FIXTURE = path.join(REPO, 'test/fixtures/build-compose');

describe('docker-compose build', () => {
  const daemon = new TestDaemon('bc');
  let project = '';

  const compose = (args: string[], env: Record<string, string> = {}) =>
    run('docker-compose', ['-p', 'buildcompose', ...args], { ...daemon.env, DOCKER_BUILDKIT: '0', ...env }, { timeoutMs: 180_000 });

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
    project = mkdtempSync('/tmp/berth-build-compose-');
    cpSync(FIXTURE, project, { recursive: true });
    process.chdir(project);
  });

  afterAll(async () => {
    process.chdir(REPO);
    await daemon.destroy();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  test('through docker-py (POST /build): args, labels, target; then every step from the cache', async () => {
    const first = await compose(['build'], { COMPOSE_DOCKER_CLI_BUILD: '0' });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout + first.stderr).toMatch(/Successfully built [0-9a-f]{12}/);
    expect(first.stdout + first.stderr).toContain('Successfully tagged buildcompose/web:latest');
    expect(first.stdout + first.stderr).toContain('Successfully tagged buildcompose/worker:latest');

    const web = await daemon.docker(['run', '--rm', 'buildcompose/web:latest']);
    expect(web.stdout).toBe('from-compose\n');
    const files = await daemon.docker(['run', '--rm', 'buildcompose/web:latest', 'ls', '/srv']);
    expect(files.stdout).toBe('index.html\nmessage.txt\n');
    const labels = await daemon.docker(['image', 'inspect', 'buildcompose/web:latest', '--format', '{{json .Config.Labels}}']);
    expect(JSON.parse(labels.stdout)).toEqual({ 'org.example.compose': 'yes' });
    const worker = await daemon.docker(['run', '--rm', 'buildcompose/worker:latest']);
    expect(worker.stdout).toBe('worker done\n');

    const again = await compose(['build'], { COMPOSE_DOCKER_CLI_BUILD: '0' });
    expect(again.code, again.stderr).toBe(0);
    const output = again.stdout + again.stderr;
    expect(output).not.toContain('Running in');
    // web: ARG, RUN, COPY, COPY, CMD and the compose label's LABEL; worker: ENV, COPY, CMD.
    expect((output.match(/ ---> Using cache/g) ?? []).length).toBe(9);
  });

  test('through the docker CLI (compose\'s default builder)', async () => {
    const result = await compose(['build', '--no-cache', 'worker']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout + result.stderr).toContain('Successfully tagged buildcompose/worker:latest');
    expect(result.stdout + result.stderr).toContain(' ---> Running in ');
    const worker = await daemon.docker(['run', '--rm', 'buildcompose/worker:latest']);
    expect(worker.stdout).toBe('worker done\n');
  });
});
