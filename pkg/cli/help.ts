// Help and usage text in docker's layout (pure): cobra's usage template and pflag's wrapped flag
// table (sorted flags, type words, "(default …)", wrapping at the terminal width).
import type { CommandSpec, FlagSpec, GroupSpec } from './spec.js';

export const PROGRAM = 'berth';

/** pflag's wrapN: breaks at the last space before `width`, allowing `slop` overflow for the tail. */
function wrapN(width: number, slop: number, text: string): [string, string] {
  if (width + slop > text.length) return [text, ''];
  const head = text.slice(0, width);
  const space = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (space <= 0) return [text, ''];
  const newline = head.lastIndexOf('\n');
  if (newline > 0 && newline < space) return [text.slice(0, newline), text.slice(newline + 1)];
  return [text.slice(0, space), text.slice(space + 1)];
}

/** pflag's wrap: text for a column starting at `indent`, lines no wider than `columns`. */
export function wrapText(indent: number, columns: number, text: string): string {
  let start = indent;
  let available = columns - start;
  let out = '';
  if (available < 24) {
    start = 16;
    available = columns - start;
    out += `\n${' '.repeat(start)}`;
  }
  if (available < 24) return text.replaceAll('\n', out);
  const slop = 5;
  available -= slop;
  let [line, rest] = wrapN(available, slop, text);
  out += line.replaceAll('\n', `\n${' '.repeat(start)}`);
  while (rest !== '') {
    [line, rest] = wrapN(available, slop, rest);
    out += `\n${' '.repeat(start)}${line.replaceAll('\n', `\n${' '.repeat(start)}`)}`;
  }
  return out;
}

/** pflag's FlagUsagesWrapped for a flag set. */
export function flagUsages(flags: readonly FlagSpec[], columns: number): string {
  const visible = [...flags].filter((flag) => !flag.hidden).sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0));
  const lines = visible.map((flag) => {
    let head = flag.short ? `  -${flag.short}, --${flag.long}` : `      --${flag.long}`;
    if (flag.kind !== 'bool') head += ` ${flag.typeName ?? 'string'}`;
    let usage = flag.description;
    if (flag.defaultText !== undefined) usage += ` (default ${flag.defaultText})`;
    return { head, usage };
  });
  const width = Math.max(0, ...lines.map((line) => line.head.length)) + 1;
  return lines.map(({ head, usage }) => `${head} ${' '.repeat(width - head.length)} ${wrapText(width + 2, columns, usage)}`).join('\n');
}

export function useLine(spec: CommandSpec, invokedPath: readonly string[]): string {
  return `${[PROGRAM, ...invokedPath].join(' ')} ${spec.usage}`.trimEnd();
}

/** `berth run --help`: usage, description, aliases, options. */
export function commandHelp(spec: CommandSpec, invokedPath: readonly string[], flags: readonly FlagSpec[], columns: number): string {
  const aliases = [spec.path, ...(spec.aliases ?? [])].map((path) => [PROGRAM, ...path].join(' '));
  let text = `Usage:  ${useLine(spec, invokedPath)}\n\n${spec.description}\n`;
  if (aliases.length > 1) text += `\nAliases:\n  ${aliases.join(', ')}\n`;
  // Where -h means something else (run's --hostname), docker lists --help among the options.
  const shown: readonly FlagSpec[] = flags.some((flag) => flag.short === 'h') ? [...flags, { long: 'help', kind: 'bool', description: 'Print usage' }] : flags;
  const options = flagUsages(shown, columns).replace(/\s+$/, '');
  if (options !== '') text += `\nOptions:\n${options}\n`;
  return text;
}

function commandLines(entries: readonly { name: string; description: string }[], padding = 11): string {
  const width = Math.max(padding, ...entries.map((entry) => entry.name.length));
  return entries.map((entry) => `  ${entry.name.padEnd(width + 1)}${entry.description}`).join('\n');
}

/** `berth container --help`: the subcommands of a management command. */
export function groupHelp(group: GroupSpec, subcommands: readonly { name: string; description: string }[]): string {
  return `Usage:  ${PROGRAM} ${group.name} COMMAND\n\n${group.description}\n\nCommands:\n${commandLines(subcommands)}\n\nRun '${PROGRAM} ${group.name} COMMAND --help' for more information on a command.\n`;
}

export interface RootHelpInput {
  common: readonly { name: string; description: string }[];
  management: readonly { name: string; description: string }[];
  commands: readonly { name: string; description: string }[];
  globalFlags: readonly FlagSpec[];
  columns: number;
}

/** `berth --help`. */
export function rootHelp(input: RootHelpInput): string {
  return [
    `Usage:  ${PROGRAM} [OPTIONS] COMMAND\n\nA Docker-compatible container engine\n`,
    `Common Commands:\n${commandLines(input.common)}\n`,
    `Management Commands:\n${commandLines(input.management)}\n`,
    `Commands:\n${commandLines(input.commands)}\n`,
    `Global Options:\n${flagUsages(input.globalFlags, input.columns).replace(/\s+$/, '')}\n`,
    `Run '${PROGRAM} COMMAND --help' for more information on a command.\n`,
  ].join('\n');
}
