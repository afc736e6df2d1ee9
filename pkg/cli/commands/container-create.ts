// The create step shared by `run` and `create` (effects: daemon, cidfile): flags → request, pull
// on a missing image, warnings, and the container ID file — docker's createContainer.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { throwIfJsonMessageError } from '../../client/index.js';
import { isNotFound } from '../../errdefs/index.js';
import { StatusError } from '../errors.js';
import { renderJsonMessage } from '../format/json-messages.js';
import { DEFAULT_TAG, normalizedName, parseReference } from '../format/reference.js';
import { buildContainerCreate, ContainerConfigError, type ContainerCreatePlan } from '../options/container-config.js';
import type { CommandContext, Flags } from '../spec.js';
import { terminalSize } from './terminal.js';

/** docker's `withHelp`: "berth: <msg>\n\nRun 'berth run --help' for more information". */
export function withHelp(context: CommandContext, message: string): string {
  return `berth: ${message}\n\nRun '${context.commandPath} --help' for more information`;
}

/** Parses the create flags; semantic errors become docker's 125 "berth: …" errors. */
export function planCreate(context: CommandContext, args: readonly string[], flags: Flags): ContainerCreatePlan {
  try {
    return buildContainerCreate({
      image: args[0]!,
      command: args.slice(1),
      flags,
      env: context.env,
      readFile: (path) => readFileSync(path),
      cwd: process.cwd(),
      consoleSize: terminalSize(context),
    });
  } catch (err) {
    if (err instanceof ContainerConfigError) throw new StatusError(125, withHelp(context, err.message));
    throw err;
  }
}

/** Pulls `image` (tag default `latest`), printing progress to stderr unless quiet. */
export async function pullImage(context: CommandContext, image: string, quiet: boolean): Promise<void> {
  const reference = parseReference(image);
  const name = image.slice(0, image.length - (reference?.tag !== undefined ? reference.tag.length + 1 : 0));
  const messages = context.client().images.pull(normalizedName(name.split('@')[0]!), { tag: reference?.digest ?? reference?.tag ?? DEFAULT_TAG });
  const terminal = context.stderr.isTTY === true;
  for await (const message of messages) {
    throwIfJsonMessageError(message);
    if (!quiet) context.stderr.write(renderJsonMessage(message, terminal));
  }
}

class ContainerIdFile {
  private fd: number | undefined;
  private written = false;

  constructor(private readonly path: string | undefined) {
    if (!path) return;
    if (existsSync(path)) throw new Error(`container ID file found, make sure the other container isn't running or delete ${path}`);
    this.fd = openSync(path, 'wx', 0o644);
  }
  write(id: string): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, id);
    this.written = true;
  }
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    if (!this.written && this.path) rmSync(this.path, { force: true });
  }
}

/** Creates the container, pulling the image first if it is missing; returns the new ID. */
export async function createContainer(context: CommandContext, plan: ContainerCreatePlan, options: { quiet: boolean }): Promise<string> {
  const client = context.client();
  const host = plan.body.HostConfig!;
  if (host.OomKillDisable && !host.Memory) {
    context.stderr.write("WARNING: Disabling the OOM killer on containers without setting a '-m/--memory' limit may be dangerous.\n");
  }
  if (plan.platform) context.stderr.write(`WARNING: --platform ${JSON.stringify(plan.platform)} is ignored: berth runs images for its own platform\n`);
  const idFile = new ContainerIdFile(plan.cidFile);
  try {
    const image = plan.body.Image!;
    const reference = parseReference(image);
    const familiar = reference ? `${reference.name}${reference.digest ? `@${reference.digest}` : `:${reference.tag ?? DEFAULT_TAG}`}` : image;
    if (plan.pull === 'always') await pullImage(context, image, options.quiet);
    let created;
    try {
      created = await client.containers.create(plan.body, { name: plan.name });
    } catch (err) {
      if (!isNotFound(err) || !reference || plan.pull !== 'missing' || !/No such image/i.test((err as Error).message)) throw err;
      if (!options.quiet) context.stderr.write(`Unable to find image '${familiar}' locally\n`);
      await pullImage(context, image, options.quiet);
      created = await client.containers.create(plan.body, { name: plan.name });
    }
    const warnings = [...(created.Warnings ?? [])];
    // docker's client-side check: a loopback resolver is the host's, unreachable from the container.
    const loopbackDns = (host.Dns ?? []).find((address) => /^127\./.test(address) || address === '::1');
    if (loopbackDns !== undefined) warnings.push(`Localhost DNS (${loopbackDns}) may fail in containers.`);
    for (const warning of warnings) context.stderr.write(`WARNING: ${warning}\n`);
    idFile.write(created.Id);
    return created.Id;
  } finally {
    idFile.close();
  }
}
