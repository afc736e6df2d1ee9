// Executes a convergence plan on an engine (effects: Engine API calls through pkg/client): networks
// and volumes first, orphans, then each service's removals, recreations and creations in
// dependency order, then starts in dependency order after waiting for healthy/completed
// dependencies. Independent services run in parallel, bounded by a Limiter; every step is reported
// as a progress event.

import type { EngineClient, MountPoint, NetworkConnectRequest } from '../../client/index.js';
import { isConflict } from '../../errdefs/index.js';
import { buildContainerCreateRequest, type EndpointSettings, type Mount } from '../create.js';
import { ComposeError } from '../errors.js';
import { buildServiceGraph, type DependencyEdge } from '../graph.js';
import { LABEL_CONTAINER_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../labels.js';
import type { Project } from '../model.js';
import { volumesOf } from '../mounts.js';
import { serviceScale, type ConvergencePlan, type PlanAction } from '../plan.js';
import { injectFiles } from './inject.js';
import { summaryName, type ObservedProject } from './observe.js';
import { inDependencyOrder, Limiter, settleAll } from './parallel.js';
import type { Progress } from './progress.js';
import { waitForService, type ContainerRef } from './wait.js';

export interface ConvergeOptions {
  readonly client: EngineClient;
  readonly progress: Progress;
  readonly limiter: Limiter;
  readonly signal?: AbortSignal;
  /** `-t/--timeout` seconds for stops; undefined leaves it to the container's StopTimeout. */
  readonly timeoutSeconds?: number;
  /** Engine API version in use (the create body depends on it). */
  readonly apiVersion?: string;
  readonly now: () => number;
  /** Interval of the dependency-condition polls. */
  readonly pollMs?: number;
  /** `-V`: recreated containers get new anonymous volumes instead of their predecessor's. */
  readonly renewAnonymousVolumes?: boolean;
}

/**
 * A recreated container keeps its predecessor's anonymous volumes (compose does this so `- /data`
 * survives a config change): each anonymous volume mount of the new body gets the old volume's name.
 */
export function inheritAnonymousVolumes(hostConfig: Record<string, unknown>, oldMounts: readonly MountPoint[]): void {
  const mounts = hostConfig.Mounts as Mount[] | undefined;
  for (const mount of mounts ?? []) {
    if (mount.Type !== 'volume' || (mount.Source ?? '') !== '') continue;
    const previous = oldMounts.find((m) => m.Type === 'volume' && m.Destination === mount.Target && (m.Name ?? '') !== '');
    if (previous !== undefined) mount.Source = previous.Name;
  }
}

type ActionOf<K extends PlanAction['kind']> = Extract<PlanAction, { kind: K }>;

/** The plan's actions grouped the way they run. */
export interface PlanPhases {
  readonly resources: ReadonlyArray<ActionOf<'create-network'> | ActionOf<'create-volume'>>;
  readonly orphans: ReadonlyArray<ActionOf<'remove-orphan'>>;
  /** Per service: stops of restart-dependents its recreation triggers, removals, recreations, creations. */
  readonly converge: ReadonlyMap<string, readonly PlanAction[]>;
  /** Per service: starts and keeps. */
  readonly start: ReadonlyMap<string, ReadonlyArray<ActionOf<'start-container'> | ActionOf<'keep-container'>>>;
}

/** Groups a plan's actions into the phases executePlan runs (pure). */
export function planPhases(plan: ConvergencePlan): PlanPhases {
  const resources: Array<ActionOf<'create-network'> | ActionOf<'create-volume'>> = [];
  const orphans: Array<ActionOf<'remove-orphan'>> = [];
  const converge = new Map<string, PlanAction[]>();
  const start = new Map<string, Array<ActionOf<'start-container'> | ActionOf<'keep-container'>>>();
  let current: string | undefined;
  for (const action of plan.actions) {
    switch (action.kind) {
      case 'create-network':
      case 'create-volume':
        resources.push(action);
        break;
      case 'remove-orphan':
        orphans.push(action);
        break;
      case 'stop-container':
        // Listed right after the recreation that triggers it: it belongs to that service's step.
        (converge.get(current ?? action.service) ?? converge.set(current ?? action.service, []).get(current ?? action.service)!).push(action);
        break;
      case 'remove-container':
      case 'recreate-container':
      case 'create-container':
        current = action.service;
        (converge.get(action.service) ?? converge.set(action.service, []).get(action.service)!).push(action);
        break;
      case 'start-container':
      case 'keep-container':
        (start.get(action.service) ?? start.set(action.service, []).get(action.service)!).push(action);
        break;
    }
  }
  return { resources, orphans, converge, start };
}

const containerId = (name: string): string => `Container ${name}`;

/** The containers of each service as the run goes: observed first, then created/recreated/removed. */
class ServiceContainers {
  private readonly byService = new Map<string, Map<number, ContainerRef>>();

  constructor(project: Project, observed: ObservedProject) {
    for (const c of observed.containers) {
      if (c.Labels?.[LABEL_PROJECT] !== project.name || c.Labels?.[LABEL_ONEOFF] === 'True') continue;
      const service = c.Labels?.[LABEL_SERVICE] ?? '';
      const number = Number.parseInt(c.Labels?.[LABEL_CONTAINER_NUMBER] ?? '', 10);
      if (!Number.isInteger(number)) continue;
      const numbers = this.service(service);
      if (!numbers.has(number)) numbers.set(number, { id: c.Id, name: summaryName(c), number });
    }
  }

  private service(name: string): Map<number, ContainerRef> {
    let numbers = this.byService.get(name);
    if (numbers === undefined) this.byService.set(name, (numbers = new Map()));
    return numbers;
  }

  set(service: string, ref: ContainerRef): void {
    this.service(service).set(ref.number, ref);
  }

  remove(service: string, id: string): void {
    const numbers = this.service(service);
    for (const [number, ref] of numbers) if (ref.id === id) numbers.delete(number);
  }

  of(service: string): ContainerRef[] {
    return [...this.service(service).values()].sort((a, b) => a.number - b.number);
  }

  all(): Map<string, ContainerRef[]> {
    return new Map([...this.byService.keys()].map((service) => [service, this.of(service)]));
  }
}

export interface ConvergeResult {
  /** Containers of each service after the run, by number. */
  readonly containers: ReadonlyMap<string, readonly ContainerRef[]>;
}

/** Runs `plan` (made over `observed`); throws the first failure after in-flight steps finish. */
export async function executePlan(project: Project, plan: ConvergencePlan, observed: ObservedProject, options: ConvergeOptions): Promise<ConvergeResult> {
  if (plan.errors.length > 0) throw new ComposeError('generic', plan.errors.join('; '));
  const { client, progress, limiter, signal } = options;
  const phases = planPhases(plan);
  const containers = new ServiceContainers(project, observed);
  const graph = buildServiceGraph(project.services);
  const stopOptions = { timeoutSeconds: options.timeoutSeconds, signal };

  const step = async <T>(id: string, working: string, done: string, task: () => Promise<T>): Promise<T> =>
    limiter.run(async () => {
      progress.on({ id, status: 'working', text: working });
      try {
        const result = await task();
        progress.on({ id, status: 'done', text: done });
        return result;
      } catch (err) {
        progress.on({ id, status: 'error', text: 'Error', details: (err as Error).message });
        throw err;
      }
    });

  const stopAndRemove = async (id: string, name: string): Promise<void> => {
    await step(containerId(name), 'Stopping', 'Stopped', () => client.containers.stop(id, stopOptions));
    await step(containerId(name), 'Removing', 'Removed', () => client.containers.remove(id, { force: true, signal }));
  };

  const createOptions = (replacing?: string) => ({
    replacing: replacing !== undefined ? { id: replacing } : undefined,
    resolveService: (target: string) => containers.of(target)[0]?.id,
    serviceContainerNames: (target: string) => containers.of(target).map((c) => c.name),
  });
  /** Creates a container; engines before API 1.44 take one network at create, the rest are connected. */
  const createContainer = async (service: string, number: number, replacing?: string): Promise<string> => {
    const request = buildContainerCreateRequest(project, service, number, { ...createOptions(replacing), apiVersion: options.apiVersion });
    if (replacing !== undefined && options.renewAnonymousVolumes !== true) {
      inheritAnonymousVolumes(request.body.HostConfig, (await client.containers.inspect(replacing, { signal })).Mounts ?? []);
    }
    const created = await client.containers.create(request.body, { name: request.name, platform: request.platform, signal });
    const all = buildContainerCreateRequest(project, service, number, createOptions(replacing)).body.NetworkingConfig?.EndpointsConfig ?? {};
    await connectExtraNetworks(client, created.Id, all, request.body.NetworkingConfig?.EndpointsConfig ?? {}, signal);
    return created.Id;
  };

  // 1. Networks and volumes.
  await settleAll(
    phases.resources.map((action) =>
      action.kind === 'create-network'
        ? step(`Network ${action.name}`, 'Creating', 'Created', async () => {
            try {
              await client.networks.create(action.request, { signal });
            } catch (err) {
              if (!isConflict(err)) throw err; // created meanwhile by a concurrent up
            }
          })
        : step(`Volume ${action.name}`, 'Creating', 'Created', () => client.volumes.create(action.request, { signal })),
    ),
  );

  // 2. Orphans (--remove-orphans).
  await settleAll(phases.orphans.map((action) => stopAndRemove(action.containerId, action.containerName)));

  // 3. Per service, dependencies first: stop restart-dependents, scale down, recreate, create.
  const services = [...new Set([...phases.converge.keys(), ...phases.start.keys()])];
  await inDependencyOrder(graph, services, 'dependencies-first', async (service) => {
    const actions = phases.converge.get(service) ?? [];
    await settleAll(actions.filter((a) => a.kind === 'stop-container').map((a) => step(containerId(a.containerName), 'Stopping', 'Stopped', () => client.containers.stop(a.containerId, stopOptions))));
    await settleAll(
      actions
        .filter((a) => a.kind === 'remove-container')
        .map(async (a) => {
          await stopAndRemove(a.containerId, a.containerName);
          containers.remove(service, a.containerId);
        }),
    );
    await settleAll(
      actions.map(async (action) => {
        if (action.kind === 'recreate-container') {
          await step(containerId(action.containerName), 'Recreate', 'Recreated', async () => {
            const id = await createContainer(service, action.number, action.containerId);
            await client.containers.stop(action.containerId, stopOptions);
            await client.containers.remove(action.containerId, { force: true, signal });
            containers.remove(service, action.containerId);
            await client.containers.rename(id, action.containerName, { signal });
            containers.set(service, { id, name: action.containerName, number: action.number });
          });
        } else if (action.kind === 'create-container') {
          await step(containerId(action.containerName), 'Creating', 'Created', async () => {
            const id = await createContainer(service, action.number);
            containers.set(service, { id, name: action.containerName, number: action.number });
          });
        }
      }),
    );
  });

  // 4. Starts, dependencies first, each after its dependencies' conditions hold.
  await inDependencyOrder(graph, services, 'dependencies-first', async (service) => {
    const actions = phases.start.get(service) ?? [];
    for (const action of actions) if (action.kind === 'keep-container') progress.on({ id: containerId(action.containerName), status: 'done', text: 'Running' });
    const starts = actions.filter((a): a is ActionOf<'start-container'> => a.kind === 'start-container');
    if (starts.length === 0) return;
    await waitForDependencies(service, starts[0]!.waitFor, containers, { ...options, project });
    const { injections } = volumesOf(project, project.services[service]!);
    const byNumber = new Map(containers.of(service).map((c) => [c.number, c]));
    await settleAll(
      starts.map(async (action) => {
        const ref = byNumber.get(action.number);
        const id = action.containerId ?? ref?.id;
        if (id === undefined) throw new ComposeError('generic', `service "${service}" has no container ${action.containerName} to start`);
        await injectFiles(client, id, injections, { signal, nowMs: options.now() });
        await step(containerId(action.containerName), 'Starting', 'Started', () => client.containers.start(id, { signal }));
      }),
    );
  });
  return { containers: containers.all() };
}

/** Connects the networks an engine before API 1.44 could not take at create (compose does the same). */
export async function connectExtraNetworks(
  client: EngineClient,
  containerId: string,
  wanted: Readonly<Record<string, EndpointSettings>>,
  sent: Readonly<Record<string, EndpointSettings>>,
  signal?: AbortSignal,
): Promise<void> {
  for (const [network, endpoint] of Object.entries(wanted)) {
    if (sent[network] !== undefined) continue;
    await client.networks.connect(network, { Container: containerId, EndpointConfig: endpoint as NetworkConnectRequest['EndpointConfig'] }, { signal });
  }
}

/** Waits for the conditions `service` depends on (service_healthy, service_completed_successfully). */
async function waitForDependencies(service: string, edges: readonly DependencyEdge[], containers: ServiceContainers, options: ConvergeOptions & { project?: Project }): Promise<void> {
  await settleAll(
    edges.map(async (edge) => {
      const refs = containers.of(edge.to);
      if (refs.length === 0) {
        // A dependency scaled to zero is not waited for (compose's shouldWaitForDependency).
        const dependency = options.project?.services[edge.to];
        if (edge.required && (dependency === undefined || serviceScale(dependency) > 0)) throw new ComposeError('generic', `${service} is missing dependency ${edge.to}`);
        return;
      }
      if (edge.condition === 'service_started') return;
      await waitForService(edge.to, refs, edge.condition, {
        client: options.client,
        progress: options.progress,
        signal: options.signal,
        pollMs: options.pollMs,
        required: edge.required,
        errorPrefix: 'dependency failed to start: ',
      });
    }),
  );
}
