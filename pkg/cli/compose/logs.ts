// `berth compose logs` (coloured `web-1  | ` prefixes, -f, --tail, --since/--until, -t) and
// `compose events` (the project's container events, as text lines or JSON).
import { ComposeError, listProjectContainers, logName, LogPrinter, projectFilter, settleAll, streamContainerLogs } from '../../compose/index.js';
import { LABEL_CONTAINER_NUMBER, LABEL_SERVICE } from '../../compose/labels.js';
import { timestampFlag } from '../commands/logs.js';
import type { ComposeRunner } from './main.js';
import { intValue } from './up.js';

export const logs: ComposeRunner = async (context, args, flags) => {
  const { name, project } = context.projectOrName();
  if (project !== undefined) for (const s of args) if (project.services[s] === undefined && project.disabledServices[s] === undefined) throw new ComposeError('generic', `no such service: ${s}`);
  const client = context.client();
  let containers = await listProjectContainers(client, name, { all: true, oneOff: 'exclude', services: args });
  if (project !== undefined && args.length === 0) containers = containers.filter((c) => project.services[c.Labels?.[LABEL_SERVICE] ?? ''] !== undefined);
  const index = intValue(flags, 'index');
  if (index !== undefined) containers = containers.filter((c) => c.Labels?.[LABEL_CONTAINER_NUMBER] === String(index));
  const printer = new LogPrinter(context.stdout, context.stderr, { colors: !flags.bool('no-color') && context.colors(context.stdout), prefix: !flags.bool('no-log-prefix') });
  for (const c of containers) printer.register(logName(c));
  const now = context.now();
  const tail = flags.string('tail');
  const options = {
    follow: flags.bool('follow'),
    tail: tail === undefined || tail === '' ? 'all' : tail,
    since: timestampFlag(flags.string('since'), now),
    until: timestampFlag(flags.string('until'), now),
    timestamps: flags.bool('timestamps'),
  };
  const controller = new AbortController();
  const stream = async (id: string, name: string, since?: string): Promise<void> => {
    const tty = (await client.containers.inspect(id)).Config.Tty === true;
    const signal = options.follow ? controller.signal : undefined;
    await streamContainerLogs(client, id, name, tty, printer, since === undefined ? { ...options, signal } : { ...options, since, tail: 'all', signal });
  };
  if (!options.follow) {
    await settleAll(containers.map((c) => stream(c.Id, logName(c))));
    return;
  }
  // -f also follows containers (re)started while we watch, as compose's monitor does, and ends once
  // nothing has run for a moment (a restart's stop and start come within it).
  const services = new Set(args);
  const active = new Set<string>();
  let failure: unknown;
  let idle: NodeJS.Timeout | undefined;
  const follow = (id: string, name: string, since?: string): void => {
    if (active.has(id)) return;
    active.add(id);
    if (idle !== undefined) clearTimeout(idle);
    void stream(id, name, since)
      .catch((err: unknown) => {
        failure ??= err;
        controller.abort();
      })
      .finally(() => {
        active.delete(id);
        if (active.size === 0) idle = setTimeout(() => controller.abort(), FOLLOW_GRACE_MS);
      });
  };
  const watcher = (async () => {
    const startedSince = String(Math.floor(now / 1000));
    for await (const event of client.events({ since: startedSince, filters: { type: ['container'], event: ['start'], label: [projectFilter(name)] }, signal: controller.signal })) {
      const attributes = event.Actor?.Attributes ?? {};
      if (attributes['com.docker.compose.oneoff'] === 'True') continue;
      if (services.size > 0 && !services.has(attributes[LABEL_SERVICE] ?? '')) continue;
      if (project !== undefined && args.length === 0 && project.services[attributes[LABEL_SERVICE] ?? ''] === undefined) continue;
      const id = event.Actor?.ID ?? '';
      const labels = { ...attributes };
      follow(id, logName({ Id: id, Names: [`/${attributes.name ?? id}`], Labels: labels }), String(event.time));
    }
  })();
  for (const c of containers) follow(c.Id, logName(c));
  if (containers.length === 0) idle = setTimeout(() => controller.abort(), FOLLOW_GRACE_MS);
  await watcher.catch((err: unknown) => {
    if (!controller.signal.aborted) throw err;
  });
  if (failure !== undefined) throw failure;
};

/** How long `logs -f` waits, once no container runs, for one to start again before it ends. */
const FOLLOW_GRACE_MS = 2000;

/** `2006-01-02 15:04:05.000000` in local time, as compose prints event times. */
function eventTime(timeNano: number | undefined, time: number): string {
  const ms = timeNano !== undefined ? Math.floor(timeNano / 1e6) : time * 1000;
  const d = new Date(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const micros = timeNano !== undefined ? Math.floor((timeNano / 1e3) % 1e6) : 0;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`;
}

export const events: ComposeRunner = async (context, args, flags) => {
  const { name } = context.projectOrName();
  const services = new Set(args);
  const now = context.now();
  const stream = context.client().events({
    since: timestampFlag(flags.string('since'), now),
    until: timestampFlag(flags.string('until'), now),
    filters: { type: ['container'], label: [projectFilter(name)] },
  });
  for await (const event of stream) {
    const attributes = event.Actor?.Attributes ?? {};
    const service = attributes[LABEL_SERVICE] ?? '';
    if (services.size > 0 && !services.has(service)) continue;
    const shown: Record<string, string> = {};
    for (const [key, value] of Object.entries(attributes)) if (!key.startsWith('com.docker.compose.')) shown[key] = value;
    if (flags.bool('json')) {
      context.stdout.write(`${JSON.stringify({ time: new Date(Math.floor((event.timeNano ?? event.time * 1e9) / 1e6)).toISOString(), type: 'container', action: event.Action, id: event.Actor?.ID ?? event.id, service, attributes: shown })}\n`);
    } else {
      const text = Object.entries(shown)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ');
      context.stdout.write(`${eventTime(event.timeNano, event.time)} container ${event.Action} ${event.Actor?.ID ?? event.id} (${text})\n`);
    }
  }
};
