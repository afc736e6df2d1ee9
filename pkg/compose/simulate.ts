// The state a convergence plan leaves behind, predicted without an engine (pure): used for dry
// runs and to check the planner is idempotent (planning again over the predicted state is a no-op).

import { containerLabels } from './create.js';
import type { Project } from './model.js';
import type { ConvergencePlan, ObservedContainer, ObservedNetwork, ObservedState, ObservedVolume } from './plan.js';

/** Applies `plan` to `observed` as an engine would; created objects get deterministic fake IDs. */
export function predictObservedState(project: Project, observed: ObservedState, plan: ConvergencePlan): ObservedState {
  let containers: ObservedContainer[] = [...observed.containers];
  const networks: ObservedNetwork[] = [...observed.networks];
  const volumes: ObservedVolume[] = [...observed.volumes];
  const byName = new Map<string, string>();
  let serial = 0;
  const newId = (prefix: string): string => `${prefix}${(++serial).toString(16).padStart(12, '0')}`;
  const set = (id: string, patch: Partial<ObservedContainer>): void => {
    containers = containers.map((c) => (c.Id === id ? { ...c, ...patch } : c));
  };
  const attached = (service: string): Record<string, { NetworkID?: string }> => {
    const out: Record<string, { NetworkID?: string }> = {};
    for (const key of Object.keys(project.services[service]?.networks ?? {})) {
      const name = project.networks[key]?.name ?? key;
      out[name] = { NetworkID: networks.find((n) => n.Name === name)?.Id };
    }
    return out;
  };
  for (const action of plan.actions) {
    switch (action.kind) {
      case 'create-network':
        networks.push({ Id: newId('net'), Name: action.name, Labels: action.request.Labels });
        break;
      case 'create-volume':
        volumes.push({ Name: action.name, Labels: action.request.Labels });
        break;
      case 'remove-orphan':
      case 'remove-container':
        containers = containers.filter((c) => c.Id !== action.containerId);
        break;
      case 'stop-container':
        set(action.containerId, { State: 'exited' });
        break;
      case 'recreate-container':
      case 'create-container': {
        if (action.kind === 'recreate-container') containers = containers.filter((c) => c.Id !== action.containerId);
        const id = newId('ctr');
        byName.set(action.containerName, id);
        containers.push({
          Id: id,
          Names: [`/${action.containerName}`],
          Labels: containerLabels(project, action.service, action.number),
          State: 'created',
          Created: serial,
          NetworkSettings: { Networks: attached(action.service) },
        });
        break;
      }
      case 'start-container':
        set(action.containerId ?? byName.get(action.containerName) ?? '', { State: 'running' });
        break;
      case 'keep-container':
        break;
    }
  }
  return { containers, networks, volumes };
}
