// /networks/* routes.

import { InvalidArgumentError } from '../../../errdefs/index.js';
import type { EndpointSettings } from '../../container/index.js';
import type { Engine } from '../../engine.js';
import { BridgeNetworkHooks, type CreateNetworkRequest } from '../../network/index.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';

export function networkRoutes(engine: Engine): Route[] {
  const networks = engine.networks;
  const hooks = engine.networkHooks;
  const records = () => engine.containers.list().map((h) => h.record);

  const connect = async (ctx: RequestContext): Promise<void> => {
    const body = await ctx.json<{ Container?: string; EndpointConfig?: Partial<EndpointSettings> | null }>();
    if (!body.Container) throw new InvalidArgumentError('Container is required');
    const handle = engine.containers.find(body.Container);
    await handle.lock(async () => {
      await hooks.connect(ctx.params.id, handle.record, handle.isRunning, body.EndpointConfig ?? undefined);
      await engine.containers.persist(handle);
    });
    ctx.send(200);
  };

  const disconnect = async (ctx: RequestContext): Promise<void> => {
    const body = await ctx.json<{ Container?: string; Force?: boolean }>();
    if (!body.Container) throw new InvalidArgumentError('Container is required');
    const handle = engine.containers.find(body.Container);
    await handle.lock(async () => {
      await hooks.disconnect(ctx.params.id, handle.record, handle.isRunning, Boolean(body.Force));
      await engine.containers.persist(handle);
    });
    ctx.send(200);
  };

  const prune = async (ctx: RequestContext): Promise<void> => {
    const filters = ctx.filters();
    for (const key of Object.keys(filters)) {
      if (!['until', 'label', 'label!'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    }
    const untilMs = filters.until?.length ? engine.parseUntil(filters.until[0]) : undefined;
    const deleted: string[] = [];
    for (const network of [...networks.networks.values()]) {
      if (network.predefined) continue;
      if (BridgeNetworkHooks.configuredOn(network, records()).length || Object.keys(network.endpoints).length) continue;
      if (untilMs !== undefined && Date.parse(network.created) >= untilMs) continue;
      const labelMatch = (v: string): boolean => {
        const eq = v.indexOf('=');
        return eq < 0 ? v in network.labels : network.labels[v.slice(0, eq)] === v.slice(eq + 1);
      };
      if (filters.label && !filters.label.every(labelMatch)) continue;
      if (filters['label!'] && filters['label!'].some(labelMatch)) continue;
      await networks.remove(network.id, () => []);
      deleted.push(network.name);
    }
    ctx.send(200, { NetworksDeleted: deleted.length ? deleted : null });
  };

  return [
    { method: 'GET', pattern: '/networks', handler: async (ctx) => ctx.send(200, networks.list(ctx.filters())) },
    { method: 'POST', pattern: '/networks/create', handler: async (ctx) => ctx.send(201, await networks.create(await ctx.json<CreateNetworkRequest>())) },
    { method: 'POST', pattern: '/networks/prune', handler: prune },
    { method: 'GET', pattern: '/networks/{id}', handler: async (ctx) => ctx.send(200, networks.inspect(ctx.params.id)) },
    {
      method: 'DELETE',
      pattern: '/networks/{id}',
      handler: async (ctx) => {
        await networks.remove(ctx.params.id, (network) => BridgeNetworkHooks.configuredOn(network, records()));
        ctx.send(204);
      },
    },
    { method: 'POST', pattern: '/networks/{id}/connect', handler: connect },
    { method: 'POST', pattern: '/networks/{id}/disconnect', handler: disconnect },
  ];
}
