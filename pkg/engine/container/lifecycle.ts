// Container lifecycle transitions that drive the runtime: start, stop, kill, pause, remove, the
// handling of a process exit (restart policies, auto-remove) and re-adoption after a daemon
// restart. Every transition is logged with the container id and the states it moved between.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BerthError, ConflictError, NotModifiedError, hasErrno } from '../../errdefs/index.js';
import { resolveInRoot } from '../snapshot/index.js';
import { DEFAULT_CAPABILITIES, DEFAULT_PATH_ENV, StartError, buildSpec, type MonitorControl, type OciMount } from '../runtime/index.js';
import { effectiveCapabilities, ULIMIT_NAMES } from './create.js';
import { hostsFile, resolvConf } from './etcfiles.js';
import type { ContainerHandle } from './handle.js';
import { parseLogOptions } from './logs.js';
import { nowTimestamp, parseTimestamp } from './record.js';
import type { ContainerService, RemoveOptions } from './service.js';
import type { ContainerStatus } from './types.js';
import { resolveUserInRootfs } from './user.js';
import { HealthMonitor, healthSettings } from './health.js';
import { signalNumber } from './signals.js';

/** Docker's restart back-off: starts at 100 ms, doubles, at most a minute; reset after 10 s up. */
const RESTART_DELAY_INITIAL_MS = 100;
const RESTART_DELAY_MAX_MS = 60_000;
const RESTART_RESET_AFTER_MS = 10_000;
/** How long stop waits for the process to die after SIGKILL. */
const KILL_GRACE_MS = 30_000;

function setStatus(svc: ContainerService, handle: ContainerHandle, status: ContainerStatus): void {
  const state = handle.record.state;
  const from = state.Status;
  state.Status = status;
  state.Running = status === 'running' || status === 'paused';
  state.Paused = status === 'paused';
  state.Restarting = status === 'restarting';
  state.Dead = status === 'dead';
  if (from !== status) svc.deps.log.info({ containerId: handle.id, transition: `${from}->${status}` }, 'container state');
}

/** The mounts that give a container its /etc/hostname, /etc/hosts and /etc/resolv.conf. */
async function writeEtcFiles(
  svc: ContainerService,
  handle: ContainerHandle,
  setup: { addresses: Array<{ ip: string; names: string[] }>; nameservers?: string[] },
  userTargets: Set<string>,
): Promise<OciMount[]> {
  const record = handle.record;
  const dir = svc.deps.store.dir(record.id);
  let hostResolv = '';
  try {
    hostResolv = await readFile(svc.deps.hostResolvConf, 'utf8');
  } catch (err) {
    if (!hasErrno(err, 'ENOENT')) throw err;
  }
  const files: Array<[string, string, string]> = [
    ['hostname', '/etc/hostname', `${record.config.Hostname}\n`],
    [
      'hosts',
      '/etc/hosts',
      hostsFile({
        hostname: record.config.Hostname,
        domainname: record.config.Domainname,
        addresses: setup.addresses,
        extraHosts: [...(record.hostConfig.ExtraHosts ?? []), ...linkHosts(svc, handle)],
      }),
    ],
    [
      'resolv.conf',
      '/etc/resolv.conf',
      resolvConf({
        host: hostResolv,
        nameservers: record.hostConfig.Dns.length ? record.hostConfig.Dns : setup.nameservers,
        search: record.hostConfig.DnsSearch,
        options: record.hostConfig.DnsOptions,
      }),
    ],
  ];
  const mounts: OciMount[] = [];
  const host = record.hostConfig.NetworkMode === 'host';
  // Sharing another container's network namespace means sharing its hostname and name files.
  const owner = record.hostConfig.NetworkMode.startsWith('container:') ? svc.tryFind(record.hostConfig.NetworkMode.slice(10)) : undefined;
  for (const [file, target, content] of files) {
    if (userTargets.has(target)) continue;
    if (owner) {
      mounts.push({ destination: target, type: 'bind', source: path.join(svc.deps.store.dir(owner.id), file), options: ['rbind', 'rprivate'] });
      continue;
    }
    const source = path.join(dir, file);
    // With host networking the container sees the host's own files, as with Docker.
    if (host && file !== 'hostname') {
      await writeFile(source, file === 'hosts' ? await readFile('/etc/hosts', 'utf8').catch(() => content) : hostResolv || content);
    } else {
      await writeFile(source, content);
    }
    mounts.push({ destination: target, type: 'bind', source, options: ['rbind', 'rprivate'] });
  }
  return mounts;
}

