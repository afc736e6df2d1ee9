// Images the services of an `up`/`create`/`run` need (effects: image inspect and pull through
// pkg/client): pull what is missing (or always, per pull_policy), and for services with `build:`
// hand over to an ImageBuilder (build.ts asks the engine's POST /build); without one, a clear error.

import { isEngineApiError, throwIfJsonMessageError, type EngineClient } from '../../client/index.js';
import { ComposeError } from '../errors.js';
import { serviceImageName } from '../labels.js';
import type { Project, ServiceConfig } from '../model.js';
import type { Progress } from './progress.js';

/** Builds a service's image (tagged with `image`), reporting on `progress`. */
export interface ImageBuilder {
  build(project: Project, service: string, image: string, options: { progress: Progress; signal?: AbortSignal }): Promise<void>;
}

export type PullDecision = 'use' | 'pull' | 'build' | 'missing';

/** What to do for one service's image (pure): pull_policy, `build:`, and whether the engine has it. */
export function decideImage(service: ServiceConfig, present: boolean, override?: 'always' | 'missing' | 'never'): PullDecision {
  const policy = override ?? normalizePolicy(service.pull_policy);
  if (policy === 'build') return 'build';
  if (policy === 'always' && service.image !== undefined && service.image !== '' && service.build === undefined) return 'pull';
  if (present) return 'use';
  if (service.build !== undefined) return 'build';
  return policy === 'never' ? 'missing' : 'pull';
}

function normalizePolicy(policy: string | undefined): string {
  if (policy === undefined || policy === '' || policy === 'if_not_present') return 'missing';
  // `daily`, `weekly`, `every_<duration>` need a record of the last pull: treat them as `missing`.
  if (policy === 'daily' || policy === 'weekly' || policy.startsWith('every_')) return 'missing';
  return policy;
}

/** Splits `name[:tag][@digest]` for the pull API (tag `latest` when neither is given). */
export function splitImageReference(reference: string): { name: string; tag: string } {
  const at = reference.indexOf('@');
  if (at >= 0) return { name: reference.slice(0, at), tag: reference.slice(at + 1) };
  const colon = reference.lastIndexOf(':');
  if (colon > reference.lastIndexOf('/')) return { name: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { name: reference, tag: 'latest' };
}

/** The image's ID, or undefined when the engine does not have it. */
async function imageId(client: EngineClient, image: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await client.images.inspect(image, { signal })).Id;
  } catch (err) {
    if (isEngineApiError(err) && err.code === 'not_found') return undefined;
    throw err;
  }
}

export async function pullImage(client: EngineClient, image: string, progress: Progress, signal?: AbortSignal): Promise<void> {
  const id = `Image ${image}`;
  progress.on({ id, status: 'working', text: 'Pulling' });
  try {
    const { name, tag } = splitImageReference(image);
    for await (const message of client.images.pull(name, { tag, signal })) throwIfJsonMessageError(message);
  } catch (err) {
    progress.on({ id, status: 'error', text: 'Error', details: (err as Error).message });
    throw err;
  }
  progress.on({ id, status: 'done', text: 'Pulled' });
}

export interface EnsureImagesOptions {
  readonly client: EngineClient;
  readonly progress: Progress;
  readonly builder?: ImageBuilder;
  readonly signal?: AbortSignal;
  /** `--pull always|missing|never` (overrides each service's pull_policy). */
  readonly pull?: 'always' | 'missing' | 'never';
  /** `--build`: services with `build:` are built even when their image exists. */
  readonly build?: boolean;
  /** `--no-build`: a build service whose image is missing is an error. */
  readonly noBuild?: boolean;
}

/**
 * Makes sure every one of `services` has its image, before anything is created: checks all,
 * then pulls/builds, so a missing builder or image fails the command with nothing changed.
 * Resolves with each service's image ID afterwards.
 */
export async function ensureImages(project: Project, services: readonly string[], options: EnsureImagesOptions): Promise<Map<string, string>> {
  const { client } = options;
  const decisions: Array<{ service: string; image: string; decision: PullDecision; id: string | undefined }> = [];
  const imageOf = new Map<string, string>();
  const wanted: Array<{ service: string; image: string }> = [];
  for (const name of services) {
    const service = project.services[name] ?? project.disabledServices[name];
    if (service === undefined) continue;
    const image = serviceImageName(project.name, name, service.image);
    imageOf.set(name, image);
    if (!wanted.some((w) => w.image === image)) wanted.push({ service: name, image });
  }
  const found = await Promise.all(wanted.map(({ image }) => imageId(client, image, options.signal)));
  wanted.forEach(({ service: name, image }, i) => {
    const service = project.services[name] ?? project.disabledServices[name]!;
    const id = found[i];
    const decision = options.build === true && service.build !== undefined ? 'build' : decideImage(service, id !== undefined, options.pull);
    decisions.push({ service: name, image, decision, id });
  });
  for (const { service, image, decision } of decisions) {
    if (decision === 'missing') throw new ComposeError('generic', `No such image: ${image} (service "${service}" has pull_policy never)`);
    if (decision === 'build' && options.noBuild === true) {
      throw new ComposeError('generic', `service "${service}" needs its image "${image}" built, but --no-build was given`);
    }
    if (decision === 'build' && options.builder === undefined) {
      const context = project.services[service]?.build?.context;
      throw new ComposeError(
        'generic',
        `service "${service}" needs its image "${image}" built, but no image builder was given: build or import "${image}" first${context !== undefined ? ` (build context ${context})` : ''}`,
      );
    }
  }
  const ids = new Map<string, string>();
  for (const { service, image, decision, id } of decisions) {
    if (decision === 'pull') await pullImage(client, image, options.progress, options.signal);
    else if (decision === 'build') await options.builder!.build(project, service, image, { progress: options.progress, signal: options.signal });
    const now = decision === 'use' ? id : await imageId(client, image, options.signal);
    if (now !== undefined) ids.set(image, now);
  }
  const byService = new Map<string, string>();
  for (const [service, image] of imageOf) {
    const id = ids.get(image);
    if (id !== undefined) byService.set(service, id);
  }
  return byService;
}
