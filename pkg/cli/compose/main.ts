// `berth compose …` (effects: process I/O): parses the compose-level flags, resolves and parses the
// subcommand, loads its code, and turns errors into compose v2's messages and exit codes (15 for
// config errors, 14 for a missing file, 1 otherwise). Loaded only for `berth compose`.
import { EngineClient, resolveClientOptions, type EndpointSelection } from '../../client/index.js';
import { ComposeError } from '../../compose/index.js';
import { StatusError, UsageError } from '../errors.js';
import { errorText } from '../error-text.js';
import type { GlobalOptions } from '../global-flags.js';
import { commandHelp, flagUsages, PROGRAM } from '../help.js';
import type { MainOptions } from '../main.js';
import { checkArgumentCount, parseCommandLine } from '../parse-args.js';
import type { CommandContext, CommandIo, CommandSpec } from '../spec.js';
import { composeContext, composeOptions, type ComposeCommandContext } from './context.js';
import { COMPOSE_COMMANDS, COMPOSE_FLAGS } from './specs.js';

/** A compose subcommand's code: like a CommandRunner, with the compose context. */
export type ComposeRunner = (context: ComposeCommandContext, args: string[], flags: import('../spec.js').Flags) => Promise<number | void>;

const ROOT: CommandSpec = {
  path: ['compose'],
  usage: '[OPTIONS] COMMAND',
  description: 'Define and run multi-container applications with Berth',
  interspersed: false,
  flags: COMPOSE_FLAGS,
  load: () => Promise.reject(new Error('compose is a command group')),
};

function columns(io: CommandIo): number {
  return (io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 80) - 1;
}

function write(stream: CommandIo['stderr'], text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function composeHelp(width: number): string {
  const nameWidth = Math.max(...COMPOSE_COMMANDS.map((spec) => spec.path[1]!.length)) + 1;
  const commands = [...COMPOSE_COMMANDS]
    .sort((a, b) => (a.path[1]! < b.path[1]! ? -1 : 1))
    .map((spec) => `  ${spec.path[1]!.padEnd(nameWidth)}${spec.description.split('\n')[0]}`)
    .join('\n');
  return `Usage:  ${PROGRAM} compose [OPTIONS] COMMAND\n\n${ROOT.description}\n\nOptions:\n${flagUsages(COMPOSE_FLAGS, width).replace(/\s+$/, '')}\n\nCommands:\n${commands}\n\nRun '${PROGRAM} compose COMMAND --help' for more information on a command.\n`;
}

function clientFactory(global: GlobalOptions, env: NodeJS.ProcessEnv): () => EngineClient {
  let client: EngineClient | undefined;
  return () => {
    if (client !== undefined) return client;
    if (global.hosts.length > 1) throw new StatusError(1, 'Specify only one -H');
    const selection: EndpointSelection = {
      host: global.hosts[0],
      tls: global.tls,
      tlsVerify: global.tlsVerify || undefined,
      tlsCaCert: global.tlsCaCert,
      tlsCert: global.tlsCert,
      tlsKey: global.tlsKey,
      context: global.context,
      configDir: global.config,
    };
    try {
      client = new EngineClient(resolveClientOptions(selection, env));
    } catch (err) {
      throw new StatusError(1, `Failed to initialize: unable to resolve docker endpoint: ${(err as Error).message}`);
    }
    return client;
  };
}

/** Runs `berth compose <argv>`; resolves with the exit code. */
export async function composeMain(global: GlobalOptions, argv: readonly string[], options: MainOptions): Promise<number> {
  const io: CommandIo = options;
  let commandPath = `${PROGRAM} compose`;
  let usage = `${commandPath} [OPTIONS] COMMAND`;
  try {
    const root = parseCommandLine(ROOT, argv);
    const [name, ...rest] = root.args;
    if (name === undefined || root.help || global.help) {
      write(io.stdout, composeHelp(columns(io)));
      return 0;
    }
    const spec = COMPOSE_COMMANDS.find((candidate) => candidate.path[1] === name);
    if (spec === undefined) {
      write(io.stderr, `unknown docker command: "compose ${name}"\n\nRun '${commandPath} --help' for more information`);
      return 1;
    }
    commandPath = `${PROGRAM} compose ${name}`;
    usage = `${commandPath} ${spec.usage}`;
    const parsed = parseCommandLine(spec, rest);
    if (parsed.help) {
      write(io.stdout, commandHelp(spec, ['compose', name], spec.flags, columns(io)));
      return 0;
    }
    checkArgumentCount(spec, parsed.args, commandPath);
    const compose = composeOptions(root.flags, options.env);
    const base: CommandContext = {
      ...io,
      client: clientFactory(global, options.env),
      env: options.env,
      now: options.now ?? Date.now,
      commandPath,
      useLine: usage,
      process: options.process,
    };
    const runner = (await spec.load()) as unknown as ComposeRunner;
    const code = await runner(composeContext(base, compose, process.cwd()), parsed.args, parsed.flags);
    return code ?? 0;
  } catch (err) {
    return reportComposeError(io, err, commandPath, usage);
  }
}

/** Prints an error as docker compose does and returns its exit code. */
export function reportComposeError(io: CommandIo, err: unknown, commandPath: string, usage: string): number {
  if (err instanceof UsageError) {
    write(io.stderr, `${err.message}\n\nUsage:  ${usage}\n\n${err.verb} '${commandPath} --help' for more information`);
    return err.status;
  }
  if (err instanceof StatusError) {
    if (err.message !== '') write(io.stderr, err.message);
    return err.status === 0 ? 1 : err.status;
  }
  if (err instanceof ComposeError) {
    write(io.stderr, err.message);
    return err.exitCode;
  }
  write(io.stderr, errorText(err));
  return 1;
}
