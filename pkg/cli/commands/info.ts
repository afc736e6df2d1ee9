// `berth info`: client facts and the daemon's /info in docker's layout, or a --format template.
import type { SystemInfo } from '../../client/index.js';
import { BERTH_VERSION } from '../build-info.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { bytesSize } from '../format/units.js';
import { GO_FIELD_ALIASES } from '../template/go-fields.js';
import { Template, TemplateError } from '../template/template.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { write } from './shared.js';

/** Go's fmt.Sprintln: operands separated by spaces. */
const line = (...parts: (string | number | boolean)[]): string => `${parts.join(' ')}\n`;
const lineIfSet = (label: string, value: string | undefined): string => (value ? line(label, value) : '');

function clientSection(context: CommandContext, debug: boolean): string {
  return line('Client:') + line(' Version:   ', BERTH_VERSION) + line(' Context:   ', 'default') + line(' Debug Mode:', debug);
}

function securityOptions(options: readonly string[]): string {
  let out = ' Security Options:\n';
  for (const option of options) {
    // "name=seccomp,profile=builtin" (API ≥ 1.24) or a bare name.
    const pairs = option.split(',').map((pair) => pair.split('=', 2) as [string, string | undefined]);
    const name = pairs.find(([key]) => key === 'name')?.[1] ?? option;
    out += `  ${name}\n`;
    const profile = pairs.find(([key]) => key === 'profile')?.[1];
    if (profile !== undefined) out += line('   Profile:', profile);
  }
  return out;
}

