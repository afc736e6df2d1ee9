// Container lifecycle commands: stop, kill, restart, rm, pause, unpause, rename, wait.
import { isNotFound } from '../../errdefs/index.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import type { CommandRunner } from '../spec.js';
import { forEachObject, intFlag, writeLine } from './shared.js';

const TIMEOUT = { long: 'timeout', short: 't' };

export const stop: CommandRunner = async (context, args, flags) => {
  const timeoutSeconds = intFlag(flags, TIMEOUT);
  const stopSignal = flags.string('signal') || undefined;
  const client = context.client();
  await forEachObject(context.stdout, args, (name) => client.containers.stop(name, { timeoutSeconds, stopSignal }), { parallel: true });
};

export const restart: CommandRunner = async (context, args, flags) => {
  const timeoutSeconds = intFlag(flags, TIMEOUT);
  const stopSignal = flags.string('signal') || undefined;
  const client = context.client();
  await forEachObject(context.stdout, args, (name) => client.containers.restart(name, { timeoutSeconds, stopSignal }));
};

export const kill: CommandRunner = async (context, args, flags) => {
  const killSignal = flags.string('signal') || undefined;
  const client = context.client();
  await forEachObject(context.stdout, args, (name) => client.containers.kill(name, { killSignal }), { parallel: true });
};

export const remove: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  const force = flags.bool('force');
  await forEachObject(
    context.stdout,
    args,
    async (name) => {
      const id = name.replace(/^\/+|\/+$/g, '');
      if (id === '') throw new Error('container name cannot be empty');
      await client.containers.remove(id, { force, volumes: flags.bool('volumes'), link: flags.bool('link') });
    },
    {
      parallel: true,
      onError: (_name, err) => {
        // `rm -f` of something already gone reports it but does not fail.
        if (!force || !isNotFound(err)) return 'report';
        context.stderr.write(`${errorText(err)}\n`);
        return 'ignore';
      },
    },
  );
};

export const pause: CommandRunner = async (context, args) => {
  const client = context.client();
  await forEachObject(context.stdout, args, (name) => client.containers.pause(name), { parallel: true });
};

export const unpause: CommandRunner = async (context, args) => {
  const client = context.client();
  await forEachObject(context.stdout, args, (name) => client.containers.unpause(name), { parallel: true });
};

export const rename: CommandRunner = async (context, args) => {
  const oldName = args[0]!.trim();
  const newName = args[1]!.trim();
  if (oldName === '' || newName === '') throw new StatusError(1, 'Error: Neither old nor new names may be empty');
  try {
    await context.client().containers.rename(oldName, newName);
  } catch (err) {
    context.stderr.write(`${errorText(err)}\n`);
    throw new StatusError(1, `Error: failed to rename container named ${oldName}`);
  }
};

export const wait: CommandRunner = async (context, args) => {
  const client = context.client();
  const errors: string[] = [];
  for (const name of args) {
    try {
      const result = await client.containers.wait(name);
      await writeLine(context.stdout, String(result.StatusCode));
    } catch (err) {
      errors.push(errorText(err));
    }
  }
  if (errors.length > 0) throw new StatusError(1, errors.join('\n'));
};
