// Container endpoints of the Engine API (effects via Transport): lifecycle, logs, attach, wait,
// stats, top, archive and prune.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errdefs/index.js';
import { encodeFilters, type Filters } from './filters.js';
import { readJsonStream } from './json-stream.js';
import { headerValue, readBody, type HijackedConnection, type Transport } from './transport.js';
import type {
  ContainerCreateRequest,
  ContainerCreateResponse,
  ContainerInspectResponse,
  ContainerPathStat,
  ContainerPruneResponse,
  ContainerSummary,
  ContainerTopResponse,
  ContainerWaitResponse,
  FilesystemChange,
  WaitCondition,
} from './types-container.js';
import type { ContainerStats } from './types-system.js';

export interface Abortable {
  signal?: AbortSignal;
}

export interface ContainerListOptions extends Abortable {
  all?: boolean;
  /** Show only the n most recently created containers (including stopped ones). */
  limit?: number;
  size?: boolean;
  filters?: Filters;
}

export interface StopOptions extends Abortable {
  /** Seconds to wait before killing; undefined uses the container's or daemon's default. */
  timeoutSeconds?: number;
  /** Signal to stop with instead of the container's StopSignal. */
  stopSignal?: string;
}

export interface LogsOptions extends Abortable {
  stdout?: boolean;
  stderr?: boolean;
  follow?: boolean;
  timestamps?: boolean;
  details?: boolean;
  /** Number of lines from the end, or `all`. */
  tail?: string;
  /** Unix timestamp or RFC 3339 / relative string as the daemon accepts it. */
  since?: string;
  until?: string;
}

export interface LogsStream {
  body: IncomingMessage;
  /** `application/vnd.docker.multiplexed-stream` (API ≥ 1.42) or `…raw-stream`, which older daemons send for both. */
  contentType: string;
}

export interface AttachOptions extends Abortable {
  stream?: boolean;
  logs?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  detachKeys?: string;
}

/** A wait the daemon accepted (headers received); `result` settles when the condition is met. */
export interface PendingWait {
  result: Promise<ContainerWaitResponse>;
  /** Drops the wait (e.g. `run -d`); `result` then rejects with an AbortError. */
  cancel(): void;
}

export interface ArchiveResult {
  stat: ContainerPathStat;
  body: IncomingMessage;
}

export interface PutArchiveOptions extends Abortable {
  noOverwriteDirNonDir?: boolean;
  copyUIDGID?: boolean;
}

const STAT_HEADER = 'x-docker-container-path-stat';

/** Decodes the base64 JSON path-stat header of the archive endpoints. */
export function decodePathStat(header: string | undefined): ContainerPathStat {
  if (!header) throw new InvalidArgumentError('unable to get resource stat from response: no X-Docker-Container-Path-Stat header');
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ContainerPathStat;
}

const path = (id: string, suffix = ''): string => `/containers/${encodeURIComponent(id)}${suffix}`;

export class ContainersApi {
  constructor(private readonly transport: Transport) {}

  list(options: ContainerListOptions = {}): Promise<ContainerSummary[]> {
    return this.transport.json<ContainerSummary[]>({
      method: 'GET',
      path: '/containers/json',
      query: {
        all: options.all || undefined,
        limit: options.limit !== undefined && options.limit > 0 ? options.limit : undefined,
        size: options.size || undefined,
        filters: encodeFilters(options.filters),
      },
      signal: options.signal,
    });
  }

  create(body: ContainerCreateRequest, options: Abortable & { name?: string; platform?: string } = {}): Promise<ContainerCreateResponse> {
    return this.transport.json<ContainerCreateResponse>({
      method: 'POST',
      path: '/containers/create',
      query: { name: options.name || undefined, platform: options.platform || undefined },
      body,
      signal: options.signal,
    });
  }

