// `berth logs`: inspect for Tty, then stream the logs raw (tty) or demultiplexed to stdout/stderr.
import { demuxStream } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { getTimestamp } from '../options/timestamps.js';
import { ValueError } from '../options/values.js';
import type { CommandRunner } from '../spec.js';
import { write } from './shared.js';

export function timestampFlag(text: string | undefined, nowMs: number): string | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    return getTimestamp(text, nowMs);
  } catch (err) {
    if (err instanceof ValueError) throw new StatusError(1, err.message);
    throw err;
  }
}

export const logs: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  const container = await client.containers.inspect(args[0]!);
  const now = context.now();
  const { body } = await client.containers.logs(container.Id, {
    stdout: true,
    stderr: true,
    follow: flags.bool('follow'),
    timestamps: flags.bool('timestamps'),
    details: flags.bool('details'),
    tail: flags.string('tail') ?? 'all',
    since: timestampFlag(flags.string('since'), now),
    until: timestampFlag(flags.string('until'), now),
  });
  if (container.Config.Tty) {
    for await (const chunk of body) await write(context.stdout, chunk as Buffer);
  } else {
    await demuxStream(body, context.stdout, context.stderr);
  }
};