/**
 * Legacy --link entries for /etc/hosts ("alias:ip"): the linked container's address on a network
 * both share. Links to stopped containers are skipped, as dockerd does at start.
 */
function linkHosts(svc: ContainerService, handle: ContainerHandle): string[] {
  const hosts: string[] = [];
  for (const link of handle.record.hostConfig.Links ?? []) {
    const [name, alias] = link.split(':');
    const target = svc.tryFind(name)?.record;
    if (!target?.state.Running) continue;
    const shared = Object.keys(handle.record.networks).map((net) => target.networks[net]?.IPAddress).find(Boolean);
    if (!shared) continue;
    for (const hostname of new Set([alias ?? name, target.name])) hosts.push(`${hostname}:${shared}`);
  }
  return hosts;
}

function buildEnv(env: string[] | null, extras: { hostname: string; home: string; tty: boolean }): string[] {
  const result = [...(env ?? [])];
  const has = (key: string): boolean => result.some((e) => e === key || e.startsWith(`${key}=`));
  if (!has('PATH')) result.unshift(DEFAULT_PATH_ENV);
  if (!has('HOSTNAME')) result.push(`HOSTNAME=${extras.hostname}`);
  if (extras.tty && !has('TERM')) result.push('TERM=xterm');
  if (!has('HOME')) result.push(`HOME=${extras.home || '/'}`);
  return result;
}

function tmpfsMounts(tmpfs: Record<string, string> | undefined): OciMount[] {
  return Object.entries(tmpfs ?? {}).map(([target, options]) => ({
    destination: target,
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'nodev', 'noexec', ...(options ? options.split(',').filter(Boolean) : [])],
  }));
}

function securityOptions(options: string[] | null): { noNewPrivileges: boolean; seccomp: 'default' | 'unconfined' | object } {
  let noNewPrivileges = false;
  let seccomp: 'default' | 'unconfined' | object = 'default';
  for (const option of options ?? []) {
    const separator = option.search(/[=:]/);
    const key = separator < 0 ? option : option.slice(0, separator);
    const value = separator < 0 ? 'true' : option.slice(separator + 1);
    if (key === 'no-new-privileges') noNewPrivileges = value !== 'false';
    if (key === 'seccomp') seccomp = value === 'unconfined' ? 'unconfined' : (JSON.parse(value) as object);
  }
  return { noNewPrivileges, seccomp };
}

