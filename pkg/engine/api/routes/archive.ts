// /containers/{id}/archive (docker cp both ways) and /containers/{id}/export.

import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError } from '../../../errdefs/index.js';
import { extractTarToPath, statInRoot, tarFromPath } from '../../snapshot/index.js';
import type { Engine } from '../../engine.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';

function pathParam(ctx: RequestContext): string {
  const path = ctx.string('path');
  if (!path) throw new InvalidArgumentError('path is required: give the path inside the container');
  return path;
}

export function archiveRoutes(engine: Engine): Route[] {
  const stat = async (ctx: RequestContext): Promise<void> => {
    const path = pathParam(ctx);
    await engine.withContainerFs(ctx.params.id, path, async (root, inner, name) => {
      const info = await statInRoot(root, inner, { containerName: name });
      const header = Buffer.from(JSON.stringify(info)).toString('base64');
      const res = ctx.mustRes();
      res.writeHead(200, { 'X-Docker-Container-Path-Stat': header, 'Content-Type': 'application/json' });
      res.end();
    });
  };

  const get = async (ctx: RequestContext): Promise<void> => {
    const path = pathParam(ctx);
    await engine.withContainerFs(ctx.params.id, path, async (root, inner, name) => {
      const info = await statInRoot(root, inner, { containerName: name });
      const tar = await tarFromPath(root, inner, { containerName: name });
      const res = ctx.mustRes();
      res.writeHead(200, {
        'Content-Type': 'application/x-tar',
        'X-Docker-Container-Path-Stat': Buffer.from(JSON.stringify(info)).toString('base64'),
      });
      await pipeline(tar, res);
    });
  };

  const put = async (ctx: RequestContext): Promise<void> => {
    const path = pathParam(ctx);
    await engine.withContainerFs(
      ctx.params.id,
      path,
      async (root, inner, name) => {
        await extractTarToPath(root, inner, ctx.req, {
          noOverwriteDirNonDir: ctx.bool('noOverwriteDirNonDir'),
          containerName: name,
        });
        ctx.send(200);
      },
      { write: true },
    );
  };

  return [
    { method: 'HEAD', pattern: '/containers/{id}/archive', handler: stat },
    { method: 'GET', pattern: '/containers/{id}/archive', handler: get },
    { method: 'PUT', pattern: '/containers/{id}/archive', handler: put },
  ];
}
