// Distribution: the engine's registry client service behind POST /images/create?fromImage=,
// POST /images/{name}/push and POST /auth. Resolves references to registries, decides http vs
// https, opens sessions with the caller's credentials and runs pull.ts / push.ts. Effectful.
import path from 'node:path';
import type { Logger } from 'pino';
import { InvalidArgumentError, NotFoundError } from '../../errdefs/index.js';
import { type ImageReference, type ImageStore, familiarName, fullName, parseReference } from '../image/index.js';
import type { LayerStore } from '../snapshot/index.js';
import { type AuthConfig, repositoryScope } from './auth.js';
import type { DistributionDeps } from './deps.js';
import { isInsecureRegistry, registryHost, validateInsecureRegistry } from './hosts.js';
import { LayerMap } from './layer-map.js';
import { type ProgressSink, status } from './progress.js';
import { pullImage } from './pull.js';
import { Pusher } from './push.js';
import { RegistrySession, type SessionPool, createSessionPool, readBodyBytes } from './session.js';

export interface DistributionOptions {
  /** The daemon's data root; the layer-source map lives in <dataRoot>/distribution. */
  dataRoot: string;
  images: ImageStore;
  layers: LayerStore;
  /** --insecure-registry values: HOST:PORT, HOST or CIDR (loopback registries are always allowed plain http). */
  insecureRegistries?: readonly string[];
  logger: Logger;
  onEvent: DistributionDeps['onEvent'];
  userAgent: string;
}

export interface PullRequest {
  /** fromImage: "busybox", "127.0.0.1:5000/x", possibly with :tag or @digest. */
  image: string;
  /** The tag query parameter; a digest ("sha256:…") pulls by digest; empty with no tag in `image` pulls every tag. */
  tag?: string;
  platform?: string;
  auth: AuthConfig;
  signal?: AbortSignal;
}

export interface PushRequest {
  /** The repository ("127.0.0.1:5000/x"), possibly with :tag. */
  image: string;
  /** Empty: every tag of the repository. */
  tag?: string;
  auth: AuthConfig;
  signal?: AbortSignal;
}

const MAX_TAG_LIST_BYTES = 16 * 1024 * 1024;

export class Distribution {
  private readonly deps: DistributionDeps;
  private readonly pool: SessionPool;
  private readonly insecure: string[];
  private opened: Promise<void> | undefined;
  private readonly layerMap: LayerMap;

  constructor(private readonly options: DistributionOptions) {
    this.insecure = (options.insecureRegistries ?? []).map(validateInsecureRegistry);
    this.layerMap = new LayerMap(path.join(options.dataRoot, 'distribution', 'layers.json'));
    this.pool = createSessionPool(options.userAgent);
    this.deps = { images: options.images, layers: options.layers, layerMap: this.layerMap, logger: options.logger, onEvent: options.onEvent };
  }

  /** Insecure registries as configured (for /info). */
  get insecureRegistries(): readonly string[] {
    return this.insecure;
  }

  private async ready(): Promise<void> {
    this.opened ??= this.layerMap.open();
    await this.opened;
  }

  private session(reference: ImageReference, actions: ('pull' | 'push')[], auth: AuthConfig, signal?: AbortSignal, extraScopes: string[] = []): RegistrySession {
    const registry = registryHost(reference.domain);
    return new RegistrySession({
      registry,
      repository: reference.path,
      actions,
      extraScopes,
      auth,
      insecure: isInsecureRegistry(registry.host, this.insecure),
      pool: this.pool,
      logger: this.options.logger,
      signal,
    });
  }

  /**
   * Bearer scopes to read the other repositories of the same registry that the images' layers were
   * seen in, so the push may mount them instead of uploading.
   */
  private mountScopes(reference: ImageReference, tags: string[]): string[] {
    const host = registryHost(reference.domain).host;
    const repositories = new Set<string>();
    for (const tag of tags) {
      for (const diffId of this.options.images.resolve(`${fullName(reference)}:${tag}`).config.rootfs.diff_ids) {
        for (const source of this.layerMap.sources(diffId)) {
          if (source.registry === host && source.repository !== undefined && source.repository !== reference.path) repositories.add(source.repository);
        }
      }
    }
    return [...repositories].slice(0, 10).map((repository) => repositoryScope(repository, ['pull']));
  }

