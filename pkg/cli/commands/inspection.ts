// Small read-only container commands: top, port, diff, export.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { StatusError } from '../errors.js';
import { tabwrite } from '../format/tabwriter.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { write } from './shared.js';

export const top: CommandRunner = async (context, args) => {
  const [container, ...psArgs] = args as [string, ...string[]];
  const result = await context.client().containers.top(container, { psArgs: psArgs.join(' ') });
  let text = `${result.Titles.join('\t')}\n`;
  for (const process of result.Processes) text += `${process.join('\t')}\n`;
  // docker's top uses a 20-column minimum, unlike the formatter tables.
  await write(context.stdout, tabwrite(text, { minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ' }));
};

/** Natural order ("80/tcp" before "443/tcp"): digit runs compare as numbers. */
export function naturalLess(a: string, b: string): number {
  const chunks = (text: string): (string | number)[] => text.split(/(\d+)/).filter((part) => part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const left = chunks(a);
  const right = chunks(b);
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index]!;
    const y = right[index]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return left.length - right.length;
}

const joinHostPort = (host: string, port: string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const port: CommandRunner = async (context, args) => {
  const [name, requested] = args as [string, string | undefined];
  const container = await context.client().containers.inspect(name);
  const ports = container.NetworkSettings.Ports ?? {};
  const out: string[] = [];
  if (requested !== undefined) {
    const slash = requested.indexOf('/');
    const portText = slash === -1 ? requested : requested.slice(0, slash);
    const protocol = (slash === -1 ? '' : requested.slice(slash + 1)) || 'tcp';
    if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
      throw new StatusError(1, `Error: invalid port (${portText}): strconv.ParseUint: parsing ${JSON.stringify(portText)}: ${/^\d+$/.test(portText) ? 'value out of range' : 'invalid syntax'}`);
    }
    const frontends = ports[`${portText}/${protocol}`];
    if (!frontends || frontends.length === 0) throw new StatusError(1, `Error: No public port '${requested}' published for ${name}`);
    for (const frontend of frontends) out.push(joinHostPort(frontend.HostIp ?? '', frontend.HostPort ?? ''));
  } else {
    for (const [from, frontends] of Object.entries(ports)) {
      for (const frontend of frontends ?? []) out.push(`${from} -> ${joinHostPort(frontend.HostIp ?? '', frontend.HostPort ?? '')}`);
    }
  }
  if (out.length > 0) await write(context.stdout, `${out.sort(naturalLess).join('\n')}\n`);
};

export const diff: CommandRunner = async (context, args) => {
  const changes = await context.client().containers.changes(args[0]!);
  const kinds = ['C', 'A', 'D'];
  let text = '';
  for (const change of changes ?? []) text += `${kinds[change.Kind] ?? '?'} ${change.Path}\n`;
  await write(context.stdout, text);
};

/** Refuses to dump a tar into a terminal, as docker does without -o. */
export function refuseTerminal(context: CommandContext, output: string | undefined): void {
  if (!output && context.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
}

export const exportContainer: CommandRunner = async (context, args, flags) => {
  const output = flags.string('output');
  refuseTerminal(context, output);
  const body = await context.client().containers.export(args[0]!);
  if (output) await pipeline(body, createWriteStream(output));
  else await pipeline(body, context.stdout, { end: false });
};
