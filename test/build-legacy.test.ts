// The legacy builder protocol as dockerd speaks it: the anchor build (shared/anchors
// docker-api-trace/21-build, fixture copied to test/fixtures/build-anchor) prints what the docker
// CLI printed against dockerd, line for line up to ids; the raw JSON stream, -q, errorDetail with
// a RUN's exit code, parse errors as HTTP 400, --rm=false / --force-rm, -f with .dockerignore,
// and the build-arg prefix of RUN history.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, REPO, TestDaemon, run } from './helpers/daemon.js';

/** stdout of `docker build -t anchor-build:latest fixtures/build-ctx` against dockerd 20.10, ids masked. */
const ANCHOR_OUTPUT = `Sending build context to Docker daemon  3.072kB
Step 1/8 : FROM busybox
 ---> ID
Step 2/8 : ENV GREETING=hello APP_HOME=/app
 ---> Running in ID
Removing intermediate container ID
 ---> ID
Step 3/8 : RUN mkdir -p /app && echo built-at-build-time > /app/built.txt
 ---> Running in ID
Removing intermediate container ID
 ---> ID
Step 4/8 : COPY hello.txt /app/hello.txt
 ---> ID
Step 5/8 : WORKDIR /app
 ---> Running in ID
Removing intermediate container ID
 ---> ID
Step 6/8 : LABEL org.example.anchor="trace"
 ---> Running in ID
Removing intermediate container ID
 ---> ID
Step 7/8 : EXPOSE 8000
 ---> Running in ID
Removing intermediate container ID
 ---> ID
Step 8/8 : CMD ["sh", "-c", "cat /app/hello.txt /app/built.txt; echo $GREETING"]
 ---> Running in ID
Removing intermediate container ID
 ---> ID
Successfully built ID
Successfully tagged anchor-build:latest
`;

