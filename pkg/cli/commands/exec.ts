// `berth exec`: create an exec, start it attached (hijacked) or detached, exit with its status.
import { readFileSync } from 'node:fs';
import type { ExecCreateRequest } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { KvFileError, readKeyValueFiles } from '../options/kvfile.js';
import { validateEnv, ValueError } from '../options/values.js';
import { FlagValueError } from '../errors.js';
import type { CommandRunner } from '../spec.js';
import { streamHijacked } from './hijacked-io.js';
import { checkTty, detachKeyBytes } from './run.js';
import { monitorTtySize, terminalSize } from './terminal.js';

export const exec: CommandRunner = async (context, args, flags) => {
  const [container, ...command] = args as [string, ...string[]];
  const detach = flags.bool('detach');
  const tty = flags.bool('tty');
  const envFlags = flags.list('env').map((text) => {
    try {
      return validateEnv(text, context.env);
    } catch (err) {
      if (err instanceof ValueError) throw new FlagValueError({ long: 'env', short: 'e' }, text, err.message);
      throw err;
    }
  });
  let env: string[];
  try {
    env = readKeyValueFiles(flags.list('env-file'), envFlags, (path) => readFileSync(path), (key) => context.env[key]);
  } catch (err) {
    if (err instanceof KvFileError) throw new StatusError(1, err.message);
    throw err;
  }
  const attachStdin = !detach && flags.bool('interactive');
  const body: ExecCreateRequest = {
    User: flags.string('user') ?? '',
    Privileged: flags.bool('privileged'),
    Tty: tty,
    ...(tty ? { ConsoleSize: terminalSize(context) ?? [0, 0] } : {}),
    AttachStdin: attachStdin,
    AttachStderr: !detach,
    AttachStdout: !detach,
    Detach: detach,
    DetachKeys: flags.string('detach-keys') ?? '',
    Env: env.length > 0 ? env : null,
    WorkingDir: flags.string('workdir') ?? '',
    Cmd: command,
  };

  const client = context.client();
  await client.containers.inspect(container);
  if (!detach) checkTty(context, attachStdin, tty);
  const { Id: execId } = await client.exec.create(container, body);
  if (!execId) throw new StatusError(1, 'exec ID empty');
  const consoleSize = tty ? (terminalSize(context) ?? undefined) : undefined;
  if (detach) {
    await client.exec.startDetached(execId, { tty, consoleSize });
    return 0;
  }

  const connection = await client.exec.start(execId, { tty, consoleSize });
  const stream = streamHijacked({
    connection,
    stdin: attachStdin ? context.stdin : undefined,
    stdout: context.stdout,
    stderr: tty ? context.stdout : context.stderr,
    tty,
    detachKeys: detachKeyBytes(context, flags.string('detach-keys') || undefined),
  });
  const stopResize = tty && context.stdin.isTTY ? monitorTtySize(context, (size) => client.exec.resize(execId, size)) : () => undefined;
  try {
    await stream.done;
  } finally {
    stopResize();
    stream.cancel();
  }
  const inspected = await client.exec.inspect(execId);
  const status = inspected.ExitCode ?? 0;
  if (status !== 0) throw new StatusError(status);
  return 0;
};
