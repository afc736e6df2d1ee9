// Short syntax to long syntax, and default values, on the untyped compose tree (pure). Mirrors
// compose-go's transform package: after this, ports, volumes, depends_on, networks, secrets,
// configs, devices, env_file, build and extends always have their long (mapping) form.

import { configError } from './errors.js';
import { asDict, has, isDict, goSprint, type Dict } from './dict.js';
import { parsePortSpec, parseVolumeSpec } from './shortsyntax.js';
import type { Path } from './source.js';
import { posixClean } from './paths.js';

export type Locate = (path: Path) => { file?: string; line?: number; column?: number };

function fail(locate: Locate, path: Path, detail: string): never {
  const where = locate(path);
  throw configError(detail, { ...where, path: formatLoosePath(path) });
}

function formatLoosePath(path: Path): string {
  let out = '';
  for (const s of path) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

/** Rewrites `model` in place to canonical (long) syntax. */
export function canonicalize(model: Dict, locate: Locate): Dict {
  const services = model.services;
  if (isDict(services)) {
    for (const [name, service] of Object.entries(services)) {
      if (isDict(service)) canonicalService(service, ['services', name], locate);
    }
  }
  for (const kind of ['volumes', 'networks', 'secrets', 'configs']) {
    const resources = model[kind];
    if (!isDict(resources)) continue;
    for (const [name, resource] of Object.entries(resources)) {
      if (isDict(resource)) resources[name] = maybeExternal(resource, [kind, name], locate);
    }
  }
  if (Array.isArray(model.include)) {
    model.include = model.include.map((entry) => (typeof entry === 'string' ? { path: entry } : entry));
  }
  return model;
}

function maybeExternal(resource: Dict, path: Path, locate: Locate): Dict {
  const external = resource.external;
  if (isDict(external)) {
    resource.external = true;
    if (has(external, 'name')) {
      if (has(resource, 'name') && resource.name !== external.name) fail(locate, path, 'name and external.name conflict; only use name');
      if (!has(resource, 'name')) resource.name = external.name;
    }
  }
  return resource;
}

const toList = (value: unknown): unknown => (typeof value === 'string' ? [value] : value);

function canonicalService(service: Dict, path: Path, locate: Locate): void {
  if (typeof service.build === 'string') service.build = { context: service.build };
  if (isDict(service.build)) {
    const build = service.build;
    if (Array.isArray(build.secrets)) build.secrets = build.secrets.map(fileMount);
    for (const key of ['provenance', 'sbom']) if (has(build, key) && typeof build[key] !== 'string') build[key] = goSprint(build[key]);
    if (Array.isArray(build.additional_contexts)) build.additional_contexts = keyValueList(build.additional_contexts, [...path, 'build', 'additional_contexts'], locate);
    if (Array.isArray(build.ssh)) build.ssh = sshList(build.ssh, [...path, 'build', 'ssh'], locate);
  }
  if (has(service, 'depends_on')) service.depends_on = dependsOn(service.depends_on);
  if (has(service, 'env_file')) {
    const list = toList(service.env_file);
    if (Array.isArray(list)) service.env_file = list.map((e) => (typeof e === 'string' ? { path: e, required: true } : isDict(e) && !has(e, 'required') ? { ...e, required: true } : e));
  }
  if (has(service, 'label_file')) service.label_file = toList(service.label_file);
  if (typeof service.extends === 'string') service.extends = { service: service.extends };
  if (typeof service.gpus === 'string') service.gpus = [{ count: 'all' }];
  for (const key of ['networks', 'models']) {
    const value = service[key];
    if (Array.isArray(value)) {
      const map: Dict = {};
      for (const name of value) map[String(name)] = null;
      service[key] = map;
    }
  }
  if (Array.isArray(service.volumes)) {
    service.volumes = service.volumes.map((volume, i) => {
      if (typeof volume !== 'string') return volume;
      try {
        const parsed = parseVolumeSpec(volume);
        if (parsed.target !== undefined) parsed.target = posixClean(parsed.target);
        return parsed as unknown as Dict;
      } catch (err) {
        return fail(locate, [...path, 'volumes', i], (err as Error).message);
      }
    });
  }
  if (has(service, 'dns')) service.dns = toList(service.dns);
  if (Array.isArray(service.devices)) service.devices = service.devices.map((d, i) => deviceMapping(d, [...path, 'devices', i], locate));
  for (const key of ['secrets', 'configs']) if (Array.isArray(service[key])) service[key] = (service[key] as unknown[]).map(fileMount);
  if (Array.isArray(service.ports)) {
    const ports: unknown[] = [];
    service.ports.forEach((port, i) => {
      if (typeof port === 'number' || typeof port === 'string') {
        try {
          ports.push(...parsePortSpec(String(port)));
        } catch (err) {
          fail(locate, [...path, 'ports', i], `invalid port ${JSON.stringify(String(port))}: ${(err as Error).message}`);
        }
      } else ports.push(port);
    });
    service.ports = ports;
  }
  const watch = asDict(service.develop).watch;
  if (Array.isArray(watch)) {
    for (const trigger of watch) {
      if (!isDict(trigger)) continue;
      for (const key of ['ignore', 'include']) if (has(trigger, key)) trigger[key] = toList(trigger[key]);
    }
  }
}

function fileMount(value: unknown): unknown {
  return typeof value === 'string' ? { source: value } : value;
}

function keyValueList(list: unknown[], path: Path, locate: Locate): Dict {
  const out: Dict = {};
  for (const entry of list) {
    const s = String(entry);
    const eq = s.indexOf('=');
    if (eq < 0) fail(locate, path, `invalid value ${s}, expected key=value`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function sshList(list: unknown[], path: Path, locate: Locate): Dict {
  const out: Dict = {};
  for (const entry of list) {
    const s = String(entry);
    const eq = s.indexOf('=');
    if (eq < 0) {
      if (s !== 'default') fail(locate, path, `invalid ssh key ${JSON.stringify(s)}`);
      out[s] = null;
    } else out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function dependsOn(value: unknown): unknown {
  if (Array.isArray(value)) {
    const out: Dict = {};
    for (const name of value) out[String(name)] = { condition: 'service_started', required: true };
    return out;
  }
  if (isDict(value)) {
    for (const dependency of Object.values(value)) {
      if (!isDict(dependency)) continue;
      if (!has(dependency, 'condition')) dependency.condition = 'service_started';
      if (!has(dependency, 'required')) dependency.required = true;
    }
  }
  return value;
}

function deviceMapping(value: unknown, path: Path, locate: Locate): unknown {
  if (typeof value !== 'string') return value;
  const parts = value.split(':');
  if (parts.length > 3) fail(locate, path, `confusing device mapping, please use long syntax: ${value}`);
  const source = parts[0];
  const target = parts[1] ?? source;
  return { source, target: target === '' ? source : target, permissions: parts[2] ?? 'rwm' };
}

/** Fills defaults once every file is merged (compose-go's SetDefaultValues). */
export function setDefaults(model: Dict): Dict {
  const services = model.services;
  if (!isDict(services)) return model;
  for (const service of Object.values(services)) {
    if (!isDict(service)) continue;
    if (isDict(service.build) && !has(service.build, 'context')) service.build.context = '.';
    if (Array.isArray(service.secrets)) {
      for (const secret of service.secrets) if (isDict(secret) && !has(secret, 'target')) secret.target = `/run/secrets/${goSprint(secret.source)}`;
    }
    if (Array.isArray(service.ports)) {
      for (const port of service.ports) {
        if (!isDict(port)) continue;
        if (!has(port, 'protocol')) port.protocol = 'tcp';
        if (!has(port, 'mode')) port.mode = 'ingress';
      }
    }
    const devices = asDict(asDict(asDict(service.deploy).resources).reservations).devices;
    for (const request of [...(Array.isArray(devices) ? devices : []), ...(Array.isArray(service.gpus) ? service.gpus : [])]) {
      if (isDict(request) && !has(request, 'count') && !has(request, 'device_ids')) request.count = 'all';
    }
    if (Array.isArray(service.dns)) service.dns = service.dns.filter((d) => d !== null && d !== '');
  }
  return model;
}
