// `compose down` (the plan is pure, the run goes through pkg/client): stop and remove the
// project's containers dependents first, then its networks, and with -v its volumes, with --rmi its
// images. Works from the compose file when there is one, else from the resources' labels alone.

import type { ContainerSummary, EngineClient, Network, Volume } from '../../client/index.js';
import { isConflict, isNotFound } from '../../errdefs/index.js';
import { buildServiceGraph, type DependencyEdge, type ServiceGraph } from '../graph.js';
import { LABEL_DEPENDS_ON, LABEL_NETWORK, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE, LABEL_VOLUME, serviceImageName } from '../labels.js';
import type { DependencyCondition, Project } from '../model.js';
import { withDependents } from '../graph.js';
import { summaryName, listProjectContainers, type ObservedProject } from './observe.js';
import { inDependencyOrder, Limiter, settleAll } from './parallel.js';
import type { Progress } from './progress.js';

export interface DownOptions {
  readonly removeOrphans?: boolean;
  /** `-v`: named volumes of the project and anonymous volumes of its containers. */
  readonly volumes?: boolean;
  /** `--rmi local|all`. */
  readonly images?: 'local' | 'all';
  readonly timeoutSeconds?: number;
  /** Only these services (and what depends on them); networks and volumes stay. */
  readonly services?: readonly string[];
}

export interface DownPlan {
  readonly graph: ServiceGraph;
  /** Containers per service, removed dependents first. */
  readonly containers: ReadonlyMap<string, readonly ContainerSummary[]>;
  readonly orphans: readonly ContainerSummary[];
  readonly networks: readonly string[];
  readonly volumes: readonly string[];
  readonly images: readonly string[];
  readonly warnings: readonly string[];
}

/** The service graph recorded in the containers' depends_on labels (for down without a file). */
export function graphFromLabels(containers: readonly ContainerSummary[]): ServiceGraph {
  const services = new Set<string>();
  const edges = new Map<string, DependencyEdge>();
  for (const c of containers) {
    const from = c.Labels?.[LABEL_SERVICE];
    if (from === undefined) continue;
    services.add(from);
    for (const entry of (c.Labels?.[LABEL_DEPENDS_ON] ?? '').split(',').filter((e) => e !== '')) {
      const [to = '', condition = 'service_started', restart = 'false'] = entry.split(':');
      edges.set(`${from}>${to}`, { from, to, condition: condition as DependencyCondition, required: true, restart: restart === 'true' });
    }
  }
  const names = [...services].sort();
  return { services: names, edges: [...edges.values()].filter((e) => services.has(e.to)).sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1)) };
}

