// POST /commit, GET /containers/{id}/changes and GET /containers/{id}/export: HTTP ⇄ the engine's
// commit, diff and export (pkg/engine/commit.ts).

import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../../errdefs/index.js';
import { commitContainer, containerChanges, exportContainer } from '../../commit.js';
import type { ContainerConfig } from '../../container/index.js';
import type { Engine } from '../../engine.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';
import { strSliceValue } from '../schemas.js';

/** The commit body: a container Config, or nothing/null for the container's own. */
async function commitBody(ctx: RequestContext): Promise<Partial<ContainerConfig> | null> {
  const body = await ctx.json<unknown>(null);
  if (body === null) return null;
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('json: cannot unmarshal the commit body into Go value of type container.Config');
  const config = body as Partial<ContainerConfig>;
  if (config.Cmd !== undefined) config.Cmd = strSliceValue(config.Cmd as string | string[] | null) ?? null;
  if (config.Entrypoint !== undefined) config.Entrypoint = strSliceValue(config.Entrypoint as string | string[] | null) ?? null;
  return config;
}

export function commitRoutes(engine: Engine): Route[] {
  const commit = async (ctx: RequestContext): Promise<void> => {
    const id = await commitContainer(engine, {
      container: ctx.string('container') ?? '',
      repo: ctx.string('repo') || undefined,
      tag: ctx.string('tag') || undefined,
      author: ctx.string('author') || undefined,
      comment: ctx.string('comment') || undefined,
      pause: ctx.bool('pause', true),
      changes: ctx.query.getAll('changes'),
      config: await commitBody(ctx),
    });
    ctx.send(201, { Id: id });
  };

  const exportTar = async (ctx: RequestContext): Promise<void> => {
    const res = ctx.mustRes();
    await exportContainer(engine, ctx.params.id, async (tar) => {
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      try {
        await pipeline(tar, res);
      } catch (err) {
        // Headers are out: a broken tar can only be signalled by cutting the connection.
        res.destroy(err as Error);
        throw err;
      }
    });
  };

  return [
    { method: 'POST', pattern: '/commit', handler: commit },
    { method: 'GET', pattern: '/containers/{id}/changes', handler: async (ctx) => ctx.send(200, await containerChanges(engine, ctx.params.id)) },
    { method: 'GET', pattern: '/containers/{id}/export', handler: exportTar },
  ];
}
