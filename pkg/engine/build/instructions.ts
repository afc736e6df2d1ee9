// Parsed Dockerfile lines → typed instructions grouped into stages (pure): argument forms (JSON or
// shell, key=value lists, flags), per-instruction validation with docker's messages and line
// numbers. Variable substitution happens later, at dispatch, when the environment is known.
import type { HealthConfig } from '../image/index.js';
import {
  DockerfileParseError,
  chompHeredoc,
  parseDockerfile,
  parseJsonArray,
  splitInstruction,
  splitKeepingQuotes,
  type DockerfileNode,
  type EscapeChar,
  type Heredoc,
} from './parser.js';

/** RUN/CMD/ENTRYPOINT argument: the JSON (exec) form as is, or the shell form as one string. */
export interface CommandLine {
  args: string[];
  /** Shell form: the current SHELL is put in front. */
  prependShell: boolean;
}

/** A COPY/ADD source given as a heredoc: a file made from the text. */
export interface InlineSource {
  name: string;
  content: string;
  expand: boolean;
}

interface Located {
  /** 1-based line of the instruction's first line. */
  line: number;
  /** The instruction as written (continuations joined), for "Step" lines. */
  original: string;
}

export type FromInstruction = Located & { kind: 'FROM'; image: string; stageName?: string; platform?: string };
export type ArgInstruction = Located & { kind: 'ARG'; args: { name: string; value?: string }[] };
export type CopyInstruction = Located & {
  kind: 'COPY' | 'ADD';
  sources: string[];
  inline: InlineSource[];
  dest: string;
  from?: string;
  chown?: string;
  chmod?: string;
};

