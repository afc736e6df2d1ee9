// Command dispatch for the CLI (effects: process I/O): resolution, parsing, help, lazy command
// loading, and the edge where errors become docker-style messages and exit codes. Loaded by
// main.ts only once a command word is present, so `berth -v` stays cheap.
import { EngineClient, resolveClientOptions, type EndpointSelection } from '../client/index.js';
import { StatusError, UsageError } from './errors.js';
import { errorText } from './error-text.js';
import { GLOBAL_FLAGS, type GlobalOptions } from './global-flags.js';
import { commandHelp, groupHelp, PROGRAM, rootHelp, useLine } from './help.js';
import type { MainOptions } from './main.js';
import { checkArgumentCount, parseCommandLine } from './parse-args.js';
import { COMMANDS, COMMON_COMMANDS, GROUPS, groupCommands, resolveCommand, topLevelCommands } from './registry.js';
import type { CommandContext, CommandIo } from './spec.js';

function terminalColumns(io: CommandIo): number {
  return (io.stdout.isTTY && io.stdout.columns ? io.stdout.columns : 80) - 1;
}

function write(stream: CommandIo['stderr'], text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The endpoint-choosing global flags, as resolveClientOptions takes them. */
function endpointSelection(global: GlobalOptions): EndpointSelection {
  return {
    host: global.hosts[0],
    tls: global.tls,
    tlsVerify: global.tlsVerify || undefined,
    tlsCaCert: global.tlsCaCert,
    tlsCert: global.tlsCert,
    tlsKey: global.tlsKey,
    context: global.context,
    configDir: global.config,
  };
}

function clientFactory(global: GlobalOptions, env: NodeJS.ProcessEnv): () => EngineClient {
  let client: EngineClient | undefined;
  return () => {
    if (client) return client;
    if (global.hosts.length > 1) throw new StatusError(1, 'Specify only one -H');
    try {
      client = new EngineClient(resolveClientOptions(endpointSelection(global), env));
    } catch (err) {
      // docker fails this way before any command runs (an unknown context, unreadable TLS files).
      const message = (err as Error).message;
      throw new StatusError(1, message.startsWith('conflicting options') ? message : `Failed to initialize: unable to resolve docker endpoint: ${message}`);
    }
    return client;
  };
}

/** Runs the command named by `words` (argv after the global flags); resolves with the exit code. */
export async function dispatch(global: GlobalOptions, words: readonly string[], options: MainOptions): Promise<number> {
  const io: CommandIo = options;
  if (words.length === 0 || (global.help && words.length === 0)) {
    const text = rootHelp({
      common: COMMON_COMMANDS.map((name) => topLevelCommands().find((entry) => entry.name === name)!).filter(Boolean),
      management: GROUPS.map((group) => ({ name: group.name, description: group.description })),
      commands: topLevelCommands().filter((entry) => !COMMON_COMMANDS.includes(entry.name)),
      globalFlags: GLOBAL_FLAGS,
      columns: terminalColumns(io),
    });
    write(global.help ? io.stdout : io.stderr, text);
    return 0;
  }

  const resolution = resolveCommand(words);
  if (resolution.kind === 'unknown') {
    const path = [PROGRAM, ...resolution.invokedPath].join(' ');
    // docker shows a usage line for unknown subcommands of a group, not for unknown top-level words.
    const usage = resolution.invokedPath.length === 0 ? '' : `\n\nUsage:  ${path}`;
    write(io.stderr, `${PROGRAM}: unknown command: ${path} ${resolution.word}${usage}\n\nRun '${path} --help' for more information`);
    return 1;
  }
  if (resolution.kind === 'group') {
    const text = groupHelp(resolution.group, groupCommands(resolution.group.name));
    // Asked for (`berth network --help`) the usage goes to stdout; a bare `berth network` prints it to stderr.
    const asked = global.help || resolution.rest.some((word) => word === '--help' || word === '-h');
    write(asked ? io.stdout : io.stderr, text);
    return 0;
  }

  const { spec, invokedPath } = resolution;
  const commandPath = [PROGRAM, ...invokedPath].join(' ');
  const usage = useLine(spec, invokedPath);
  try {
    const parsed = parseCommandLine(spec, resolution.rest);
    if (parsed.help || global.help) {
      write(io.stdout, commandHelp(spec, invokedPath, spec.flags, terminalColumns(io)));
      return 0;
    }
    checkArgumentCount(spec, parsed.args, commandPath);
    const runner = await spec.load();
    const context: CommandContext = {
      ...io,
      client: clientFactory(global, options.env),
      endpointSelection: endpointSelection(global),
      env: options.env,
      now: options.now ?? Date.now,
      commandPath,
      useLine: usage,
      process: options.process,
    };
    const code = await runner(context, parsed.args, parsed.flags);
    return code ?? 0;
  } catch (err) {
    return reportError(io, err, commandPath, usage);
  }
}

/** Prints an error the way docker's CLI does and returns the exit status. */
export function reportError(io: CommandIo, err: unknown, commandPath: string, usage: string): number {
  if (err instanceof UsageError) {
    const prefix = err.prefixed ? `${PROGRAM}: ` : '';
    write(io.stderr, `${prefix}${err.message}\n\nUsage:  ${usage}\n\n${err.verb} '${commandPath} --help' for more information`);
    return err.status;
  }
  if (err instanceof StatusError) {
    if (err.message !== '') write(io.stderr, err.message);
    return err.status === 0 ? 1 : err.status;
  }
  write(io.stderr, errorText(err));
  return 1;
}

/** Every spec, for tooling and tests (e.g. checking help renders for all commands). */
export const ALL_COMMANDS = COMMANDS;
