// start, stop, restart, kill, pause, unpause and rm of a project's service containers (effects:
// Engine API calls through pkg/client): stops go dependents first, starts dependencies first with
// their depends_on conditions, every step reported as a progress event.

import type { ContainerSummary, EngineClient } from '../../client/index.js';
import { ComposeError } from '../errors.js';
import { buildServiceGraph, withDependencies, type ServiceGraph } from '../graph.js';
import { LABEL_CONTAINER_NUMBER, LABEL_SERVICE } from '../labels.js';
import type { Project } from '../model.js';
import { volumesOf } from '../mounts.js';
import { graphFromLabels } from './down.js';
import { injectFiles } from './inject.js';
import { listProjectContainers, summaryName } from './observe.js';
import { inDependencyOrder, Limiter, settleAll } from './parallel.js';
import type { Progress } from './progress.js';
import { waitForService, type ContainerRef } from './wait.js';

export interface LifecycleContext {
  readonly client: EngineClient;
  readonly progress: Progress;
  readonly signal?: AbortSignal;
  readonly parallel?: number;
  readonly now?: () => number;
  readonly pollMs?: number;
}

/** Which project and services a command acts on (`project` undefined: only the name is known). */
export interface Selection {
  readonly projectName: string;
  readonly project?: Project;
  /** Named services; empty means all. */
  readonly services?: readonly string[];
}

const serviceOf = (c: ContainerSummary): string => c.Labels?.[LABEL_SERVICE] ?? '';
const refOf = (c: ContainerSummary): ContainerRef => ({ id: c.Id, name: summaryName(c), number: Number.parseInt(c.Labels?.[LABEL_CONTAINER_NUMBER] ?? '0', 10) || 0 });

function graphOf(selection: Selection, containers: readonly ContainerSummary[]): ServiceGraph {
  return selection.project !== undefined ? buildServiceGraph(selection.project.services) : graphFromLabels(containers);
}

/** Throws compose's "no such service" for named services the project does not have. */
function checkServices(selection: Selection): void {
  const project = selection.project;
  if (project === undefined) return;
  for (const name of selection.services ?? []) {
    if (project.services[name] === undefined && project.disabledServices[name] === undefined) throw new ComposeError('generic', `no such service: ${name}`);
  }
}

/** The selected services' (non one-off) containers, grouped by service. */
async function containersBy(context: LifecycleContext, selection: Selection, services?: readonly string[]): Promise<{ all: ContainerSummary[]; byService: Map<string, ContainerSummary[]> }> {
  checkServices(selection);
  const all = await listProjectContainers(context.client, selection.projectName, { all: true, oneOff: 'exclude', services: services ?? selection.services, signal: context.signal });
  const byService = new Map<string, ContainerSummary[]>();
  for (const c of all) (byService.get(serviceOf(c)) ?? byService.set(serviceOf(c), []).get(serviceOf(c))!).push(c);
  return { all, byService };
}

function stepper(context: LifecycleContext): (id: string, working: string, done: string, task: () => Promise<unknown>) => Promise<void> {
  const limiter = new Limiter(context.parallel ?? 8);
  return (id, working, done, task) =>
    limiter.run(async () => {
      context.progress.on({ id, status: 'working', text: working });
      try {
        await task();
      } catch (err) {
        context.progress.on({ id, status: 'error', text: 'Error', details: (err as Error).message });
        throw err;
      }
      context.progress.on({ id, status: 'done', text: done });
    });
}

/** Runs `task` between the progress display's start and done. */
async function operation<T>(context: LifecycleContext, name: string, task: () => Promise<T>): Promise<T> {
  context.progress.start(name);
  try {
    return await task();
  } finally {
    context.progress.done();
  }
}

/** `compose start`: stopped containers, dependencies first, after their depends_on conditions. */
export async function composeStart(selection: Selection, context: LifecycleContext): Promise<Map<string, ContainerRef[]>> {
  const { client, signal } = context;
  const named = selection.services ?? [];
  const { all } = await containersBy(context, selection, []);
  const graph = graphOf(selection, all);
  const targets = named.length === 0 ? graph.services : withDependencies(graph, named);
  const byService = new Map<string, ContainerSummary[]>();
  for (const c of all) (byService.get(serviceOf(c)) ?? byService.set(serviceOf(c), []).get(serviceOf(c))!).push(c);
  if (targets.every((s) => (byService.get(s) ?? []).length === 0)) throw new ComposeError('generic', `no containers to start`);
  const step = stepper(context);
  await operation(context, 'Running', () =>
    inDependencyOrder(graph, targets, 'dependencies-first', async (service) => {
      const stopped = (byService.get(service) ?? []).filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting');
      if (stopped.length === 0) return;
      for (const edge of graph.edges.filter((e) => e.from === service && e.condition !== 'service_started' && targets.includes(e.to))) {
        const refs = (byService.get(edge.to) ?? []).map(refOf);
        if (refs.length === 0) continue;
        await waitForService(edge.to, refs, edge.condition as 'service_healthy' | 'service_completed_successfully', { client, progress: context.progress, signal, pollMs: context.pollMs, required: edge.required, errorPrefix: 'dependency failed to start: ' });
      }
      const definition = selection.project?.services[service];
      const injections = definition !== undefined && selection.project !== undefined ? volumesOf(selection.project, definition).injections : [];
      await settleAll(
        stopped.map(async (c) => {
          await injectFiles(client, c.Id, injections, { signal, nowMs: (context.now ?? Date.now)() });
          await step(`Container ${summaryName(c)}`, 'Starting', 'Started', () => client.containers.start(c.Id, { signal }));
        }),
      );
    }),
  );
  return new Map(targets.map((s) => [s, (byService.get(s) ?? []).map(refOf)]));
}

