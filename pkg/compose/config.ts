// `berth compose config` (pure apart from the injected file system): loads the project like
// docker compose v2 does for `config` and renders the canonical YAML or JSON, or one of the
// listings (--services, --volumes, --networks, --profiles, --images, --hash).

import type { Dict } from './dict.js';
import { encodeProject } from './encode.js';
import { marshalGoJsonIndent } from './gojson.js';
import { marshalGoYaml } from './goyaml.js';
import { buildServiceGraph, startOrder } from './graph.js';
import { serviceConfigHash } from './hash.js';
import type { Project } from './model.js';
import { loadProject, type ProjectOptions } from './project.js';
import { configError } from './errors.js';

export interface ConfigCommandOptions extends Omit<ProjectOptions, 'resolveEnvironment' | 'discardEnvFiles' | 'keepUnusedResources'> {
  /** `--no-env-resolution`: keep env_file entries instead of merging them into environment. */
  readonly noEnvResolution?: boolean;
  /** `--format yaml|json` (default yaml). */
  readonly format?: 'yaml' | 'json';
  /** `--services`: service names, dependencies first. */
  readonly listServices?: boolean;
  /** `--volumes`: volume keys. */
  readonly listVolumes?: boolean;
  /** `--networks`: network keys. */
  readonly listNetworks?: boolean;
  /** `--profiles`: every profile any service declares. */
  readonly listProfiles?: boolean;
  /** `--images`: image of each service (`<project>-<service>` when it builds one). */
  readonly listImages?: boolean;
  /** `--hash "*"` or `--hash web,db`: `service hash` per line. */
  readonly hash?: string;
}

/** Renders the project as `docker compose config` prints it (YAML ends with a newline, JSON does not). */
export function renderProject(project: Project, format: 'yaml' | 'json' = 'yaml'): string {
  const tree: Dict = {
    name: project.name,
    services: project.services,
    networks: project.networks,
    volumes: project.volumes,
    secrets: project.secrets,
    configs: project.configs,
    models: project.models,
    ...(project.extensions !== undefined ? { extensions: project.extensions } : {}),
  };
  const value = encodeProject(tree, format);
  const text = format === 'json' ? marshalGoJsonIndent(value) : marshalGoYaml(value);
  // compose escapes `$` so the output can be loaded again without interpolating twice
  return text.replace(/\$/g, '$$$$');
}

const lines = (items: readonly string[]): string => items.map((i) => `${i}\n`).join('');

/** Runs `config` with parsed flags and returns exactly what the command prints. Throws ComposeError. */
export function runComposeConfig(options: ConfigCommandOptions): string {
  const listing = options.listServices === true || options.listVolumes === true || options.listNetworks === true || (options.hash ?? '') !== '';
  const project = loadProject({
    ...options,
    services: listing ? [] : options.services,
    resolveEnvironment: options.noEnvResolution !== true,
    discardEnvFiles: options.noEnvResolution !== true,
  });
  if (options.listServices === true) return lines(startOrder(buildServiceGraph(project.services)));
  if (options.listVolumes === true) return lines(Object.keys(project.volumes).sort());
  if (options.listNetworks === true) return lines(Object.keys(project.networks).sort());
  if ((options.hash ?? '') !== '') {
    const wanted = options.hash === '*' ? Object.keys(project.services) : (options.hash ?? '').split(',');
    return lines(
      [...wanted].sort().map((name) => {
        const service = project.services[name];
        if (service === undefined) throw configError(`no such service: ${name}`);
        return `${name} ${serviceConfigHash(service)}`;
      }),
    );
  }
  if (options.listProfiles === true) {
    const profiles = new Set<string>();
    for (const service of [...Object.values(project.services), ...Object.values(project.disabledServices)]) for (const p of service.profiles ?? []) profiles.add(p);
    return lines([...profiles].sort());
  }
  if (options.listImages === true) {
    return lines(
      Object.keys(project.services)
        .sort()
        .map((name) => project.services[name].image ?? `${project.name}-${name}`),
    );
  }
  return renderProject(project, options.format ?? 'yaml');
}
