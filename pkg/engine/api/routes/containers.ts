// /containers/* routes: translate HTTP ⇄ container service calls. No container logic here.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ConflictError, InvalidArgumentError, NotImplementedError, NotModifiedError } from '../../../errdefs/index.js';
import type { Engine } from '../../engine.js';
import {
  checkContainerFilters,
  containerLogPath,
  inspectView,
  matchesContainerFilters,
  parseTimestamp,
  parseUnixTimestamp,
  readLogs,
  statsOnce,
  summaryView,
  top,
  type ContainerHandle,
  type CreateRequest,
  type LogEntry,
  type WaitCondition,
} from '../../container/index.js';
import { versionNumber, type RequestContext } from '../http.js';
import { DEFAULT_DETACH_KEYS, bridge, parseDetachKeys, startHijack } from '../hijack.js';
import type { Route } from '../router.js';
import { containerCreateSchema, strSliceValue, validateBody } from '../schemas.js';
import { archiveRoutes } from './archive.js';

export function frame(stream: 1 | 2, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

export function streamContentType(ctx: RequestContext, tty: boolean): string {
  if (tty) return 'application/vnd.docker.raw-stream';
  return ctx.version >= versionNumber('1.42') ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
}

function entryBytes(entry: LogEntry, tty: boolean, timestamps: boolean): Buffer {
  const text = timestamps ? `${entry.time} ${entry.log}` : entry.log;
  const data = Buffer.from(text, 'utf8');
  return tty ? data : frame(entry.stream === 'stderr' ? 2 : 1, data);
}

function stoppedPromise(handle: ContainerHandle): Promise<void> {
  return handle.isRunning || handle.record.state.Restarting ? handle.nextExit().then(() => undefined) : Promise.resolve();
}

export function containerRoutes(engine: Engine): Route[] {
  const containers = engine.containers;
  const viewContext = async (handle: ContainerHandle, ctx: RequestContext, withSize: boolean) => {
    const sizeRw = withSize ? await engine.layers.rootfsSize(handle.id).catch(() => 0) : undefined;
    return engine.viewContext(handle, ctx.version, sizeRw);
  };

  const list = async (ctx: RequestContext): Promise<void> => {
    const filters = ctx.filters();
    checkContainerFilters(filters);
    const all = ctx.bool('all');
    const limit = ctx.int('limit') ?? -1;
    const withSize = ctx.bool('size');
    let handles = containers
      .list()
      .filter((h) => all || h.isRunning || (filters.status?.length ?? 0) > 0 || filters.exited !== undefined)
      .filter((h) =>
        matchesContainerFilters(h.record, filters, {
          imageMatches: (record, reference) => engine.imageMatches(record.imageId, record.config.Image, reference),
          createdOf: (reference) => containers.find(reference).record.created,
        }),
      )
      .sort((a, b) => parseTimestamp(b.record.created) - parseTimestamp(a.record.created) || (b.record.created > a.record.created ? 1 : -1));
    if (limit > 0) handles = handles.slice(0, limit);
    const views = [];
    for (const handle of handles) views.push(summaryView(handle.record, await viewContext(handle, ctx, withSize)));
    ctx.send(200, views);
  };

  const create = async (ctx: RequestContext): Promise<void> => {
    const body = validateBody<CreateRequest>(containerCreateSchema, await ctx.json<unknown>(), 'container config');
    body.Cmd = strSliceValue(body.Cmd as string | string[] | null) ?? null;
    if (body.Entrypoint !== undefined) body.Entrypoint = strSliceValue(body.Entrypoint as string | string[] | null) ?? null;
    if (body.HostConfig) {
      body.HostConfig.CapAdd = strSliceValue(body.HostConfig.CapAdd as string | string[] | null) ?? null;
      body.HostConfig.CapDrop = strSliceValue(body.HostConfig.CapDrop as string | string[] | null) ?? null;
    }
    if (body.Healthcheck?.Test) body.Healthcheck.Test = strSliceValue(body.Healthcheck.Test as string | string[]) ?? undefined;
    const name = ctx.string('name');
    const result = await containers.create(body, name || undefined);
    ctx.send(201, result);
  };

  const inspect = async (ctx: RequestContext): Promise<void> => {
    const handle = containers.find(ctx.params.id);
    ctx.send(200, inspectView(handle.record, await viewContext(handle, ctx, ctx.bool('size'))));
  };

  const noContent = (action: (ctx: RequestContext) => Promise<void>) => async (ctx: RequestContext): Promise<void> => {
    try {
      await action(ctx);
      ctx.send(204);
    } catch (err) {
      if (err instanceof NotModifiedError) ctx.send(304);
      else throw err;
    }
  };

  const timeout = (ctx: RequestContext): number | undefined => ctx.int('t') ?? ctx.int('timeout');

  const wait = async (ctx: RequestContext): Promise<void> => {
    const condition = (ctx.string('condition') || 'not-running') as WaitCondition;
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw new InvalidArgumentError(`invalid condition: "${condition}"`);
    const result = containers.wait(ctx.params.id, condition);
    const res = ctx.mustRes();
    // Headers go out at once (the docker CLI starts the container only after they arrive).
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const info = await result;
    // Error reports a failure of waiting itself; a process's own failure is only its exit code.
    res.end(`${JSON.stringify({ Error: null, StatusCode: info.exitCode })}\n`);
  };

  const logs = async (ctx: RequestContext): Promise<void> => {
    const handle = containers.find(ctx.params.id);
    const stdout = ctx.bool('stdout');
    const stderr = ctx.bool('stderr');
    if (!stdout && !stderr) throw new InvalidArgumentError('Bad parameters: you must choose at least one stream');
    if (handle.record.hostConfig.LogConfig.Type === 'none') {
      throw new NotImplementedError('configured logging driver does not support reading');
    }
    const tailText = ctx.string('tail') ?? 'all';
    if (tailText !== 'all' && !/^-?\d+$/.test(tailText)) throw new InvalidArgumentError(`invalid tail value: ${tailText}`);
    const tail = tailText === 'all' || Number(tailText) < 0 ? undefined : Number(tailText);
    const since = ctx.string('since');
    const until = ctx.string('until');
    const follow = ctx.bool('follow');
    const tty = handle.record.config.Tty;
    const timestamps = ctx.bool('timestamps');
    const res = ctx.mustRes();
    res.writeHead(200, { 'Content-Type': streamContentType(ctx, tty) });
    res.flushHeaders();
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const entries = readLogs(
      containerLogPath(containers, handle.id),
      {
        stdout,
        stderr,
        follow,
        ...(tail !== undefined ? { tail } : {}),
        ...(since && since !== '0' ? { sinceNs: parseUnixTimestamp(since) } : {}),
        ...(until && until !== '0' ? { untilNs: parseUnixTimestamp(until) } : {}),
      },
      follow ? stoppedPromise(handle) : Promise.resolve(),
      abort.signal,
    );
    const bytes = Readable.from(
      (async function* () {
        for await (const entry of entries) yield entryBytes(entry, tty, timestamps);
      })(),
    );
    await pipeline(bytes, res).catch(() => undefined);
  };

  const attach = async (ctx: RequestContext): Promise<void> => {
    const handle = containers.find(ctx.params.id);
    const record = handle.record;
    const stream = ctx.bool('stream');
    const logsWanted = ctx.bool('logs');
    const wantStdin = ctx.bool('stdin');
    const stdout = ctx.bool('stdout');
    const stderr = ctx.bool('stderr');
    const tty = record.config.Tty;
    const detachKeys = ctx.string('detachKeys') ? parseDetachKeys(ctx.string('detachKeys')!) : DEFAULT_DETACH_KEYS;
    if (record.state.Status === 'removing') throw new ConflictError(`container ${record.id} is being removed`);
    const connection = stream
      ? containers.attach(handle.id, { stdin: wantStdin && record.config.OpenStdin, stdout, stderr, raw: tty }).connection
      : undefined;
    connection?.catch(() => undefined);
    const { client, leftover } = await startHijack(ctx, streamContentType(ctx, tty));
    client.pause();
    if (logsWanted) {
      const abort = new AbortController();
      for await (const entry of readLogs(containerLogPath(containers, handle.id), { stdout, stderr, follow: false }, Promise.resolve(), abort.signal)) {
        client.write(entryBytes(entry, tty, false));
      }
    }
    // As dockerd: announced once the log replay is done, before the live stream.
    containers.emit(record, 'attach');
    if (!connection) {
      client.end();
      return;
    }
    let monitor;
    try {
      monitor = await connection;
    } catch {
      client.end();
      return;
    }
    client.resume();
    await bridge(client, leftover, monitor, { stdin: wantStdin && record.config.OpenStdin, detachKeys: tty ? detachKeys : [] });
  };

  const stats = async (ctx: RequestContext): Promise<void> => {
    const handle = containers.find(ctx.params.id);
    const stream = ctx.bool('stream', true);
    const oneShot = ctx.bool('one-shot');
    const res = ctx.mustRes();
    if (!stream) {
      let previous = oneShot ? undefined : await statsOnce(containers, handle.id);
      if (previous) await new Promise((resolve) => setTimeout(resolve, 1000));
      const current = await statsOnce(containers, handle.id);
      previous ??= { cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, read: '0001-01-01T00:00:00Z' };
      ctx.send(200, { ...current, preread: previous.read, precpu_stats: previous.cpu_stats });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    let closed = false;
    res.on('close', () => (closed = true));
    let previous: Record<string, unknown> = { read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} } };
    while (!closed) {
      const current = await statsOnce(containers, handle.id);
      res.write(`${JSON.stringify({ ...current, preread: previous.read, precpu_stats: previous.cpu_stats })}\n`);
      previous = current;
      if (!handle.isRunning && !containers.tryFind(handle.id)) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    res.end();
  };

  const prune = async (ctx: RequestContext): Promise<void> => {
    const filters = ctx.filters();
    for (const key of Object.keys(filters)) {
      if (!['until', 'label', 'label!'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    }
    const untilMs = filters.until?.length ? engine.parseUntil(filters.until[0]) : undefined;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const handle of containers.list()) {
      const record = handle.record;
      if (record.state.Running || record.state.Status === 'removing') continue;
      if (untilMs !== undefined && parseTimestamp(record.created) >= untilMs) continue;
      const labels = record.config.Labels ?? {};
      const labelMatch = (v: string): boolean => {
        const eq = v.indexOf('=');
        return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
      };
      if (filters.label && !filters.label.every(labelMatch)) continue;
      if (filters['label!'] && filters['label!'].some(labelMatch)) continue;
      reclaimed += await engine.layers.rootfsSize(record.id).catch(() => 0);
      await containers.remove(record.id, { force: false, removeVolumes: false });
      deleted.push(record.id);
    }
    ctx.send(200, { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  };

  return [
    { method: 'GET', pattern: '/containers/json', handler: list },
    { method: 'POST', pattern: '/containers/create', handler: create },
    { method: 'POST', pattern: '/containers/prune', handler: prune },
    { method: 'GET', pattern: '/containers/{id}/json', handler: inspect },
    {
      method: 'GET',
      pattern: '/containers/{id}/top',
      handler: async (ctx) => ctx.send(200, await top(containers, ctx.params.id, ctx.string('ps_args') ?? '')),
    },
    { method: 'GET', pattern: '/containers/{id}/logs', handler: logs },
    { method: 'GET', pattern: '/containers/{id}/stats', handler: stats },
    {
      method: 'POST',
      pattern: '/containers/{id}/resize',
      handler: async (ctx) => {
        containers.resize(ctx.params.id, ctx.int('h') ?? 0, ctx.int('w') ?? 0);
        ctx.send(200);
      },
    },
    { method: 'POST', pattern: '/containers/{id}/start', handler: noContent((ctx) => containers.start(ctx.params.id)) },
    {
      method: 'POST',
      pattern: '/containers/{id}/stop',
      handler: noContent((ctx) => containers.stop(ctx.params.id, { timeout: timeout(ctx), signal: ctx.string('signal') })),
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/restart',
      handler: noContent((ctx) => containers.restart(ctx.params.id, { timeout: timeout(ctx), signal: ctx.string('signal') })),
    },
    { method: 'POST', pattern: '/containers/{id}/kill', handler: noContent((ctx) => containers.kill(ctx.params.id, ctx.string('signal') || undefined)) },
    {
      method: 'POST',
      pattern: '/containers/{id}/rename',
      handler: noContent(async (ctx) => {
        const name = ctx.string('name');
        if (!name) throw new InvalidArgumentError('Neither old nor new names may be empty');
        await containers.rename(ctx.params.id, name);
      }),
    },
    { method: 'POST', pattern: '/containers/{id}/pause', handler: noContent((ctx) => containers.pause(ctx.params.id)) },
    { method: 'POST', pattern: '/containers/{id}/unpause', handler: noContent((ctx) => containers.unpause(ctx.params.id)) },
    { method: 'POST', pattern: '/containers/{id}/attach', handler: attach, hijack: true },
    { method: 'POST', pattern: '/containers/{id}/wait', handler: wait },
    {
      method: 'DELETE',
      pattern: '/containers/{id}',
      handler: noContent((ctx) => containers.remove(ctx.params.id, { force: ctx.bool('force'), removeVolumes: ctx.bool('v') })),
    },
    ...archiveRoutes(engine),
  ];
}