/** `compose stop`: running containers, dependents first. */
export async function composeStop(selection: Selection, options: { timeoutSeconds?: number }, context: LifecycleContext): Promise<void> {
  const { all, byService } = await containersBy(context, selection);
  const step = stepper(context);
  await operation(context, 'Stopping', () =>
    inDependencyOrder(graphOf(selection, all), [...byService.keys()], 'dependents-first', (service) =>
      settleAll(
        (byService.get(service) ?? [])
          .filter((c) => c.State === 'running' || c.State === 'paused' || c.State === 'restarting')
          .map((c) => step(`Container ${summaryName(c)}`, 'Stopping', 'Stopped', () => context.client.containers.stop(c.Id, { timeoutSeconds: options.timeoutSeconds, signal: context.signal }))),
      ),
    ),
  );
}

/** `compose restart`: every container of the services (and their dependencies unless noDeps), dependencies first. */
export async function composeRestart(selection: Selection, options: { timeoutSeconds?: number; noDeps?: boolean }, context: LifecycleContext): Promise<void> {
  const { all } = await containersBy(context, selection, []);
  const graph = graphOf(selection, all);
  const named = selection.services ?? [];
  const targets = new Set(named.length === 0 ? graph.services : options.noDeps === true ? named : withDependencies(graph, named));
  const byService = new Map<string, ContainerSummary[]>();
  for (const c of all) if (targets.has(serviceOf(c))) (byService.get(serviceOf(c)) ?? byService.set(serviceOf(c), []).get(serviceOf(c))!).push(c);
  const step = stepper(context);
  await operation(context, 'Restarting', () =>
    inDependencyOrder(graph, [...byService.keys()], 'dependencies-first', (service) =>
      settleAll(
        (byService.get(service) ?? []).map((c) => step(`Container ${summaryName(c)}`, 'Restarting', 'Started', () => context.client.containers.restart(c.Id, { timeoutSeconds: options.timeoutSeconds, signal: context.signal }))),
      ),
    ),
  );
}

/** kill, pause and unpause: one call per matching container, all in parallel. */
export async function composeEach(
  selection: Selection,
  kind: 'kill' | 'pause' | 'unpause',
  options: { signal?: string },
  context: LifecycleContext,
): Promise<void> {
  const { all } = await containersBy(context, selection);
  const step = stepper(context);
  const texts = { kill: ['Killing', 'Killed', 'Killing'], pause: ['Pausing', 'Paused', 'Pausing'], unpause: ['Unpausing', 'Unpaused', 'Unpausing'] } as const;
  const wanted = (c: ContainerSummary): boolean => (kind === 'unpause' ? c.State === 'paused' : c.State === 'running' || (kind === 'kill' && c.State === 'restarting'));
  const targets = all.filter(wanted);
  if (targets.length === 0 && kind === 'kill') throw new ComposeError('generic', 'no container to kill');
  const [working, done, operationName] = texts[kind];
  await operation(context, operationName, () =>
    settleAll(
      targets.map((c) =>
        step(`Container ${summaryName(c)}`, working, done, () =>
          kind === 'kill' ? context.client.containers.kill(c.Id, { killSignal: options.signal, signal: context.signal }) : kind === 'pause' ? context.client.containers.pause(c.Id, { signal: context.signal }) : context.client.containers.unpause(c.Id, { signal: context.signal }),
        ),
      ),
    ),
  );
}

/** Containers `compose rm` would remove: stopped ones (all with `stop`), for the confirmation prompt. */
export async function removableContainers(selection: Selection, options: { stop?: boolean }, context: Pick<LifecycleContext, 'client' | 'signal'>): Promise<ContainerSummary[]> {
  checkServices(selection);
  const all = await listProjectContainers(context.client, selection.projectName, { all: true, oneOff: 'include', services: selection.services, signal: context.signal });
  return all.filter((c) => options.stop === true || (c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting'));
}

/** `compose rm`: stops (with `stop`) and removes the given containers. */
export async function composeRemove(containers: readonly ContainerSummary[], options: { volumes?: boolean }, context: LifecycleContext): Promise<void> {
  const step = stepper(context);
  await operation(context, 'Removing', () =>
    settleAll(
      containers.map(async (c) => {
        const id = `Container ${summaryName(c)}`;
        if (c.State === 'running' || c.State === 'paused' || c.State === 'restarting') await step(id, 'Stopping', 'Stopped', () => context.client.containers.stop(c.Id, { signal: context.signal }));
        await step(id, 'Removing', 'Removed', () => context.client.containers.remove(c.Id, { force: true, volumes: options.volumes === true, signal: context.signal }));
      }),
    ),
  );
}
