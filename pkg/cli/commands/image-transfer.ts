// Image transfer commands: import (tarball, stdin or URL), load, save and pull, with docker's
// progress display (jsonmessage) and terminal refusals.
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { throwIfJsonMessageError, type JsonMessage } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { renderJsonMessage } from '../format/json-messages.js';
import { DEFAULT_TAG, normalizedName, parseReference } from '../format/reference.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { refuseTerminal } from './inspection.js';
import { registryAuthFor } from './registry.js';
import { write } from './shared.js';

/** docker's jsonstream.Display to `target`: renders each message, fails on an error message. */
async function display(messages: AsyncIterable<JsonMessage>, target: CommandContext['stdout']): Promise<void> {
  const terminal = target.isTTY === true;
  for await (const message of messages) {
    throwIfJsonMessageError(message);
    const text = renderJsonMessage(message, terminal);
    if (text !== '') await write(target, text);
  }
}

export const importImage: CommandRunner = async (context, args, flags) => {
  const [source, reference] = args as [string, string | undefined];
  if (reference !== undefined && !parseReference(reference)) throw new StatusError(1, 'invalid reference format');
  const options = { repo: reference, changes: flags.list('change'), message: flags.string('message'), platform: flags.string('platform')?.toLowerCase() };
  const client = context.client();
  let body;
  if (source === '-') body = context.stdin;
  else if (/^https?:\/\//.test(source)) body = { url: source };
  else {
    body = createReadStream(source);
    await new Promise<void>((resolve, reject) => {
      body!.once('open', () => resolve());
      body!.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new StatusError(1, `open ${source}: no such file or directory`) : err));
    });
  }
  await display(client.images.import(body, options), context.stdout);
};

export const loadImages: CommandRunner = async (context, _args, flags) => {
  const input = flags.string('input');
  if (!input && context.stdin.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty');
  const source = input ? createReadStream(input) : context.stdin;
  if (input) {
    await new Promise<void>((resolve, reject) => {
      source.once('open', () => resolve());
      source.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new StatusError(1, `open ${input}: no such file or directory`) : err));
    });
  }
  const quiet = flags.bool('quiet') || context.stdout.isTTY !== true;
  await display(context.client().images.load(source, { quiet }), context.stdout);
};

export const saveImages: CommandRunner = async (context, args, flags) => {
  const output = flags.string('output');
  refuseTerminal(context, output);
  const body = await context.client().images.save(args);
  if (!output) {
    await pipeline(body, context.stdout, { end: false });
    return;
  }
  // Write beside the target and rename, so a failed save never leaves a truncated archive.
  const temporary = join(dirname(output), `.${basename(output)}.berth-save-${process.pid}`);
  try {
    await pipeline(body, createWriteStream(temporary));
    renameSync(temporary, output);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw err;
  }
};

export const pullImage: CommandRunner = async (context, args, flags) => {
  const text = args[0]!;
  const reference = parseReference(text);
  if (!reference) throw new StatusError(1, 'invalid reference format');
  let tag = reference.digest ?? reference.tag;
  if (tag === undefined && !flags.bool('all-tags')) {
    tag = DEFAULT_TAG;
    if (!flags.bool('quiet')) await write(context.stdout, `Using default tag: ${DEFAULT_TAG}\n`);
  }
  const repository = normalizedName(reference.name);
  const registryAuth = await registryAuthFor(context, repository);
  const messages = context.client().images.pull(repository, { tag: flags.bool('all-tags') ? undefined : tag, platform: flags.string('platform'), registryAuth });
  if (flags.bool('quiet')) {
    for await (const message of messages) throwIfJsonMessageError(message);
  } else {
    await display(messages, context.stdout);
  }
  if (!flags.bool('all-tags')) await write(context.stdout, `${repository}${reference.digest ? '@' : ':'}${tag}\n`);
};
