// Builds the images of services with `build:` through the engine's POST /build (effects: reads the
// build context from disk, streams it through pkg/client), like docker compose's classic builder:
// context and Dockerfile (or dockerfile_inline), args, labels, target, network, extra tags.

import { posix } from 'node:path';
import { createBuildContext, throwIfJsonMessageError, type EngineClient, type ImageBuildOptions } from '../../client/index.js';
import { ComposeError } from '../errors.js';
import type { BuildConfig, Project } from '../model.js';
import type { ImageBuilder } from './images.js';
import type { Progress } from './progress.js';

export interface BuildSettings {
  readonly noCache?: boolean;
  readonly pull?: boolean;
  /** `--build-arg` values, over the file's `args`. */
  readonly buildArgs?: Readonly<Record<string, string | null>>;
  /** Receives the builder's output text (the `stream` of each message), for `compose build`. */
  readonly output?: (text: string) => void;
}

/** The POST /build options for a service's build section (pure). */
export function buildRequestOptions(build: BuildConfig, image: string, settings: BuildSettings = {}): ImageBuildOptions {
  const tags = [image, ...(build.tags ?? [])];
  const args: Record<string, string | null> = { ...(build.args ?? {}), ...(settings.buildArgs ?? {}) };
  return {
    tags,
    // A failed step's container is removed too: a failed `up` leaves no containers behind.
    forceRemove: true,
    ...(Object.keys(args).length > 0 ? { buildArgs: args } : {}),
    ...(build.labels !== undefined ? { labels: build.labels } : {}),
    ...(build.target !== undefined ? { target: build.target } : {}),
    ...(build.network !== undefined ? { networkMode: build.network } : {}),
    ...((build.platforms ?? []).length === 1 ? { platform: build.platforms![0] } : {}),
    ...(settings.noCache === true || build.no_cache === true ? { noCache: true } : {}),
    ...(settings.pull === true || build.pull === true ? { pull: true } : {}),
  };
}

/** An ImageBuilder that asks the engine to build (any engine with the Engine API's /build). */
export function engineImageBuilder(client: EngineClient, settings: BuildSettings = {}): ImageBuilder {
  return {
    async build(project: Project, serviceName: string, image: string, options: { progress: Progress; signal?: AbortSignal }): Promise<void> {
      const build = project.services[serviceName]?.build;
      if (build === undefined) throw new ComposeError('generic', `service "${serviceName}" has no build section`);
      const id = `Image ${image}`;
      options.progress.on({ id, status: 'working', text: 'Building' });
      try {
        const contextDir = build.context ?? project.workingDir;
        const inline = typeof build.dockerfile_inline === 'string' ? build.dockerfile_inline : undefined;
        const dockerfile = build.dockerfile !== undefined && build.dockerfile !== '' ? (posix.isAbsolute(build.dockerfile) ? build.dockerfile : posix.join(contextDir, build.dockerfile)) : undefined;
        const context = await createBuildContext(contextDir, inline !== undefined ? { dockerfileText: inline } : { dockerfile });
        const request = { ...buildRequestOptions(build, image, settings), dockerfile: context.dockerfile, signal: options.signal };
        for await (const message of client.images.build(context.stream, request)) {
          throwIfJsonMessageError(message);
          if (message.stream !== undefined) settings.output?.(message.stream);
        }
      } catch (err) {
        options.progress.on({ id, status: 'error', text: 'Error', details: (err as Error).message });
        throw err;
      }
      options.progress.on({ id, status: 'done', text: 'Built' });
    },
  };
}
