// Cross-reference checks on a decoded project (pure), as compose-go's checkConsistency: every
// service has an image or a build, refers only to declared networks/volumes/secrets/configs and
// existing services, and does not set contradicting attributes.

import { configError } from './errors.js';
import type { SourceMap } from './loader.js';
import type { Project } from './model.js';
import { formatPath, type Path } from './source.js';

export function checkConsistency(project: Project, sources: SourceMap): void {
  const fail = (path: Path, detail: string): never => {
    throw configError(detail, { ...sources.locate(path), path: formatPath(path) });
  };
  for (const name of Object.keys(project.services).sort()) {
    const s = project.services[name];
    const at = (...rest: Array<string | number>): Path => ['services', name, ...rest];
    if (s.build === undefined && (s.image === undefined || s.image === '') && s.provider === undefined) {
      fail(at(), `service "${name}" has neither an image nor a build context specified`);
    }
    if (s.build !== undefined && s.build.dockerfile_inline !== undefined && s.build.dockerfile_inline !== '' && s.build.dockerfile !== undefined && s.build.dockerfile !== '') {
      fail(at('build'), `service "${name}" declares mutually exclusive dockerfile and dockerfile_inline`);
    }
    if (s.network_mode !== undefined && s.network_mode !== '' && s.networks !== undefined && Object.keys(s.networks).length > 0) {
      fail(at('network_mode'), `service ${name} declares mutually exclusive \`network_mode\` and \`networks\``);
    }
    for (const network of Object.keys(s.networks ?? {})) {
      if (project.networks[network] === undefined) fail(at('networks', network), `service "${name}" refers to undefined network ${network}`);
    }
    const test = s.healthcheck?.test;
    if (test !== undefined && test.length > 0 && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0])) {
      fail(at('healthcheck', 'test'), 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"');
    }
    for (const [dependency, config] of Object.entries(s.depends_on ?? {})) {
      if (project.services[dependency] !== undefined) continue;
      if (project.disabledServices[dependency] !== undefined && config.required === false) continue;
      if (project.disabledServices[dependency] !== undefined) continue;
      fail(at('depends_on', dependency), `service "${name}" depends on undefined service "${dependency}"`);
    }
    if (s.network_mode?.startsWith('service:') === true) {
      const target = s.network_mode.slice('service:'.length);
      if (project.services[target] === undefined && project.disabledServices[target] === undefined) fail(at('network_mode'), `service "${target}" not found for network_mode 'service:${target}'`);
    }
    (s.volumes ?? []).forEach((volume, i) => {
      if (volume.type === 'volume' && volume.source !== undefined && volume.source !== '' && project.volumes[volume.source] === undefined) {
        fail(at('volumes', i), `service "${name}" refers to undefined volume ${volume.source}`);
      }
      if (volume.type === 'bind' && (volume.source === undefined || volume.source === '')) fail(at('volumes', i), 'invalid mount config for type "bind": field Source must not be empty');
    });
    const buildSecrets = (s.build?.secrets as Array<{ source?: string }> | undefined) ?? [];
    for (const secret of buildSecrets) if (project.secrets[secret.source ?? ''] === undefined) fail(at('build', 'secrets'), `service "${name}" refers to undefined build secret ${secret.source}`);
    (s.configs ?? []).forEach((config, i) => {
      if (project.configs[config.source ?? ''] === undefined) fail(at('configs', i), `service "${name}" refers to undefined config ${config.source}`);
    });
    (s.secrets ?? []).forEach((secret, i) => {
      if (project.secrets[secret.source ?? ''] === undefined) fail(at('secrets', i), `service "${name}" refers to undefined secret ${secret.source}`);
    });
    if (s.scale !== undefined && s.deploy !== undefined) {
      if (s.deploy.replicas !== undefined && s.scale !== s.deploy.replicas) fail(at('scale'), `can't set distinct values on 'scale' and 'deploy.replicas'`);
      s.deploy.replicas = s.scale;
    }
    if (s.scale !== undefined && s.scale < 0) fail(at('scale'), 'must be greater than or equal to 0');
    if (s.deploy?.replicas !== undefined && s.deploy.replicas < 0) fail(at('deploy', 'replicas'), 'must be greater than or equal to 0');
    const limits = s.deploy?.resources?.limits;
    if (s.cpus !== undefined && s.cpus !== 0 && limits !== undefined && limits.cpus !== s.cpus) fail(at('cpus'), "can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'");
    if (s.mem_limit !== undefined && s.mem_limit !== 0 && limits !== undefined && limits.memory !== s.mem_limit) {
      fail(at('mem_limit'), "can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'");
    }
    const reservations = s.deploy?.resources?.reservations;
    if (s.mem_reservation !== undefined && s.mem_reservation !== 0 && reservations !== undefined && reservations.memory !== s.mem_reservation) {
      fail(at('mem_reservation'), "can't set distinct values on 'mem_reservation' and 'deploy.resources.reservations.memory'");
    }
    if (s.pids_limit !== undefined && s.pids_limit !== 0 && limits !== undefined && limits.pids !== s.pids_limit) {
      fail(at('pids_limit'), "can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids'");
    }
    const scale = s.scale ?? s.deploy?.replicas ?? 1;
    if (scale > 1 && s.container_name !== undefined && s.container_name !== '') {
      fail(at('container_name'), `can't set container_name and ${s.scale !== undefined ? 'scale' : 'deploy.replicas'} as container name must be unique`);
    }
    const watch = (s.develop as { watch?: Array<{ target?: string; action?: string }> } | undefined)?.watch ?? [];
    for (const trigger of watch) {
      if ((trigger.target === undefined || trigger.target === '') && trigger.action !== 'rebuild' && trigger.action !== 'restart') fail(at('develop', 'watch'), 'target is required for non-rebuild actions');
    }
    const mounts = new Map<string, string>();
    (s.tmpfs ?? []).forEach((tmpfs, i) => {
      const target = tmpfs.split(':')[0];
      const loc = `services.${name}.tmpfs[${i}]`;
      const seen = mounts.get(target);
      if (seen !== undefined) fail(at('tmpfs', i), `target ${target} already mounted as ${seen}`);
      mounts.set(target, loc);
    });
    (s.volumes ?? []).forEach((volume, i) => {
      const loc = `services.${name}.volumes[${i}]`;
      const seen = mounts.get(volume.target ?? '');
      if (seen !== undefined) fail(at('volumes', i), `target ${volume.target} already mounted as ${seen}`);
      mounts.set(volume.target ?? '', loc);
    });
  }
  for (const [name, secret] of Object.entries(project.secrets)) {
    if (secret.external === true) continue;
    if ((secret.file ?? '') === '' && (secret.environment ?? '') === '') fail(['secrets', name], `secret "${name}" must declare either \`file\` or \`environment\``);
  }
  const containerNames = new Map<string, string>();
  for (const name of Object.keys(project.services).sort()) {
    const containerName = project.services[name].container_name;
    if (containerName === undefined || containerName === '') continue;
    const existing = containerNames.get(containerName);
    if (existing !== undefined) fail(['services', name, 'container_name'], `container name "${containerName}" is already in use by service ${existing}`);
    containerNames.set(containerName, name);
  }
}
