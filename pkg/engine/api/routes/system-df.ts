// GET /system/df: HTTP ⇄ the engine's disk usage report (`type` filters from API 1.42 on).

import { diskUsage, parseDiskUsageTypes } from '../../disk-usage.js';
import type { Engine } from '../../engine.js';
import { versionNumber } from '../http.js';
import type { Route } from '../router.js';

export function systemDfRoutes(engine: Engine): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/system/df',
      handler: async (ctx) => {
        const types = parseDiskUsageTypes(ctx.version >= versionNumber('1.42') ? ctx.query.getAll('type') : []);
        ctx.send(200, await diskUsage(engine, types, ctx.version));
      },
    },
  ];
}
