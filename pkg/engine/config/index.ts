// The daemon configuration package: daemon.json parsing and validation, the merge with berthd's
// flags, listen addresses, TLS material and live reloads.
export { DaemonConfigError, parseDaemonFile, checkDaemonValues } from './daemon-file.js';
export {
  RELOADABLE_KEYS,
  checkConflicts,
  effectiveLogLevel,
  goValue,
  mergeDaemonConfig,
  planReload,
  type DaemonConfig,
  type DaemonDefaults,
  type ReloadPlan,
  type TlsSettings,
} from './daemon-config.js';
export { DEFAULT_TCP_PORT, DEFAULT_TLS_PORT, DEFAULT_UNIX_SOCKET, formatListenAddress, parseListenAddress, type ListenAddress } from './hosts.js';
export { DEFAULT_CONFIG_FILE, loadTlsMaterial, readDaemonFile, type TlsMaterial } from './load.js';
export { LogLevelControl } from './log-level.js';
export { DAEMON_KEYS, FLAG_NAMES, LOG_DRIVERS, LOG_LEVELS, LOG_OPTS, type AddressPoolSpec, type DaemonFile, type DaemonKey, type LogLevel } from './schema.js';
export { createReloader, type ReloadOutcome, type ReloaderDeps } from './reload.js';
