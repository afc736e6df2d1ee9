// Registry routes: pull (POST /images/create?fromImage=, called from images.ts), push
// (POST /images/{name}/push) and login (POST /auth). Translate HTTP ⇄ the Distribution service.
import { InvalidArgumentError, asBerthError } from '../../../errdefs/index.js';
import { type ProgressMessage, decodeRegistryAuth, normalizeAuth } from '../../distribution/index.js';
import type { Engine } from '../../engine.js';
import type { RequestContext } from '../http.js';
import type { Route } from '../router.js';

/**
 * Runs `work` streaming its progress as JSON lines. Nothing is written before the first message, so
 * an error raised earlier (unknown manifest, refused credentials) is a plain HTTP error; later ones
 * become an errorDetail line, as dockerd does. A client that disconnects aborts the work.
 */
async function streamProgress(ctx: RequestContext, work: (emit: (message: ProgressMessage) => void, signal: AbortSignal) => Promise<void>): Promise<void> {
  const res = ctx.mustRes();
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) abort.abort(new Error('the client went away'));
  };
  res.on('close', onClose);
  let started = false;
  const emit = (message: ProgressMessage): void => {
    if (!started) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      started = true;
    }
    if (!res.destroyed) res.write(`${JSON.stringify(message)}\n`);
  };
  try {
    await work(emit, abort.signal);
  } catch (err) {
    if (!started) throw err;
    const message = asBerthError(err).message;
    emit({ errorDetail: { message }, error: message } as ProgressMessage);
  } finally {
    res.off('close', onClose);
  }
  if (!started) res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end();
}

function registryAuth(ctx: RequestContext): ReturnType<typeof decodeRegistryAuth> {
  const header = ctx.req.headers['x-registry-auth'];
  return decodeRegistryAuth(Array.isArray(header) ? header[0] : header);
}

/** POST /images/create?fromImage=…&tag=…: pulls from a registry. */
export async function pullFromRegistry(engine: Engine, ctx: RequestContext, fromImage: string): Promise<void> {
  const auth = registryAuth(ctx);
  const tag = ctx.string('tag');
  const platform = ctx.string('platform');
  await streamProgress(ctx, (emit, signal) => engine.distribution.pull({ image: fromImage, tag, platform: platform || undefined, auth, signal }, emit));
}

export function distributionRoutes(engine: Engine): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/images/{name*}/push',
      handler: async (ctx) => {
        const auth = registryAuth(ctx);
        const tag = ctx.string('tag');
        await streamProgress(ctx, (emit, signal) => engine.distribution.push({ image: ctx.params.name, tag, auth, signal }, emit));
      },
    },
    {
      method: 'POST',
      pattern: '/auth',
      handler: async (ctx) => {
        const body = await ctx.json<Record<string, unknown>>({});
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidArgumentError('the body must be an AuthConfig JSON object');
        const result = await engine.distribution.login(normalizeAuth(body));
        ctx.send(200, { Status: 'Login Succeeded', IdentityToken: result.identityToken ?? '' });
      },
    },
  ];
}
