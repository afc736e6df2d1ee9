// `compose up` and `compose create` on an engine (effects through pkg/client): observe the
// project, plan with the pure planner, refuse before touching anything when the plan has errors or
// an image cannot be had, execute, and for --wait hold until every service is running or healthy.

import type { ContainerSummary, EngineClient } from '../../client/index.js';
import { ComposeError } from '../errors.js';
import { buildServiceGraph } from '../graph.js';
import { LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../labels.js';
import type { Project } from '../model.js';
import { isUpToDate, planConvergence, serviceScale, type ConvergencePlan, type PlanOptions } from '../plan.js';
import { executePlan, type ConvergeResult } from './converge.js';
import { engineImageBuilder } from './build.js';
import { ensureImages, type ImageBuilder } from './images.js';
import { observeProject, observedState } from './observe.js';
import { Limiter, settleAll } from './parallel.js';
import type { Progress } from './progress.js';
import { waitForService, type WaitConditionName } from './wait.js';

export interface UpOptions extends PlanOptions {
  /** `--wait`: after starting, wait for services to be running/healthy. */
  readonly wait?: boolean;
  /** `--wait-timeout` in seconds (0 or undefined: no limit). */
  readonly waitTimeoutSeconds?: number;
  /** `-t/--timeout` for stops during recreation. */
  readonly timeoutSeconds?: number;
  /** `--pull always|missing|never`. */
  readonly pull?: 'always' | 'missing' | 'never';
  /** Engine calls in flight at once (COMPOSE_PARALLEL_LIMIT). */
  readonly parallel?: number;
  /** Builds images of services with `build:`; default: the engine's POST /build. */
  readonly builder?: ImageBuilder;
  /** `--build`: build the images of services with `build:` even when they exist. */
  readonly build?: boolean;
  /** `--no-build`: never build; a missing image of a build service is an error. */
  readonly noBuild?: boolean;
  /** `-V/--renew-anon-volumes`. */
  readonly renewAnonymousVolumes?: boolean;
}

export interface UpContext {
  readonly client: EngineClient;
  readonly progress: Progress;
  /** Warnings (orphans, diverged networks) as compose prints them before acting. */
  readonly warn: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  readonly pollMs?: number;
}

export interface UpResult {
  readonly plan: ConvergencePlan;
  readonly upToDate: boolean;
  readonly result: ConvergeResult;
}

export const DEFAULT_PARALLEL = 8;

/** Services the plan runs containers of (their images must exist; a changed image means recreation). */
function servicesUsingImages(plan: ConvergencePlan): string[] {
  const out = new Set<string>();
  for (const action of plan.actions) {
    if (action.kind === 'create-container' || action.kind === 'recreate-container' || action.kind === 'start-container' || action.kind === 'keep-container') out.add(action.service);
  }
  return [...out].sort();
}

/** Services with a container created from another image than the one the service's image names now (pure). */
export function servicesWithChangedImage(projectName: string, containers: readonly ContainerSummary[], imageIds: ReadonlyMap<string, string>): string[] {
  const changed = new Set<string>();
  for (const c of containers) {
    if (c.Labels?.[LABEL_PROJECT] !== projectName || c.Labels?.[LABEL_ONEOFF] === 'True') continue;
    const service = c.Labels?.[LABEL_SERVICE] ?? '';
    const wanted = imageIds.get(service);
    if (wanted !== undefined && c.ImageID !== undefined && c.ImageID !== '' && c.ImageID !== wanted) changed.add(service);
  }
  return [...changed].sort();
}

/**
 * compose's check before injecting secrets/configs from the environment (pure): the first one whose
 * variable is not set, as its error message.
 */
export function missingEnvironmentSource(project: Project, services: readonly string[]): string | undefined {
  for (const name of services) {
    const service = project.services[name];
    for (const [kind, refs] of [['secret', service?.secrets ?? []], ['config', service?.configs ?? []]] as const) {
      for (const ref of refs) {
        const defined = (kind === 'secret' ? project.secrets : project.configs)[ref.source ?? ''];
        const variable = defined?.environment;
        if (variable !== undefined && variable !== '' && project.environment[variable] === undefined) {
          return `environment variable "${variable}" required by ${kind} "${ref.source}" is not set`;
        }
      }
    }
  }
  return undefined;
}

/** Converges `project` on the engine. Throws ComposeError before any change when the plan cannot run. */
export async function composeUp(project: Project, options: UpOptions, context: UpContext): Promise<UpResult> {
  const { client, progress, signal } = context;
  const observed = await observeProject(client, project.name, signal);
  const state = observedState(observed);
  const first = planConvergence(project, state, options);
  for (const warning of first.warnings) context.warn(warning);
  if (first.errors.length > 0) throw new ComposeError('generic', first.errors.join('; '));
  const missing = missingEnvironmentSource(project, [...new Set(first.actions.filter((a) => a.kind === 'start-container').map((a) => a.service))]);
  if (missing !== undefined) throw new ComposeError('generic', missing);
  progress.start('Running');
  try {
    const imageIds = await ensureImages(project, servicesUsingImages(first), {
      client,
      progress,
      builder: options.builder ?? engineImageBuilder(client),
      signal,
      pull: options.pull,
      build: options.build,
      noBuild: options.noBuild,
    });
    // A pull or build may have moved a service's image on: plan again so its containers are recreated.
    const imageChanged = servicesWithChangedImage(project.name, observed.containers, imageIds);
    const plan = imageChanged.length === 0 ? first : planConvergence(project, state, { ...options, imageChanged });
    const upToDate = isUpToDate(plan);
    const apiVersion = await client.apiVersion({ signal });
    const limiter = new Limiter(options.parallel ?? DEFAULT_PARALLEL);
    const result = await executePlan(project, plan, observed, {
      client,
      progress,
      limiter,
      signal,
      apiVersion,
      timeoutSeconds: options.timeoutSeconds,
      now: context.now ?? Date.now,
      pollMs: context.pollMs,
      renewAnonymousVolumes: options.renewAnonymousVolumes,
    });
    if (upToDate) progress.tail(`Project ${project.name} is up-to-date`);
    if (options.wait === true && options.noStart !== true) await waitForProject(project, result, options, context);
    return { plan, upToDate, result };
  } finally {
    progress.done();
  }
}

/** compose's getDependencyCondition: one-shot services others wait on must complete, the rest run. */
function waitCondition(project: Project, service: string): WaitConditionName {
  for (const other of Object.values(project.services)) {
    if (other.depends_on?.[service]?.condition === 'service_completed_successfully') return 'service_completed_successfully';
  }
  return 'running_or_healthy';
}

/** `up --wait`: every target service running (healthy when it has a healthcheck), within the timeout. */
async function waitForProject(project: Project, result: ConvergeResult, options: UpOptions, context: UpContext): Promise<void> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(context.signal?.reason);
  context.signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = (options.waitTimeoutSeconds ?? 0) * 1000;
  const timer = timeoutMs > 0 ? setTimeout(() => controller.abort(new ComposeError('generic', `application not healthy after ${options.waitTimeoutSeconds}s`)), timeoutMs) : undefined;
  const graph = buildServiceGraph(project.services);
  const named = options.services ?? [];
  const targets = named.length === 0 ? graph.services : named;
  try {
    await settleAll(
      targets
        .filter((service) => serviceScale(project.services[service]!, options.scale?.[service]) > 0)
        .map((service) =>
          waitForService(service, result.containers.get(service) ?? [], waitCondition(project, service), {
            client: context.client,
            progress: context.progress,
            signal: controller.signal,
            pollMs: context.pollMs,
          }),
        ),
    );
  } catch (err) {
    if (controller.signal.aborted && controller.signal.reason instanceof ComposeError) throw controller.signal.reason;
    throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    context.signal?.removeEventListener('abort', onAbort);
  }
}
