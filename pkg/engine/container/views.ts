// The Engine API views of a container (pure): inspect JSON, the /containers/json summary, Docker's
// human status text ("Up 3 seconds (healthy)"), and the ps filters.

import { InvalidArgumentError } from '../../errdefs/index.js';
import { parseTimestamp, type ContainerRecord } from './record.js';
import { ZERO_TIME } from './types.js';

export interface PortSummary {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

export interface ViewContext {
  now: number;
  logPath: string;
  dir: string;
  /** GraphDriver data (LowerDir/UpperDir/MergedDir/WorkDir). */
  graphDriver: Record<string, string>;
  sizeRw?: number;
  sizeRootFs?: number;
  execIds: string[];
  /** Published ports as Docker's NetworkSettings.Ports map. */
  ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
  sandboxKey: string;
  apiVersion: number;
}

/** Go's units.HumanDuration, the text of `ps` STATUS and CREATED columns (pure). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

export function statusText(record: ContainerRecord, now: number): string {
  const state = record.state;
  switch (state.Status) {
    case 'running':
    case 'paused': {
      const health = state.Health && state.Health.Status !== 'none' ? ` (${state.Health.Status === 'starting' ? 'health: starting' : state.Health.Status})` : '';
      const suffix = state.Paused ? ' (Paused)' : health;
      return `Up ${humanDuration(now - parseTimestamp(state.StartedAt))}${suffix}`;
    }
    case 'restarting':
      return `Restarting (${state.ExitCode}) ${humanDuration(now - parseTimestamp(state.FinishedAt))} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      if (state.FinishedAt === ZERO_TIME || !record.hasBeenStarted) return 'Created';
      return `Exited (${state.ExitCode}) ${humanDuration(now - parseTimestamp(state.FinishedAt))} ago`;
    default:
      return 'Created';
  }
}

/** The command column: path and args joined, like Docker's. */
export function commandText(record: ContainerRecord): string {
  // As dockerd: arguments with spaces are shown in single quotes ("sh -c 'echo hi; sleep 1'").
  return [record.path, ...record.args.map((arg) => (arg.includes(' ') ? `'${arg}'` : arg))].join(' ');
}

function networksView(record: ContainerRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record.networks).map(([name, endpoint]) => [name, { ...endpoint }]));
}

export function portsSummary(ports: ViewContext['ports'], exposed: Record<string, unknown> | undefined): PortSummary[] {
  const summary: PortSummary[] = [];
  const seen = new Set<string>();
  for (const [key, bindings] of Object.entries(ports)) {
    const [port, type] = key.split('/');
    seen.add(key);
    if (!bindings || bindings.length === 0) {
      summary.push({ PrivatePort: Number(port), Type: type });
      continue;
    }
    for (const binding of bindings) {
      summary.push({ IP: binding.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(binding.HostPort), Type: type });
    }
  }
  for (const key of Object.keys(exposed ?? {})) {
    if (seen.has(key)) continue;
    const [port, type] = key.split('/');
    summary.push({ PrivatePort: Number(port), Type: type ?? 'tcp' });
  }
  return summary;
}

export function summaryView(record: ContainerRecord, context: ViewContext): Record<string, unknown> {
  return {
    Id: record.id,
    Names: [`/${record.name}`],
    Image: record.config.Image,
    ImageID: record.imageId,
    Command: commandText(record),
    Created: Math.floor(parseTimestamp(record.created) / 1000),
    Ports: portsSummary(context.ports, record.config.ExposedPorts),
    ...(context.sizeRw !== undefined ? { SizeRw: context.sizeRw, SizeRootFs: context.sizeRootFs ?? 0 } : {}),
    Labels: record.config.Labels ?? {},
    State: record.state.Status,
    Status: statusText(record, context.now),
    HostConfig: { NetworkMode: record.hostConfig.NetworkMode, ...(record.hostConfig.Annotations ? { Annotations: record.hostConfig.Annotations } : {}) },
    NetworkSettings: { Networks: networksView(record) },
    Mounts: record.mounts.map((m) => ({ ...m })),
  };
}