export function renderServerInfo(info: SystemInfo, debug: boolean): string {
  let out = line(' Containers:', info.Containers);
  out += line('  Running:', info.ContainersRunning) + line('  Paused:', info.ContainersPaused) + line('  Stopped:', info.ContainersStopped);
  out += line(' Images:', info.Images);
  out += lineIfSet(' Server Version:', info.ServerVersion) + lineIfSet(' Storage Driver:', info.Driver);
  for (const [key, value] of info.DriverStatus ?? []) out += `  ${key}: ${value}\n`;
  out += lineIfSet(' Logging Driver:', info.LoggingDriver) + lineIfSet(' Cgroup Driver:', info.CgroupDriver) + lineIfSet(' Cgroup Version:', info.CgroupVersion);
  out += ' Plugins:\n';
  out += line('  Volume:', (info.Plugins?.Volume ?? []).join(' ')) + line('  Network:', (info.Plugins?.Network ?? []).join(' '));
  if ((info.Plugins?.Authorization ?? []).length > 0) out += line('  Authorization:', (info.Plugins.Authorization ?? []).join(' '));
  out += line('  Log:', (info.Plugins?.Log ?? []).join(' '));
  out += line(' Swarm:', info.Swarm?.LocalNodeState ?? 'inactive');
  if (info.Swarm && !['', 'inactive', 'locked'].includes(info.Swarm.LocalNodeState)) {
    out += line('  NodeID:', info.Swarm.NodeID);
    if (info.Swarm.Error) out += line('  Error:', info.Swarm.Error);
    out += line('  Is Manager:', info.Swarm.ControlAvailable);
    out += line('  Node Address:', info.Swarm.NodeAddr);
    if ((info.Swarm.RemoteManagers ?? []).length > 0) {
      out += '  Manager Addresses:\n';
      for (const manager of [...(info.Swarm.RemoteManagers ?? [])].sort((a, b) => (a.Addr < b.Addr ? -1 : 1))) out += `   ${manager.Addr}\n`;
    }
  }
  const runtimes = Object.keys(info.Runtimes ?? {});
  if (runtimes.length > 0) out += line(' Runtimes:', runtimes.join(' ')) + line(' Default Runtime:', info.DefaultRuntime);
  if (info.OSType === 'linux') {
    out += line(' Init Binary:', info.InitBinary ?? '') + line(' containerd version:', info.ContainerdCommit?.ID ?? '') + line(' runc version:', info.RuncCommit?.ID ?? '') + line(' init version:', info.InitCommit?.ID ?? '');
    if ((info.SecurityOptions ?? []).length > 0) out += securityOptions(info.SecurityOptions ?? []);
  }
  out += lineIfSet(' Kernel Version:', info.KernelVersion) + lineIfSet(' Operating System:', info.OperatingSystem) + lineIfSet(' OSType:', info.OSType) + lineIfSet(' Architecture:', info.Architecture);
  out += line(' CPUs:', info.NCPU) + line(' Total Memory:', bytesSize(info.MemTotal ?? 0));
  out += lineIfSet(' Name:', info.Name) + lineIfSet(' ID:', info.ID);
  out += line(' Docker Root Dir:', info.DockerRootDir) + line(' Debug Mode:', info.Debug);
  if (info.Debug || debug) {
    out += line('  File Descriptors:', info.NFd) + line('  Goroutines:', info.NGoroutines) + line('  System Time:', info.SystemTime) + line('  EventsListeners:', info.NEventsListener);
  }
  out += lineIfSet(' HTTP Proxy:', info.HttpProxy) + lineIfSet(' HTTPS Proxy:', info.HttpsProxy) + lineIfSet(' No Proxy:', info.NoProxy);
  if ((info.Labels ?? []).length > 0) out += ` Labels:\n${(info.Labels ?? []).map((label) => `  ${label}\n`).join('')}`;
  out += line(' Experimental:', info.ExperimentalBuild);
  const registry = info.RegistryConfig;
  if (registry && ((registry.InsecureRegistryCIDRs ?? []).length > 0 || Object.keys(registry.IndexConfigs ?? {}).length > 0)) {
    out += ' Insecure Registries:\n';
    for (const config of Object.values(registry.IndexConfigs ?? {})) if (!config.Secure) out += `  ${config.Name}\n`;
    for (const cidr of registry.InsecureRegistryCIDRs ?? []) out += `  ${cidr}\n`;
  }
  if (registry && (registry.Mirrors ?? []).length > 0) out += ` Registry Mirrors:\n${(registry.Mirrors ?? []).map((mirror) => `  ${mirror}\n`).join('')}`;
  out += line(' Live Restore Enabled:', info.LiveRestoreEnabled);
  if (info.ProductLicense) out += line(' Product License:', info.ProductLicense);
  if ((info.DefaultAddressPools ?? []).length > 0) {
    out += ' Default Address Pools:\n';
    for (const pool of info.DefaultAddressPools ?? []) out += `   Base: ${pool.Base}, Size: ${pool.Size}\n`;
  }
  return `${out}\n`;
}

export const info: CommandRunner = async (context, _args, flags) => {
  const format = flags.string('format') ?? '';
  const debug = false;
  let server: SystemInfo | undefined;
  let serverError: unknown;
  try {
    server = await context.client().info();
  } catch (err) {
    serverError = err;
  }
  if (format === '') {
    let out = `${clientSection(context, debug)}\nServer:\n`;
    if (server) out += renderServerInfo(server, debug);
    await write(context.stdout, out);
    for (const warning of server?.Warnings ?? []) context.stderr.write(`${warning}\n`);
    if (serverError !== undefined) throw new StatusError(1, errorText(serverError));
    return;
  }
  const data = { ...(server ?? {}), ClientInfo: { Version: BERTH_VERSION, Context: 'default', Debug: debug }, ClientErrors: null, ServerErrors: serverError ? [errorText(serverError)] : null };
  try {
    const template = Template.compile(format === 'json' ? '{{json .}}' : format);
    await write(context.stdout, `${template.execute(data, { fieldAliases: GO_FIELD_ALIASES })}\n`);
  } catch (err) {
    if (err instanceof TemplateError) throw new StatusError(1, `template: ${err.message}`);
    throw err;
  }
  if (serverError !== undefined) throw new StatusError(1, errorText(serverError));
};
