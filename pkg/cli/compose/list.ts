// Listing commands of `berth compose`: ps (NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS), ls
// (NAME STATUS CONFIG FILES), images, port and top, with compose v2's columns and JSON shapes.
import type { ContainerSummary } from '../../client/index.js';
import { ComposeError, listProjectContainers, summarizeProjects, summaryName } from '../../compose/index.js';
import { LABEL_CONTAINER_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from '../../compose/labels.js';
import { ContainerContext, CONTAINER_HEADERS } from '../format/container-context.js';
import { renderRows } from '../format/formatter.js';
import { tabwrite } from '../format/tabwriter.js';
import { truncateId } from '../format/text.js';
import { humanSizeWithPrecision } from '../format/units.js';
import { StatusError } from '../errors.js';
import type { ComposeCommandContext } from './context.js';
import type { ComposeRunner } from './main.js';
import { intValue } from './up.js';

const COMPOSE_TABLE = { minWidth: 20, tabWidth: 1, padding: 3, padChar: ' ' };

export const PS_TABLE_FORMAT = 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}';
const PS_HEADERS: Record<string, string> = { ...CONTAINER_HEADERS, Name: 'NAME', Service: 'SERVICE', Project: 'PROJECT', ExitCode: 'EXIT CODE', Health: 'HEALTH', Publishers: 'PUBLISHERS' };

/** A `compose ps` row: docker's container fields plus compose's Name, Service, Project, ExitCode, Health. */
export class ComposeContainerContext extends ContainerContext {
  protected override readonly jsonFields = ['Command', 'CreatedAt', 'ExitCode', 'Health', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Name', 'Names', 'Networks', 'Ports', 'Project', 'Publishers', 'RunningFor', 'Service', 'Size', 'State', 'Status'];

  constructor(
    private readonly summary: ContainerSummary,
    trunc: boolean,
    nowMs: number,
  ) {
    super(summary, trunc, nowMs);
  }

  Name(): string {
    return summaryName(this.summary);
  }
  Service(): string {
    return this.summary.Labels?.[LABEL_SERVICE] ?? '';
  }
  Project(): string {
    return this.summary.Labels?.[LABEL_PROJECT] ?? '';
  }
  ExitCode(): number {
    return Number.parseInt(/^Exited \((-?\d+)\)/.exec(this.summary.Status)?.[1] ?? '0', 10);
  }
  Health(): string {
    return /\((healthy|unhealthy|health: starting)\)/.exec(this.summary.Status)?.[1]?.replace('health: ', '') ?? '';
  }
  Publishers(): Array<{ URL: string; TargetPort: number; PublishedPort: number; Protocol: string }> {
    return (this.summary.Ports ?? []).map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type }));
  }
}

const STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

