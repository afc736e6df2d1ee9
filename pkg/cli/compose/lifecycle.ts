// `berth compose start/stop/restart/kill/pause/unpause/rm/wait`: the project (or just its name) and
// the named services, handed to pkg/compose's lifecycle driver with a progress display.
import { composeDown, composeEach, composeRemove, composeRestart, composeStart, composeStop, listProjectContainers, removableContainers, settleAll, summaryName, waitForService, type Selection } from '../../compose/index.js';
import { StatusError } from '../errors.js';
import type { ComposeCommandContext } from './context.js';
import type { ComposeRunner } from './main.js';
import { intValue } from './up.js';

function selection(context: ComposeCommandContext, services: readonly string[]): Selection {
  const { name, project } = context.projectOrName();
  return { projectName: name, project, services };
}

function lifecycle(context: ComposeCommandContext) {
  return { client: context.client(), progress: context.progress(), parallel: context.compose.parallel, now: context.now };
}

export const start: ComposeRunner = async (context, args, flags) => {
  const chosen = selection(context, args);
  const started = await composeStart(chosen, lifecycle(context));
  if (!flags.bool('wait')) return;
  const timeout = intValue(flags, 'wait-timeout') ?? 0;
  const controller = new AbortController();
  const timer = timeout > 0 ? setTimeout(() => controller.abort(), timeout * 1000) : undefined;
  const progress = context.progress();
  progress.start('Waiting');
  try {
    await settleAll([...started].map(([service, refs]) => waitForService(service, refs, 'running_or_healthy', { client: context.client(), progress, signal: controller.signal })));
  } catch (err) {
    if (controller.signal.aborted) throw new StatusError(1, `application not healthy after ${timeout}s`);
    throw err;
  } finally {
    progress.done();
    if (timer !== undefined) clearTimeout(timer);
  }
};

export const stop: ComposeRunner = async (context, args, flags) => {
  await composeStop(selection(context, args), { timeoutSeconds: intValue(flags, 'timeout') }, lifecycle(context));
};

export const restart: ComposeRunner = async (context, args, flags) => {
  await composeRestart(selection(context, args), { timeoutSeconds: intValue(flags, 'timeout'), noDeps: flags.bool('no-deps') }, lifecycle(context));
};

export const kill: ComposeRunner = async (context, args, flags) => {
  await composeEach(selection(context, args), 'kill', { signal: flags.string('signal') }, lifecycle(context));
};

export const pause: ComposeRunner = async (context, args) => {
  await composeEach(selection(context, args), 'pause', {}, lifecycle(context));
};

export const unpause: ComposeRunner = async (context, args) => {
  await composeEach(selection(context, args), 'unpause', {}, lifecycle(context));
};

/** Reads one answer line from stdin (the rm confirmation). */
function readAnswer(context: ComposeCommandContext): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n')) finish();
    };
    const finish = (): void => {
      context.stdin.off('data', onData);
      context.stdin.off('end', finish);
      context.stdin.pause();
      resolve(text.split('\n')[0]!.trim());
    };
    context.stdin.on('data', onData);
    context.stdin.on('end', finish);
    context.stdin.resume();
  });
}

export const rm: ComposeRunner = async (context, args, flags) => {
  const chosen = selection(context, args);
  const client = context.client();
  const containers = await removableContainers(chosen, { stop: flags.bool('stop') }, { client });
  if (containers.length === 0) {
    context.stderr.write('No stopped containers\n');
    return;
  }
  if (!flags.bool('force')) {
    context.stdout.write(`Going to remove ${containers.map(summaryName).join(', ')}\n? Are you sure? [y/N] `);
    const answer = await readAnswer(context);
    if (!/^y(es)?$/i.test(answer)) return;
  }
  await composeRemove(containers, { volumes: flags.bool('volumes') }, lifecycle(context));
};

export const wait: ComposeRunner = async (context, args, flags) => {
  const chosen = selection(context, args);
  const client = context.client();
  const containers = await listProjectContainers(client, chosen.projectName, { all: true, oneOff: 'exclude', services: args });
  if (containers.length === 0) throw new StatusError(1, `no containers for project "${chosen.projectName}"`);
  const controller = new AbortController();
  let first: number | undefined;
  let dropping: Promise<unknown> | undefined;
  await settleAll(
    containers.map(async (c) => {
      const result = await client.containers.wait(c.Id, { signal: controller.signal }).catch((err: unknown) => {
        if (controller.signal.aborted) return undefined;
        throw err;
      });
      if (result === undefined) return;
      first ??= result.StatusCode;
      if (flags.bool('down-project')) {
        controller.abort();
        await (dropping ??= composeDown(chosen.projectName, chosen.project, {}, { client, progress: context.progress(), warn: context.warn }));
      }
    }),
  );
  return first ?? 0;
};
