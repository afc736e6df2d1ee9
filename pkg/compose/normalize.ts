// Normalisation of the merged compose tree (pure): implicit default network, build defaults,
// environment values resolved from the project environment, dependencies implied by links and
// shared namespaces, resource names from their keys. compose-go's loader.Normalize.

import { asDict, has, isDict, type Dict } from './dict.js';
import { posixClean } from './paths.js';

type Lookup = (name: string) => string | undefined;

export function normalizeModel(model: Dict, projectName: string, lookup: Lookup): Dict {
  normalizeNetworks(model);
  const services = asDict(model.services);
  for (const service of Object.values(services)) {
    if (!isDict(service)) continue;
    if (service.pull_policy === 'if_not_present') service.pull_policy = 'missing';
    if (isDict(service.build)) {
      const build = service.build;
      if (build.context === undefined || build.context === null) build.context = '.';
      if ((build.dockerfile === undefined || build.dockerfile === null) && (build.dockerfile_inline === undefined || build.dockerfile_inline === null)) build.dockerfile = 'Dockerfile';
      if (has(build, 'args')) build.args = resolveValues(build.args, lookup, false);
    }
    if (has(service, 'environment')) service.environment = resolveValues(service.environment, lookup, true);
    const dependsOn: Dict = isDict(service.depends_on) ? service.depends_on : {};
    const implied = (name: string, restart: boolean): void => {
      if (!has(dependsOn, name)) dependsOn[name] = { condition: 'service_started', restart, required: true };
    };
    if (Array.isArray(service.links)) {
      for (const link of service.links) {
        const parts = String(link).split(':');
        implied(parts.length === 2 ? parts[0] : String(link), true);
      }
    }
    for (const namespace of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
      const ref = service[namespace];
      if (typeof ref === 'string' && ref.startsWith('service:')) implied(ref.slice('service:'.length), true);
    }
    if (Array.isArray(service.volumes)) {
      for (const volume of service.volumes) if (isDict(volume) && typeof volume.target === 'string') volume.target = posixClean(volume.target);
    }
    if (Array.isArray(service.volumes_from)) {
      for (const from of service.volumes_from) {
        const spec = String(from);
        if (!spec.startsWith('container:')) implied(spec.split(':')[0], false);
      }
    }
    if (Object.keys(dependsOn).length > 0) service.depends_on = dependsOn;
  }
  model.name = projectName;
  for (const kind of ['networks', 'volumes', 'configs', 'secrets']) {
    const resources = model[kind];
    if (!isDict(resources)) continue;
    for (const [key, value] of Object.entries(resources)) {
      const resource = isDict(value) ? value : {};
      if (resource.name === undefined || resource.name === null) {
        resource.name = resource.external === true ? key : `${projectName}_${key}`;
      }
      resources[key] = resource;
    }
  }
  return model;
}

/** Services not on `network_mode`/`provider` join `default` when they name no network. */
function normalizeNetworks(model: Dict): void {
  const networks: Dict = isDict(model.networks) ? model.networks : {};
  let usesDefault = false;
  for (const service of Object.values(asDict(model.services))) {
    if (!isDict(service) || has(service, 'provider') || has(service, 'network_mode')) continue;
    const declared = service.networks;
    if (!isDict(declared) || Object.keys(declared).length === 0) {
      service.networks = { default: null };
      usesDefault = true;
    } else if (has(declared, 'default')) usesDefault = true;
  }
  if (!has(networks, 'default') && usesDefault) networks.default = null;
  if (Object.keys(networks).length > 0) model.networks = networks;
}

/** Values left empty (`FOO` / `FOO:`) take the project environment's value when it has one. */
function resolveValues(value: unknown, lookup: Lookup, keepEmpty: boolean): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const entry of value) {
      if (typeof entry !== 'string' || entry.includes('=')) {
        out.push(entry);
        continue;
      }
      const found = lookup(entry);
      if (found !== undefined) out.push(`${entry}=${found}`);
      else if (keepEmpty) out.push(entry);
    }
    return out;
  }
  if (isDict(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== null) out[k] = v;
      else {
        const found = lookup(k);
        if (found !== undefined) out[k] = found;
        else if (keepEmpty) out[k] = null;
      }
    }
    return out;
  }
  return value;
}
