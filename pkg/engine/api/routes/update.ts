// POST /containers/{id}/update: HTTP ⇄ ContainerService.update.

import { checkUpdateBody } from '../../container/index.js';
import type { Engine } from '../../engine.js';
import type { Route } from '../router.js';

export function updateRoutes(engine: Engine): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/containers/{id}/update',
      handler: async (ctx) => {
        const request = checkUpdateBody(await ctx.json<unknown>(null));
        ctx.send(200, await engine.containers.update(ctx.params.id, request));
      },
    },
  ];
}
