// Interactive streams through a real terminal (script(1) gives the docker CLI a pty): detaching
// from `run -it` with ctrl-p ctrl-q and from `attach` with custom --detach-keys leaves the
// container running; stdin typed before the detach reaches it.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCKER, TestDaemon, run } from './helpers/daemon.js';

/** Feeds `steps` (text, then a pause in ms) to a command running under script(1). */
function typed(daemon: TestDaemon, command: string, steps: Array<[string, number]>): Promise<{ code: number; stdout: string }> {
  const feed = steps.map(([text, pause]) => `sleep ${pause / 1000}; printf '${text}'`).join('; ');
  return run('sh', ['-c', `(${feed}; sleep 1) | timeout 20 script -qec "${command}" /dev/null`], daemon.env, { timeoutMs: 30_000 });
}

describe.skipIf(!existsSync(DOCKER))('attach and detach', () => {
  const daemon = new TestDaemon('batt');

  beforeAll(async () => {
    await daemon.start();
    await daemon.importBusybox();
  });

  afterAll(async () => {
    await daemon.destroy();
  });

  test('ctrl-p ctrl-q detaches from run -it and the container keeps running', async () => {
    const session = await typed(daemon, 'docker run -it --name shell busybox sh', [
      ['echo typed-before-detach\\n', 1500],
      ['\\020\\021', 700],
    ]);
    expect(session.code).toBe(0);
    expect(session.stdout).toContain('typed-before-detach');
    const state = await daemon.docker(['inspect', '-f', '{{.State.Running}}', 'shell']);
    expect(state.stdout.trim()).toBe('true');
  });

  test('attach with --detach-keys ctrl-a,ctrl-b detaches on those keys only', async () => {
    await daemon.docker(['run', '-dit', '--name', 'again', 'busybox', 'sh']);
    const session = await typed(daemon, 'docker attach --detach-keys ctrl-a,ctrl-b again', [
      ['echo still-attached\\n', 1000],
      // ctrl-p ctrl-q is not the detach sequence here: it goes to the shell.
      ['\\020\\021echo after-ctrl-p-q\\n', 500],
      ['\\001\\002', 500],
    ]);
    expect(session.stdout).toContain('still-attached');
    expect(session.stdout).toContain('after-ctrl-p-q');
    expect((await daemon.docker(['inspect', '-f', '{{.State.Running}}', 'again'])).stdout.trim()).toBe('true');
    const logs = await daemon.docker(['logs', 'again']);
    expect(logs.stdout).toContain('after-ctrl-p-q');
  });
});