  /** Pulls an image, streaming dockerd's progress messages to `emit`. */
  async pull(request: PullRequest, emit: ProgressSink): Promise<void> {
    await this.ready();
    const tag = request.tag ?? '';
    let reference: ImageReference;
    try {
      reference = parseReference(request.image, { defaultTag: false });
      if (tag.startsWith('sha256:') || /^[a-z0-9]+:[a-f0-9]{32,}$/.test(tag)) reference = parseReference(`${fullName(reference)}@${tag}`, { defaultTag: false });
      else if (tag !== '') reference = parseReference(`${fullName(reference)}:${tag}`, { defaultTag: false });
    } catch (err) {
      throw err instanceof InvalidArgumentError ? err : new InvalidArgumentError(String(err));
    }
    const session = this.session(reference, ['pull'], request.auth, request.signal);
    if (reference.tag !== undefined || reference.digest !== undefined) {
      await pullImage(this.deps, session, { reference, platform: request.platform }, emit);
      return;
    }
    // No tag: every tag of the repository (docker pull --all-tags).
    const response = await session.request('GET', `/v2/${reference.path}/tags/list`);
    const tags = ((JSON.parse((await readBodyBytes(response, MAX_TAG_LIST_BYTES, 'tag list')).toString('utf8')) as { tags?: string[] | null }).tags ?? []).sort();
    if (tags.length === 0) throw new NotFoundError(`repository ${familiarName(reference)} has no tags`);
    for (const each of tags) await pullImage(this.deps, session, { reference: { ...reference, tag: each }, platform: request.platform }, emit);
  }

  /** Pushes a tag (or every tag) of a repository, streaming progress to `emit`. */
  async push(request: PushRequest, emit: ProgressSink): Promise<void> {
    await this.ready();
    const reference = parseReference(request.image, { defaultTag: false });
    if (reference.digest !== undefined) throw new InvalidArgumentError('cannot push a digest reference');
    const tag = request.tag || reference.tag;
    const tags = tag !== undefined && tag !== '' ? [tag] : this.localTags(reference);
    const missing = tags.length === 0 ? familiarName(reference) : tags.find((each) => !this.hasLocal(`${fullName(reference)}:${each}`));
    if (missing !== undefined) throw new NotFoundError(`An image does not exist locally with the tag: ${tags.length === 0 ? missing : `${familiarName(reference)}:${missing}`}`);
    emit(status(undefined, `The push refers to repository [${fullName(reference)}]`));
    const session = this.session(reference, ['pull', 'push'], request.auth, request.signal, this.mountScopes(reference, tags));
    const pusher = new Pusher(this.deps, session, reference, emit);
    for (const each of tags) await pusher.pushTag(each);
  }

  /** POST /auth: checks credentials with the registry; resolves with an identity token when one is issued. */
  async login(auth: AuthConfig): Promise<{ identityToken?: string }> {
    const server = (auth.serveraddress ?? '').replace(/^https?:\/\//, '').split('/')[0];
    const domain = server === '' || server === 'index.docker.io' ? 'docker.io' : server;
    const registry = registryHost(domain);
    const session = new RegistrySession({
      registry,
      repository: '',
      actions: [],
      auth,
      insecure: isInsecureRegistry(registry.host, this.insecure),
      pool: this.pool,
      logger: this.options.logger,
    });
    return session.login();
  }

  private hasLocal(reference: string): boolean {
    try {
      this.options.images.resolve(reference);
      return true;
    } catch {
      return false;
    }
  }

  /** Tags of the repository in the image store. */
  private localTags(reference: ImageReference): string[] {
    const familiar = familiarName(reference);
    const tags = new Set<string>();
    for (const image of this.options.images.list({ filters: { reference: [familiar] } })) {
      for (const repoTag of (image.RepoTags as string[] | null | undefined) ?? []) {
        if (repoTag.startsWith(`${familiar}:`)) tags.add(repoTag.slice(familiar.length + 1));
      }
    }
    return [...tags].sort();
  }

  close(): void {
    this.pool.httpAgent.destroy();
    this.pool.httpsAgent.destroy();
    this.pool.insecureHttpsAgent.destroy();
  }
}
