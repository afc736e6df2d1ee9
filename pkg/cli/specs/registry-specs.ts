// Specs of the registry commands (pure data; code loads lazily): push, login, logout and
// `registry serve`, the built-in OCI registry.
import type { CommandSpec, FlagSpec } from '../spec.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });

export const REGISTRY_COMMANDS: readonly CommandSpec[] = [
  {
    path: ['image', 'push'],
    aliases: [['push']],
    usage: '[OPTIONS] NAME[:TAG]',
    description: 'Upload an image to a registry',
    args: { min: 1, max: 1 },
    flags: [
      bool('all-tags', 'Push all tags of an image to the repository', { short: 'a' }),
      bool('disable-content-trust', 'Skip image signing', { defaultText: 'true' }),
      value('platform', 'string', 'Push a platform-specific manifest as a single-platform image to the registry.'),
      bool('quiet', 'Suppress verbose output', { short: 'q' }),
    ],
    load: async () => (await import('../commands/registry.js')).pushImage,
  },
  {
    path: ['login'],
    usage: '[OPTIONS] [SERVER]',
    description: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
    summary: 'Authenticate to a registry',
    args: { max: 1 },
    flags: [
      value('password', 'string', 'Password or Personal Access Token (PAT)', { short: 'p' }),
      bool('password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin'),
      value('username', 'string', 'Username', { short: 'u' }),
    ],
    load: async () => (await import('../commands/registry.js')).login,
  },
  {
    path: ['logout'],
    usage: '[SERVER]',
    description: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
    summary: 'Log out from a registry',
    args: { max: 1 },
    flags: [],
    load: async () => (await import('../commands/registry.js')).logout,
  },
  {
    path: ['registry', 'serve'],
    usage: '[OPTIONS]',
    description: 'Run an OCI distribution registry in the foreground',
    args: { max: 0 },
    flags: [
      value('addr', 'string', 'Address to listen on (HOST:PORT)', { defaultText: '"127.0.0.1:5000"' }),
      value('root', 'string', 'Directory that holds the registry content (required)'),
      value('htpasswd', 'string', 'Require Basic authentication against this htpasswd file (bcrypt, $apr1$ or {SHA} entries)'),
      value('realm', 'string', 'Realm of the Basic authentication challenge', { defaultText: '"Berth Registry"' }),
      value('log-level', 'string', 'Log level (debug, info, warn, error)', { defaultText: '"info"' }),
    ],
    load: async () => (await import('../commands/registry-serve.js')).serveRegistry,
  },
];
