// /containers/{id}/exec and /exec/* routes.

import type { Socket } from 'node:net';
import { InvalidArgumentError } from '../../../errdefs/index.js';
import type { ExecConfig } from '../../container/index.js';
import type { Engine } from '../../engine.js';
import { DEFAULT_DETACH_KEYS, bridge, parseDetachKeys, startHijack } from '../hijack.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';
import { execCreateSchema, strSliceValue, validateBody } from '../schemas.js';
import { frame, streamContentType } from './containers.js';

interface ExecStartBody {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
}

export function execRoutes(engine: Engine): Route[] {
  const execs = engine.execs;

  const create = async (ctx: RequestContext): Promise<void> => {
    const body = validateBody<ExecConfig>(execCreateSchema, await ctx.json<unknown>(), 'exec config');
    body.Cmd = strSliceValue(body.Cmd as string | string[] | null) ?? null;
    if (body.DetachKeys) parseDetachKeys(body.DetachKeys);
    ctx.send(201, { Id: execs.create(ctx.params.id, body) });
  };

  const start = async (ctx: RequestContext): Promise<void> => {
    const body = await ctx.json<ExecStartBody>({});
    const exec = execs.find(ctx.params.id);
    const tty = body.Tty ?? exec.config.Tty ?? false;
    if (body.Detach) {
      await execs.start(ctx.params.id, { tty, consoleSize: body.ConsoleSize ?? null });
      ctx.send(200);
      return;
    }
    // Answer (101) before the process starts, as dockerd does: a client that reads the response
    // head through a buffer (docker-py) would otherwise swallow output sent along with it.
    execs.checkStartable(ctx.params.id);
    const { client, leftover } = await startHijack(ctx, streamContentType(ctx, tty));
    let attached: Socket | undefined;
    try {
      await execs.start(ctx.params.id, { tty, consoleSize: body.ConsoleSize ?? null }, (_flags, socket) => {
        attached = socket;
      });
    } catch (err) {
      // Too late for a status code: the reason goes into the stream, as dockerd writes it.
      const text = Buffer.from(`${err instanceof Error ? err.message : String(err)}\r\n`);
      client.end(tty ? text : frame(1, text));
      return;
    }
    if (!attached) {
      client.end();
      return;
    }
    const keys = exec.config.DetachKeys ? parseDetachKeys(exec.config.DetachKeys) : DEFAULT_DETACH_KEYS;
    const exited = exec.control?.exited.then(() => undefined) ?? Promise.resolve();
    await bridge(client, leftover, attached, {
      stdin: Boolean(exec.config.AttachStdin),
      detachKeys: tty ? keys : [],
      beforeEnd: () => Promise.race([exited, new Promise<void>((resolve) => setTimeout(resolve, 2000))]),
    });
  };

  return [
    { method: 'POST', pattern: '/containers/{id}/exec', handler: create },
    { method: 'POST', pattern: '/exec/{id}/start', handler: start, hijack: true },
    {
      method: 'POST',
      pattern: '/exec/{id}/resize',
      handler: async (ctx) => {
        const height = ctx.int('h');
        const width = ctx.int('w');
        if (height === undefined || width === undefined) throw new InvalidArgumentError('h and w are required');
        execs.resize(ctx.params.id, height, width);
        ctx.send(200);
      },
    },
    { method: 'GET', pattern: '/exec/{id}/json', handler: async (ctx) => ctx.send(200, execs.inspect(ctx.params.id)) },
  ];
}
