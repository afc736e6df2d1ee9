// /build routes: POST /build (the legacy builder protocol: a context tar in, JSON progress lines
// out, exactly as dockerd streams them), POST /build/prune and /build/cancel. HTTP ⇄ builder only.
import { BerthError, InvalidArgumentError, NotImplementedError, asBerthError } from '../../../errdefs/index.js';
import { RunFailedError, type BuildOptions } from '../../build/index.js';
import type { Engine } from '../../engine.js';
import { versionNumber, type RequestContext } from '../http.js';
import type { Route } from '../router.js';

function jsonQuery<T>(ctx: RequestContext, name: string, what: string): T | undefined {
  const raw = ctx.string(name);
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch (err) {
    throw new InvalidArgumentError(`error reading ${what}: ${(err as Error).message}`);
  }
}

/** The query of POST /build → builder options; everything the user can get wrong fails here (400). */
export function buildOptionsFromQuery(ctx: RequestContext): BuildOptions {
  const version = ctx.string('version');
  if (version === '2') throw new InvalidArgumentError('buildkit is not supported by berthd: build with the legacy builder (DOCKER_BUILDKIT=0)');
  if (version !== undefined && version !== '' && version !== '1') throw new InvalidArgumentError(`invalid version ${version}`);
  if (ctx.string('remote')) {
    throw new NotImplementedError('remote build contexts are not supported: berthd fetches nothing from the network; send the context as the request body');
  }
  if (ctx.bool('squash')) throw new InvalidArgumentError('squash is only supported with experimental mode');
  if (ctx.query.getAll('securityopt').length > 0) {
    throw new InvalidArgumentError('The daemon on this platform does not support setting security options on build');
  }
  const buildArgs = jsonQuery<Record<string, string | null>>(ctx, 'buildargs', 'build args') ?? {};
  if (typeof buildArgs !== 'object' || buildArgs === null || Array.isArray(buildArgs)) throw new InvalidArgumentError('error reading build args: not a JSON object');
  const labels = jsonQuery<Record<string, string>>(ctx, 'labels', 'labels') ?? {};
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidArgumentError('error reading labels: not a JSON object');
  jsonQuery<unknown>(ctx, 'cachefrom', 'cache-from'); // accepted; the local cache is always used
  jsonQuery<unknown>(ctx, 'ulimits', 'ulimit settings');
  const forceRemove = ctx.bool('forcerm');
  // API ≥ 1.12: intermediate containers are removed unless rm says otherwise.
  const remove = forceRemove || (ctx.string('rm') === undefined || ctx.string('rm') === '' ? true : ctx.bool('rm'));
  const options: BuildOptions = {
    dockerfile: ctx.string('dockerfile') || undefined,
    tags: ctx.query.getAll('t').filter((tag) => tag !== ''),
    buildArgs: new Map(Object.entries(buildArgs).map(([key, value]) => [key, value === null ? null : String(value)])),
    labels: Object.fromEntries(Object.entries(labels).map(([key, value]) => [key, String(value)])),
    target: ctx.string('target') || undefined,
    noCache: ctx.bool('nocache'),
    remove,
    forceRemove,
    wantAux: versionNumber(ctx.apiVersion) >= versionNumber('1.30'),
    networkMode: ctx.string('networkmode') || undefined,
    memory: ctx.int('memory'),
    memorySwap: ctx.int('memswap'),
    cpuShares: ctx.int('cpushares'),
    cpuPeriod: ctx.int('cpuperiod'),
    cpuQuota: ctx.int('cpuquota'),
    cpusetCpus: ctx.string('cpusetcpus') || undefined,
    cpusetMems: ctx.string('cpusetmems') || undefined,
    cgroupParent: ctx.string('cgroupparent') || undefined,
    shmSize: ctx.int('shmsize'),
    extraHosts: ctx.query.getAll('extrahosts').filter((host) => host !== ''),
  };
  return options;
}

/** dockerd's streamformatter.FormatError: a RUN's exit code rides along as errorDetail.code. */
export function errorMessage(err: unknown): Record<string, unknown> {
  const message = asBerthError(err).message;
  const code = err instanceof RunFailedError ? err.exitCode : undefined;
  return { errorDetail: code === undefined ? { message } : { code, message }, error: message };
}

export function buildRoutes(engine: Engine): Route[] {
  /** buildid → its cancellation (POST /build/cancel?id=). */
  const running = new Map<string, AbortController>();

  const build = async (ctx: RequestContext): Promise<void> => {
    const options = buildOptionsFromQuery(ctx);
    const quiet = ctx.bool('q');
    const res = ctx.mustRes();
    const abort = new AbortController();
    const buildId = ctx.string('buildid');
    if (buildId) running.set(buildId, abort);
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let started = false;
    const suppressed: string[] = [];
    const send = (line: string): void => {
      if (!started) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        started = true;
      }
      if (!res.destroyed) res.write(line);
    };
    const write = (message: Record<string, unknown>): void => {
      const line = `${JSON.stringify(message)}\n`;
      if (quiet) suppressed.push(line);
      else send(line);
    };
    try {
      const result = await engine.builder.build(ctx.req, options, { stream: (text) => write({ stream: text }), aux: (value) => write({ aux: value }) }, abort.signal);
      if (quiet) send(`${JSON.stringify({ stream: `${result.imageId}\n` })}\n`);
    } catch (err) {
      if (quiet && suppressed.length > 0) for (const line of suppressed) send(line);
      // Nothing sent yet: a plain HTTP error, as dockerd answers before its first output.
      if (!started) throw err instanceof BerthError ? err : asBerthError(err);
      send(`${JSON.stringify(errorMessage(err))}\n`);
    } finally {
      if (buildId) running.delete(buildId);
    }
    if (!started) res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end();
  };

  const prune = async (ctx: RequestContext): Promise<void> => {
    ctx.send(200, await engine.builder.pruneCache());
  };

  const cancel = async (ctx: RequestContext): Promise<void> => {
    const id = ctx.string('id');
    if (!id) throw new InvalidArgumentError('build ID not provided');
    running.get(id)?.abort();
    ctx.send(200);
  };

  return [
    { method: 'POST', pattern: '/build', handler: build },
    { method: 'POST', pattern: '/build/prune', handler: prune },
    { method: 'POST', pattern: '/build/cancel', handler: cancel },
    { method: 'GET', pattern: '/build/cancel', handler: cancel },
  ];
}