const mask = (text: string): string => text.replace(/\b[0-9a-f]{12}\b/g, 'ID');

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, mode: 0o644 }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const lines = (body: Buffer): Record<string, unknown>[] =>
  body
    .toString()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('legacy builder protocol', () => {
  const daemon = new TestDaemon('bl');
  let work = '';
  const docker = (args: string[], input?: string) => run(DOCKER, args, { ...daemon.env, DOCKER_BUILDKIT: '0' }, { timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
    work = mkdtempSync('/tmp/berth-build-legacy-');
  });

  afterAll(async () => {
    await daemon.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the anchor build prints what dockerd printed, and the image runs the same', async () => {
    const context = path.join(work, 'anchor');
    cpSync(path.join(REPO, 'test/fixtures/build-anchor'), context, { recursive: true });
    const result = await docker(['build', '-t', 'anchor-build:latest', context]);
    expect(result.code, result.stderr).toBe(0);
    expect(mask(result.stdout.replace(/\r+\n/g, '\n'))).toBe(ANCHOR_OUTPUT);
    const ran = await daemon.docker(['run', '--rm', 'anchor-build:latest']);
    expect(ran.stdout).toBe('hello from COPY\nbuilt-at-build-time\nhello\n');
  });

  test('the JSON stream: Step lines then "\\n", aux with the id, -q, and errorDetail with the exit code', async () => {
    const context = await tarOf({ Dockerfile: 'FROM busybox\nRUN echo out; echo err >&2\nCMD ["sh"]\n' });
    const response = await daemon.request('POST', '/v1.50/build?t=stream:test&nocache=1', context, { 'Content-Type': 'application/x-tar' });
    expect(response.status).toBe(200);
    const messages = lines(response.body);
    expect(messages.slice(0, 3)).toEqual([{ stream: 'Step 1/3 : FROM busybox' }, { stream: '\n' }, { stream: expect.stringMatching(/^ ---> [0-9a-f]{12}\n$/) }]);
    expect(messages).toContainEqual({ stream: 'out\n' });
    expect(messages).toContainEqual({ stream: '\u001b[91merr\n\u001b[0m' });
    const aux = messages.findIndex((message) => message.aux !== undefined);
    expect(messages[aux]).toEqual({ aux: { ID: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    expect(messages.slice(aux + 1)).toEqual([{ stream: expect.stringMatching(/^Successfully built [0-9a-f]{12}\n$/) }, { stream: 'Successfully tagged stream:test\n' }]);

    const quiet = await daemon.request('POST', '/v1.50/build?q=1', context, { 'Content-Type': 'application/x-tar' });
    expect(lines(quiet.body)).toEqual([{ stream: `${(messages[aux].aux as { ID: string }).ID}\n` }]);

    const failing = await tarOf({ Dockerfile: 'FROM busybox\nRUN exit 7\n' });
    const failed = await daemon.request('POST', '/v1.50/build', failing, { 'Content-Type': 'application/x-tar' });
    const message = "The command '/bin/sh -c exit 7' returned a non-zero code: 7";
    expect(lines(failed.body).pop()).toEqual({ errorDetail: { code: 7, message }, error: message });

    const cli = await docker(['build', '-'], 'FROM busybox\nRUN exit 7\n');
    expect(cli.code).toBe(7);
    expect(cli.stderr).toContain(message);
  });

  test('Dockerfile errors are an HTTP 400 before any output', async () => {
    const response = await daemon.request('POST', '/v1.50/build', await tarOf({ Dockerfile: 'FROM busybox\n\nFOO bar\n' }), { 'Content-Type': 'application/x-tar' });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ message: 'Dockerfile parse error line 3: unknown instruction: FOO' });
    const missing = await daemon.request('POST', '/v1.50/build?dockerfile=nope', await tarOf({ Dockerfile: 'FROM busybox\n' }), { 'Content-Type': 'application/x-tar' });
    expect(missing.json()).toEqual({ message: 'Cannot locate specified Dockerfile: nope' });
    const target = await daemon.request('POST', '/v1.50/build?target=x', await tarOf({ Dockerfile: 'FROM busybox\n' }), { 'Content-Type': 'application/x-tar' });
    expect(target.json()).toEqual({ message: 'failed to reach build target x in Dockerfile' });
    const cli = await docker(['build', '-'], 'FROM busybox\nRUN\n');
    expect(cli.stderr).toContain('Error response from daemon: Dockerfile parse error line 2: RUN requires at least one argument');
  });

  test('intermediate containers: kept with --rm=false, a failed RUN\'s kept unless --force-rm', async () => {
    const count = async (): Promise<number> => (await daemon.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean).length;
    const before = await count();
    const kept = await docker(['build', '--rm=false', '--no-cache', '-'], 'FROM busybox\nRUN true\nENV A=1\n');
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).not.toContain('Removing intermediate container');
    expect(await count()).toBe(before + 2);
    const failed = await docker(['build', '-'], 'FROM busybox\nRUN exit 1\n');
    expect(failed.code).toBe(1);
    expect(await count()).toBe(before + 3);
    const forced = await docker(['build', '--force-rm', '-'], 'FROM busybox\nRUN exit 1\n');
    expect(forced.code).toBe(1);
    expect(forced.stdout).toContain('Removing intermediate container');
    expect(await count()).toBe(before + 3);
  });

  test('FROM scratch, COPY --from an image, --platform warning, ONBUILD in a child build, -f -', async () => {
    const scratch = await docker(['build', '-t', 'legacy:scratch', '-'], 'FROM --platform=linux/amd64 scratch\nCOPY --from=busybox /bin/busybox /bin/busybox\nENV GREETING=from-scratch\nCMD ["/bin/busybox", "sh", "-c", "echo $GREETING"]\n');
    expect(scratch.code, scratch.stderr).toBe(0);
    expect(scratch.stdout).toContain('[Warning] FROM --platform=linux/amd64 is ignored');
    expect((await daemon.docker(['run', '--rm', 'legacy:scratch'])).stdout).toBe('from-scratch\n');
    const layers = await daemon.docker(['image', 'inspect', 'legacy:scratch', '--format', '{{len .RootFS.Layers}}']);
    expect(layers.stdout.trim()).toBe('1');

    const base = await docker(['build', '-t', 'legacy:onbuild', '-'], 'FROM busybox\nONBUILD RUN echo "trigger in $(pwd)" > /trigger.txt\nONBUILD ENV TRIGGERED=yes\n');
    expect(base.code, base.stderr).toBe(0);
    const context = path.join(work, 'child');
    mkdirSync(context, { recursive: true });
    writeFileSync(path.join(context, 'data.txt'), 'data\n');
    const child = await docker(['build', '-f', '-', '-t', 'legacy:child', context], 'FROM legacy:onbuild\nCOPY data.txt /\n');
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain('# Executing 2 build triggers');
    const inside = await daemon.docker(['run', '--rm', 'legacy:child', 'sh', '-c', 'cat /trigger.txt /data.txt; echo $TRIGGERED']);
    expect(inside.stdout).toBe('trigger in /\ndata\nyes\n');
    const onbuild = await daemon.docker(['image', 'inspect', 'legacy:child', '--format', '{{json .Config.OnBuild}}']);
    expect(onbuild.stdout.trim()).toBe('null');
  });

  test('RUN heredocs: a shebang script runs as a file, several heredocs go to the shell', async () => {
    const dockerfile = 'FROM busybox\nRUN <<EOF\n#!/bin/sh\necho "script $0" > /script.out\nEOF\nRUN cat <<A > /a.txt && cat <<-B > /b.txt\nalpha $HOSTNAME\nA\n\tbeta\n\tB\n';
    const result = await docker(['build', '-t', 'legacy:heredoc', '-'], dockerfile);
    expect(result.code, result.stderr).toBe(0);
    const files = await daemon.docker(['run', '--rm', 'legacy:heredoc', 'sh', '-c', 'cat /script.out /b.txt; grep -c alpha /a.txt']);
    expect(files.stdout).toBe('script /dev/pipes/EOF\nbeta\n1\n');
  });

  test('-f names a Dockerfile .dockerignore excludes; it is used but not copied', async () => {
    const context = path.join(work, 'ignored');
    mkdirSync(path.join(context, 'build'), { recursive: true });
    writeFileSync(path.join(context, 'build/Dockerfile.dev'), 'FROM busybox\nARG V=1\nRUN echo "v$V" > /v\nCOPY . /ctx/\n');
    writeFileSync(path.join(context, '.dockerignore'), 'build\n.dockerignore\n');
    writeFileSync(path.join(context, 'app.txt'), 'app\n');
    const result = await docker(['build', '-f', path.join(context, 'build/Dockerfile.dev'), '--build-arg', 'V=2', '-t', 'legacy:ignored', context]);
    expect(result.code, result.stderr).toBe(0);
    // As with dockerd, the directory the Dockerfile came in stays (empty) in the context.
    const listing = await daemon.docker(['run', '--rm', 'legacy:ignored', 'sh', '-c', 'ls -A /ctx /ctx/build; cat /v']);
    expect(listing.stdout).toBe('/ctx:\napp.txt\nbuild\n\n/ctx/build:\nv2\n');
    const history = await daemon.docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'legacy:ignored']);
    expect(history.stdout).toContain('|1 V=2 /bin/sh -c echo "v$V" > /v');
  });
});
