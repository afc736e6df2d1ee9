// The convergence planner for `compose up` (pure): from the desired project and the observed
// containers, networks and volumes (Engine API list shapes), decide what to create, recreate,
// start, stop, remove or leave alone, in order. Same decisions as docker compose v2's
// convergence: config-hash label comparison, scale by container number, orphans, recreate
// policies, dependents with `restart: true` stopped before their dependency is recreated.

import { buildServiceGraph, restartDependents, startLevels, withDependencies, type DependencyEdge } from './graph.js';
import { resourceConfigHash, serviceConfigHash } from './hash.js';
import {
  COMPOSE_VERSION,
  LABEL_CONFIG_HASH,
  LABEL_CONTAINER_NUMBER,
  LABEL_NETWORK,
  LABEL_ONEOFF,
  LABEL_PROJECT,
  LABEL_SERVICE,
  LABEL_VERSION,
  LABEL_VOLUME,
  containerName,
} from './labels.js';
import type { NetworkConfig, Project, ServiceConfig, VolumeConfig } from './model.js';

/** A container as GET /containers/json?all=1 lists it. */
export interface ObservedContainer {
  readonly Id: string;
  readonly Names?: readonly string[];
  readonly Labels?: Readonly<Record<string, string>>;
  /** created | running | paused | restarting | removing | exited | dead */
  readonly State: string;
  readonly Created?: number;
  readonly NetworkSettings?: { readonly Networks?: Readonly<Record<string, { readonly NetworkID?: string }>> };
}

/** A network as GET /networks lists it. */
export interface ObservedNetwork {
  readonly Id: string;
  readonly Name: string;
  readonly Labels?: Readonly<Record<string, string>>;
}

/** A volume as GET /volumes lists it. */
export interface ObservedVolume {
  readonly Name: string;
  readonly Labels?: Readonly<Record<string, string>>;
}

export interface ObservedState {
  readonly containers: readonly ObservedContainer[];
  readonly networks: readonly ObservedNetwork[];
  readonly volumes: readonly ObservedVolume[];
}

export interface PlanOptions {
  /** Services named on the command line (empty: all enabled services). */
  readonly services?: readonly string[];
  /** `--scale svc=n`. */
  readonly scale?: Readonly<Record<string, number>>;
  readonly forceRecreate?: boolean;
  readonly noRecreate?: boolean;
  /** `--always-recreate-deps`: dependencies of named services get the same recreate policy. */
  readonly alwaysRecreateDeps?: boolean;
  /** Do not bring up the dependencies of named services. */
  readonly noDeps?: boolean;
  readonly removeOrphans?: boolean;
  /** `compose create`: create containers but do not start them. */
  readonly noStart?: boolean;
  /**
   * Services whose image now resolves to a different image than their containers run (after a
   * pull or a build): their containers are recreated, unless --no-recreate.
   */
  readonly imageChanged?: readonly string[];
}

export type RecreateReason = 'forced' | 'config-changed' | 'image-changed' | 'network-missing';

export type PlanAction =
  | { readonly kind: 'create-network'; readonly network: string; readonly name: string; readonly request: NetworkCreateRequest }
  | { readonly kind: 'create-volume'; readonly volume: string; readonly name: string; readonly request: VolumeCreateRequest }
  | { readonly kind: 'remove-orphan'; readonly containerId: string; readonly containerName: string; readonly service: string }
  | { readonly kind: 'stop-container'; readonly service: string; readonly number: number; readonly containerId: string; readonly containerName: string; readonly reason: 'dependency-recreated' }
  | {
      readonly kind: 'remove-container';
      readonly service: string;
      readonly number: number;
      readonly containerId: string;
      readonly containerName: string;
      /** scale-down, or a second container claiming a number (or none), which a scale step cannot own. */
      readonly reason: 'scale-down' | 'duplicate-number';
    }
  | {
      readonly kind: 'recreate-container';
      readonly service: string;
      readonly number: number;
      readonly containerId: string;
      readonly containerName: string;
      readonly reason: RecreateReason;
      readonly configHash: string;
    }
  | { readonly kind: 'create-container'; readonly service: string; readonly number: number; readonly containerName: string; readonly configHash: string }
  | {
      readonly kind: 'start-container';
      readonly service: string;
      readonly number: number;
      /** Undefined when the container is created by an earlier action of this plan. */
      readonly containerId: string | undefined;
      readonly containerName: string;
      /** Dependencies to wait for first (conditions other than service_started). */
      readonly waitFor: readonly DependencyEdge[];
    }
  | { readonly kind: 'keep-container'; readonly service: string; readonly number: number; readonly containerId: string; readonly containerName: string };

