// SIGHUP reloads (effects: reads daemon.json, sets log levels, logs): the reloadable keys take effect
// at once, other changes are reported as needing a restart, and a broken file leaves the running
// configuration untouched. Reloads are serialised.
import type { Logger } from 'pino';
import { effectiveLogLevel, mergeDaemonConfig, planReload, type DaemonConfig, type DaemonDefaults } from './daemon-config.js';
import { readDaemonFile } from './load.js';
import type { LogLevelControl } from './log-level.js';
import type { DaemonFile } from './schema.js';

export interface ReloaderDeps {
  configFile: string;
  /** The file was named with --config-file: its absence is an error, not an empty configuration. */
  required: boolean;
  /** The values given as flags at start (they still win over, and conflict with, the file). */
  flags: DaemonFile;
  defaults: DaemonDefaults;
  current: () => DaemonConfig;
  apply: (config: DaemonConfig) => void;
  levels: LogLevelControl;
  log: Logger;
  /** Told after a reload that changed something (berthd emits a daemon `reload` event). */
  onReloaded?: (config: DaemonConfig) => void;
}

export type ReloadOutcome = { ok: true; changed: string[]; needsRestart: string[] } | { ok: false; error: string };

/** A function that reloads the configuration; concurrent calls run one after another. */
export function createReloader(deps: ReloaderDeps): () => Promise<ReloadOutcome> {
  let chain: Promise<unknown> = Promise.resolve();
  const reload = async (): Promise<ReloadOutcome> => {
    let next: DaemonConfig;
    try {
      const file = await readDaemonFile(deps.configFile, { required: deps.required });
      next = mergeDaemonConfig(deps.flags, file, deps.defaults);
    } catch (err) {
      const error = (err as Error).message;
      deps.log.error({ file: deps.configFile, error }, 'configuration reload failed: the running configuration is kept');
      return { ok: false, error };
    }
    const plan = planReload(deps.current(), next);
    deps.apply(plan.config);
    deps.levels.set(effectiveLogLevel(plan.config));
    const changed = Object.keys(plan.changes);
    if (plan.needsRestart.length > 0) {
      deps.log.warn({ file: deps.configFile, keys: plan.needsRestart }, 'configuration changes that only take effect after a restart of berthd were not applied');
    }
    deps.log.info({ file: deps.configFile, changes: plan.changes }, changed.length > 0 ? 'configuration reloaded' : 'configuration reloaded: no changes');
    if (changed.length > 0) deps.onReloaded?.(plan.config);
    return { ok: true, changed, needsRestart: plan.needsRestart };
  };
  return () => {
    const next = chain.then(reload, reload);
    chain = next.catch(() => undefined);
    return next;
  };
}
