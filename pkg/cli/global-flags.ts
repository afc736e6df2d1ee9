// The root's global flags (-H, --tls…, -D, -l, -c, -v) parsed before the command word (pure).
import { UsageError } from './errors.js';
import type { FlagSpec } from './spec.js';

export interface GlobalOptions {
  hosts: string[];
  context: string | undefined;
  debug: boolean;
  logLevel: string | undefined;
  config: string | undefined;
  tls: boolean;
  tlsVerify: boolean;
  tlsCaCert: string | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  version: boolean;
  help: boolean;
}

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { long: 'config', kind: 'value', typeName: 'string', description: 'Location of client config files', defaultText: '"~/.docker"' },
  { long: 'context', short: 'c', kind: 'value', typeName: 'string', description: 'Name of the context to use to connect to the daemon (overrides DOCKER_HOST env var)' },
  { long: 'debug', short: 'D', kind: 'bool', description: 'Enable debug mode' },
  { long: 'host', short: 'H', kind: 'list', typeName: 'list', description: 'Daemon socket to connect to' },
  { long: 'log-level', short: 'l', kind: 'value', typeName: 'string', description: 'Set the logging level ("debug", "info", "warn", "error", "fatal")', defaultText: '"info"' },
  { long: 'tls', kind: 'bool', description: 'Use TLS; implied by --tlsverify' },
  { long: 'tlscacert', kind: 'value', typeName: 'string', description: 'Trust certs signed only by this CA', defaultText: '"~/.docker/ca.pem"' },
  { long: 'tlscert', kind: 'value', typeName: 'string', description: 'Path to TLS certificate file', defaultText: '"~/.docker/cert.pem"' },
  { long: 'tlskey', kind: 'value', typeName: 'string', description: 'Path to TLS key file', defaultText: '"~/.docker/key.pem"' },
  { long: 'tlsverify', kind: 'bool', description: 'Use TLS and verify the remote' },
  { long: 'version', short: 'v', kind: 'bool', description: 'Print version information and quit' },
];

/** Splits argv into global options and the words from the command on. */
export function parseGlobalFlags(argv: readonly string[]): { options: GlobalOptions; words: string[] } {
  const options: GlobalOptions = {
    hosts: [],
    context: undefined,
    debug: false,
    logLevel: undefined,
    config: undefined,
    tls: false,
    tlsVerify: false,
    tlsCaCert: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    version: false,
    help: false,
  };
  const byName = new Map<string, FlagSpec>();
  for (const flag of GLOBAL_FLAGS) {
    byName.set(`--${flag.long}`, flag);
    if (flag.short) byName.set(`-${flag.short}`, flag);
  }
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--help' || arg === '-h') {
      options.help = true;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals === -1 ? (arg.startsWith('--') ? arg : arg.slice(0, 2)) : arg.slice(0, equals);
    const flag = byName.get(name);
    if (!flag) {
      throw new UsageError(arg.startsWith('--') ? `unknown flag: ${name}` : `unknown shorthand flag: '${arg[1]}' in ${arg}`, 125);
    }
    let value: string | undefined;
    if (flag.kind !== 'bool') {
      if (equals !== -1) value = arg.slice(equals + 1);
      else if (!arg.startsWith('--') && arg.length > 2) value = arg.slice(2);
      else {
        value = argv[++index];
        if (value === undefined) throw new UsageError(arg.startsWith('--') ? `flag needs an argument: ${arg}` : `flag needs an argument: '${arg[1]}' in ${arg}`, 125);
      }
    }
    switch (flag.long) {
      case 'host':
        options.hosts.push(value!);
        break;
      case 'context':
        options.context = value;
        break;
      case 'debug':
        options.debug = true;
        break;
      case 'log-level':
        options.logLevel = value;
        break;
      case 'config':
        options.config = value;
        break;
      case 'tls':
        options.tls = true;
        break;
      case 'tlsverify':
        options.tlsVerify = true;
        break;
      case 'tlscacert':
        options.tlsCaCert = value;
        break;
      case 'tlscert':
        options.tlsCert = value;
        break;
      case 'tlskey':
        options.tlsKey = value;
        break;
      case 'version':
        options.version = true;
        break;
    }
  }
  return { options, words: argv.slice(index) };
}