export const ps: ComposeRunner = async (context, args, flags) => {
  const { name, project } = context.projectOrName();
  if (project !== undefined) for (const s of args) if (project.services[s] === undefined && project.disabledServices[s] === undefined) throw new ComposeError('generic', `no such service: ${s}`);
  const statuses = [...flags.list('status')];
  for (const filter of flags.list('filter')) {
    const [key, value = ''] = filter.split('=');
    if (key !== 'status') throw new StatusError(1, `unknown filter ${key}`);
    statuses.push(value);
  }
  for (const s of statuses) if (!STATES.includes(s)) throw new StatusError(1, `invalid filter "status=${s}": must be one of ${STATES.join(', ')}`);
  const all = flags.bool('all') || statuses.length > 0;
  let containers = await listProjectContainers(context.client(), name, { all, oneOff: flags.bool('all') ? 'include' : 'exclude', services: args });
  if (statuses.length > 0) containers = containers.filter((c) => statuses.includes(c.State));
  if (flags.changed('orphans') && !flags.bool('orphans') && project !== undefined) containers = containers.filter((c) => project.services[c.Labels?.[LABEL_SERVICE] ?? ''] !== undefined);
  if (flags.bool('quiet')) {
    context.stdout.write(containers.map((c) => `${flags.bool('no-trunc') ? c.Id : truncateId(c.Id)}\n`).join(''));
    return;
  }
  if (flags.bool('services')) {
    const services = [...new Set(containers.map((c) => c.Labels?.[LABEL_SERVICE] ?? ''))];
    context.stdout.write(services.map((s) => `${s}\n`).join(''));
    return;
  }
  const format = flags.string('format') ?? 'table';
  const now = context.now();
  const rows = containers.map((c) => new ComposeContainerContext(c, !flags.bool('no-trunc'), now));
  try {
    if (format === 'json') {
      context.stdout.write(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
      return;
    }
    const effective = format === 'table' || format === '' ? PS_TABLE_FORMAT : format;
    context.stdout.write(renderRows(effective, rows, PS_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};

export const ls: ComposeRunner = async (context, _args, flags) => {
  const names: string[] = [];
  for (const filter of flags.list('filter')) {
    const [key, value = ''] = filter.split('=');
    if (key !== 'name') throw new StatusError(1, `invalid filter '${key}'`);
    names.push(value);
  }
  const containers = await context.client().containers.list({ all: flags.bool('all'), filters: { label: [LABEL_PROJECT] } });
  const projects = summarizeProjects(containers).filter((p) => names.length === 0 || names.some((n) => p.name.includes(n)));
  if (flags.bool('quiet')) {
    context.stdout.write(projects.map((p) => `${p.name}\n`).join(''));
    return;
  }
  const format = flags.string('format') ?? 'table';
  if (format === 'json') {
    context.stdout.write(`${JSON.stringify(projects.map((p) => ({ Name: p.name, Status: p.status, ConfigFiles: p.configFiles })))}\n`);
    return;
  }
  if (format !== 'table' && format !== '') throw new StatusError(1, `format value ${JSON.stringify(format)} could not be parsed: json or table expected`);
  context.stdout.write(tabwrite(['NAME\tSTATUS\tCONFIG FILES', ...projects.map((p) => `${p.name}\t${p.status}\t${p.configFiles}`)].join('\n') + '\n', COMPOSE_TABLE));
};

async function projectContainers(context: ComposeCommandContext, services: readonly string[], all: boolean): Promise<{ name: string; containers: ContainerSummary[] }> {
  const { name, project } = context.projectOrName();
  if (project !== undefined) for (const s of services) if (project.services[s] === undefined) throw new ComposeError('generic', `no such service: ${s}`);
  return { name, containers: await listProjectContainers(context.client(), name, { all, oneOff: 'exclude', services }) };
}

export const images: ComposeRunner = async (context, args, flags) => {
  const client = context.client();
  const { containers } = await projectContainers(context, args, true);
  const rows: Array<{ container: string; repository: string; tag: string; id: string; size: number }> = [];
  const seen = new Map<string, Awaited<ReturnType<typeof client.images.inspect>>>();
  for (const c of containers) {
    let image = seen.get(c.ImageID);
    if (image === undefined) {
      image = await client.images.inspect(c.ImageID);
      seen.set(c.ImageID, image);
    }
    const reference = c.Image.includes('@') ? c.Image.split('@')[0]! : c.Image;
    const colon = reference.lastIndexOf(':');
    const hasTag = colon > reference.lastIndexOf('/');
    rows.push({ container: summaryName(c), repository: hasTag ? reference.slice(0, colon) : reference, tag: hasTag ? reference.slice(colon + 1) : 'latest', id: image.Id, size: image.Size ?? 0 });
  }
  if (flags.bool('quiet')) {
    context.stdout.write([...new Set(rows.map((r) => r.id))].map((id) => `${id}\n`).join(''));
    return;
  }
  const format = flags.string('format') ?? 'table';
  if (format === 'json') {
    context.stdout.write(`${JSON.stringify(rows.map((r) => ({ ID: r.id, ContainerName: r.container, Repository: r.repository, Tag: r.tag, Size: r.size })))}\n`);
    return;
  }
  const lines = rows.sort((a, b) => (a.container < b.container ? -1 : 1)).map((r) => `${r.container}\t${r.repository}\t${r.tag}\t${truncateId(r.id)}\t${humanSizeWithPrecision(r.size, 3)}`);
  context.stdout.write(tabwrite(['CONTAINER\tREPOSITORY\tTAG\tIMAGE ID\tSIZE', ...lines].join('\n') + '\n', COMPOSE_TABLE));
};

/** The container of `service` with number `index` (default 1), running or not. */
export async function serviceContainer(context: ComposeCommandContext, service: string, index: number | undefined): Promise<ContainerSummary> {
  const { name, containers } = await projectContainers(context, [service], true);
  const wanted = index ?? 1;
  const container = containers.find((c) => c.Labels?.[LABEL_ONEOFF] !== 'True' && (c.Labels?.[LABEL_CONTAINER_NUMBER] ?? '') === String(wanted));
  if (container === undefined) {
    throw new ComposeError('generic', index === undefined ? `service "${service}" is not running` : `service "${service}" is not running container #${wanted}`);
  }
  void name;
  return container;
}

export const port: ComposeRunner = async (context, args, flags) => {
  const [service, privateText] = args as [string, string];
  const protocol = flags.string('protocol') ?? 'tcp';
  const target = Number.parseInt(privateText, 10);
  if (!Number.isInteger(target)) throw new StatusError(1, `invalid port: ${privateText}`);
  const container = await serviceContainer(context, service, intValue(flags, 'index'));
  const inspect = await context.client().containers.inspect(container.Id);
  const bindings = inspect.NetworkSettings.Ports?.[`${target}/${protocol}`] ?? null;
  const binding = bindings?.[0];
  if (binding === undefined) throw new ComposeError('generic', `no port ${target}/${protocol} for container ${summaryName(container)}: ${(container.Ports ?? []).length === 0 ? 'no ports published' : 'not published'}`);
  context.stdout.write(`${binding.HostIp === '' ? '0.0.0.0' : binding.HostIp}:${binding.HostPort}\n`);
};

export const top: ComposeRunner = async (context, args) => {
  const client = context.client();
  const { containers } = await projectContainers(context, args, false);
  const running = containers.filter((c) => c.State === 'running').sort((a, b) => (summaryName(a) < summaryName(b) ? -1 : 1));
  const tables = await Promise.all(running.map(async (c) => ({ c, top: await client.containers.top(c.Id) })));
  const out: string[] = [];
  for (const { c, top } of tables) {
    out.push(`${summaryName(c)}\n${tabwrite([top.Titles.join('\t'), ...top.Processes.map((p) => p.join('\t'))].join('\n') + '\n', { minWidth: 4, tabWidth: 1, padding: 2, padChar: ' ' })}`);
  }
  context.stdout.write(out.join('\n'));
};