/** Starts a created or stopped container. Runs under the container's lock. */
export async function start(svc: ContainerService, handle: ContainerHandle): Promise<void> {
  const record = handle.record;
  const state = record.state;
  if (handle.removed || state.Status === 'removing') throw new ConflictError(`container ${record.id} is marked for removal and cannot be started`);
  if (state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead');
  if (state.Running) throw new NotModifiedError(`container ${record.id} is already running`);
  if (state.Status === 'dead') throw new ConflictError(`container ${record.id} is dead and cannot be started`);
  handle.cancelRestart();
  const { deps } = svc;
  const hostConfig = record.hostConfig;
  let rootfs = '';
  try {
    const phases: Record<string, number> = {};
    let mark = process.hrtime.bigint();
    const phase = (name: string): void => {
      const now = process.hrtime.bigint();
      phases[name] = Number(now - mark) / 1e6;
      mark = now;
    };
    rootfs = await deps.rootfs.mount(record.id);
    phase('mount');
    const resolve = (p: string): Promise<string> => resolveInRoot(rootfs, p);
    if (record.config.WorkingDir) await mkdir(await resolve(record.config.WorkingDir), { recursive: true });
    const user = await resolveUserInRootfs(record.config.User, hostConfig.GroupAdd ?? [], resolve);
    phase('user');
    const networkSetup = await deps.network.setup(record, svc.recordOf);
    phase('network');
    const volumeSetup = await deps.volumes.setup(record, rootfs);
    phase('volumes');
    record.mounts = volumeSetup.mountPoints;
    const userTargets = new Set(volumeSetup.mounts.map((m) => m.destination));
    const etcMounts = await writeEtcFiles(svc, handle, networkSetup, userTargets);
    const initMounts: OciMount[] = hostConfig.Init
      ? [{ destination: '/sbin/docker-init', type: 'bind', source: deps.initBinary, options: ['rbind', 'ro'] }]
      : [];
    const args = [record.path, ...record.args];
    const security = securityOptions(hostConfig.SecurityOpt);
    const capabilities = grantedCapabilities(svc, hostConfig.Privileged, hostConfig.CapAdd, hostConfig.CapDrop);
    const spec = buildSpec({
      rootfsPath: rootfs,
      readonlyRootfs: hostConfig.ReadonlyRootfs,
      hostname: record.config.Hostname,
      domainname: record.config.Domainname,
      process: {
        args: hostConfig.Init ? ['/sbin/docker-init', '--', ...args] : args,
        env: buildEnv(record.config.Env, { hostname: record.config.Hostname, home: user.home, tty: record.config.Tty }),
        cwd: record.config.WorkingDir || '/',
        uid: user.uid,
        gid: user.gid,
        additionalGids: user.additionalGids,
        terminal: record.config.Tty,
        consoleSize: { height: hostConfig.ConsoleSize?.[0] ?? 0, width: hostConfig.ConsoleSize?.[1] ?? 0 },
        capabilities,
        noNewPrivileges: security.noNewPrivileges,
        rlimits: (hostConfig.Ulimits ?? []).map((u) => ({ type: ULIMIT_NAMES[u.Name], soft: u.Soft, hard: u.Hard })),
        oomScoreAdj: hostConfig.OomScoreAdj,
      },
      mounts: [...etcMounts, ...tmpfsMounts(hostConfig.Tmpfs), ...volumeSetup.mounts, ...initMounts],
      resources: {
        memory: hostConfig.Memory,
        memorySwap: hostConfig.MemorySwap,
        memoryReservation: hostConfig.MemoryReservation,
        memorySwappiness: hostConfig.MemorySwappiness ?? undefined,
        oomKillDisable: hostConfig.OomKillDisable ?? undefined,
        cpuShares: hostConfig.CpuShares,
        cpuQuota: hostConfig.NanoCpus > 0 ? Math.round((hostConfig.NanoCpus * 100_000) / 1e9) : hostConfig.CpuQuota,
        cpuPeriod: hostConfig.NanoCpus > 0 ? 100_000 : hostConfig.CpuPeriod,
        cpusetCpus: hostConfig.CpusetCpus,
        cpusetMems: hostConfig.CpusetMems,
        pidsLimit: hostConfig.PidsLimit ?? undefined,
        blkioWeight: hostConfig.BlkioWeight,
      },
      cgroupsPath: deps.runtime.cgroupPath(record.id, hostConfig.CgroupParent),
      sysctls: hostConfig.Sysctls ?? {},
      privileged: hostConfig.Privileged,
      seccomp: security.seccomp as 'default',
      ...(hostConfig.MaskedPaths ? { maskedPaths: hostConfig.MaskedPaths } : {}),
      ...(hostConfig.ReadonlyPaths ? { readonlyPaths: hostConfig.ReadonlyPaths } : {}),
      shmSize: hostConfig.ShmSize,
      network: networkSetup.namespace,
      pid: hostConfig.PidMode === 'host' ? { kind: 'host' } : { kind: 'private' },
      ipc: hostConfig.IpcMode === 'host' ? { kind: 'host' } : { kind: 'private' },
      uts: hostConfig.UTSMode === 'host' ? { kind: 'host' } : { kind: 'private' },
      cgroupNamespace: hostConfig.CgroupnsMode === 'private' && !hostConfig.Privileged,
      swapAccounting: deps.swapAccounting,
    });
    const logType = hostConfig.LogConfig.Type;
    const logOptions = parseLogOptions(hostConfig.LogConfig.Config);
    phase('spec');
    const { pid, control } = await deps.runtime.startContainer(
      record.id,
      spec,
      {
        tty: record.config.Tty,
        openStdin: record.config.OpenStdin,
        stdinOnce: record.config.StdinOnce,
        ...(logType === 'none' ? {} : { log: { path: logPath(svc, record.id), ...logOptions } }),
      },
      async () => {
        for (const pending of handle.pendingAttaches.splice(0)) {
          try {
            pending.resolve(await deps.runtime.attach('c', record.id, pending.flags));
          } catch (err) {
            pending.reject(err as Error);
          }
        }
      },
    );
    handle.control = control;
    state.Pid = pid;
    state.ExitCode = 0;
    state.Error = '';
    state.OOMKilled = false;
    state.StartedAt = nowTimestamp();
    state.FinishedAt = state.FinishedAt || '0001-01-01T00:00:00Z';
    record.hasBeenStarted = true;
    record.manuallyStopped = false;
    setStatus(svc, handle, 'running');
    phase('runtime');
    await svc.persist(handle);
    phase('persist');
    svc.emit(record, 'start');
    deps.log.debug({ containerId: record.id, phasesMs: phases }, 'container start phases');
    if (record.config.Tty && hostConfig.ConsoleSize?.[0]) control.resize(hostConfig.ConsoleSize[0], hostConfig.ConsoleSize[1]);
    startHealth(svc, handle, true);
    watchExit(svc, handle, control);
  } catch (err) {
    await cleanupAfterFailedStart(svc, handle, err);
    // As dockerd: an auto-remove container that cannot start is removed (`run --rm` waits for it).
    if (record.hostConfig.AutoRemove && !handle.removed) {
      await remove(svc, handle, { force: true, removeVolumes: true }).catch((removeErr: unknown) => {
        deps.log.error({ containerId: record.id, err: removeErr }, 'auto-remove after failed start failed');
      });
    }
    throw translateStartError(err);
  }
}

/** The process's capabilities: the host's whole set when privileged, else Docker's rules. */
export function grantedCapabilities(svc: ContainerService, privileged: boolean, add: string[] | null, drop: string[] | null): string[] {
  const host = svc.deps.limits.capabilities;
  if (privileged) return [...(host ?? [])];
  const wanted = effectiveCapabilities(DEFAULT_CAPABILITIES, add, drop);
  return host ? wanted.filter((cap) => host.includes(cap)) : wanted;
}

function logPath(svc: ContainerService, id: string): string {
  return path.join(svc.deps.store.dir(id), `${id}-json.log`);
}

export function containerLogPath(svc: ContainerService, id: string): string {
  return logPath(svc, id);
}

async function cleanupAfterFailedStart(svc: ContainerService, handle: ContainerHandle, err: unknown): Promise<void> {
  const record = handle.record;
  const message = err instanceof Error ? err.message : String(err);
  svc.deps.log.warn({ containerId: record.id, err: message }, 'container start failed');
  for (const pending of handle.pendingAttaches.splice(0)) pending.reject(err as Error);
  await svc.deps.runtime.cleanup(record.id).catch(() => undefined);
  await svc.deps.network.teardown(record).catch(() => undefined);
  await svc.deps.volumes.teardown(record).catch(() => undefined);
  await svc.deps.rootfs.unmount(record.id).catch(() => undefined);
  record.state.Error = message;
  if (err instanceof StartError) {
    record.state.ExitCode = /permission denied/.test(message) ? 126 : /not found|no such file/.test(message) ? 127 : 128;
  }
  await svc.persist(handle).catch(() => undefined);
}

/** Docker's wording for runtime start failures, so CLIs map them to 126/127 as with dockerd. */
function translateStartError(err: unknown): unknown {
  if (err instanceof StartError) {
    return new StartError(`failed to create task for container: OCI runtime create failed: ${err.message.replace(/^runc run failed: /, 'runc create failed: ')}: unknown`);
  }
  return err;
}

/** Starts the container's healthcheck loop, if it has one. */
function startHealth(svc: ContainerService, handle: ContainerHandle, fresh: boolean): void {
  handle.health?.stop();
  handle.health = undefined;
  const settings = healthSettings(handle.record.config.Healthcheck, handle.record.config.Shell);
  if (!settings || !svc.execs) {
    delete handle.record.state.Health;
    return;
  }
  handle.health = new HealthMonitor(svc, svc.execs, handle, settings);
  handle.health.start(fresh);
}

function watchExit(svc: ContainerService, handle: ContainerHandle, control: MonitorControl): void {
  void control.exited.then(
    (result) => {
      if (svc.isClosing) return;
      return onExit(svc, handle, result).catch((err: unknown) => {
        svc.deps.log.error({ containerId: handle.id, err }, 'handling container exit failed');
      });
    },
    () => undefined,
  );
}

/** Records a process exit, releases its resources and applies the restart policy. */
async function onExit(svc: ContainerService, handle: ContainerHandle, result: { exitCode: number; signal: number } | undefined): Promise<void> {
  const record = handle.record;
  if (handle.control) handle.control.close();
  handle.control = undefined;
  handle.health?.stop();
  handle.health = undefined;
  if (!record.state.Running) return;
  const { deps } = svc;
  const exit = (await deps.runtime.readExit(record.id)) ?? (result ? { ...result, finishedAt: nowTimestamp(), pid: record.state.Pid } : undefined);
  const oomKilled = await deps.runtime.oomKilled(record.id, record.hostConfig.CgroupParent).catch(() => false);
  await deps.runtime.cleanup(record.id).catch((err: unknown) => deps.log.warn({ containerId: record.id, err }, 'runc delete failed'));
  await deps.network.teardown(record).catch((err: unknown) => deps.log.warn({ containerId: record.id, err }, 'network teardown failed'));
  await deps.volumes.teardown(record).catch(() => undefined);
  await deps.rootfs.unmount(record.id).catch((err: unknown) => deps.log.warn({ containerId: record.id, err }, 'rootfs unmount failed'));
  const state = record.state;
  state.ExitCode = exit?.exitCode ?? 255;
  state.Error = exit ? '' : 'the container process disappeared while berthd was not running';
  state.OOMKilled = oomKilled;
  state.Pid = 0;
  state.FinishedAt = exit?.finishedAt ?? nowTimestamp();
  setStatus(svc, handle, 'exited');
  const ranForMs = parseTimestamp(state.FinishedAt) - parseTimestamp(state.StartedAt);
  const restart = shouldRestart(handle, ranForMs);
  if (restart) setStatus(svc, handle, 'restarting');
  await svc.persist(handle);
  if (oomKilled) svc.emit(record, 'oom');
  svc.emit(record, 'die', { exitCode: String(state.ExitCode), execDuration: String(Math.max(0, Math.round(ranForMs / 1000))) });
  handle.notifyExit();
  if (restart) {
    scheduleRestart(svc, handle, ranForMs);
  } else if (record.hostConfig.AutoRemove) {
    await handle.lock(() => remove(svc, handle, { force: true, removeVolumes: true })).catch((err: unknown) => {
      deps.log.error({ containerId: record.id, err }, 'auto-remove failed');
    });
  }
}

function shouldRestart(handle: ContainerHandle, ranForMs: number): boolean {
  const record = handle.record;
  const policy = record.hostConfig.RestartPolicy;
  if (record.manuallyStopped || handle.removed) return false;
  switch (policy.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      if (record.state.ExitCode === 0) return false;
      return policy.MaximumRetryCount === 0 || record.restartCount < policy.MaximumRetryCount || ranForMs >= RESTART_RESET_AFTER_MS;
    default:
      return false;
  }
}

function scheduleRestart(svc: ContainerService, handle: ContainerHandle, ranForMs: number): void {
  if (ranForMs >= RESTART_RESET_AFTER_MS) {
    handle.restartDelayMs = 0;
  }
  handle.restartDelayMs = handle.restartDelayMs === 0 ? RESTART_DELAY_INITIAL_MS : Math.min(handle.restartDelayMs * 2, RESTART_DELAY_MAX_MS);
  const delay = handle.restartDelayMs;
  svc.deps.log.info({ containerId: handle.id, delayMs: delay, restartCount: handle.record.restartCount + 1 }, 'restart policy: restarting');
  handle.restartTimer = setTimeout(() => {
    handle.restartTimer = undefined;
    void handle
      .lock(async () => {
        if (handle.removed || handle.record.state.Status !== 'restarting') return;
        handle.record.restartCount++;
        setStatus(svc, handle, 'exited');
        await start(svc, handle);
      })
      .catch(async (err: unknown) => {
        svc.deps.log.warn({ containerId: handle.id, err: err instanceof Error ? err.message : String(err) }, 'policy restart failed');
        if (!handle.removed && shouldRestart(handle, 0)) {
          setStatus(svc, handle, 'restarting');
          await svc.persist(handle).catch(() => undefined);
          scheduleRestart(svc, handle, 0);
        }
      });
  }, delay);
}

/** Stops a running container: its stop signal, then SIGKILL after the timeout. Runs under the lock. */
export async function stop(svc: ContainerService, handle: ContainerHandle, options: { timeout?: number; signal?: string }): Promise<void> {
  const record = handle.record;
  if (record.state.Status === 'restarting') {
    handle.cancelRestart();
    record.manuallyStopped = true;
    setStatus(svc, handle, 'exited');
    await svc.persist(handle);
    svc.emit(record, 'stop');
    return;
  }
  if (!record.state.Running) throw new NotModifiedError(`container ${record.id} is already stopped`);
  record.manuallyStopped = true;
  handle.cancelRestart();
  const exited = handle.nextExit();
  const stopSignal = options.signal || record.config.StopSignal || 'SIGTERM';
  const timeoutSeconds = options.timeout ?? record.config.StopTimeout ?? 10;
  if (record.state.Paused) await unpause(svc, handle);
  try {
    await sendSignal(svc, handle, stopSignal);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
  }
  const waitMs = timeoutSeconds < 0 ? undefined : timeoutSeconds * 1000;
  const stopped = waitMs === undefined ? await exited.then(() => true) : await race(exited, waitMs);
  if (!stopped) {
    svc.deps.log.info({ containerId: record.id, timeoutSeconds }, 'stop timed out: killing');
    await sendSignal(svc, handle, 'SIGKILL').catch(() => undefined);
    if (!(await race(exited, KILL_GRACE_MS))) throw new BerthError('internal', `container ${record.id} did not exit after SIGKILL`);
  }
  svc.emit(record, 'stop');
}

function race(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void promise.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function sendSignal(svc: ContainerService, handle: ContainerHandle, signal: string): Promise<void> {
  const number = signalNumber(signal);
  await svc.deps.runtime.kill(handle.id, String(number));
  svc.emit(handle.record, 'kill', { signal: String(number) });
}

export async function kill(svc: ContainerService, handle: ContainerHandle, signal: string): Promise<void> {
  const number = signalNumber(signal);
  if (!handle.record.state.Running) throw new ConflictError(`Cannot kill container: ${handle.id}: Container ${handle.id} is not running`);
  if (number === 9 || number === 15) {
    handle.record.manuallyStopped = true;
    handle.cancelRestart();
  }
  // As dockerd: a SIGKILL returns once the process is gone (so `docker kill x && docker rm x` works).
  const exited = number === 9 ? handle.nextExit() : undefined;
  await sendSignal(svc, handle, signal);
  if (exited) await race(exited, KILL_GRACE_MS);
}

export async function pause(svc: ContainerService, handle: ContainerHandle): Promise<void> {
  const state = handle.record.state;
  if (!state.Running) throw new ConflictError(`Container ${handle.id} is not running`);
  if (state.Paused) throw new ConflictError(`Container ${handle.id} is already paused`);
  await svc.deps.runtime.pause(handle.id);
  setStatus(svc, handle, 'paused');
  await svc.persist(handle);
  svc.emit(handle.record, 'pause');
}

export async function unpause(svc: ContainerService, handle: ContainerHandle): Promise<void> {
  const state = handle.record.state;
  if (!state.Paused) throw new ConflictError(`Container ${handle.id} is not paused`);
  await svc.deps.runtime.resume(handle.id);
  setStatus(svc, handle, 'running');
  await svc.persist(handle);
  svc.emit(handle.record, 'unpause');
}

/** Removes a container and everything it owns. Runs under the lock. */
export async function remove(svc: ContainerService, handle: ContainerHandle, options: RemoveOptions): Promise<void> {
  const record = handle.record;
  if (handle.removed) return;
  if (record.state.Running && !options.force) {
    throw new ConflictError(
      `cannot remove container "/${record.name}": container is ${record.state.Paused ? 'paused' : 'running'}: stop the container before removing or force remove`,
    );
  }
  handle.cancelRestart();
  if (record.state.Running) {
    record.manuallyStopped = true;
    const exited = handle.nextExit();
    if (record.state.Paused) await svc.deps.runtime.resume(record.id).catch(() => undefined);
    await sendSignal(svc, handle, 'SIGKILL').catch(() => undefined);
    if (!(await race(exited, KILL_GRACE_MS))) throw new BerthError('internal', `container ${record.id} did not exit after SIGKILL`);
  }
  setStatus(svc, handle, 'removing');
  const { deps } = svc;
  await deps.runtime.cleanup(record.id).catch(() => undefined);
  await deps.runtime.removeBundle(record.id).catch(() => undefined);
  await deps.network.release(record).catch((err: unknown) => deps.log.warn({ containerId: record.id, err }, 'network release failed'));
  await deps.volumes.release(record, options.removeVolumes).catch((err: unknown) => deps.log.warn({ containerId: record.id, err }, 'volume release failed'));
  await deps.rootfs.remove(record.id);
  await deps.store.remove(record.id);
  svc.forget(handle);
  handle.notifyRemoved();
  svc.emit(record, 'destroy');
}

/** Brings a container loaded from disk back under management after a daemon start. */
export async function restore(svc: ContainerService, handle: ContainerHandle): Promise<void> {
  const record = handle.record;
  const state = record.state;
  if (state.Status === 'removing') {
    await remove(svc, handle, { force: true, removeVolumes: false });
    return;
  }
  if (state.Running) {
    const reconnected = await svc.deps.runtime.reconnect(record.id);
    if (reconnected && reconnected.state.phase === 'running') {
      handle.control = reconnected.control;
      const runtimeState = await svc.deps.runtime.runtimeState(record.id).catch(() => undefined);
      setStatus(svc, handle, runtimeState?.status === 'paused' ? 'paused' : 'running');
      await svc.deps.network.restore(record).catch((err: unknown) => svc.deps.log.warn({ containerId: record.id, err }, 'network restore failed'));
      svc.deps.volumes.restore(record);
      startHealth(svc, handle, false);
      svc.deps.log.info({ containerId: record.id, pid: state.Pid }, 're-adopted running container');
      watchExit(svc, handle, reconnected.control);
      return;
    }
    // The process exited while the daemon was away: its monitor left the exit file behind.
    await onExit(svc, handle, reconnected?.state.phase === 'exited' ? { exitCode: reconnected.state.exitCode, signal: reconnected.state.signal } : undefined);
    reconnected?.control.close();
    return;
  }
  if (state.Status === 'restarting' || (state.Status === 'exited' && record.hasBeenStarted && restartOnDaemonStart(handle))) {
    setStatus(svc, handle, 'exited');
    await handle.lock(() => start(svc, handle)).catch((err: unknown) => {
      svc.deps.log.warn({ containerId: record.id, err: err instanceof Error ? err.message : String(err) }, 'restart at daemon start failed');
    });
  }
}

function restartOnDaemonStart(handle: ContainerHandle): boolean {
  const policy = handle.record.hostConfig.RestartPolicy.Name;
  return policy === 'always' || (policy === 'unless-stopped' && !handle.record.manuallyStopped);
}
