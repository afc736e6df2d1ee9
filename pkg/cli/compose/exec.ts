// `berth compose exec` (a command in a service's running container) and `compose run` (a one-off
// container: dependencies up first, then create, attach, start, exit with its status; --rm removes it).
import { randomBytes } from 'node:crypto';
import type { ExecCreateRequest } from '../../client/index.js';
import {
  ComposeError,
  composeUp,
  createOneOff,
  engineImageBuilder,
  ensureImages,
  injectFiles,
  listProjectContainers,
  oneOffRequest,
  parseShellWords,
  withDependencies,
  buildServiceGraph,
  type RunOverrides,
} from '../../compose/index.js';
import { LABEL_CONTAINER_NUMBER, LABEL_SERVICE } from '../../compose/labels.js';
import { volumesOf } from '../../compose/mounts.js';
import { streamHijacked } from '../commands/hijacked-io.js';
import { detachKeyBytes, exitStatus } from '../commands/run.js';
import { forwardSignals, monitorTtySize, terminalSize } from '../commands/terminal.js';
import { StatusError } from '../errors.js';
import type { ComposeCommandContext } from './context.js';
import { serviceContainer } from './list.js';
import type { ComposeRunner } from './main.js';
import { intValue } from './up.js';

function wantsTty(context: ComposeCommandContext, noTty: boolean): boolean {
  return !noTty && context.stdin.isTTY === true && context.stdout.isTTY === true;
}

export const exec: ComposeRunner = async (context, args, flags) => {
  const [service, ...command] = args as [string, ...string[]];
  const client = context.client();
  const container = await serviceContainer(context, service, intValue(flags, 'index'));
  if (container.State !== 'running') throw new ComposeError('generic', `service "${service}" is not running`);
  const detach = flags.bool('detach');
  const tty = wantsTty(context, flags.bool('no-TTY'));
  const attachStdin = !detach && (flags.changed('interactive') ? flags.bool('interactive') : true);
  const body: ExecCreateRequest = {
    User: flags.string('user') ?? '',
    Privileged: flags.bool('privileged'),
    Tty: tty,
    AttachStdin: attachStdin,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Detach: detach,
    Env: flags.list('env').length > 0 ? flags.list('env') : null,
    WorkingDir: flags.string('workdir') ?? '',
    Cmd: command,
  };
  const { Id: execId } = await client.exec.create(container.Id, body);
  if (detach) {
    await client.exec.startDetached(execId, { tty });
    return 0;
  }
  const consoleSize = tty ? (terminalSize(context) ?? undefined) : undefined;
  const connection = await client.exec.start(execId, { tty, consoleSize });
  const stream = streamHijacked({ connection, stdin: attachStdin ? context.stdin : undefined, stdout: context.stdout, stderr: tty ? context.stdout : context.stderr, tty, detachKeys: detachKeyBytes(context, undefined) });
  const stopResize = tty ? monitorTtySize(context, (size) => client.exec.resize(execId, size)) : () => undefined;
  try {
    await stream.done;
  } finally {
    stopResize();
    stream.cancel();
  }
  return (await client.exec.inspect(execId)).ExitCode ?? 0;
};

function runOverrides(context: ComposeCommandContext, command: string[], flags: Parameters<ComposeRunner>[2]): RunOverrides {
  const labels: Record<string, string> = {};
  for (const label of flags.list('label')) {
    const eq = label.indexOf('=');
    labels[eq < 0 ? label : label.slice(0, eq)] = eq < 0 ? '' : label.slice(eq + 1);
  }
  const entrypoint = flags.string('entrypoint');
  return {
    command,
    entrypoint: entrypoint !== undefined ? parseShellWords(entrypoint) : undefined,
    environment: flags.list('env'),
    user: flags.string('user'),
    workdir: flags.string('workdir'),
    name: flags.string('name'),
    labels,
    tty: wantsTty(context, flags.bool('no-TTY')) && !flags.bool('detach'),
    interactive: !flags.bool('detach') && (flags.changed('interactive') ? flags.bool('interactive') : true),
    autoRemove: flags.bool('rm'),
    servicePorts: flags.bool('service-ports'),
    publish: flags.list('publish'),
    volumes: flags.list('volume'),
    capAdd: flags.list('cap-add'),
    capDrop: flags.list('cap-drop'),
    useAliases: flags.bool('use-aliases'),
  };
}

export const run: ComposeRunner = async (context, args, flags) => {
  const [service, ...command] = args as [string, ...string[]];
  if (flags.bool('detach') && flags.bool('rm')) throw new StatusError(1, '--rm and -d/--detach are incompatible');
  const project = context.loadProject({ services: [service] });
  const client = context.client();
  const overrides = runOverrides(context, command, flags);
  const dependencies = withDependencies(buildServiceGraph(project.services), [service]).filter((s) => s !== service);
  if (!flags.bool('no-deps') && dependencies.length > 0) {
    await composeUp(project, { services: dependencies, removeOrphans: flags.bool('remove-orphans'), parallel: context.compose.parallel }, { client, progress: context.progress(), warn: context.warn, now: context.now });
  }
  await ensureImages(project, [service], { client, progress: context.progress(), builder: engineImageBuilder(client), build: flags.bool('build') });
  const containers = await listProjectContainers(client, project.name, { all: true, oneOff: 'exclude' });
  const resolveService = (name: string): string | undefined =>
    containers.filter((c) => c.Labels?.[LABEL_SERVICE] === name).sort((a, b) => Number(a.Labels?.[LABEL_CONTAINER_NUMBER] ?? 0) - Number(b.Labels?.[LABEL_CONTAINER_NUMBER] ?? 0))[0]?.Id;
  const oneOff = oneOffRequest(project, service, overrides, randomBytes(32).toString('hex'), { apiVersion: await client.apiVersion(), resolveService });
  const created = await createOneOff(client, oneOff);
  await injectFiles(client, created.id, volumesOf(oneOff.project, oneOff.project.services[service]!).injections, { nowMs: context.now() });
  if (flags.bool('detach')) {
    await client.containers.start(created.id);
    context.stdout.write(`${created.id}\n`);
    return 0;
  }
  const body = oneOff.request.body;
  const connection = await client.containers.attach(created.id, { stream: true, stdin: body.AttachStdin, stdout: true, stderr: true });
  const stream = streamHijacked({
    connection,
    stdin: body.AttachStdin ? context.stdin : undefined,
    stdout: context.stdout,
    stderr: body.Tty ? context.stdout : context.stderr,
    tty: body.Tty,
    detachKeys: detachKeyBytes(context, undefined),
  });
  const wait = await client.containers.beginWait(created.id, { condition: overrides.autoRemove === true ? 'removed' : 'next-exit' }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  const stopSignals = forwardSignals(context, created.id);
  try {
    await client.containers.start(created.id);
    const stopResize = body.Tty ? monitorTtySize(context, (size) => client.containers.resize(created.id, size)) : () => undefined;
    try {
      const status = exitStatus(context, wait);
      const outcome = await stream.done.catch(() => 'ended' as const);
      if (outcome === 'detached') return 0;
      return await status;
    } finally {
      stopResize();
    }
  } finally {
    stopSignals();
    stream.cancel();
    if (!(wait instanceof Error)) wait.cancel();
  }
};
