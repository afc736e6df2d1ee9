// Declarative command and flag specs (pure): what the parser, the help renderer and the lazy
// command loader share. Specs are plain data so `berth --help` never loads command code.
import type { Readable, Writable } from 'node:stream';
import type { EndpointSelection, EngineClient } from '../client/index.js';

export type FlagKind = 'bool' | 'value' | 'list';

export interface FlagSpec {
  /** Long name without dashes (`memory`). */
  long: string;
  /** One-letter shorthand without dash (`m`). */
  short?: string;
  kind: FlagKind;
  /** Type word shown in help (`string`, `list`, `bytes`, `int`, `decimal`, `filter`, …). */
  typeName?: string;
  description: string;
  /** Help suffix `(default …)`, already formatted the way pflag prints it (e.g. `"all"`, `-1`). */
  defaultText?: string;
  hidden?: boolean;
  /**
   * Another name for the flag `aliasOf` (docker's `--net` for `--network`): values given under
   * either name land, in command-line order, under the canonical name.
   */
  aliasOf?: string;
}

export type CommandGroup = 'common' | 'management' | 'commands' | 'swarm';

export interface CommandSpec {
  /** Canonical path below the program (`['container', 'run']`). */
  path: readonly string[];
  /** Other paths that run the same command (`[['run']]`, `[['container', 'ls'], ['ps']]`). */
  aliases?: readonly (readonly string[])[];
  /** Text after the command path in the usage line (`[OPTIONS] IMAGE [COMMAND] [ARG...]`). */
  usage: string;
  description: string;
  /** The one-line description in command lists, when the help text says more (docker's Short vs Long). */
  summary?: string;
  args?: { min?: number; max?: number };
  /** False stops flag parsing at the first argument (run, exec, create). */
  interspersed?: boolean;
  flags: readonly FlagSpec[];
  /** Loads the command's code on demand (keeps start-up lean). */
  load: () => Promise<CommandRunner>;
}

/** A management command (`container`, `image`, `system`): a group of subcommands. */
export interface GroupSpec {
  name: string;
  description: string;
  group: CommandGroup;
}

/** Parsed flag values with typed access. */
export class Flags {
  constructor(
    private readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>,
    private readonly given: ReadonlySet<string>,
  ) {}

  bool(name: string): boolean {
    return this.values[name] === true;
  }
  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }
  list(name: string): string[] {
    const value = this.values[name];
    return Array.isArray(value) ? value : [];
  }
  /** True if the flag appeared on the command line (pflag's Changed). */
  changed(name: string): boolean {
    return this.given.has(name);
  }
}

export interface CommandIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown; fd?: number };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
}

export interface CommandContext extends CommandIo {
  /** The engine client, created on first use (so `--help` and flag errors never connect). */
  client(): EngineClient;
  /** The global flags that choose the endpoint (-H, --tls…, --context, --config), for `context` commands. */
  endpointSelection?: EndpointSelection;
  env: NodeJS.ProcessEnv;
  now(): number;
  /** How the user invoked the command, for messages: `berth run`, `berth container ls`. */
  commandPath: string;
  /** The usage line: `berth run [OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  useLine: string;
  /** Process-level signals (the run/attach commands forward them to containers). */
  process: Pick<NodeJS.Process, 'on' | 'off' | 'kill' | 'pid'>;
}

/** Runs a command; resolves with the exit code (default 0). */
export type CommandRunner = (context: CommandContext, args: string[], flags: Flags) => Promise<number | void>;