  inspect(id: string, options: Abortable & { size?: boolean } = {}): Promise<ContainerInspectResponse> {
    return this.transport.json<ContainerInspectResponse>({
      method: 'GET',
      path: path(id, '/json'),
      query: { size: options.size || undefined },
      signal: options.signal,
    });
  }

  /** The inspect answer as the daemon's JSON text, for output that must keep its exact bytes. */
  inspectRaw(id: string, options: Abortable & { size?: boolean } = {}): Promise<string> {
    return this.transport.text({ method: 'GET', path: path(id, '/json'), query: { size: options.size || undefined }, signal: options.signal });
  }

  async start(id: string, options: Abortable & { detachKeys?: string } = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(id, '/start'), query: { detachKeys: options.detachKeys }, signal: options.signal });
  }

  async stop(id: string, options: StopOptions = {}): Promise<void> {
    await this.transport.empty({
      method: 'POST',
      path: path(id, '/stop'),
      query: { t: options.timeoutSeconds, signal: options.stopSignal },
      signal: options.signal,
    });
  }

  async restart(id: string, options: StopOptions = {}): Promise<void> {
    await this.transport.empty({
      method: 'POST',
      path: path(id, '/restart'),
      query: { t: options.timeoutSeconds, signal: options.stopSignal },
      signal: options.signal,
    });
  }

  async kill(id: string, options: Abortable & { killSignal?: string } = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(id, '/kill'), query: { signal: options.killSignal || undefined }, signal: options.signal });
  }

  async remove(id: string, options: Abortable & { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<void> {
    await this.transport.empty({
      method: 'DELETE',
      path: path(id),
      query: { force: options.force || undefined, v: options.volumes || undefined, link: options.link || undefined },
      signal: options.signal,
    });
  }

  async rename(id: string, name: string, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(id, '/rename'), query: { name }, signal: options.signal });
  }

  async pause(id: string, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(id, '/pause'), signal: options.signal });
  }

  async unpause(id: string, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(id, '/unpause'), signal: options.signal });
  }

  async resize(id: string, size: { height: number; width: number }, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(id, '/resize'), query: { h: size.height, w: size.width }, signal: options.signal });
  }

  top(id: string, options: Abortable & { psArgs?: string } = {}): Promise<ContainerTopResponse> {
    return this.transport.json<ContainerTopResponse>({ method: 'GET', path: path(id, '/top'), query: { ps_args: options.psArgs || undefined }, signal: options.signal });
  }

  changes(id: string, options: Abortable = {}): Promise<FilesystemChange[] | null> {
    return this.transport.json<FilesystemChange[] | null>({ method: 'GET', path: path(id, '/changes'), signal: options.signal });
  }

  prune(options: Abortable & { filters?: Filters } = {}): Promise<ContainerPruneResponse> {
    return this.transport.json<ContainerPruneResponse>({
      method: 'POST',
      path: '/containers/prune',
      query: { filters: encodeFilters(options.filters) },
      signal: options.signal,
    });
  }

  /**
   * Registers a wait and resolves once the daemon accepted it (response headers), which docker's
   * CLI needs before `start` so a fast exit is not missed. The body arrives when the condition is met.
   */
  async beginWait(id: string, options: Abortable & { condition?: WaitCondition } = {}): Promise<PendingWait> {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await this.transport.send({
        method: 'POST',
        path: path(id, '/wait'),
        query: { condition: options.condition },
        signal: controller.signal,
      });
      const result = readBody(response, 64 * 1024)
        .then((body) => JSON.parse(body.toString('utf8')) as ContainerWaitResponse)
        .finally(() => options.signal?.removeEventListener('abort', onAbort));
      // The caller may await `result` late (after start); keep an early rejection from being "unhandled".
      result.catch(() => undefined);
      return { result, cancel: () => controller.abort() };
    } catch (err) {
      options.signal?.removeEventListener('abort', onAbort);
      throw err;
    }
  }

  /** Waits for the condition (default not-running) and resolves with the exit status. */
  async wait(id: string, options: Abortable & { condition?: WaitCondition } = {}): Promise<ContainerWaitResponse> {
    const pending = await this.beginWait(id, options);
    return pending.result;
  }

  async logs(id: string, options: LogsOptions = {}): Promise<LogsStream> {
    const body = await this.transport.send({
      method: 'GET',
      path: path(id, '/logs'),
      query: {
        stdout: options.stdout ?? true,
        stderr: options.stderr ?? true,
        follow: options.follow || undefined,
        timestamps: options.timestamps || undefined,
        details: options.details || undefined,
        tail: options.tail,
        since: options.since,
        until: options.until,
      },
      signal: options.signal,
    });
    return { body, contentType: headerValue(body.headers['content-type']) ?? '' };
  }

  /** Attaches over a hijacked connection (`101 UPGRADED`); the caller owns the socket. */
  attach(id: string, options: AttachOptions = {}): Promise<HijackedConnection> {
    return this.transport.hijack({
      method: 'POST',
      path: path(id, '/attach'),
      query: {
        stream: options.stream ?? true,
        logs: options.logs || undefined,
        stdin: options.stdin || undefined,
        stdout: options.stdout || undefined,
        stderr: options.stderr || undefined,
        detachKeys: options.detachKeys,
      },
      signal: options.signal,
    });
  }

  /** One stats sample; `oneShot` skips the daemon's second sample (no CPU % then). */
  async statsOnce(id: string, options: Abortable & { oneShot?: boolean } = {}): Promise<ContainerStats> {
    return this.transport.json<ContainerStats>({
      method: 'GET',
      path: path(id, '/stats'),
      query: { stream: false, 'one-shot': options.oneShot || undefined },
      signal: options.signal,
    });
  }

  /** A live stream of stats samples, about one per second, until aborted or the container is gone. */
  async *stats(id: string, options: Abortable = {}): AsyncGenerator<ContainerStats, void, undefined> {
    const response = await this.transport.send({ method: 'GET', path: path(id, '/stats'), query: { stream: true }, signal: options.signal });
    try {
      yield* readJsonStream<ContainerStats>(response, options.signal);
    } catch (err) {
      if (!options.signal?.aborted) throw err;
    } finally {
      response.destroy();
    }
  }

  /** `HEAD …/archive`: the stat of a path in the container. */
  async statPath(id: string, containerPath: string, options: Abortable = {}): Promise<ContainerPathStat> {
    const response = await this.transport.empty({ method: 'HEAD', path: path(id, '/archive'), query: { path: containerPath }, signal: options.signal });
    return decodePathStat(headerValue(response.headers[STAT_HEADER]));
  }

  /** `GET …/archive`: a tar of the path, with its stat. */
  async getArchive(id: string, containerPath: string, options: Abortable = {}): Promise<ArchiveResult> {
    const body = await this.transport.send({ method: 'GET', path: path(id, '/archive'), query: { path: containerPath }, signal: options.signal });
    return { stat: decodePathStat(headerValue(body.headers[STAT_HEADER])), body };
  }

  /** `PUT …/archive`: extracts a tar into the directory `containerPath`. */
  async putArchive(id: string, containerPath: string, tar: Readable | Buffer, options: PutArchiveOptions = {}): Promise<void> {
    await this.transport.empty({
      method: 'PUT',
      path: path(id, '/archive'),
      query: { path: containerPath, noOverwriteDirNonDir: options.noOverwriteDirNonDir || undefined, copyUIDGID: options.copyUIDGID || undefined },
      body: tar,
      contentType: 'application/x-tar',
      signal: options.signal,
    });
  }

  /** `GET …/export`: the container's filesystem as a tar. */
  export(id: string, options: Abortable = {}): Promise<IncomingMessage> {
    return this.transport.send({ method: 'GET', path: path(id, '/export'), signal: options.signal });
  }
}
