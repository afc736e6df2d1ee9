// push, login and logout: registry credentials in docker's config file, passed to the daemon as
// X-Registry-Auth, and push progress rendered like docker's jsonmessage display.
import { throwIfJsonMessageError, type JsonMessage } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { renderJsonMessage } from '../format/json-messages.js';
import { DEFAULT_TAG, normalizedName, parseReference } from '../format/reference.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { type AuthConfig, authKey, encodeAuthHeader, loadCredentials, registryOfImage, removeCredentials, storeCredentials } from './docker-config.js';
import { write } from './shared.js';

/** The X-Registry-Auth header for an image's registry, from the stored credentials. */
export async function registryAuthFor(context: CommandContext, image: string): Promise<string> {
  const key = registryOfImage(image);
  return encodeAuthHeader(await loadCredentials(context.env, key));
}

async function display(messages: AsyncIterable<JsonMessage>, context: CommandContext, quiet: boolean): Promise<void> {
  const terminal = context.stdout.isTTY === true;
  for await (const message of messages) {
    throwIfJsonMessageError(message);
    if (quiet) continue;
    const text = renderJsonMessage(message, terminal);
    if (text !== '') await write(context.stdout, text);
  }
}

export const pushImage: CommandRunner = async (context, args, flags) => {
  const text = args[0]!;
  const reference = parseReference(text);
  if (!reference) throw new StatusError(1, 'invalid reference format');
  if (reference.digest !== undefined) throw new StatusError(1, 'cannot push a digest reference');
  const quiet = flags.bool('quiet');
  let tag = reference.tag;
  if (tag === undefined && !flags.bool('all-tags')) {
    tag = DEFAULT_TAG;
    if (!quiet) await write(context.stdout, `Using default tag: ${DEFAULT_TAG}\n`);
  }
  if (tag !== undefined && flags.bool('all-tags')) throw new StatusError(1, 'tag can\'t be used with --all-tags/-a');
  const repository = normalizedName(reference.name);
  const registryAuth = await registryAuthFor(context, repository);
  const messages = context.client().images.push(repository, { tag, registryAuth, platform: flags.string('platform') });
  await display(messages, context, quiet);
  if (quiet) await write(context.stdout, `${reference.name}${tag === undefined ? '' : `:${tag}`}\n`);
};

/** Reads one line from stdin (the --password-stdin secret), without its line ending. */
async function readStdinSecret(context: CommandContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of context.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '').replace(/\r$/, '');
}

/** Prompts on the terminal; the password without echo. */
async function prompt(context: CommandContext, label: string, secret: boolean): Promise<string> {
  await write(context.stdout, label);
  const stdin = context.stdin;
  if (secret) stdin.setRawMode?.(true);
  try {
    let answer = '';
    for await (const chunk of stdin) {
      const textChunk = typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
      for (const char of textChunk) {
        if (char === '\u0003') throw new StatusError(130, '');
        if (char === '\r' || char === '\n') return answer;
        if (char === '\u007f') answer = answer.slice(0, -1);
        else answer += char;
      }
    }
    return answer;
  } finally {
    if (secret) {
      stdin.setRawMode?.(false);
      await write(context.stdout, '\n');
    }
  }
}

export const login: CommandRunner = async (context, args, flags) => {
  const server = args[0];
  const key = authKey(server);
  let username = flags.string('username');
  let password = flags.string('password');
  if (flags.bool('password-stdin')) {
    if (password !== undefined) throw new StatusError(1, '--password and --password-stdin are mutually exclusive');
    if (username === undefined) throw new StatusError(1, 'Must provide --username with --password-stdin');
    password = await readStdinSecret(context);
  } else if (password !== undefined) {
    await write(context.stderr, 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  const stored = await loadCredentials(context.env, key);
  if (username === undefined || password === undefined) {
    if (context.stdin.isTTY !== true) {
      if (stored?.username && username === undefined && password === undefined) {
        ({ username, password } = stored);
      } else {
        throw new StatusError(1, 'Error: Cannot perform an interactive login from a non TTY device');
      }
    } else {
      if (username === undefined) {
        const answer = (await prompt(context, stored?.username ? `Username (${stored.username}): ` : 'Username: ', false)).trim();
        username = answer === '' ? stored?.username : answer;
      }
      if (!username) throw new StatusError(1, 'Error: Non-null Username Required');
      if (password === undefined) password = await prompt(context, 'Password: ', true);
      if (!password) throw new StatusError(1, 'Error: Password Required');
    }
  }
  const auth: AuthConfig = { username, password, serveraddress: key };
  const response = await context.client().login({ username, password, serveraddress: auth.serveraddress });
  if (response.IdentityToken) auth.identitytoken = response.IdentityToken;
  await storeCredentials(context.env, key, auth);
  await write(context.stdout, `${response.Status || 'Login Succeeded'}\n`);
};

export const logout: CommandRunner = async (context, args) => {
  const key = authKey(args[0]);
  const display = args[0] === undefined ? key : args[0].replace(/^https?:\/\//, '').split('/')[0];
  if (!(await removeCredentials(context.env, key))) {
    await write(context.stdout, `Not logged in to ${display}\n`);
    return;
  }
  await write(context.stdout, `Removing login credentials for ${display}\n`);
};
