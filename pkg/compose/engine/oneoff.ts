// `compose run`'s one-off container (the service rewrite is pure, creation goes through
// pkg/client): the service with run's overrides (command, entrypoint, env, user, workdir, ports
// only with --service-ports, no restart policy), named `<project>-<service>-run-<slug>`, labelled
// oneoff=True with its slug, and without network aliases unless --use-aliases.

import type { EngineClient } from '../../client/index.js';
import { buildContainerCreateRequest, type CreateRequest, type EndpointSettings } from '../create.js';
import { deepClone } from '../dict.js';
import { ComposeError } from '../errors.js';
import { LABEL_SLUG, NAME_SEPARATOR } from '../labels.js';
import type { Project, ServiceConfig, ServiceVolume } from '../model.js';
import { parsePortSpec, parseVolumeSpec } from '../shortsyntax.js';
import { absPath } from '../paths.js';
import { connectExtraNetworks } from './converge.js';

export interface RunOverrides {
  /** Replaces the service's command when non-empty. */
  readonly command?: readonly string[];
  /** `--entrypoint` (already split); also clears the command when none is given. */
  readonly entrypoint?: readonly string[];
  /** `-e KEY=VALUE` or `-e KEY` (taken from the project environment). */
  readonly environment?: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly tty: boolean;
  readonly interactive: boolean;
  readonly autoRemove?: boolean;
  readonly servicePorts?: boolean;
  readonly publish?: readonly string[];
  readonly volumes?: readonly string[];
  readonly capAdd?: readonly string[];
  readonly capDrop?: readonly string[];
  readonly useAliases?: boolean;
}

export interface OneOffRequest {
  readonly containerName: string;
  readonly request: CreateRequest;
  /** Every network endpoint, for engines before API 1.44 that take only the first at create. */
  readonly endpoints: Readonly<Record<string, EndpointSettings>>;
  /** The rewritten project (its service carries the overrides), for injections. */
  readonly project: Project;
}

/** Builds the create request of a one-off container of `serviceName` (pure; `slug` is 64 hex digits). */
export function oneOffRequest(project: Project, serviceName: string, overrides: RunOverrides, slug: string, options: { apiVersion?: string; resolveService?: (service: string) => string | undefined } = {}): OneOffRequest {
  const original = project.services[serviceName];
  if (original === undefined) throw new ComposeError('generic', `no such service: ${serviceName}`);
  const service = deepClone(original) as ServiceConfig;
  const containerName = overrides.name ?? service.container_name ?? [project.name, serviceName, 'run', slug.slice(0, 12)].join(NAME_SEPARATOR);
  service.container_name = containerName;
  service.tty = overrides.tty;
  service.stdin_open = overrides.interactive;
  if ((overrides.command ?? []).length > 0) service.command = [...overrides.command!];
  if (overrides.entrypoint !== undefined) {
    service.entrypoint = [...overrides.entrypoint];
    if ((overrides.command ?? []).length === 0) service.command = [];
  }
  if (overrides.user !== undefined && overrides.user !== '') service.user = overrides.user;
  if (overrides.workdir !== undefined && overrides.workdir !== '') service.working_dir = overrides.workdir;
  if ((overrides.capAdd ?? []).length > 0) {
    service.cap_add = [...(service.cap_add ?? []), ...overrides.capAdd!];
    service.cap_drop = (service.cap_drop ?? []).filter((c) => !overrides.capAdd!.includes(c));
  }
  if ((overrides.capDrop ?? []).length > 0) {
    service.cap_drop = [...(service.cap_drop ?? []), ...overrides.capDrop!];
    service.cap_add = (service.cap_add ?? []).filter((c) => !overrides.capDrop!.includes(c));
  }
  for (const entry of overrides.environment ?? []) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? project.environment[key] : entry.slice(eq + 1);
    if (value === undefined) continue;
    service.environment = { ...(service.environment ?? {}), [key]: value };
  }
  if (overrides.labels !== undefined) service.labels = { ...(service.labels ?? {}), ...overrides.labels };
  if (overrides.servicePorts !== true) delete service.ports;
  for (const spec of overrides.publish ?? []) {
    try {
      service.ports = [...(service.ports ?? []), ...parsePortSpec(spec)];
    } catch (err) {
      throw new ComposeError('generic', `invalid --publish "${spec}": ${(err as Error).message}`);
    }
  }
  for (const spec of overrides.volumes ?? []) {
    let volume: ServiceVolume;
    try {
      volume = parseVolumeSpec(spec) as ServiceVolume;
    } catch (err) {
      throw new ComposeError('generic', `invalid --volume "${spec}": ${(err as Error).message}`);
    }
    if (volume.type === 'bind' && volume.source !== undefined) volume.source = absPath(volume.source, { workingDir: project.workingDir });
    service.volumes = [...(service.volumes ?? []), volume];
  }
  delete service.restart;
  if (service.deploy?.restart_policy !== undefined) delete service.deploy.restart_policy;
  delete service.scale;
  const rewritten: Project = { ...project, services: { ...project.services, [serviceName]: service } };
  const build = (apiVersion: string | undefined): CreateRequest => {
    const request = buildContainerCreateRequest(rewritten, serviceName, 1, {
      oneOff: true,
      autoRemove: overrides.autoRemove === true,
      attachStdin: overrides.interactive,
      apiVersion,
      resolveService: options.resolveService,
    });
    request.body.Labels[LABEL_SLUG] = slug;
    for (const endpoint of Object.values(request.body.NetworkingConfig?.EndpointsConfig ?? {})) {
      if (overrides.useAliases !== true) delete endpoint.Aliases;
    }
    return request;
  };
  const request = build(options.apiVersion);
  return { containerName, request, endpoints: build(undefined).body.NetworkingConfig?.EndpointsConfig ?? {}, project: rewritten };
}

/** Creates the one-off container; resolves with its id and name. */
export async function createOneOff(client: EngineClient, oneOff: OneOffRequest, signal?: AbortSignal): Promise<{ id: string; name: string }> {
  const created = await client.containers.create(oneOff.request.body, { name: oneOff.containerName, platform: oneOff.request.platform, signal });
  await connectExtraNetworks(client, created.Id, oneOff.endpoints, oneOff.request.body.NetworkingConfig?.EndpointsConfig ?? {}, signal);
  return { id: created.Id, name: oneOff.containerName };
}
