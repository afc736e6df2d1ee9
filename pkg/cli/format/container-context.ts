// Row context for `ps --format` (pure given `nowMs`): docker's ContainerContext fields, port
// grouping and the default table formats.
import type { ContainerSummary, Port } from '../../client/index.js';
import { RowContext } from './formatter.js';
import { parseReference } from './reference.js';
import { ellipsis, goQuote, goTimeString, truncateId } from './text.js';
import { humanSizeWithPrecision, timeAgo } from './units.js';

export const CONTAINER_TABLE_FORMAT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';

export const CONTAINER_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
  Platform: 'PLATFORM',
};

/** docker's NewContainerFormat: the effective format for `ps` flags. */
export function containerFormat(source: string, quiet: boolean, size: boolean): string {
  if (source === '' || source === 'table') {
    if (quiet) return '{{.ID}}';
    return size ? `${CONTAINER_TABLE_FORMAT}\t{{.Size}}` : CONTAINER_TABLE_FORMAT;
  }
  if (source === 'raw') {
    if (quiet) return 'container_id: {{.ID}}';
    let format = 'container_id: {{.ID}}\nimage: {{.Image}}\ncommand: {{.Command}}\ncreated_at: {{.CreatedAt}}\nstate: {{- pad .State 1 0}}\nstatus: {{- pad .Status 1 0}}\nnames: {{.Names}}\nlabels: {{- pad .Labels 1 0}}\nports: {{- pad .Ports 1 0}}\n';
    if (size) format += 'size: {{.Size}}\\n';
    return format;
  }
  return quiet ? '{{.ID}}' : source;
}

export class ContainerContext extends RowContext {
  readonly goTypeName = '*formatter.ContainerContext';
  protected readonly jsonFields = ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Platform', 'Ports', 'RunningFor', 'Size', 'State', 'Status'];

  constructor(
    private readonly container: ContainerSummary,
    private readonly trunc: boolean,
    private readonly nowMs: number,
  ) {
    super();
  }

  ID(): string {
    return this.trunc ? truncateId(this.container.Id) : this.container.Id;
  }

  Names(): string {
    const names = (this.container.Names ?? []).map((name) => name.slice(1));
    if (this.trunc) {
      const primary = names.find((name) => !name.includes('/'));
      if (primary !== undefined) return primary;
    }
    return names.join(',');
  }

  Image(): string {
    const image = this.container.Image ?? '';
    if (image === '') return '<no image>';
    if (this.trunc) {
      const truncated = truncateId(this.container.ImageID ?? '');
      if (truncated === truncateId(image)) return truncated;
      const reference = parseReference(image);
      if (reference) return reference.tag !== undefined ? `${reference.name}:${reference.tag}` : reference.name;
    }
    return image;
  }

  Command(): string {
    const command = this.container.Command ?? '';
    return goQuote(this.trunc ? ellipsis(command, 20) : command);
  }

  CreatedAt(): string {
    return goTimeString(this.container.Created);
  }

  RunningFor(): string {
    return timeAgo(this.container.Created, this.nowMs);
  }

  Platform(): null {
    return null;
  }

  Ports(): string {
    return displayablePorts(this.container.Ports ?? []);
  }

  State(): string {
    return this.container.State;
  }

  Status(): string {
    return this.container.Status;
  }

  Size(): string {
    const readWrite = humanSizeWithPrecision(this.container.SizeRw ?? 0, 3);
    const virtual = humanSizeWithPrecision(this.container.SizeRootFs ?? 0, 3);
    return (this.container.SizeRootFs ?? 0) > 0 ? `${readWrite} (virtual ${virtual})` : readWrite;
  }

  Labels(): string {
    const labels = this.container.Labels;
    if (!labels) return '';
    return Object.entries(labels)
      .map(([key, value]) => `${key}=${value}`)
      .sort()
      .join(',');
  }

  Label(name: string): string {
    return this.container.Labels?.[name] ?? '';
  }

  Mounts(): string {
    return (this.container.Mounts ?? [])
      .map((mount) => {
        const name = mount.Name ? mount.Name : (mount.Source ?? '');
        return this.trunc ? ellipsis(name, 15) : name;
      })
      .join(',');
  }

  LocalVolumes(): string {
    return String((this.container.Mounts ?? []).filter((mount) => mount.Driver === 'local').length);
  }

  Networks(): string {
    return Object.keys(this.container.NetworkSettings?.Networks ?? {}).join(',');
  }
}

function joinHostPort(ip: string, port: string): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function comparePorts(a: Port, b: Port): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  if ((a.IP ?? '') !== (b.IP ?? '')) return (a.IP ?? '') < (b.IP ?? '') ? -1 : 1;
  if ((a.PublicPort ?? 0) !== (b.PublicPort ?? 0)) return (a.PublicPort ?? 0) - (b.PublicPort ?? 0);
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

/** docker's DisplayablePorts: ranges grouped, `0.0.0.0:8080->80/tcp`, unpublished ports bare. */
export function displayablePorts(input: readonly Port[]): string {
  const ports = [...input].sort(comparePorts);
  const groups = new Map<string, { first: number; last: number }>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  const formGroup = (key: string, first: number, last: number): string => {
    const parts = key.split('/');
    let type = parts[0]!;
    let ip = '';
    if (parts.length > 1) {
      ip = parts[0]!;
      type = parts[1]!;
    }
    let group = first === last ? String(first) : `${first}-${last}`;
    if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
    return `${group}/${type}`;
  };
  for (const port of ports) {
    const current = port.PrivatePort;
    let key: string = port.Type;
    if (port.IP) {
      if (port.PublicPort !== current) {
        hostMappings.push(`${joinHostPort(port.IP, String(port.PublicPort ?? 0))}->${port.PrivatePort}/${port.Type}`);
        continue;
      }
      key = `${port.IP}/${port.Type}`;
    }
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: current, last: current });
      continue;
    }
    if (current === group.last + 1) {
      group.last = current;
      continue;
    }
    result.push(formGroup(key, group.first, group.last));
    groups.set(key, { first: current, last: current });
  }
  for (const [key, group] of groups) result.push(formGroup(key, group.first, group.last));
  return [...result, ...hostMappings].join(', ');
}
