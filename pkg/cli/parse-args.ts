// Command-line parsing of one command's flags and arguments with commander, translated to pflag's
// behaviour and error texts (docker's `unknown flag: --x`, `flag needs an argument: 'm' in -m`).
import { createRequire } from 'node:module';
import type { Command as CommanderCommand, Option as CommanderOption } from 'commander';
import { FlagValueError, UsageError } from './errors.js';
import { parseBool, ValueError } from './options/values.js';
import { Flags, type CommandSpec, type FlagSpec } from './spec.js';

// commander is CommonJS; require() loads it markedly faster than an ESM import (start-up time).
const require = createRequire(import.meta.url);
let commander: typeof import('commander') | undefined;
function loadCommander(): typeof import('commander') {
  commander ??= require('commander') as typeof import('commander');
  return commander;
}

export interface ParsedCommandLine {
  flags: Flags;
  args: string[];
  help: boolean;
}

/** The flags every command accepts besides its own. */
export const HELP_FLAG: FlagSpec = { long: 'help', kind: 'bool', description: 'Print usage' };

function attributeName(flag: FlagSpec): string {
  // commander turns `--no-x` into a negation of `x`.
  const name = flag.long.startsWith('no-') ? flag.long.slice(3) : flag.long;
  return name.replace(/-([a-z0-9])/g, (_match, ch: string) => ch.toUpperCase());
}

/**
 * pflag accepts `--bool=true|false`; commander does not. Rewrites those before the first
 * argument of non-interspersed commands (after it, everything belongs to the container command).
 */
function normalizeBooleans(argv: readonly string[], spec: CommandSpec): { argv: string[]; negated: Set<string> } {
  const bools = new Map(spec.flags.filter((flag) => flag.kind === 'bool').map((flag) => [flag.long, flag]));
  const shortBools = new Map(spec.flags.filter((flag) => flag.kind === 'bool' && flag.short).map((flag) => [flag.short!, flag]));
  const valued = new Set(spec.flags.filter((flag) => flag.kind !== 'bool').flatMap((flag) => [`--${flag.long}`, ...(flag.short ? [`-${flag.short}`] : [])]));
  const out: string[] = [];
  const negated = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      out.push(...argv.slice(index));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.push(arg);
      if (spec.interspersed === false) {
        out.push(...argv.slice(index + 1));
        break;
      }
      continue;
    }
    const match = /^--([^=]+)=(.*)$/.exec(arg) ?? /^-([^-=])=(.*)$/.exec(arg);
    const flag = match ? (bools.get(match[1]!) ?? shortBools.get(match[1]!)) : undefined;
    if (match && flag) {
      let value: boolean;
      try {
        value = parseBool(match[2]!);
      } catch (err) {
        if (err instanceof ValueError) throw new FlagValueError(flag, match[2]!, err.message);
        throw err;
      }
      if (value) out.push(`--${flag.long}`);
      else negated.add(flag.long);
      continue;
    }
    out.push(arg);
    if (valued.has(arg) && index + 1 < argv.length) out.push(argv[++index]!);
  }
  return { argv: out, negated };
}

