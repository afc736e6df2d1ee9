// `docker import --change` / commit changes: Dockerfile-like instruction lines applied to an image's
// container defaults (CMD ENTRYPOINT ENV EXPOSE HEALTHCHECK LABEL ONBUILD STOPSIGNAL USER VOLUME
// WORKDIR), with dockerd's error texts. Pure.
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { ContainerDefaults, HealthConfig } from './image-config.js';

const VALID = new Set(['cmd', 'entrypoint', 'env', 'expose', 'healthcheck', 'label', 'onbuild', 'stopsignal', 'user', 'volume', 'workdir']);

/** Splits words like the Dockerfile shell lexer: whitespace separates, quotes group, backslash escapes. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new InvalidArgumentError(`unexpected end of statement while looking for matching ${quote}`);
  if (inWord) words.push(current);
  return words;
}

/** JSON-array form (`["sh","-c","x"]`) or shell form (`/bin/sh -c "<text>"`). */
function commandForm(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed as string[];
    } catch {
      // not JSON: shell form, like the Dockerfile parser falls back
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

function keyValuePairs(instruction: string, args: string): [string, string][] {
  const words = splitWords(args);
  if (words.length === 0) throw new InvalidArgumentError(`${instruction} requires at least one argument`);
  if (!words[0].includes('=')) {
    // legacy "ENV key value with spaces"
    const space = args.trim().search(/\s/);
    if (space < 0) throw new InvalidArgumentError(`${instruction} names can not be blank`);
    const rest = args.trim().slice(space).trim();
    return [[words[0], splitWords(rest).join(' ')]];
  }
  return words.map((word) => {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`Syntax error - can't find = in "${word}". Must be of the form: name=value`);
    return [word.slice(0, eq), word.slice(eq + 1)];
  });
}

function parseDuration(value: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(value);
  const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  if (match === null) throw new InvalidArgumentError(`time: invalid duration "${value}" for --${flag}`);
  return Math.round(Number(match[1]) * units[match[2]]);
}

function healthcheck(args: string): HealthConfig {
  const words = splitWords(args);
  const health: HealthConfig = {};
  while (words.length > 0 && words[0].startsWith('--')) {
    const flag = words.shift() as string;
    const [name, value = ''] = flag.slice(2).split(/=(.*)/s);
    if (name === 'interval') health.Interval = parseDuration(value, name);
    else if (name === 'timeout') health.Timeout = parseDuration(value, name);
    else if (name === 'start-period') health.StartPeriod = parseDuration(value, name);
    else if (name === 'start-interval') health.StartInterval = parseDuration(value, name);
    else if (name === 'retries') health.Retries = Number.parseInt(value, 10);
    else throw new InvalidArgumentError(`unknown flag: ${name}`);
  }
  const kind = (words[0] ?? '').toUpperCase();
  if (kind === 'NONE') return { Test: ['NONE'] };
  if (kind !== 'CMD') throw new InvalidArgumentError(`Unknown type "${kind}" in HEALTHCHECK (try CMD)`);
  const rest = args.slice(args.search(/CMD/i) + 3);
  const command = commandForm(rest);
  health.Test = rest.trim().startsWith('[') && command[0] !== '/bin/sh' ? ['CMD', ...command] : ['CMD-SHELL', rest.trim()];
  return health;
}

/** Applies change lines to a copy of `base` and returns it. Throws InvalidArgumentError like dockerd. */
export function applyChanges(base: ContainerDefaults, changes: readonly string[]): ContainerDefaults {
  const config: ContainerDefaults = structuredClone(base);
  let cmdSet = false;
  const lines = changes.flatMap((change) => change.split('\n')).filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  for (const line of lines) {
    const trimmed = line.trim();
    const space = trimmed.search(/\s/);
    const keyword = (space < 0 ? trimmed : trimmed.slice(0, space)).toLowerCase();
    const args = space < 0 ? '' : trimmed.slice(space + 1).trim();
    if (!VALID.has(keyword)) throw new InvalidArgumentError(`${keyword} is not a valid change command`);
    switch (keyword) {
      case 'cmd':
        config.Cmd = commandForm(args);
        cmdSet = true;
        break;
      case 'entrypoint':
        config.Entrypoint = args === '' ? null : commandForm(args);
        if (!cmdSet) config.Cmd = null;
        break;
      case 'env': {
        const env = [...(config.Env ?? [])];
        for (const [key, value] of keyValuePairs('ENV', args)) {
          const index = env.findIndex((item) => item.split('=')[0] === key);
          if (index >= 0) env[index] = `${key}=${value}`;
          else env.push(`${key}=${value}`);
        }
        config.Env = env;
        break;
      }
      case 'label':
        config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(keyValuePairs('LABEL', args)) };
        break;
      case 'expose': {
        const ports = { ...(config.ExposedPorts ?? {}) };
        for (const word of splitWords(args)) {
          const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(word);
          if (match === null) throw new InvalidArgumentError(`invalid containerPort: ${word}`);
          const last = match[2] === undefined ? Number(match[1]) : Number(match[2]);
          for (let port = Number(match[1]); port <= last; port++) ports[`${port}/${(match[3] ?? 'tcp').toLowerCase()}`] = {};
        }
        config.ExposedPorts = ports;
        break;
      }
      case 'user':
        config.User = args;
        break;
      case 'workdir': {
        const dir = splitWords(args).join(' ');
        config.WorkingDir = posix.isAbsolute(dir) ? posix.normalize(dir) : posix.join('/', config.WorkingDir ?? '/', dir);
        break;
      }
      case 'volume': {
        const json = args.trim().startsWith('[') ? commandForm(args) : undefined;
        const list = json !== undefined && json[0] !== '/bin/sh' ? json : splitWords(args);
        if (list.length === 0 || list.some((volume) => volume.trim() === '')) {
          throw new InvalidArgumentError('VOLUME specified can not be an empty string');
        }
        const volumes = { ...(config.Volumes ?? {}) };
        for (const volume of list) volumes[volume] = {};
        config.Volumes = volumes;
        break;
      }
      case 'onbuild': {
        const inner = args.trim().split(/\s/)[0]?.toUpperCase() ?? '';
        if (inner === 'ONBUILD') throw new InvalidArgumentError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (inner === 'FROM' || inner === 'MAINTAINER') throw new InvalidArgumentError(`${inner} isn't allowed as an ONBUILD trigger`);
        config.OnBuild = [...(config.OnBuild ?? []), args.trim()];
        break;
      }
      case 'stopsignal':
        config.StopSignal = args;
        break;
      case 'healthcheck':
        config.Healthcheck = healthcheck(args);
        break;
    }
  }
  return config;
}
