// The JSON schema of daemon.json (pure data): the keys berthd understands, spelled as dockerd spells
// them, with their value types. Compiled once by ajv in daemon-file.ts.
import type { JSONSchemaType } from 'ajv';

/** Log levels berthd's logger knows; dockerd's "panic" has no pino equivalent. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Logging drivers berthd's monitor writes (the same set container create accepts). */
export const LOG_DRIVERS = ['json-file', 'local', 'none'] as const;

/** Log options the json-file/local drivers accept (container create checks the same list). */
export const LOG_OPTS = ['max-size', 'max-file', 'labels', 'labels-regex', 'env', 'env-regex', 'tag', 'compress', 'mode', 'max-buffer-size'] as const;

export interface AddressPoolSpec {
  base: string;
  size: number;
}

/**
 * daemon.json as written. Every key may also be given as a berthd flag (see FLAG_NAMES); a key
 * given both ways is a start-up error, as with dockerd.
 */
export interface DaemonFile {
  hosts?: string[];
  'data-root'?: string;
  'exec-root'?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  /** Berth's own key: plain-TCP listeners are refused unless this is set (no dockerd equivalent). */
  'insecure-tcp'?: boolean;
  'log-driver'?: string;
  'log-opts'?: Record<string, string>;
  'default-address-pools'?: AddressPoolSpec[];
  /** Registries reached over plain http (HOST:PORT, HOST or CIDR); loopback ones always are. */
  'insecure-registries'?: string[];
  debug?: boolean;
  'log-level'?: string;
  pidfile?: string;
}

export type DaemonKey = keyof DaemonFile;

/** The flag each key is given with on berthd's command line (dockerd's names). */
export const FLAG_NAMES: Readonly<Record<DaemonKey, string>> = {
  hosts: '--host',
  'data-root': '--data-root',
  'exec-root': '--exec-root',
  tls: '--tls',
  tlsverify: '--tlsverify',
  tlscacert: '--tlscacert',
  tlscert: '--tlscert',
  tlskey: '--tlskey',
  'insecure-tcp': '--insecure-tcp',
  'log-driver': '--log-driver',
  'log-opts': '--log-opt',
  'default-address-pools': '--default-address-pool',
  'insecure-registries': '--insecure-registry',
  debug: '--debug',
  'log-level': '--log-level',
  pidfile: '--pidfile',
};

export const DAEMON_KEYS = Object.keys(FLAG_NAMES) as DaemonKey[];

const nonEmpty = { type: 'string', minLength: 1 } as const;

export const DAEMON_FILE_SCHEMA: JSONSchemaType<DaemonFile> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    hosts: { type: 'array', items: nonEmpty, nullable: true },
    'data-root': { ...nonEmpty, nullable: true },
    'exec-root': { ...nonEmpty, nullable: true },
    tls: { type: 'boolean', nullable: true },
    tlsverify: { type: 'boolean', nullable: true },
    tlscacert: { ...nonEmpty, nullable: true },
    tlscert: { ...nonEmpty, nullable: true },
    tlskey: { ...nonEmpty, nullable: true },
    'insecure-tcp': { type: 'boolean', nullable: true },
    'log-driver': { type: 'string', enum: [...LOG_DRIVERS], nullable: true },
    'log-opts': { type: 'object', required: [], additionalProperties: { type: 'string' }, nullable: true },
    'default-address-pools': {
      type: 'array',
      nullable: true,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['base', 'size'],
        properties: { base: nonEmpty, size: { type: 'integer', minimum: 1, maximum: 30 } },
      },
    },
    'insecure-registries': { type: 'array', items: nonEmpty, nullable: true },
    debug: { type: 'boolean', nullable: true },
    'log-level': { type: 'string', enum: [...LOG_LEVELS], nullable: true },
    pidfile: { ...nonEmpty, nullable: true },
  },
};
