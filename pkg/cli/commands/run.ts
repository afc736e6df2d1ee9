// `berth run`: create, attach before start, wait (next-exit, or removed with --rm) registered before
// start, start, stream until the container is done, exit with its status — docker's runContainer.
import type { PendingWait } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { DEFAULT_DETACH_KEYS, DetachKeysError, parseDetachKeys } from '../options/detach-keys.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { createContainer, planCreate, withHelp } from './container-create.js';
import { streamHijacked, type HijackedStream } from './hijacked-io.js';
import { writeLine } from './shared.js';
import { forwardSignals, monitorTtySize } from './terminal.js';

/** docker's toStatusError: 127 when the command was not found, 126 when it cannot run, else 125. */
export function runStatusError(context: CommandContext, err: unknown): StatusError {
  const message = errorText(err);
  let status = 125;
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) status = 127;
  else if (/permission denied|is a directory/.test(message)) status = 126;
  return new StatusError(status, withHelp(context, message));
}

/** docker's CheckTty: a tty with stdin attached needs a terminal on our side. */
export function checkTty(context: CommandContext, attachStdin: boolean, tty: boolean): void {
  if (tty && attachStdin && context.stdin.isTTY !== true) throw new StatusError(1, 'the input device is not a TTY');
}

/** Escape keys for the client-side proxy: the flag's, or docker's default when absent or invalid. */
export function detachKeyBytes(context: CommandContext, keys: string | undefined): Buffer {
  if (!keys) return parseDetachKeys(DEFAULT_DETACH_KEYS);
  try {
    return parseDetachKeys(keys);
  } catch (err) {
    if (err instanceof DetachKeysError) context.stderr.write(`WARNING: invalid detach escape keys, using default: ${err.message}\n`);
    return parseDetachKeys(DEFAULT_DETACH_KEYS);
  }
}

/** Resolves with the exit status the way docker's waitExitOrRemoved reports it (125 on wait errors). */
export async function exitStatus(context: CommandContext, wait: PendingWait | Error): Promise<number> {
  if (wait instanceof Error) {
    context.stderr.write(`error waiting for container: ${errorText(wait)}\n`);
    return 125;
  }
  try {
    const result = await wait.result;
    if (result.Error?.Message) {
      context.stderr.write(`Error waiting for container: ${result.Error.Message}\n`);
      return 125;
    }
    return result.StatusCode;
  } catch (err) {
    context.stderr.write(`error waiting for container: ${errorText(err)}\n`);
    return 125;
  }
}

export const run: CommandRunner = async (context, args, flags) => {
  const plan = planCreate(context, args, flags);
  const config = plan.body;
  const detach = flags.bool('detach');
  const sigProxy = flags.changed('sig-proxy') ? flags.bool('sig-proxy') : true;
  if (!detach) {
    checkTty(context, config.AttachStdin === true, config.Tty === true);
  } else {
    if (flags.list('attach').length > 0) throw new StatusError(1, 'conflicting options: cannot specify both --attach and --detach');
    config.AttachStdin = false;
    config.AttachStdout = false;
    config.AttachStderr = false;
    config.StdinOnce = false;
  }

  let containerId: string;
  try {
    containerId = await createContainer(context, plan, { quiet: flags.bool('quiet') });
  } catch (err) {
    throw runStatusError(context, err);
  }
  const client = context.client();
  const cleanups: (() => void)[] = [];
  try {
    if (sigProxy) cleanups.push(forwardSignals(context, containerId));
    const attach = config.AttachStdin || config.AttachStdout || config.AttachStderr;
    if (!attach) await writeLine(context.stdout, containerId);

    let stream: HijackedStream | undefined;
    if (attach) {
      const detachKeys = flags.string('detach-keys') || undefined;
      const connection = await client.containers.attach(containerId, {
        stream: true,
        stdin: config.AttachStdin,
        stdout: config.AttachStdout,
        stderr: config.AttachStderr,
        detachKeys,
      });
      stream = streamHijacked({
        connection,
        stdin: config.AttachStdin ? context.stdin : undefined,
        stdout: config.AttachStdout ? context.stdout : undefined,
        stderr: config.AttachStderr ? (config.Tty ? context.stdout : context.stderr) : undefined,
        tty: config.Tty === true,
        detachKeys: detachKeyBytes(context, detachKeys),
      });
      cleanups.push(() => stream?.cancel());
    }

    const wait = await client.containers
      .beginWait(containerId, { condition: config.HostConfig?.AutoRemove ? 'removed' : 'next-exit' })
      .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
    if (!(wait instanceof Error)) cleanups.push(() => wait.cancel());

    try {
      await client.containers.start(containerId);
    } catch (err) {
      stream?.cancel();
      if (config.HostConfig?.AutoRemove && !(wait instanceof Error)) await wait.result.catch(() => undefined);
      throw runStatusError(context, err);
    }
    if (!stream) return 0;

    if (config.Tty && context.stdout.isTTY) {
      cleanups.push(monitorTtySize(context, (size) => client.containers.resize(containerId, size)));
    }

    const status = exitStatus(context, wait);
    const first = await Promise.race([stream.done.then((outcome) => ({ kind: 'stream' as const, outcome })), status.then((code) => ({ kind: 'status' as const, code }))]);
    if (first.kind === 'stream') {
      if (first.outcome === 'detached') return 0;
    } else {
      if (!config.AttachStdout && !config.AttachStderr) stream.cancel();
      await stream.done.catch(() => undefined);
    }
    const code = await status;
    if (code !== 0) throw new StatusError(code);
    return 0;
  } finally {
    for (const cleanup of cleanups.reverse()) cleanup();
  }
};
