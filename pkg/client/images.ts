// Image endpoints of the Engine API (effects via Transport): list, inspect, tag, remove, import,
// load, save, history, prune, pull and push.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { buildImage, type ImageBuildOptions } from './build.js';
import type { Abortable } from './containers.js';
import { encodeFilters, type Filters } from './filters.js';
import { readJsonStream } from './json-stream.js';
import type { Transport } from './transport.js';
import type { ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary, JsonMessage } from './types-image.js';

export interface ImageListOptions extends Abortable {
  all?: boolean;
  digests?: boolean;
  sharedSize?: boolean;
  filters?: Filters;
}

export interface ImageImportOptions extends Abortable {
  /** Repository (and optionally `:tag`) to tag the result with. */
  repo?: string;
  tag?: string;
  /** Dockerfile instructions applied to the config (`--change`), e.g. `CMD ["sh"]`. */
  changes?: readonly string[];
  message?: string;
  platform?: string;
}

export interface RegistryAuthOptions extends Abortable {
  /** base64url JSON AuthConfig for `X-Registry-Auth`; `e30=` (`{}`) when anonymous. */
  registryAuth?: string;
  platform?: string;
}

const ANONYMOUS_AUTH = 'e30=';

const path = (name: string, suffix = ''): string => `/images/${encodeURIComponent(name)}${suffix}`;

export class ImagesApi {
  constructor(private readonly transport: Transport) {}

  list(options: ImageListOptions = {}): Promise<ImageSummary[]> {
    return this.transport.json<ImageSummary[]>({
      method: 'GET',
      path: '/images/json',
      query: {
        all: options.all || undefined,
        digests: options.digests || undefined,
        'shared-size': options.sharedSize || undefined,
        filters: encodeFilters(options.filters),
      },
      signal: options.signal,
    });
  }

  inspect(name: string, options: Abortable = {}): Promise<ImageInspect> {
    return this.transport.json<ImageInspect>({ method: 'GET', path: path(name, '/json'), signal: options.signal });
  }

  /** The inspect answer as the daemon's JSON text. */
  inspectRaw(name: string, options: Abortable = {}): Promise<string> {
    return this.transport.text({ method: 'GET', path: path(name, '/json'), signal: options.signal });
  }

  history(name: string, options: Abortable = {}): Promise<ImageHistoryItem[]> {
    return this.transport.json<ImageHistoryItem[]>({ method: 'GET', path: path(name, '/history'), signal: options.signal });
  }

  async tag(source: string, target: { repo: string; tag?: string }, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(source, '/tag'), query: { repo: target.repo, tag: target.tag || undefined }, signal: options.signal });
  }

  remove(name: string, options: Abortable & { force?: boolean; noPrune?: boolean } = {}): Promise<ImageDeleteResponseItem[]> {
    return this.transport.json<ImageDeleteResponseItem[]>({
      method: 'DELETE',
      path: path(name),
      query: { force: options.force || undefined, noprune: options.noPrune || undefined },
      signal: options.signal,
    });
  }

  prune(options: Abortable & { filters?: Filters } = {}): Promise<ImagePruneResponse> {
    return this.transport.json<ImagePruneResponse>({ method: 'POST', path: '/images/prune', query: { filters: encodeFilters(options.filters) }, signal: options.signal });
  }

  /**
   * Creates an image from a tarball streamed as the body (`fromSrc=-`), or fetched by the daemon
   * from a URL. Yields the daemon's progress messages; the last one's `status` is the new image id.
   */
  async *import(source: Readable | Buffer | { url: string }, options: ImageImportOptions = {}): AsyncGenerator<JsonMessage, void, undefined> {
    const fromUrl = !(source instanceof Buffer) && 'url' in source ? source.url : undefined;
    const response = await this.transport.send({
      method: 'POST',
      path: '/images/create',
      query: {
        fromSrc: fromUrl ?? '-',
        repo: options.repo || undefined,
        tag: options.tag || undefined,
        message: options.message || undefined,
        platform: options.platform || undefined,
        changes: options.changes && options.changes.length > 0 ? options.changes : undefined,
      },
      body: fromUrl === undefined ? source : undefined,
      contentType: 'application/x-tar',
      signal: options.signal,
    });
    yield* messages(response, options.signal);
  }

  /** Loads images from a `docker save` tarball; yields progress/`Loaded image:` messages. */
  async *load(source: Readable | Buffer, options: Abortable & { quiet?: boolean } = {}): AsyncGenerator<JsonMessage, void, undefined> {
    const response = await this.transport.send({
      method: 'POST',
      path: '/images/load',
      query: { quiet: options.quiet || undefined },
      body: source,
      contentType: 'application/x-tar',
      signal: options.signal,
    });
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/json')) {
      // Daemons answer plain text (not JSON) to some quiet loads; hand the text over as one message.
      const chunks: Buffer[] = [];
      for await (const chunk of response) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      if (text !== '') yield { stream: text };
      return;
    }
    yield* messages(response, options.signal);
  }

  /** A tarball of the named images (`docker save` format). */
  save(names: readonly string[], options: Abortable = {}): Promise<IncomingMessage> {
    return this.transport.send({ method: 'GET', path: '/images/get', query: { names }, signal: options.signal });
  }

  async *pull(reference: string, options: RegistryAuthOptions & { tag?: string } = {}): AsyncGenerator<JsonMessage, void, undefined> {
    const response = await this.transport.send({
      method: 'POST',
      path: '/images/create',
      query: { fromImage: reference, tag: options.tag || undefined, platform: options.platform || undefined },
      headers: { 'X-Registry-Auth': options.registryAuth ?? ANONYMOUS_AUTH },
      signal: options.signal,
    });
    yield* messages(response, options.signal);
  }

  /** POST /build: `context` is a tar (createBuildContext makes one); yields the progress messages. */
  build(context: Readable | Buffer, options: ImageBuildOptions = {}): AsyncGenerator<JsonMessage, void, undefined> {
    return buildImage(this.transport, context, options);
  }

  async *push(name: string, options: RegistryAuthOptions & { tag?: string } = {}): AsyncGenerator<JsonMessage, void, undefined> {
    const response = await this.transport.send({
      method: 'POST',
      path: path(name, '/push'),
      query: { tag: options.tag || undefined },
      headers: { 'X-Registry-Auth': options.registryAuth ?? ANONYMOUS_AUTH },
      signal: options.signal,
    });
    yield* messages(response, options.signal);
  }
}

async function* messages(response: IncomingMessage, signal: AbortSignal | undefined): AsyncGenerator<JsonMessage, void, undefined> {
  try {
    yield* readJsonStream<JsonMessage>(response, signal);
  } finally {
    response.destroy();
  }
}