export type Instruction =
  | FromInstruction
  | ArgInstruction
  | CopyInstruction
  | (Located & { kind: 'RUN'; command: CommandLine; heredocs: Heredoc[] })
  | (Located & { kind: 'CMD' | 'ENTRYPOINT'; command: CommandLine })
  | (Located & { kind: 'ENV' | 'LABEL'; pairs: [string, string][]; /** --label values are taken literally. */ noExpand?: boolean })
  | (Located & { kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL' | 'MAINTAINER'; value: string })
  | (Located & { kind: 'EXPOSE'; ports: string[] })
  | (Located & { kind: 'VOLUME'; volumes: string[] })
  | (Located & { kind: 'HEALTHCHECK'; health: HealthConfig })
  | (Located & { kind: 'SHELL'; shell: string[] })
  | (Located & { kind: 'ONBUILD'; expression: string });

export type InstructionKind = Instruction['kind'];

export interface Stage {
  /** Position among the stages, 0-based (COPY --from=0). */
  index: number;
  /** Lower-case `AS` name, if any. */
  name?: string;
  from: FromInstruction;
  commands: Instruction[];
}

export interface Dockerfile {
  escapeChar: EscapeChar;
  /** ARG lines before the first FROM. */
  metaArgs: ArgInstruction[];
  stages: Stage[];
  warnings: string[];
}

const BUILDKIT_ONLY = 'requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled';

/** Flags each instruction accepts (value flags; `link` is boolean). */
const ALLOWED_FLAGS: Record<string, readonly string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  RUN: ['mount', 'network', 'security'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/;

function fail(node: { startLine: number }, message: string): never {
  throw new DockerfileParseError(node.startLine, message);
}

/** `name=value` flags → map; refuses flags the instruction does not take and repeated ones. */
function parseFlags(node: DockerfileNode): Map<string, string> {
  const allowed = ALLOWED_FLAGS[node.keyword] ?? [];
  const flags = new Map<string, string>();
  for (const flag of node.flags) {
    const eq = flag.indexOf('=');
    const name = (eq < 0 ? flag : flag.slice(0, eq)).toLowerCase();
    const value = eq < 0 ? '' : flag.slice(eq + 1);
    if (!allowed.includes(name)) fail(node, `unknown flag: ${name}`);
    if (flags.has(name) && name !== 'exclude') fail(node, `Duplicate flag specified: ${name}`);
    if (eq < 0 && name !== 'link') fail(node, `missing a value on flag: ${name}`);
    flags.set(name, value);
  }
  return flags;
}

function commandLine(rest: string): CommandLine {
  const json = parseJsonArray(rest);
  return json !== undefined ? { args: json, prependShell: false } : { args: [rest], prependShell: true };
}

/** Go's time.ParseDuration for the units HEALTHCHECK flags use; nanoseconds. */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  let sign = 1;
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text.startsWith('-') ? -1 : 1;
    pos = 1;
  }
  if (pos === text.length) throw new Error(`time: invalid duration "${text}"`);
  while (pos < text.length) {
    part.lastIndex = pos;
    const match = part.exec(text);
    if (match === null) throw new Error(`time: invalid duration "${text}"`);
    total += Number(match[1]) * units[match[2]];
    pos = part.lastIndex;
  }
  return Math.round(sign * total);
}

function healthcheck(node: DockerfileNode, flags: Map<string, string>): HealthConfig {
  const rest = node.rest;
  const space = rest.search(/\s/);
  const type = (space < 0 ? rest : rest.slice(0, space)).toUpperCase();
  const args = space < 0 ? '' : rest.slice(space + 1).trim();
  if (type === '') fail(node, 'HEALTHCHECK requires at least one argument');
  if (type === 'NONE') {
    if (args !== '') fail(node, 'HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (type !== 'CMD') fail(node, `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
  if (args === '') fail(node, 'Missing command after HEALTHCHECK CMD');
  const json = parseJsonArray(args);
  const health: HealthConfig = { Test: json !== undefined ? ['CMD', ...json] : ['CMD-SHELL', args] };
  const interval = (name: string): number => {
    const text = flags.get(name);
    if (text === undefined || text === '') return 0;
    let value: number;
    try {
      value = parseDuration(text);
    } catch (err) {
      return fail(node, (err as Error).message);
    }
    if (value !== 0 && value < 1e6) fail(node, `Interval "${name}" cannot be less than 1ms`);
    return value;
  };
  health.Interval = interval('interval');
  health.Timeout = interval('timeout');
  health.StartPeriod = interval('start-period');
  health.StartInterval = interval('start-interval');
  const retries = flags.get('retries');
  if (retries !== undefined && retries !== '') {
    if (!/^-?\d+$/.test(retries)) fail(node, `strconv.ParseInt: parsing "${retries}": invalid syntax`);
    if (Number(retries) < 0) fail(node, `--retries cannot be negative (${retries})`);
    health.Retries = Number(retries);
  } else health.Retries = 0;
  return health;
}

/** ENV/LABEL: `key=value ...` or the legacy `key value with spaces`. Keys and values stay raw. */
function keyValues(node: DockerfileNode, escape: EscapeChar): [string, string][] {
  const words = splitKeepingQuotes(node.rest, escape);
  if (words.length === 0) fail(node, `${node.keyword} requires at least one argument`);
  if (!words[0].includes('=')) {
    const parts = node.rest.split(/\s+/);
    if (parts.length < 2) fail(node, `${node.keyword} must have two arguments`);
    return [[parts[0], node.rest.slice(parts[0].length).trim()]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq < 0) fail(node, `Syntax error - can't find = in "${word}". Must be of the form: name=value`);
    if (eq === 0) fail(node, `${node.keyword} names can not be blank`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

function copyInstruction(node: DockerfileNode, flags: Map<string, string>, located: Located): CopyInstruction {
  const kind = node.keyword as 'COPY' | 'ADD';
  for (const flag of ['parents', 'exclude', 'keep-git-dir']) if (flags.has(flag)) fail(node, `the --${flag} option ${BUILDKIT_ONLY}`);
  const json = parseJsonArray(node.rest);
  const words = json ?? node.rest.split(/\s+/).filter((word) => word !== '');
  if (words.length < 2) fail(node, `${kind} requires at least two arguments, but only one was provided. Destination could not be determined.`);
  const dest = words[words.length - 1];
  const sources: string[] = [];
  const inline: InlineSource[] = [];
  const heredocs = [...node.heredocs];
  for (const word of words.slice(0, -1)) {
    const heredoc = json === undefined && /^\d*<<-?/.test(word) ? heredocs.shift() : undefined;
    if (heredoc !== undefined) {
      inline.push({ name: heredoc.name, content: heredoc.chomp ? chompHeredoc(heredoc.content) : heredoc.content, expand: heredoc.expand });
    } else sources.push(word);
  }
  if (flags.has('checksum') && sources.some((source) => !/^https?:\/\//.test(source))) {
    fail(node, "checksum can't be specified for non-HTTP(S) sources");
  }
  const copy: CopyInstruction = { ...located, kind, sources, inline, dest };
  if (flags.has('from')) {
    if (kind === 'ADD') fail(node, 'unknown flag: from');
    copy.from = flags.get('from');
  }
  if (flags.get('chown')) copy.chown = flags.get('chown');
  if (flags.get('chmod')) copy.chmod = flags.get('chmod');
  return copy;
}

/** One parsed line → its instruction; throws DockerfileParseError with the line number. */
export function toInstruction(node: DockerfileNode, escape: EscapeChar): Instruction {
  const located: Located = { line: node.startLine, original: node.original };
  const flags = parseFlags(node);
  const rest = node.rest;
  const needsArgument = (): void => {
    if (rest === '' && node.heredocs.length === 0) fail(node, `${node.keyword} requires at least one argument`);
  };
  switch (node.keyword) {
    case 'FROM': {
      const words = rest.split(/\s+/).filter((word) => word !== '');
      if (words.length !== 1 && !(words.length === 3 && words[1].toLowerCase() === 'as')) fail(node, 'FROM requires either one or three arguments');
      const from: FromInstruction = { ...located, kind: 'FROM', image: words[0] };
      if (words.length === 3) {
        const name = words[2].toLowerCase();
        if (!STAGE_NAME.test(name)) fail(node, `invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
        from.stageName = name;
      }
      if (flags.get('platform')) from.platform = flags.get('platform');
      return from;
    }
    case 'RUN': {
      needsArgument();
      for (const flag of ['mount', 'network', 'security']) if (flags.has(flag)) fail(node, `the --${flag} option ${BUILDKIT_ONLY}`);
      return { ...located, kind: 'RUN', command: commandLine(rest), heredocs: node.heredocs };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      return { ...located, kind: node.keyword, command: commandLine(rest) };
    case 'COPY':
    case 'ADD':
      return copyInstruction(node, flags, located);
    case 'ENV':
    case 'LABEL':
      return { ...located, kind: node.keyword, pairs: keyValues(node, escape) };
    case 'ARG': {
      const words = splitKeepingQuotes(rest, escape);
      if (words.length === 0) fail(node, 'ARG requires at least one argument');
      return {
        ...located,
        kind: 'ARG',
        args: words.map((word) => {
          const eq = word.indexOf('=');
          if (eq === 0) fail(node, 'ARG names can not be blank');
          return eq < 0 ? { name: word } : { name: word.slice(0, eq), value: word.slice(eq + 1) };
        }),
      };
    }
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      if (rest === '') fail(node, `${node.keyword} requires exactly one argument`);
      if (node.keyword === 'STOPSIGNAL' && /\s/.test(rest)) fail(node, 'STOPSIGNAL requires exactly one argument');
      return { ...located, kind: node.keyword, value: rest };
    case 'EXPOSE':
      needsArgument();
      return { ...located, kind: 'EXPOSE', ports: rest.split(/\s+/) };
    case 'VOLUME': {
      needsArgument();
      const json = parseJsonArray(rest);
      const volumes = json ?? rest.split(/\s+/);
      if (volumes.length === 0 || volumes.some((volume) => volume.trim() === '')) fail(node, 'VOLUME specified can not be an empty string');
      return { ...located, kind: 'VOLUME', volumes };
    }
    case 'HEALTHCHECK':
      return { ...located, kind: 'HEALTHCHECK', health: healthcheck(node, flags) };
    case 'SHELL': {
      const json = parseJsonArray(rest);
      if (json === undefined || json.length === 0) fail(node, 'SHELL requires the arguments to be in JSON form');
      return { ...located, kind: 'SHELL', shell: json };
    }
    case 'ONBUILD': {
      needsArgument();
      const inner = splitInstruction(rest);
      if (inner.keyword === 'ONBUILD') fail(node, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (inner.keyword === 'FROM' || inner.keyword === 'MAINTAINER') fail(node, `${inner.keyword} isn't allowed as an ONBUILD trigger`);
      // The trigger must itself be a valid instruction now, not only when a child image uses it.
      toInstruction({ ...node, keyword: inner.keyword, flags: inner.flags, rest: inner.rest }, escape);
      let expression = node.original.replace(/^\s*ONBUILD\s*/i, '');
      for (const heredoc of node.heredocs) expression += `\n${heredoc.content}${heredoc.name}`;
      return { ...located, kind: 'ONBUILD', expression };
    }
    default:
      return fail(node, `unknown instruction: ${node.keyword}`);
  }
}

/** Parses a Dockerfile into global ARGs and stages. */
export function parseStages(text: string): Dockerfile {
  const parsed = parseDockerfile(text);
  const metaArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  const names = new Set<string>();
  for (const node of parsed.nodes) {
    const instruction = toInstruction(node, parsed.escapeChar);
    if (instruction.kind === 'FROM') {
      if (instruction.stageName !== undefined) {
        if (names.has(instruction.stageName)) fail(node, `duplicate name ${instruction.stageName}`);
        names.add(instruction.stageName);
      }
      stages.push({ index: stages.length, name: instruction.stageName, from: instruction, commands: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (stage === undefined) {
      if (instruction.kind === 'ARG') {
        metaArgs.push(instruction);
        continue;
      }
      fail(node, 'no build stage in current context');
    }
    stage.commands.push(instruction);
  }
  if (stages.length === 0) throw new DockerfileParseError(parsed.nodes[parsed.nodes.length - 1].endLine, 'no build stage in current context');
  return { escapeChar: parsed.escapeChar, metaArgs, stages, warnings: parsed.warnings };
}

/** An ONBUILD trigger text → its instruction (parsed as a one-line Dockerfile). */
export function parseTrigger(expression: string, escape: EscapeChar = '\\'): Instruction {
  const parsed = parseDockerfile(expression);
  if (parsed.nodes.length !== 1) throw new DockerfileParseError(1, 'onbuild trigger should be a single expression');
  return toInstruction(parsed.nodes[0], escape);
}
