// The CLI's entry (effects: process I/O): global flags and `-v` here, `compose` in compose/main.ts,
// everything else in dispatch.ts, each imported only when needed so the smallest invocations load
// the fewest modules.
import { BERTH_GIT_COMMIT, BERTH_VERSION } from './build-info.js';
import { UsageError } from './errors.js';
import { parseGlobalFlags, type GlobalOptions } from './global-flags.js';
import type { CommandContext, CommandIo } from './spec.js';

export interface MainOptions extends CommandIo {
  env: NodeJS.ProcessEnv;
  process: CommandContext['process'];
  now?: () => number;
}

/** Runs the CLI for `argv` (without node and script); resolves with the exit code. */
export async function main(argv: readonly string[], options: MainOptions): Promise<number> {
  let global: GlobalOptions;
  let words: string[];
  try {
    ({ options: global, words } = parseGlobalFlags(argv));
  } catch (err) {
    if (err instanceof UsageError) {
      options.stderr.write(`${err.message}\n\nUsage:  berth [OPTIONS] COMMAND [ARG...]\n\nRun 'berth --help' for more information\n`);
      return err.status;
    }
    throw err;
  }
  if (global.version) {
    options.stdout.write(`Berth version ${BERTH_VERSION}, build ${BERTH_GIT_COMMIT}\n`);
    return 0;
  }
  if (words[0] === 'compose') {
    // Compose has its own flags between `compose` and the subcommand, and its own command table.
    const { composeMain } = await import('./compose/main.js');
    return composeMain(global, words.slice(1), options);
  }
  const { dispatch } = await import('./dispatch.js');
  return dispatch(global, words, options);
}
