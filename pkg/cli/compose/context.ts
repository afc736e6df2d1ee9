// What every `berth compose` subcommand gets (effects: reads compose files, makes the engine
// client): the compose-level flags, project loading with compose v2's rules, the progress display
// for --progress/--ansi, and warnings in compose's `WARN[0000]` form.
import { ComposeError, createProgress, loadProject, nodeFileSystem, PROGRESS_MODES, type Progress, type ProgressMode, type Project } from '../../compose/index.js';
import { StatusError } from '../errors.js';
import type { CommandContext, Flags } from '../spec.js';

export type AnsiMode = 'never' | 'always' | 'auto';

export interface ComposeOptions {
  readonly files: readonly string[];
  readonly projectName: string | undefined;
  readonly projectDirectory: string | undefined;
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  readonly progress: ProgressMode;
  readonly ansi: AnsiMode;
  /** Engine calls in flight at once. */
  readonly parallel: number;
}

export interface ComposeCommandContext extends CommandContext {
  readonly compose: ComposeOptions;
  readonly cwd: string;
  /** Loads the project (Throws ComposeError); `services` selects services like `up web` does. */
  loadProject(options?: { services?: readonly string[] }): Project;
  /** The project when a compose file is found, else just the name from -p (down, ps, logs work so). */
  projectOrName(): { name: string; project: Project | undefined };
  /** A progress display on stderr for this command's operation. */
  progress(options?: { attached?: boolean }): Progress;
  /** Whether output to `stream` gets ANSI colours. */
  colors(stream: { isTTY?: boolean }): boolean;
  warn(message: string): void;
}

const UNLIMITED_PARALLEL = 64;

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** Reads the compose-level flags (and their COMPOSE_* variables). */
export function composeOptions(flags: Flags, env: NodeJS.ProcessEnv): ComposeOptions {
  // Accepted by the parser so the message is ours rather than "unknown flag"; neither mode exists yet.
  if (flags.bool('dry-run')) throw new StatusError(1, '--dry-run is not supported by berth compose yet');
  if (flags.bool('compatibility')) throw new StatusError(1, '--compatibility (compose v1 container names) is not supported by berth compose');
  const progress = (flags.string('progress') ?? env.COMPOSE_PROGRESS ?? 'auto') as ProgressMode;
  if (!PROGRESS_MODES.includes(progress)) throw new StatusError(1, `unsupported --progress value "${progress}"`);
  const ansi = (flags.string('ansi') ?? env.COMPOSE_ANSI ?? 'auto') as AnsiMode;
  if (!['never', 'always', 'auto'].includes(ansi)) throw new StatusError(1, `unsupported --ansi value "${ansi}"`);
  const parallelText = flags.string('parallel') ?? env.COMPOSE_PARALLEL_LIMIT ?? '-1';
  const parallel = Number.parseInt(parallelText, 10);
  if (!Number.isInteger(parallel) || parallel === 0 || parallel < -1) throw new StatusError(1, `invalid --parallel value "${parallelText}"`);
  return {
    files: flags.list('file'),
    projectName: flags.string('project-name'),
    projectDirectory: flags.string('project-directory'),
    profiles: flags.list('profile'),
    envFiles: flags.list('env-file'),
    // --ansi never turns the live display into plain lines, as compose does.
    progress: ansi === 'never' && progress === 'auto' ? 'plain' : progress,
    ansi,
    parallel: parallel === -1 ? UNLIMITED_PARALLEL : parallel,
  };
}

export function composeContext(base: CommandContext, compose: ComposeOptions, cwd: string): ComposeCommandContext {
  const env = stringEnv(base.env);
  const load = (services?: readonly string[]): Project =>
    loadProject({
      cwd,
      env,
      files: compose.files,
      projectName: compose.projectName,
      projectDirectory: compose.projectDirectory,
      profiles: compose.profiles,
      envFiles: compose.envFiles,
      services,
      discardEnvFiles: true,
      fs: nodeFileSystem,
    });
  const colors = (stream: { isTTY?: boolean }): boolean => {
    if (compose.ansi === 'always') return true;
    if (compose.ansi === 'never' || (env.NO_COLOR ?? '') !== '') return false;
    return stream.isTTY === true;
  };
  return {
    ...base,
    compose,
    cwd,
    loadProject: (options) => load(options?.services),
    projectOrName() {
      try {
        const project = load();
        return { name: project.name, project };
      } catch (err) {
        const name = compose.projectName ?? env.COMPOSE_PROJECT_NAME;
        if (err instanceof ComposeError && err.kind === 'file_not_found' && name !== undefined && name !== '') return { name, project: undefined };
        throw err;
      }
    },
    progress: (options) => createProgress(compose.progress, base.stderr, { colors: colors(base.stderr), attached: options?.attached }),
    colors,
    warn: (message) => {
      base.stderr.write(`${colors(base.stderr) ? '\x1b[33mWARN\x1b[0m' : 'WARN'}[0000] ${message}\n`);
    },
  };
}
