// What the engine holds for a compose project (effects: Engine API list calls through pkg/client):
// the project's containers found by label (all states, one-offs included), every network and
// volume (the planner also needs external ones by name), and the projects on an engine for `ls`.

import type { ContainerSummary, EngineClient, Network, Volume } from '../../client/index.js';
import { LABEL_CONFIG_FILES, LABEL_CONTAINER_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../labels.js';
import type { ObservedState } from '../plan.js';

export interface ObservedProject {
  readonly containers: readonly ContainerSummary[];
  readonly networks: readonly Network[];
  readonly volumes: readonly Volume[];
}

/** The planner's view of what was listed (its types leave out what it does not read). */
export function observedState(observed: ObservedProject): ObservedState {
  return {
    containers: observed.containers.map((c) => ({
      Id: c.Id,
      Names: c.Names,
      Labels: c.Labels ?? undefined,
      State: c.State,
      Created: c.Created,
      NetworkSettings: { Networks: c.NetworkSettings?.Networks ?? undefined },
    })),
    networks: observed.networks.map((n) => ({ Id: n.Id, Name: n.Name, Labels: n.Labels ?? undefined })),
    volumes: observed.volumes.map((v) => ({ Name: v.Name, Labels: v.Labels ?? undefined })),
  };
}

export const projectFilter = (projectName: string): string => `${LABEL_PROJECT}=${projectName}`;

/** Containers labelled with the project (all states unless `running`), optionally only some services. */
export async function listProjectContainers(
  client: EngineClient,
  projectName: string,
  options: { all?: boolean; oneOff?: 'exclude' | 'include' | 'only'; services?: readonly string[]; signal?: AbortSignal } = {},
): Promise<ContainerSummary[]> {
  const labels = [projectFilter(projectName)];
  if (options.oneOff === 'only') labels.push(`${LABEL_ONEOFF}=True`);
  const containers = await client.containers.list({ all: options.all ?? true, filters: { label: labels }, signal: options.signal });
  const services = options.services !== undefined && options.services.length > 0 ? new Set(options.services) : undefined;
  return containers
    .filter((c) => options.oneOff !== 'exclude' || c.Labels?.[LABEL_ONEOFF] !== 'True')
    .filter((c) => services === undefined || services.has(c.Labels?.[LABEL_SERVICE] ?? ''))
    .sort(byServiceAndNumber);
}

/** Service name, then container number, then name: the order compose lists containers in. */
export function byServiceAndNumber(a: ContainerSummary, b: ContainerSummary): number {
  const sa = a.Labels?.[LABEL_SERVICE] ?? '';
  const sb = b.Labels?.[LABEL_SERVICE] ?? '';
  if (sa !== sb) return sa < sb ? -1 : 1;
  const na = Number.parseInt(a.Labels?.[LABEL_CONTAINER_NUMBER] ?? '0', 10) || 0;
  const nb = Number.parseInt(b.Labels?.[LABEL_CONTAINER_NUMBER] ?? '0', 10) || 0;
  if (na !== nb) return na - nb;
  return summaryName(a) < summaryName(b) ? -1 : 1;
}

/** The canonical name of a listed container, without the leading slash. */
export function summaryName(container: Pick<ContainerSummary, 'Names' | 'Id'>): string {
  const names = container.Names ?? [];
  const canonical = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0];
  return canonical === undefined ? container.Id.slice(0, 12) : canonical.replace(/^\//, '');
}

/** Containers, networks and volumes as `up` plans over them. */
export async function observeProject(client: EngineClient, projectName: string, signal?: AbortSignal): Promise<ObservedProject> {
  const [containers, networks, volumes] = await Promise.all([
    listProjectContainers(client, projectName, { all: true, oneOff: 'include', signal }),
    client.networks.list({ signal }),
    client.volumes.list({ signal }),
  ]);
  return { containers, networks, volumes: volumes.Volumes ?? [] };
}

export interface ProjectSummary {
  readonly name: string;
  /** `running(2)`, `exited(1), running(2)`: counts per state, states sorted. */
  readonly status: string;
  readonly configFiles: string;
  /** Any container of the project is running. */
  readonly running: boolean;
}

/** Projects on the engine from their containers' labels, sorted by name (compose ls). */
export function summarizeProjects(containers: readonly ContainerSummary[]): ProjectSummary[] {
  const byProject = new Map<string, { states: Map<string, number>; files: string }>();
  for (const container of containers) {
    const name = container.Labels?.[LABEL_PROJECT];
    if (name === undefined || name === '') continue;
    const entry = byProject.get(name) ?? { states: new Map<string, number>(), files: container.Labels?.[LABEL_CONFIG_FILES] ?? '' };
    entry.states.set(container.State, (entry.states.get(container.State) ?? 0) + 1);
    byProject.set(name, entry);
  }
  return [...byProject.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, entry]) => ({
      name,
      status: [...entry.states.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([state, count]) => `${state}(${count})`)
        .join(', '),
      configFiles: entry.files,
      running: (entry.states.get('running') ?? 0) > 0,
    }));
}
