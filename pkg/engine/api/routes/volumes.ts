// /volumes/* routes.

import { InvalidArgumentError } from '../../../errdefs/index.js';
import type { Engine } from '../../engine.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';
import { ANONYMOUS_LABEL } from '../../volume/index.js';

export function volumeRoutes(engine: Engine): Route[] {
  const volumes = engine.volumes;

  const prune = async (ctx: RequestContext): Promise<void> => {
    const filters = ctx.filters();
    for (const key of Object.keys(filters)) {
      if (!['label', 'label!', 'all'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    }
    // API >= 1.42 prunes only anonymous volumes unless all=true.
    const all = (filters.all ?? []).some((v) => v === 'true' || v === '1') || ctx.version < 1042;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const volume of volumes.list({})) {
      if (volumes.usedBy(volume.Name).length) continue;
      if (!all && !(ANONYMOUS_LABEL in volume.Labels)) continue;
      const labelMatch = (v: string): boolean => {
        const eq = v.indexOf('=');
        return eq < 0 ? v in volume.Labels : volume.Labels[v.slice(0, eq)] === v.slice(eq + 1);
      };
      if (filters.label && !filters.label.every(labelMatch)) continue;
      if (filters['label!'] && filters['label!'].some(labelMatch)) continue;
      reclaimed += await volumes.size(volume.Name);
      await volumes.remove(volume.Name, false);
      deleted.push(volume.Name);
    }
    ctx.send(200, { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed });
  };

  return [
    {
      method: 'GET',
      pattern: '/volumes',
      handler: async (ctx) => ctx.send(200, { Volumes: volumes.list(ctx.filters()).map((v) => volumes.view(v)), Warnings: [] }),
    },
    {
      method: 'POST',
      pattern: '/volumes/create',
      handler: async (ctx) => {
        const body = await ctx.json<{ Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> }>({});
        ctx.send(201, volumes.view(await volumes.create(body)));
      },
    },
    { method: 'POST', pattern: '/volumes/prune', handler: prune },
    { method: 'GET', pattern: '/volumes/{name}', handler: async (ctx) => ctx.send(200, volumes.view(volumes.get(ctx.params.name))) },
    {
      method: 'DELETE',
      pattern: '/volumes/{name}',
      handler: async (ctx) => {
        await volumes.remove(ctx.params.name, ctx.bool('force'));
        ctx.send(204);
      },
    },
  ];
}