export function parseCommandLine(spec: CommandSpec, argv: readonly string[]): ParsedCommandLine {
  const { Command, Option } = loadCommander();
  const command: CommanderCommand = new Command('berth')
    .helpOption(false)
    .exitOverride()
    .showSuggestionAfterError(false)
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined })
    .allowExcessArguments(true)
    .argument('[args...]');
  if (spec.interspersed === false) command.passThroughOptions();

  const shorts = new Set(spec.flags.map((flag) => flag.short).filter((short) => short !== undefined));
  const all: FlagSpec[] = [...spec.flags, HELP_FLAG];
  if (!shorts.has('h')) all.push({ long: 'help-shorthand', short: 'h', kind: 'bool', description: '', hidden: true });
  const byAttribute = new Map<string, FlagSpec>();
  const byLong = new Map(all.map((flag) => [flag.long, flag]));
  for (const flag of all) {
    const text = `${flag.short ? `-${flag.short}, ` : ''}--${flag.long}${flag.kind === 'bool' ? '' : ' <value>'}`;
    const option: CommanderOption = new Option(text, flag.description);
    if (flag.kind === 'list') option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    const canonical = flag.aliasOf !== undefined ? byLong.get(flag.aliasOf) : undefined;
    if (canonical) {
      // Both names accumulate into the canonical flag's attribute, keeping command-line order.
      const attribute = attributeName(canonical);
      option.attributeName = () => attribute;
    } else if (flag.long.startsWith('no-') && byLong.has(flag.long.slice(3))) {
      // `--x` and `--no-x` both exist (compose's --build/--no-build): the negation keeps its own attribute.
      const attribute = flag.long.replace(/-([a-z0-9])/g, (_match, ch: string) => ch.toUpperCase());
      option.attributeName = () => attribute;
      byAttribute.set(attribute, flag);
    } else {
      byAttribute.set(attributeName(flag), flag);
    }
    command.addOption(option);
  }

  const { argv: normalized, negated } = normalizeBooleans(argv, spec);
  const hooks = command as unknown as { unknownOption(flag: string): void; optionMissingArgument(option: CommanderOption): void };
  hooks.unknownOption = (flag: string): void => {
    if (flag.startsWith('--')) throw new UsageError(`unknown flag: ${flag.split('=')[0]}`, 125);
    const letters = flag.slice(1);
    const unknown = [...letters].find((letter) => !shorts.has(letter) && letter !== 'h') ?? letters[0] ?? '';
    throw new UsageError(`unknown shorthand flag: '${unknown}' in ${flag}`, 125);
  };
  hooks.optionMissingArgument = (option: CommanderOption): void => {
    const long = option.long ?? '';
    const usedLong = normalized.some((arg) => arg === long);
    const short = option.short?.slice(1) ?? '';
    throw new UsageError(usedLong || short === '' ? `flag needs an argument: ${long}` : `flag needs an argument: '${short}' in -${short}`, 125);
  };

  try {
    command.parse(normalized, { from: 'user' });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const message = err instanceof Error ? err.message.replace(/^error: /, '') : String(err);
    throw new UsageError(message, 125);
  }

  const options = command.opts<Record<string, string | boolean | string[] | undefined>>();
  const values: Record<string, string | boolean | string[] | undefined> = {};
  const given = new Set<string>();
  for (const [attribute, flag] of byAttribute) {
    const source = command.getOptionValueSource(attribute);
    if (source !== 'cli') continue;
    given.add(flag.long);
    const value = options[attribute];
    values[flag.long] = flag.long.startsWith('no-') ? value === false : value;
  }
  for (const name of negated) {
    given.add(name);
    values[name] = false;
  }
  const help = values.help === true || values['help-shorthand'] === true;
  return { flags: new Flags(values, given), args: command.args.slice(), help };
}

/** cobra's argument-count checks (docker's cli/required.go), with their exact wording. */
export function checkArgumentCount(spec: CommandSpec, args: readonly string[], commandPath: string): void {
  const { min, max } = spec.args ?? {};
  const plural = (n: number): string => (n === 1 ? 'argument' : 'arguments');
  const count = args.length;
  if (max === 0 && count > 0) throw new UsageError(`'${commandPath}' accepts no arguments`, 1, 'Run', true);
  if (min !== undefined && max !== undefined) {
    if (count >= min && count <= max) return;
    if (min === max) throw new UsageError(`'${commandPath}' requires ${min} ${plural(min)}`, 1, 'Run', true);
    if (min === 0) throw new UsageError(`'${commandPath}' requires at most ${max} ${plural(max)}`, 1, 'SRun', true);
    throw new UsageError(`'${commandPath}' requires at least ${min} and at most ${max} ${plural(max)}`, 1, 'Run', true);
  }
  if (min !== undefined && count < min) throw new UsageError(`'${commandPath}' requires at least ${min} ${plural(min)}`, 1, 'See', true);
  if (max !== undefined && count > max) throw new UsageError(`'${commandPath}' requires at most ${max} ${plural(max)}`, 1, 'SRun', true);
}
