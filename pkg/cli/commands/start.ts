// `berth start` (with -a/-i attach like run) and `berth attach`.
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import type { CommandContext, CommandRunner, Flags } from '../spec.js';
import { streamHijacked } from './hijacked-io.js';
import { checkTty, detachKeyBytes, exitStatus } from './run.js';
import { writeLine } from './shared.js';
import { forwardSignals, monitorTtySize } from './terminal.js';

async function startAttached(context: CommandContext, name: string, flags: Flags): Promise<number> {
  const client = context.client();
  const container = await client.containers.inspect(name);
  const cleanups: (() => void)[] = [];
  try {
    if (!container.Config.Tty) cleanups.push(forwardSignals(context, container.Id));
    const detachKeys = flags.string('detach-keys') || undefined;
    const stdin = flags.bool('interactive') && container.Config.OpenStdin === true;
    const connection = await client.containers.attach(container.Id, { stream: true, stdin, stdout: true, stderr: true, detachKeys });
    const stream = streamHijacked({
      connection,
      stdin: stdin ? context.stdin : undefined,
      stdout: context.stdout,
      stderr: context.stderr,
      tty: container.Config.Tty === true,
      detachKeys: detachKeyBytes(context, detachKeys),
    });
    cleanups.push(() => stream.cancel());
    const wait = await client.containers
      .beginWait(container.Id, { condition: container.HostConfig.AutoRemove ? 'removed' : 'next-exit' })
      .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (!(wait instanceof Error)) cleanups.push(() => wait.cancel());
    try {
      await client.containers.start(container.Id);
    } catch (err) {
      stream.cancel();
      if (container.HostConfig.AutoRemove && !(wait instanceof Error)) await wait.result.catch(() => undefined);
      throw err;
    }
    if (container.Config.Tty && context.stdout.isTTY) cleanups.push(monitorTtySize(context, (size) => client.containers.resize(container.Id, size)));
    if ((await stream.done) === 'detached') return 0;
    const status = await exitStatus(context, wait);
    if (status !== 0) throw new StatusError(status);
    return 0;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
}

export const start: CommandRunner = async (context, args, flags) => {
  if (flags.bool('attach') || flags.bool('interactive')) {
    if (args.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once');
    return startAttached(context, args[0]!, flags);
  }
  const client = context.client();
  const failed: string[] = [];
  for (const name of args) {
    try {
      await client.containers.start(name);
      await writeLine(context.stdout, name);
    } catch (err) {
      context.stderr.write(`${errorText(err)}\n`);
      failed.push(name);
    }
  }
  if (failed.length > 0) throw new StatusError(1, `Error: failed to start containers: ${failed.join(', ')}`);
  return 0;
};

function checkAttachable(state: { Running: boolean; Paused: boolean; Restarting: boolean }): void {
  if (!state.Running) throw new StatusError(1, 'cannot attach to a stopped container, start it first');
  if (state.Paused) throw new StatusError(1, 'cannot attach to a paused container, unpause it first');
  if (state.Restarting) throw new StatusError(1, 'cannot attach to a restarting container, wait until it is running');
}

export const attach: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  const name = args[0]!;
  const wait = await client.containers.beginWait(name).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const cleanups: (() => void)[] = [];
  if (!(wait instanceof Error)) cleanups.push(() => wait.cancel());
  try {
    const container = await client.containers.inspect(name);
    checkAttachable(container.State);
    const stdin = !flags.bool('no-stdin') && container.Config.OpenStdin === true;
    checkTty(context, !flags.bool('no-stdin'), container.Config.Tty === true);
    const sigProxy = flags.changed('sig-proxy') ? flags.bool('sig-proxy') : true;
    if (sigProxy && !container.Config.Tty) cleanups.push(forwardSignals(context, container.Id));
    const detachKeys = flags.string('detach-keys') || undefined;
    const connection = await client.containers.attach(name, { stream: true, stdin, stdout: true, stderr: true, detachKeys });
    checkAttachable((await client.containers.inspect(name)).State);
    if (container.Config.Tty && context.stdout.isTTY) cleanups.push(monitorTtySize(context, (size) => client.containers.resize(name, size)));
    const stream = streamHijacked({
      connection,
      stdin: stdin ? context.stdin : undefined,
      stdout: context.stdout,
      stderr: context.stderr,
      tty: container.Config.Tty === true,
      detachKeys: detachKeyBytes(context, detachKeys),
    });
    cleanups.push(() => stream.cancel());
    // docker's attach reports a detach as the escape error itself (exit 1).
    if ((await stream.done) === 'detached') throw new StatusError(1, 'read escape sequence');
    if (wait instanceof Error) throw wait;
    const result = await wait.result;
    if (result.Error?.Message) throw new StatusError(1, result.Error.Message);
    if (result.StatusCode !== 0) throw new StatusError(result.StatusCode);
    return 0;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
};