/** What `down` removes (pure). `project` is undefined when only the project name is known. */
export function planDown(projectName: string, project: Project | undefined, observed: ObservedProject, options: DownOptions = {}): DownPlan {
  const warnings: string[] = [];
  const own = observed.containers.filter((c) => c.Labels?.[LABEL_PROJECT] === projectName);
  const serviceContainers = own.filter((c) => c.Labels?.[LABEL_ONEOFF] !== 'True');
  const known = project !== undefined ? new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices)]) : undefined;
  const isOrphan = (c: ContainerSummary): boolean => c.Labels?.[LABEL_ONEOFF] === 'True' || (known !== undefined && !known.has(c.Labels?.[LABEL_SERVICE] ?? ''));
  const graph = project !== undefined ? buildServiceGraph({ ...project.disabledServices, ...project.services }) : graphFromLabels(serviceContainers);
  const selected = options.services !== undefined && options.services.length > 0 ? new Set(withDependents(graph, options.services)) : undefined;
  const containers = new Map<string, ContainerSummary[]>();
  for (const c of serviceContainers) {
    if (isOrphan(c)) continue;
    const service = c.Labels?.[LABEL_SERVICE] ?? '';
    if (selected !== undefined && !selected.has(service)) continue;
    (containers.get(service) ?? containers.set(service, []).get(service)!).push(c);
  }
  const orphanList = selected === undefined ? own.filter(isOrphan) : [];
  let orphans: ContainerSummary[] = [];
  if (options.removeOrphans === true) orphans = orphanList;
  else if (orphanList.some((c) => c.Labels?.[LABEL_ONEOFF] !== 'True')) {
    const names = orphanList.filter((c) => c.Labels?.[LABEL_ONEOFF] !== 'True').map(summaryName);
    warnings.push(`Found orphan containers ([${names.join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  if (selected !== undefined) return { graph, containers, orphans, networks: [], volumes: [], images: [], warnings };

  const labelled = <T extends { Labels: Record<string, string> | null }>(items: readonly T[], key: string): T[] => items.filter((i) => i.Labels?.[LABEL_PROJECT] === projectName && i.Labels?.[key] !== undefined);
  let networks: string[];
  let volumes: string[];
  if (project !== undefined) {
    const existing = new Map<string, Network>(observed.networks.map((n) => [n.Name, n]));
    networks = Object.entries(project.networks)
      .filter(([, n]) => n.external !== true)
      .map(([key, n]) => n.name ?? `${projectName}_${key}`)
      .filter((name) => existing.get(name)?.Labels?.[LABEL_PROJECT] === projectName);
    const volumeNames = new Set(observed.volumes.map((v) => v.Name));
    volumes = Object.entries(project.volumes)
      .filter(([, v]) => v.external !== true)
      .map(([key, v]) => v.name ?? `${projectName}_${key}`)
      .filter((name) => volumeNames.has(name));
  } else {
    networks = labelled(observed.networks, LABEL_NETWORK).map((n) => n.Name);
    volumes = labelled<Volume>(observed.volumes, LABEL_VOLUME).map((v) => v.Name);
  }
  const images = new Set<string>();
  if (options.images !== undefined) {
    if (project !== undefined) {
      for (const [name, service] of Object.entries(project.services)) {
        if (options.images === 'all' || service.image === undefined || service.image === '') images.add(serviceImageName(projectName, name, service.image));
      }
    } else {
      for (const c of serviceContainers) {
        const localName = serviceImageName(projectName, c.Labels?.[LABEL_SERVICE] ?? '', undefined);
        if (options.images === 'all') images.add(c.Image);
        else if (c.Image === localName || c.Image === `${localName}:latest`) images.add(localName);
      }
    }
  }
  return { graph, containers, orphans, networks: networks.sort(), volumes: options.volumes === true ? volumes.sort() : [], images: [...images].sort(), warnings };
}

export interface DownContext {
  readonly client: EngineClient;
  readonly progress: Progress;
  readonly warn: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly parallel?: number;
}

/** Runs `down`; resolves with whether anything was found to remove. */
export async function composeDown(projectName: string, project: Project | undefined, options: DownOptions, context: DownContext): Promise<boolean> {
  const { client, progress, signal } = context;
  const [containers, networks, volumes] = await Promise.all([
    listProjectContainers(client, projectName, { all: true, oneOff: 'include', signal }),
    client.networks.list({ signal }),
    client.volumes.list({ signal }),
  ]);
  const plan = planDown(projectName, project, { containers, networks, volumes: volumes.Volumes ?? [] }, options);
  for (const warning of plan.warnings) context.warn(warning);
  const count = [...plan.containers.values()].reduce((n, list) => n + list.length, 0) + plan.orphans.length + plan.networks.length + plan.volumes.length + plan.images.length;
  if (count === 0) {
    context.warn(`Warning: No resource found to remove for project "${projectName}".`);
    return false;
  }
  const limiter = new Limiter(context.parallel ?? 8);
  const step = (id: string, working: string, done: string, task: () => Promise<unknown>): Promise<void> =>
    limiter.run(async () => {
      progress.on({ id, status: 'working', text: working });
      try {
        await task();
        progress.on({ id, status: 'done', text: done });
      } catch (err) {
        if (isNotFound(err)) progress.on({ id, status: 'warning', text: 'Warning: No resource found to remove' });
        // Still used by another container: dockerd answers 403 for networks, 409 for volumes and images.
        else if ((isConflict(err) || (err as { code?: string }).code === 'forbidden') && !id.startsWith('Container')) progress.on({ id, status: 'warning', text: 'Resource is still in use' });
        else {
          progress.on({ id, status: 'error', text: 'Error', details: (err as Error).message });
          throw err;
        }
      }
    });
  const removeContainer = async (c: ContainerSummary): Promise<void> => {
    const id = `Container ${summaryName(c)}`;
    if (c.State === 'running' || c.State === 'paused' || c.State === 'restarting') await step(id, 'Stopping', 'Stopped', () => client.containers.stop(c.Id, { timeoutSeconds: options.timeoutSeconds, signal }));
    await step(id, 'Removing', 'Removed', () => client.containers.remove(c.Id, { force: true, volumes: options.volumes === true, signal }));
  };
  progress.start('Running');
  try {
    await inDependencyOrder(plan.graph, [...plan.containers.keys()], 'dependents-first', (service) => settleAll((plan.containers.get(service) ?? []).map(removeContainer)));
    await settleAll(plan.orphans.map(removeContainer));
    await settleAll([
      ...plan.networks.map((name) => step(`Network ${name}`, 'Removing', 'Removed', () => client.networks.remove(name, { signal }))),
      ...plan.volumes.map((name) => step(`Volume ${name}`, 'Removing', 'Removed', () => client.volumes.remove(name, { signal }))),
      ...plan.images.map((name) => step(`Image ${name}`, 'Removing', 'Removed', () => client.images.remove(name, { signal }))),
    ]);
  } finally {
    progress.done();
  }
  return true;
}
