// `berth compose up` and `create` (effects: engine through pkg/compose's driver, process signals):
// flags to up options, converge, then either return (-d, --wait) or attach to the containers'
// output like compose v2 until they exit or Ctrl+C stops them.
import {
  ComposeError,
  composeStop,
  composeUp,
  listProjectContainers,
  logName,
  LogPrinter,
  streamContainerLogs,
  type Project,
  type UpOptions,
} from '../../compose/index.js';
import { LABEL_SERVICE } from '../../compose/labels.js';
import { StatusError } from '../errors.js';
import type { Flags } from '../spec.js';
import type { ComposeCommandContext } from './context.js';
import type { ComposeRunner } from './main.js';

export function intValue(flags: Flags, name: string): number | undefined {
  const text = flags.string(name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new StatusError(1, `invalid argument "${text}" for "--${name}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`);
  return Number.parseInt(text, 10);
}

/** `--scale web=3 --scale db=0`. */
export function parseScale(values: readonly string[], project: Project): Record<string, number> {
  const scale: Record<string, number> = {};
  for (const value of values) {
    const [service = '', count = ''] = value.split('=');
    if (!/^\d+$/.test(count)) throw new StatusError(1, `invalid --scale value "${value}": expected SERVICE=NUM`);
    if (project.services[service] === undefined) throw new ComposeError('generic', `no such service: ${service}`);
    scale[service] = Number.parseInt(count, 10);
  }
  return scale;
}

function pullPolicy(flags: Flags): UpOptions['pull'] {
  const pull = flags.string('pull');
  if (pull === undefined || pull === 'policy') return undefined;
  if (pull === 'always' || pull === 'missing' || pull === 'never') return pull;
  throw new StatusError(1, `invalid --pull option "${pull}"`);
}

function upOptions(context: ComposeCommandContext, project: Project, args: string[], flags: Flags, noStart: boolean): UpOptions {
  if (flags.bool('force-recreate') && flags.bool('no-recreate')) throw new StatusError(1, '--force-recreate and --no-recreate are incompatible');
  if (flags.bool('always-recreate-deps') && flags.bool('no-recreate')) throw new StatusError(1, '--always-recreate-deps and --no-recreate are incompatible');
  if (flags.bool('build') && flags.bool('no-build')) throw new StatusError(1, '--build and --no-build are incompatible');
  return {
    services: args,
    scale: parseScale(flags.list('scale'), project),
    forceRecreate: flags.bool('force-recreate'),
    noRecreate: flags.bool('no-recreate'),
    alwaysRecreateDeps: flags.bool('always-recreate-deps'),
    noDeps: flags.bool('no-deps'),
    removeOrphans: flags.bool('remove-orphans') || ['1', 'true', 'True'].includes(context.env.COMPOSE_REMOVE_ORPHANS ?? ''),
    noStart,
    timeoutSeconds: intValue(flags, 'timeout'),
    pull: pullPolicy(flags),
    parallel: context.compose.parallel,
    build: flags.bool('build'),
    noBuild: flags.bool('no-build'),
    renewAnonymousVolumes: flags.bool('renew-anon-volumes'),
  };
}

export const create: ComposeRunner = async (context, args, flags) => {
  const project = context.loadProject({ services: args });
  await composeUp(project, upOptions(context, project, args, flags, true), {
    client: context.client(),
    progress: context.progress(),
    warn: context.warn,
    now: context.now,
  });
};

export const up: ComposeRunner = async (context, args, flags) => {
  const wait = flags.bool('wait');
  const detach = flags.bool('detach') || wait;
  const exitCodeFrom = flags.string('exit-code-from');
  const abort = flags.bool('abort-on-container-exit') || exitCodeFrom !== undefined;
  if (detach && abort) throw new StatusError(1, '--abort-on-container-exit and --detach are incompatible');
  if (flags.bool('no-start') && (wait || abort)) throw new StatusError(1, '--no-start and --wait/--abort-on-container-exit are incompatible');
  const project = context.loadProject({ services: args });
  if (exitCodeFrom !== undefined && project.services[exitCodeFrom] === undefined) throw new ComposeError('generic', `no such service: ${exitCodeFrom}`);
  const options: UpOptions = { ...upOptions(context, project, args, flags, flags.bool('no-start')), wait, waitTimeoutSeconds: intValue(flags, 'wait-timeout') };
  const startedSeconds = Math.floor(context.now() / 1000);
  await composeUp(project, options, {
    client: context.client(),
    progress: context.progress({ attached: !detach }),
    warn: context.warn,
    now: context.now,
  });
  if (detach || flags.bool('no-start')) return 0;
  return attach(context, project, args, flags, { abort, exitCodeFrom, sinceSeconds: startedSeconds });
};

/** Follows the output of the project's containers until they all exit (or Ctrl+C stops them). */
async function attach(
  context: ComposeCommandContext,
  project: Project,
  named: readonly string[],
  flags: Flags,
  options: { abort: boolean; exitCodeFrom: string | undefined; sinceSeconds: number },
): Promise<number> {
  const client = context.client();
  const only = flags.list('attach');
  const skip = new Set(flags.list('no-attach'));
  const services = (only.length > 0 ? only : named.length > 0 ? named : Object.keys(project.services)).filter((s) => !skip.has(s));
  const containers = (await listProjectContainers(client, project.name, { all: false, oneOff: 'exclude', services })).filter((c) => c.State === 'running');
  const printer = new LogPrinter(context.stdout, context.stderr, { colors: !flags.bool('no-color') && context.colors(context.stdout), prefix: !flags.bool('no-log-prefix') });
  for (const c of containers) printer.register(logName(c));
  context.stdout.write(`Attaching to ${containers.map(logName).join(', ')}\n`);
  const controller = new AbortController();
  let exitCode = 0;
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> =>
    (stopping ??= composeStop({ projectName: project.name, project, services: named.length > 0 ? [...named] : undefined }, { timeoutSeconds: intValue(flags, 'timeout') }, { client, progress: context.progress() }).finally(() => controller.abort()));
  let interrupts = 0;
  const onInterrupt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      context.stderr.write('Gracefully stopping... (press Ctrl+C again to force)\n');
      void stopAll().catch(() => undefined);
    } else {
      for (const c of containers) void client.containers.kill(c.Id).catch(() => undefined);
      controller.abort();
    }
  };
  context.process.on('SIGINT', onInterrupt);
  context.process.on('SIGTERM', onInterrupt);
  try {
    await Promise.all(
      containers.map(async (c) => {
        const name = logName(c);
        const tty = (await client.containers.inspect(c.Id)).Config.Tty === true;
        await streamContainerLogs(client, c.Id, name, tty, printer, { follow: true, since: String(options.sinceSeconds), timestamps: flags.bool('timestamps'), signal: controller.signal }).catch((err: unknown) => {
          if (!controller.signal.aborted) throw err;
        });
        if (controller.signal.aborted && interrupts > 1) return;
        const state = await client.containers.inspect(c.Id).catch(() => undefined);
        if (state === undefined || state.State.Running) return;
        printer.status(name, `exited with code ${state.State.ExitCode}`);
        const service = c.Labels?.[LABEL_SERVICE];
        if (options.exitCodeFrom !== undefined ? service === options.exitCodeFrom : options.abort && stopping === undefined) exitCode = state.State.ExitCode;
        if (options.abort && stopping === undefined) {
          context.stderr.write('Aborting on container exit...\n');
          await stopAll().catch(() => undefined);
        }
      }),
    );
  } finally {
    context.process.off('SIGINT', onInterrupt);
    context.process.off('SIGTERM', onInterrupt);
  }
  if (stopping !== undefined) await stopping.catch(() => undefined);
  return options.abort ? exitCode : interrupts > 0 ? 130 : 0;
}
