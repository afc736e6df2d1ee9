// /images/* routes: translate HTTP ⇄ image store calls.

import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, NotImplementedError, asBerthError } from '../../../errdefs/index.js';
import type { Engine } from '../../engine.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';
import { pullFromRegistry } from './distribution.js';

/** Images used by containers: which containers, and whether they run (for rmi conflicts). */
function containersUsing(engine: Engine) {
  return (imageId: string) =>
    engine.containers
      .list()
      .filter((h) => h.record.imageId === imageId)
      .map((h) => ({ id: h.id, running: h.isRunning }));
}

/** Streams progress messages as dockerd's JSON lines; an error mid-stream becomes errorDetail. */
async function jsonProgress(ctx: RequestContext, work: (write: (message: Record<string, unknown>) => void) => Promise<void>): Promise<void> {
  const res = ctx.mustRes();
  let started = false;
  const write = (message: Record<string, unknown>): void => {
    if (!started) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      started = true;
    }
    res.write(`${JSON.stringify(message)}\n`);
  };
  try {
    await work(write);
  } catch (err) {
    if (!started) throw err;
    const message = asBerthError(err).message;
    write({ errorDetail: { message }, error: message });
  }
  if (!started) res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end();
}

export function imageRoutes(engine: Engine): Route[] {
  const images = engine.images;
  const usage = containersUsing(engine);

  const create = async (ctx: RequestContext): Promise<void> => {
    const fromSrc = ctx.string('fromSrc');
    const fromImage = ctx.string('fromImage');
    if (fromSrc !== undefined) {
      if (fromSrc !== '-') throw new InvalidArgumentError('importing from a URL is not supported: send the tarball as the request body (fromSrc=-)');
      const repo = ctx.string('repo');
      const tag = ctx.string('tag');
      const changes = ctx.query.getAll('changes').flatMap((c) => c.split('\n')).filter((c) => c.trim());
      // Validate before reading a possibly large body.
      const id = await images.importRootfs(ctx.req, {
        ...(repo ? { reference: repo, ...(tag ? { tag } : {}) } : {}),
        changes,
        ...(ctx.string('message') ? { message: ctx.string('message') } : {}),
        source: '-',
        ...(ctx.string('platform') ? { platform: ctx.string('platform') } : {}),
      });
      await jsonProgress(ctx, async (write) => write({ status: id }));
      return;
    }
    if (fromImage !== undefined) {
      await pullFromRegistry(engine, ctx, fromImage);
      return;
    }
    throw new InvalidArgumentError('either fromSrc or fromImage is required');
  };

  const load = async (ctx: RequestContext): Promise<void> => {
    const quiet = ctx.bool('quiet');
    await jsonProgress(ctx, async (write) => {
      await images.load(ctx.req, {
        onMessage: (message) => {
          if (!quiet || message.startsWith('Loaded')) write({ stream: message });
        },
      });
    });
  };

  const save = async (ctx: RequestContext, names: string[]): Promise<void> => {
    if (names.length === 0) throw new InvalidArgumentError('no image names given');
    const tar = await images.save(names);
    const res = ctx.mustRes();
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await pipeline(tar, res);
  };

  return [
    {
      method: 'GET',
      pattern: '/images/json',
      handler: async (ctx) =>
        ctx.send(
          200,
          images.list({
            all: ctx.bool('all'),
            filters: ctx.filters(),
            apiVersion: ctx.apiVersion,
            sharedSize: ctx.bool('shared-size'),
            containerCount: (id) => engine.containers.list().filter((h) => h.record.imageId === id).length,
          }),
        ),
    },
    { method: 'POST', pattern: '/images/create', handler: create },
    { method: 'POST', pattern: '/images/load', handler: load },
    { method: 'GET', pattern: '/images/get', handler: (ctx) => save(ctx, ctx.query.getAll('names')) },
    {
      method: 'POST',
      pattern: '/images/prune',
      handler: async (ctx) => ctx.send(200, await images.prune({ filters: ctx.filters(), containersUsing: usage })),
    },
    { method: 'GET', pattern: '/images/search', handler: async () => Promise.reject(new NotImplementedError('image search needs a registry index, which berthd does not use')) },
    { method: 'GET', pattern: '/images/{name*}/json', handler: async (ctx) => ctx.send(200, images.inspect(ctx.params.name, { apiVersion: ctx.apiVersion })) },
    { method: 'GET', pattern: '/images/{name*}/history', handler: async (ctx) => ctx.send(200, images.history(ctx.params.name)) },
    { method: 'GET', pattern: '/images/{name*}/get', handler: (ctx) => save(ctx, [ctx.params.name]) },
    {
      method: 'POST',
      pattern: '/images/{name*}/tag',
      handler: async (ctx) => {
        const repo = ctx.string('repo');
        if (!repo) throw new InvalidArgumentError('repository name must have at least one component');
        await images.tag(ctx.params.name, repo, ctx.string('tag') || undefined);
        ctx.send(201);
      },
    },
    {
      method: 'DELETE',
      pattern: '/images/{name*}',
      handler: async (ctx) =>
        ctx.send(200, await images.remove(ctx.params.name, { force: ctx.bool('force'), noprune: ctx.bool('noprune'), containersUsing: usage })),
    },
  ];
}
