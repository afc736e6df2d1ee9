// `berth build` / `berth image build`: the legacy builder's client side, as the docker CLI runs it
// with DOCKER_BUILDKIT=0: the context tarred with .dockerignore applied, "Sending build context…",
// the daemon's step output as it streams, -q printing only the image id.
import { writeFile } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { createBuildContext, dockerfileOnlyContext, throwIfJsonMessageError, JsonMessageError, type BuildContextTar, type JsonMessage } from '../../client/index.js';
import { StatusError, UsageError } from '../errors.js';
import { renderJsonMessage } from '../format/json-messages.js';
import type { CommandContext, CommandRunner, Flags } from '../spec.js';
import { write } from './shared.js';

/** docker's units.HumanSizeWithPrecision(size, 4): decimal units, 4 significant digits. */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${units[unit]}`;
}

/** `--build-arg K=V` or `--build-arg K` (the value then comes from the environment, or stays unset). */
export function parseBuildArgs(values: readonly string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  const args: Record<string, string | null> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid argument "${value}" for "--build-arg" flag: invalid key-value pair`, 125);
    if (eq > 0) args[value.slice(0, eq)] = value.slice(eq + 1);
    else args[value] = env[value] ?? null;
  }
  return args;
}

export function parseLabels(values: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 0) labels[value] = '';
    else labels[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return labels;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function looksLikeArchive(head: Buffer): boolean {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return true;
  return head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

/** The context to send: a directory, or stdin (a tar, or a lone Dockerfile) for "-". */
async function prepareContext(context: CommandContext, path: string, flags: Flags): Promise<BuildContextTar> {
  const file = flags.string('file');
  if (path === '-') {
    if (file === '-') throw new StatusError(1, 'invalid argument: can\'t use stdin for both build context and dockerfile');
    const body = await readAll(context.stdin);
    if (looksLikeArchive(body)) return { stream: Readable.from([body]), dockerfile: file ?? 'Dockerfile' };
    return dockerfileOnlyContext(body.toString('utf8'));
  }
  if (file === '-') return createBuildContext(path, { dockerfileText: (await readAll(context.stdin)).toString('utf8') });
  return createBuildContext(path, { dockerfile: file });
}

export const build: CommandRunner = async (context, args, flags) => {
  const quiet = flags.bool('quiet');
  const prepared = await prepareContext(context, args[0]!, flags).catch((err: unknown) => {
    throw new StatusError(1, err instanceof Error ? err.message : String(err));
  });
  let sent = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      callback(null, chunk);
    },
  });
  prepared.stream.on('error', (err) => counted.destroy(err));
  prepared.stream.pipe(counted);
  let announced = false;
  const announce = async (): Promise<void> => {
    if (announced || quiet) return;
    announced = true;
    await write(context.stdout, `Sending build context to Docker daemon  ${humanSize(sent)}\n`);
  };
  const messages = context.client().images.build(counted, {
    dockerfile: prepared.dockerfile,
    tags: flags.list('tag'),
    buildArgs: parseBuildArgs(flags.list('build-arg'), context.env),
    labels: parseLabels(flags.list('label')),
    target: flags.string('target'),
    noCache: flags.bool('no-cache'),
    quiet,
    remove: flags.changed('rm') ? flags.bool('rm') : true,
    forceRemove: flags.bool('force-rm'),
    pull: flags.bool('pull'),
    networkMode: flags.string('network'),
    platform: flags.string('platform'),
  });
  const terminal = context.stdout.isTTY === true;
  let imageId = '';
  try {
    for await (const message of messages as AsyncIterable<JsonMessage>) {
      await announce();
      throwIfJsonMessageError(message);
      const aux = message.aux as { ID?: string } | undefined;
      if (aux?.ID) {
        imageId = aux.ID;
        continue;
      }
      if (quiet) {
        if (message.stream) imageId = message.stream.trim();
        continue;
      }
      const text = renderJsonMessage(message, terminal);
      if (text !== '') await write(context.stdout, text);
    }
  } catch (err) {
    await announce();
    if (err instanceof JsonMessageError) throw new StatusError(err.errorCode || 1, err.message);
    throw err;
  }
  if (quiet && imageId !== '') await write(context.stdout, `${imageId}\n`);
  const iidfile = flags.string('iidfile');
  if (iidfile) await writeFile(iidfile, imageId);
};