export interface NetworkCreateRequest {
  readonly Name: string;
  readonly Driver?: string;
  readonly Options?: Record<string, string>;
  readonly Internal?: boolean;
  readonly Attachable?: boolean;
  readonly EnableIPv4?: boolean;
  readonly EnableIPv6?: boolean;
  readonly IPAM?: { Driver?: string; Config?: Array<{ Subnet?: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses?: Record<string, string> }>; Options?: Record<string, string> };
  readonly Labels: Record<string, string>;
}

export interface VolumeCreateRequest {
  readonly Name: string;
  readonly Driver?: string;
  readonly DriverOpts?: Record<string, string>;
  readonly Labels: Record<string, string>;
}

export interface ConvergencePlan {
  readonly actions: readonly PlanAction[];
  /** Things the user should know (orphans kept, diverged networks/volumes, ...). */
  readonly warnings: readonly string[];
  /** Problems that make the plan impossible (missing external network/volume, ...). */
  readonly errors: readonly string[];
}

/** True for actions that change nothing (`keep-container`). */
export function isNoop(action: PlanAction): boolean {
  return action.kind === 'keep-container';
}

/** Nothing to do: every container is up to date and running. */
export function isUpToDate(plan: ConvergencePlan): boolean {
  return plan.errors.length === 0 && plan.actions.every(isNoop);
}

export function containerNumber(container: ObservedContainer): number | undefined {
  const raw = container.Labels?.[LABEL_CONTAINER_NUMBER];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number.parseInt(raw, 10);
}

function nameOf(container: ObservedContainer): string {
  const name = container.Names?.[0] ?? container.Id;
  return name.startsWith('/') ? name.slice(1) : name;
}

export function serviceScale(service: ServiceConfig, override?: number): number {
  return override ?? service.scale ?? service.deploy?.replicas ?? 1;
}

export function networkCreateRequest(project: Project, key: string, network: NetworkConfig): NetworkCreateRequest {
  const labels: Record<string, string> = { ...(network.labels ?? {}) };
  labels[LABEL_NETWORK] = key;
  labels[LABEL_PROJECT] = project.name;
  labels[LABEL_VERSION] = COMPOSE_VERSION;
  labels[LABEL_CONFIG_HASH] = resourceConfigHash('network', network as Record<string, unknown>);
  const ipam = network.ipam;
  return {
    Name: network.name ?? `${project.name}_${key}`,
    ...(network.driver !== undefined ? { Driver: network.driver } : {}),
    ...(network.driver_opts !== undefined ? { Options: network.driver_opts } : {}),
    ...(network.internal === true ? { Internal: true } : {}),
    ...(network.attachable === true ? { Attachable: true } : {}),
    ...(network.enable_ipv4 !== undefined ? { EnableIPv4: network.enable_ipv4 } : {}),
    ...(network.enable_ipv6 !== undefined ? { EnableIPv6: network.enable_ipv6 } : {}),
    ...(ipam !== undefined && ((ipam.driver ?? '') !== '' || (ipam.config ?? []).length > 0)
      ? {
          IPAM: {
            ...(ipam.driver !== undefined ? { Driver: ipam.driver } : {}),
            Config: (ipam.config ?? []).map((pool) => ({ Subnet: pool.subnet, IPRange: pool.ip_range, Gateway: pool.gateway, AuxiliaryAddresses: pool.aux_addresses })),
            ...(ipam.options !== undefined ? { Options: ipam.options } : {}),
          },
        }
      : {}),
    Labels: labels,
  };
}

export function volumeCreateRequest(project: Project, key: string, volume: VolumeConfig): VolumeCreateRequest {
  const labels: Record<string, string> = { ...(volume.labels ?? {}) };
  labels[LABEL_VOLUME] = key;
  labels[LABEL_PROJECT] = project.name;
  labels[LABEL_VERSION] = COMPOSE_VERSION;
  labels[LABEL_CONFIG_HASH] = resourceConfigHash('volume', volume as Record<string, unknown>);
  return {
    Name: volume.name ?? `${project.name}_${key}`,
    ...(volume.driver !== undefined ? { Driver: volume.driver } : {}),
    ...(volume.driver_opts !== undefined ? { DriverOpts: volume.driver_opts } : {}),
    Labels: labels,
  };
}

