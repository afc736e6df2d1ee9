// The effective daemon configuration (pure): flags and daemon.json merged like dockerd merges them
// (a key given both ways is an error), defaults applied, the listen/TLS rules checked, and the plan
// of a SIGHUP reload (which keys change live, which need a restart).
import { DaemonConfigError, checkDaemonValues } from './daemon-file.js';
import { formatListenAddress, parseListenAddress, type ListenAddress } from './hosts.js';
import { DAEMON_KEYS, type AddressPoolSpec, type DaemonFile, type DaemonKey, type LogLevel } from './schema.js';

export interface TlsSettings {
  /** Clients must present a certificate signed by `caFile` (--tlsverify); otherwise server TLS only. */
  verify: boolean;
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface DaemonConfig {
  hosts: ListenAddress[];
  dataRoot: string;
  execRoot: string;
  /** Undefined: no TLS on tcp listeners (allowed only with insecureTcp). */
  tls: TlsSettings | undefined;
  insecureTcp: boolean;
  logDriver: string;
  logOpts: Record<string, string>;
  /** Undefined: the network manager's defaults (Docker's pools). */
  addressPools: AddressPoolSpec[] | undefined;
  insecureRegistries: string[];
  debug: boolean;
  logLevel: LogLevel;
  pidfile: string | undefined;
}

export interface DaemonDefaults {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  /** Where TLS files are looked for when no path is given (dockerd: $DOCKER_CERT_PATH or ~/.docker). */
  certDir: string;
}

/** Keys a SIGHUP applies without a restart. */
export const RELOADABLE_KEYS: readonly DaemonKey[] = ['debug', 'log-level', 'log-opts'];

/** Go's %v of a JSON value, as dockerd prints flag and file values in its conflict error. */
export function goValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([key, item]) => `${key}:${goValue(item)}`).join(' ')}]`;
  }
  return String(value);
}

/** Throws dockerd's error when a key is given both as a flag and in the file. */
export function checkConflicts(flags: DaemonFile, file: DaemonFile): void {
  const conflicts = DAEMON_KEYS.filter((key) => flags[key] !== undefined && file[key] !== undefined).map(
    (key) => `${key}: (from flag: ${goValue(flags[key])}, from file: ${goValue(file[key])})`,
  );
  if (conflicts.length > 0) {
    const first = DAEMON_KEYS.find((key) => flags[key] !== undefined && file[key] !== undefined);
    throw new DaemonConfigError(`the following directives are specified both as a flag and in the configuration file: ${conflicts.join(', ')}`, first);
  }
}

const TCP_WITHOUT_TLS =
  'Choose one: --tlsverify --tlscacert ca.pem --tlscert server-cert.pem --tlskey server-key.pem (mutual TLS: only clients with a ' +
  'certificate from your CA get in; `berth system tls-init DIR` makes the files), --tls --tlscert … --tlskey … (encryption ' +
  'without client authentication), or --insecure-tcp ("insecure-tcp": true in daemon.json) to serve plain TCP anyway';

/** Merges flags over the file (conflicts already excluded) and defaults, and checks the result. */
export function mergeDaemonConfig(flags: DaemonFile, file: DaemonFile, defaults: DaemonDefaults): DaemonConfig {
  checkDaemonValues(flags, 'flags');
  checkConflicts(flags, file);
  const merged: DaemonFile = { ...file };
  for (const key of DAEMON_KEYS) if (flags[key] !== undefined) (merged as Record<string, unknown>)[key] = flags[key];
  const verify = merged.tlsverify ?? false;
  const tlsOn = verify || (merged.tls ?? false);
  const tls: TlsSettings | undefined = tlsOn
    ? {
        verify,
        caFile: merged.tlscacert ?? `${defaults.certDir}/ca.pem`,
        certFile: merged.tlscert ?? `${defaults.certDir}/cert.pem`,
        keyFile: merged.tlskey ?? `${defaults.certDir}/key.pem`,
      }
    : undefined;
  const hostSpecs = merged.hosts && merged.hosts.length > 0 ? merged.hosts : defaults.hosts;
  const hosts = hostSpecs.map((spec) => {
    try {
      return parseListenAddress(spec, tlsOn);
    } catch (err) {
      throw new DaemonConfigError((err as Error).message, 'hosts');
    }
  });
  const insecureTcp = merged['insecure-tcp'] ?? false;
  const plainTcp = hosts.filter((host) => host.kind === 'tcp');
  if (plainTcp.length > 0 && !tls && !insecureTcp) {
    throw new DaemonConfigError(
      `refusing to serve the API on ${plainTcp.map(formatListenAddress).join(', ')} without TLS: anyone who can reach that port would control ` +
        `this host as root. ${TCP_WITHOUT_TLS}`,
      'hosts',
    );
  }
  const unique = new Set(hosts.map(formatListenAddress));
  if (unique.size !== hosts.length) throw new DaemonConfigError('the same address is given twice in hosts', 'hosts');
  const debug = merged.debug ?? false;
  return {
    hosts,
    dataRoot: merged['data-root'] ?? defaults.dataRoot,
    execRoot: merged['exec-root'] ?? defaults.execRoot,
    tls,
    insecureTcp,
    logDriver: merged['log-driver'] ?? 'json-file',
    logOpts: merged['log-opts'] ?? {},
    addressPools: merged['default-address-pools'],
    insecureRegistries: merged['insecure-registries'] ?? [],
    debug,
    logLevel: (merged['log-level'] as LogLevel | undefined) ?? 'info',
    pidfile: merged.pidfile,
  };
}

/** The level the logger runs at: --debug forces debug, as with dockerd. */
export function effectiveLogLevel(config: Pick<DaemonConfig, 'debug' | 'logLevel'>): LogLevel {
  return config.debug ? 'debug' : config.logLevel;
}

export interface ReloadPlan {
  /** The running configuration with the reloadable keys taken from the new one. */
  config: DaemonConfig;
  /** Reloadable keys whose value changed. */
  changes: Partial<Record<DaemonKey, { from: unknown; to: unknown }>>;
  /** Keys whose new value only a restart applies (kept at their running value). */
  needsRestart: DaemonKey[];
}

/** Key → its value in a DaemonConfig, for comparing two configurations key by key. */
function valuesByKey(config: DaemonConfig): Record<DaemonKey, unknown> {
  return {
    hosts: config.hosts.map(formatListenAddress),
    'data-root': config.dataRoot,
    'exec-root': config.execRoot,
    tls: config.tls !== undefined,
    tlsverify: config.tls?.verify ?? false,
    tlscacert: config.tls?.verify ? config.tls.caFile : undefined,
    tlscert: config.tls?.certFile,
    tlskey: config.tls?.keyFile,
    'insecure-tcp': config.insecureTcp,
    'log-driver': config.logDriver,
    'log-opts': config.logOpts,
    'default-address-pools': config.addressPools,
    'insecure-registries': config.insecureRegistries,
    debug: config.debug,
    'log-level': config.logLevel,
    pidfile: config.pidfile,
  };
}

/** Which keys a reload changes, and the configuration that results (pure). */
export function planReload(current: DaemonConfig, next: DaemonConfig): ReloadPlan {
  const before = valuesByKey(current);
  const after = valuesByKey(next);
  const changes: ReloadPlan['changes'] = {};
  const needsRestart: DaemonKey[] = [];
  for (const key of DAEMON_KEYS) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (RELOADABLE_KEYS.includes(key)) changes[key] = { from: before[key], to: after[key] };
    else needsRestart.push(key);
  }
  return { config: { ...current, debug: next.debug, logLevel: next.logLevel, logOpts: next.logOpts }, changes, needsRestart };
}