export function inspectView(record: ContainerRecord, context: ViewContext): Record<string, unknown> {
  const primary = Object.values(record.networks)[0];
  const state = { ...record.state };
  if (!state.Health) delete state.Health;
  return {
    Id: record.id,
    Created: record.created,
    Path: record.path,
    Args: record.args,
    State: state,
    Image: record.imageId,
    ResolvConfPath: `${context.dir}/resolv.conf`,
    HostnamePath: `${context.dir}/hostname`,
    HostsPath: `${context.dir}/hosts`,
    LogPath: record.hostConfig.LogConfig.Type === 'none' ? '' : context.logPath,
    Name: `/${record.name}`,
    RestartCount: record.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: context.execIds.length ? context.execIds : null,
    HostConfig: record.hostConfig,
    GraphDriver: { Data: context.graphDriver, Name: 'overlay2' },
    ...(context.sizeRw !== undefined ? { SizeRw: context.sizeRw, SizeRootFs: context.sizeRootFs ?? 0 } : {}),
    Mounts: record.mounts.map((m) => ({ ...m })),
    Config: record.config,
    NetworkSettings: {
      Bridge: '',
      SandboxID: context.sandboxKey ? record.id : '',
      SandboxKey: context.sandboxKey,
      Ports: context.ports,
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: primary?.EndpointID ?? '',
      Gateway: primary?.Gateway ?? '',
      GlobalIPv6Address: primary?.GlobalIPv6Address ?? '',
      GlobalIPv6PrefixLen: primary?.GlobalIPv6PrefixLen ?? 0,
      IPAddress: primary?.IPAddress ?? '',
      IPPrefixLen: primary?.IPPrefixLen ?? 0,
      IPv6Gateway: primary?.IPv6Gateway ?? '',
      MacAddress: primary?.MacAddress ?? '',
      Networks: networksView(record),
    },
  };
}

export type Filters = Record<string, string[]>;

const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);
const FILTER_KEYS = new Set(['id', 'name', 'label', 'status', 'ancestor', 'exited', 'before', 'since', 'volume', 'network', 'health', 'publish', 'expose', 'is-task']);

export interface FilterContext {
  /** Whether the container's image matches an `ancestor` value (name, tag or id). */
  imageMatches(record: ContainerRecord, reference: string): boolean;
  /** Resolves before/since container references. */
  createdOf(reference: string): string;
}

/** Validates the filter keys and values of GET /containers/json (pure). */
export function checkContainerFilters(filters: Filters): void {
  for (const [key, values] of Object.entries(filters)) {
    if (!FILTER_KEYS.has(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    if (key === 'status') {
      for (const value of values) {
        if (!STATUSES.has(value)) throw new InvalidArgumentError(`invalid filter 'status=${value}'`);
      }
    }
    if (key === 'exited') {
      for (const value of values) if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`invalid filter 'exited=${value}'`);
    }
    if (key === 'health') {
      for (const value of values) {
        if (!['starting', 'healthy', 'unhealthy', 'none'].includes(value)) throw new InvalidArgumentError(`Unrecognised filter value for health: ${value}`);
      }
    }
  }
}

export function matchesContainerFilters(record: ContainerRecord, filters: Filters, context: FilterContext): boolean {
  const any = (key: string, test: (value: string) => boolean): boolean => {
    const values = filters[key];
    return !values || values.length === 0 || values.some(test);
  };
  const labels = record.config.Labels ?? {};
  return (
    any('id', (v) => record.id.startsWith(v)) &&
    any('name', (v) => {
      const names = [`/${record.name}`, record.name];
      try {
        const pattern = new RegExp(v);
        return names.some((n) => pattern.test(n));
      } catch {
        return names.some((n) => n === v || n.includes(v));
      }
    }) &&
    // every label filter must match (AND), unlike other keys
    (filters.label ?? []).every((v) => {
      const eq = v.indexOf('=');
      return eq < 0 ? Object.hasOwn(labels, v) : Object.hasOwn(labels, v.slice(0, eq)) && labels[v.slice(0, eq)] === v.slice(eq + 1);
    }) &&
    any('status', (v) => record.state.Status === v || (v === 'exited' && record.state.Status === 'created' && false)) &&
    any('exited', (v) => record.state.Status === 'exited' && record.hasBeenStarted && record.state.ExitCode === Number(v)) &&
    any('ancestor', (v) => context.imageMatches(record, v)) &&
    any('before', (v) => record.created < context.createdOf(v)) &&
    any('since', (v) => record.created > context.createdOf(v)) &&
    any('health', (v) => (record.state.Health?.Status ?? 'none') === v) &&
    any('volume', (v) => record.mounts.some((m) => m.Name === v || m.Destination === v || m.Source === v)) &&
    any('network', (v) => Object.entries(record.networks).some(([name, e]) => name === v || e.NetworkID.startsWith(v))) &&
    any('expose', (v) => Object.keys(record.config.ExposedPorts ?? {}).some((p) => p === v || p === `${v}/tcp`)) &&
    any('is-task', (v) => (v === 'true') === ('com.docker.swarm.task' in labels))
  );
}