/** Plans `compose up` (or `create` with noStart) of `project` over `observed`. */
export function planConvergence(project: Project, observed: ObservedState, options: PlanOptions = {}): ConvergencePlan {
  const actions: PlanAction[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const graph = buildServiceGraph(project.services);
  const named = (options.services ?? []).filter((s) => s !== '');
  for (const name of named) if (project.services[name] === undefined) errors.push(`no such service: ${name}`);
  const targets = named.length === 0 ? graph.services : options.noDeps === true ? named : withDependencies(graph, named);
  const explicit = new Set(named.length === 0 ? graph.services : named);

  // Networks and volumes the target services use.
  const networkByName = new Map(observed.networks.map((n) => [n.Name, n]));
  const usedNetworks = new Set(targets.flatMap((s) => Object.keys(project.services[s]?.networks ?? {})));
  for (const key of Object.keys(project.networks).sort()) {
    if (!usedNetworks.has(key)) continue;
    const network = project.networks[key];
    const name = network.name ?? `${project.name}_${key}`;
    const existing = networkByName.get(name);
    if (network.external === true) {
      if (existing === undefined) errors.push(`network ${name} declared as external, but could not be found`);
      continue;
    }
    if (existing === undefined) {
      actions.push({ kind: 'create-network', network: key, name, request: networkCreateRequest(project, key, network) });
      continue;
    }
    const hash = existing.Labels?.[LABEL_CONFIG_HASH];
    if (existing.Labels?.[LABEL_PROJECT] !== project.name) warnings.push(`a network with name ${name} exists but was not created for project "${project.name}". Set \`external: true\` to use an existing network`);
    else if (hash !== undefined && hash !== '' && hash !== resourceConfigHash('network', network as Record<string, unknown>)) {
      warnings.push(`network ${name} exists but does not match the configuration in the compose file; remove it (compose down) to recreate it`);
    }
  }
  const volumeByName = new Map(observed.volumes.map((v) => [v.Name, v]));
  const usedVolumes = new Set(targets.flatMap((s) => (project.services[s]?.volumes ?? []).filter((v) => v.type === 'volume' && (v.source ?? '') !== '').map((v) => v.source!)));
  for (const key of Object.keys(project.volumes).sort()) {
    if (!usedVolumes.has(key)) continue;
    const volume = project.volumes[key];
    const name = volume.name ?? `${project.name}_${key}`;
    const existing = volumeByName.get(name);
    if (volume.external === true) {
      if (existing === undefined) errors.push(`external volume "${name}" not found`);
      continue;
    }
    if (existing === undefined) {
      actions.push({ kind: 'create-volume', volume: key, name, request: volumeCreateRequest(project, key, volume) });
      continue;
    }
    const hash = existing.Labels?.[LABEL_CONFIG_HASH];
    if (existing.Labels?.[LABEL_PROJECT] === undefined) warnings.push(`volume "${name}" already exists but was not created by Docker Compose. Use \`external: true\` to use an existing volume`);
    else if (hash !== undefined && hash !== resourceConfigHash('volume', volume as Record<string, unknown>)) warnings.push(`volume "${name}" exists but doesn't match configuration in compose file`);
  }

  // Orphans: project containers of services the model no longer has, and finished one-offs.
  const projectContainers = observed.containers.filter((c) => c.Labels?.[LABEL_PROJECT] === project.name);
  const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices)]);
  const orphans = projectContainers.filter((c) => {
    if (c.Labels?.[LABEL_ONEOFF] === 'True') return c.State === 'exited' || c.State === 'dead';
    return !known.has(c.Labels?.[LABEL_SERVICE] ?? '');
  });
  if (orphans.length > 0) {
    if (options.removeOrphans === true) {
      for (const c of orphans) actions.push({ kind: 'remove-orphan', containerId: c.Id, containerName: nameOf(c), service: c.Labels?.[LABEL_SERVICE] ?? '' });
    } else {
      warnings.push(
        `Found orphan containers (${orphans.map(nameOf).join(', ')}) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
      );
    }
  }

  const targetSet = new Set(targets);
  const levels = errors.length > 0 ? [] : startLevels(graph);
  const order = levels.flat().filter((s) => targetSet.has(s));
  const observedNetworkIds = new Map(observed.networks.map((n) => [n.Name, n.Id]));
  /** Final container per service and number, for the start phase. */
  const finalContainers = new Map<string, Array<{ number: number; containerId: string | undefined; name: string; running: boolean }>>();
  const stopped = new Set<string>();

  for (const serviceName of order) {
    const service = project.services[serviceName];
    const hash = serviceConfigHash(service);
    const policy = explicit.has(serviceName) || options.alwaysRecreateDeps === true ? (options.forceRecreate === true ? 'force' : options.noRecreate === true ? 'never' : 'diverged') : 'diverged';
    const expected = serviceScale(service, options.scale?.[serviceName]);
    const containers = projectContainers.filter((c) => c.Labels?.[LABEL_SERVICE] === serviceName && c.Labels?.[LABEL_ONEOFF] !== 'True');
    const mustRecreate = (c: ObservedContainer): RecreateReason | undefined => {
      if (policy === 'never') return undefined;
      if (policy === 'force') return 'forced';
      if (c.Labels?.[LABEL_CONFIG_HASH] !== hash) return 'config-changed';
      if (options.imageChanged?.includes(serviceName) === true) return 'image-changed';
      if (c.State === 'running' && c.NetworkSettings?.Networks !== undefined) {
        const attached = c.NetworkSettings.Networks;
        const attachedIds = new Set(Object.values(attached).map((n) => n.NetworkID));
        for (const key of Object.keys(service.networks ?? {})) {
          const name = project.networks[key]?.name ?? key;
          const id = observedNetworkIds.get(name);
          if (id !== undefined && !attachedIds.has(id) && attached[name] === undefined) return 'network-missing';
        }
      }
      return undefined;
    };
    // Up-to-date containers with the lowest numbers are kept; obsolete and highest ones go first.
    const sorted = [...containers].sort((a, b) => {
      const oa = mustRecreate(a) !== undefined;
      const ob = mustRecreate(b) !== undefined;
      if (oa !== ob) return oa ? 1 : -1;
      const na = containerNumber(a);
      const nb = containerNumber(b);
      if (na !== undefined && nb !== undefined && na !== nb) return na - nb;
      return (a.Created ?? 0) - (b.Created ?? 0) || (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0);
    });
    const final: Array<{ number: number; containerId: string | undefined; name: string; running: boolean }> = [];
    let recreatedAny = false;
    const numbers = new Set<number>();
    const owned = sorted.filter((c) => {
      const number = containerNumber(c);
      if (number === undefined || numbers.has(number)) {
        actions.push({ kind: 'remove-container', service: serviceName, number: number ?? 0, containerId: c.Id, containerName: nameOf(c), reason: 'duplicate-number' });
        return false;
      }
      numbers.add(number);
      return true;
    });
    owned.forEach((c, i) => {
      const number = containerNumber(c) ?? 0;
      if (i >= expected) {
        actions.push({ kind: 'remove-container', service: serviceName, number, containerId: c.Id, containerName: nameOf(c), reason: 'scale-down' });
        return;
      }
      const reason = mustRecreate(c);
      if (reason !== undefined) {
        recreatedAny = true;
        actions.push({ kind: 'recreate-container', service: serviceName, number, containerId: c.Id, containerName: containerName(project.name, serviceName, number, service.container_name), reason, configHash: hash });
        final.push({ number, containerId: undefined, name: containerName(project.name, serviceName, number, service.container_name), running: false });
        return;
      }
      final.push({ number, containerId: c.Id, name: nameOf(c), running: c.State === 'running' });
    });
    const maxNumber = owned.reduce((m, c) => Math.max(m, containerNumber(c) ?? 0), 0);
    for (let i = 0; i < expected - owned.length; i++) {
      const number = maxNumber + 1 + i;
      const name = containerName(project.name, serviceName, number, service.container_name);
      actions.push({ kind: 'create-container', service: serviceName, number, containerName: name, configHash: hash });
      final.push({ number, containerId: undefined, name, running: false });
    }
    if (recreatedAny) {
      // Dependents with `restart: true` are stopped now and started again after this service.
      for (const dependent of restartDependents(graph, serviceName)) {
        for (const c of projectContainers.filter((x) => x.Labels?.[LABEL_SERVICE] === dependent && x.Labels?.[LABEL_ONEOFF] !== 'True' && x.State === 'running')) {
          if (stopped.has(c.Id)) continue;
          stopped.add(c.Id);
          actions.push({ kind: 'stop-container', service: dependent, number: containerNumber(c) ?? 0, containerId: c.Id, containerName: nameOf(c), reason: 'dependency-recreated' });
        }
      }
    }
    finalContainers.set(serviceName, final.sort((a, b) => a.number - b.number));
  }

  // Start phase, dependencies first; keep-container for what is already as desired.
  for (const serviceName of order) {
    const waitFor = graph.edges.filter((e) => e.from === serviceName && e.condition !== 'service_started' && targetSet.has(e.to));
    for (const c of finalContainers.get(serviceName) ?? []) {
      const running = c.running && (c.containerId === undefined || !stopped.has(c.containerId));
      if (running) actions.push({ kind: 'keep-container', service: serviceName, number: c.number, containerId: c.containerId!, containerName: c.name });
      else if (options.noStart !== true) actions.push({ kind: 'start-container', service: serviceName, number: c.number, containerId: c.containerId, containerName: c.name, waitFor });
      else if (c.containerId !== undefined) actions.push({ kind: 'keep-container', service: serviceName, number: c.number, containerId: c.containerId, containerName: c.name });
    }
  }
  return { actions, warnings, errors };
}
