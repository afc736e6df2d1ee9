// Exec instances: extra processes in a running container (`docker exec`). Each runs under its own
// berth-monitor; berthd keeps the instance in memory until it is inspected after exit or the
// container goes away (Docker forgets execs on daemon restart too).

import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errdefs/index.js';
import { buildProcess, DEFAULT_PATH_ENV, type AttachFlags, type MonitorControl } from '../runtime/index.js';
import { resolveInRoot } from '../snapshot/index.js';
import { grantedCapabilities } from './lifecycle.js';
import type { ContainerService } from './service.js';
import { resolveUserInRootfs } from './user.js';

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export interface ExecInstance {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  started: boolean;
  transient: boolean;
  control?: MonitorControl;
}

export class ExecService {
  private readonly execs = new Map<string, ExecInstance>();

  constructor(private readonly containers: ContainerService) {
    containers.execs = this;
  }

  find(id: string): ExecInstance {
    const exec = this.execs.get(id);
    if (!exec) throw new NotFoundError(`No such exec instance: ${id}`);
    return exec;
  }

  /** `transient`: a health probe, forgotten as soon as it exits (its result is in State.Health). */
  create(containerRef: string, config: ExecConfig, transient = false): string {
    const handle = this.containers.find(containerRef);
    const record = handle.record;
    if (!record.state.Running) throw new ConflictError(`container ${record.id} is not running`);
    if (record.state.Paused) throw new ConflictError(`container ${record.id} is paused, unpause the container before exec`);
    if (record.state.Restarting) throw new ConflictError(`container ${record.id} is restarting, wait until the container is running`);
    if (!config.Cmd || config.Cmd.length === 0) throw new InvalidArgumentError('No exec command specified');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { id, containerId: record.id, config, running: false, exitCode: null, pid: 0, started: false, transient });
    handle.execIds.add(id);
    this.containers.emit(record, `exec_create: ${config.Cmd.join(' ')}`, { execID: id });
    return id;
  }

  /**
   * Starts the process. `attach` receives the monitor connection (its output is the process's
   * output in Docker's frames unless tty) before the process runs, so no output is lost.
   */
  /** Throws what start would throw before doing anything (the API answers these before hijacking). */
  checkStartable(id: string): void {
    const exec = this.find(id);
    if (exec.started) throw new ConflictError(`Error: Exec command ${id} has already run`);
    const record = this.containers.find(exec.containerId).record;
    if (!record.state.Running) throw new ConflictError(`container ${record.id} is not running`);
  }

  async start(id: string, options: { tty?: boolean; consoleSize?: [number, number] | null }, attach?: (flags: AttachFlags, socket: Socket) => void): Promise<void> {
    this.checkStartable(id);
    const exec = this.find(id);
    const handle = this.containers.find(exec.containerId);
    const record = handle.record;
    exec.started = true;
    const { deps } = this.containers;
    const rootfs = await deps.rootfs.mount(record.id);
    const config = exec.config;
    const tty = options.tty ?? config.Tty ?? false;
    const user = await resolveUserInRootfs(config.User || record.config.User, record.hostConfig.GroupAdd ?? [], (p) => resolveInRoot(rootfs, p));
    const env = [...(record.config.Env ?? []), ...(config.Env ?? [])];
    if (!env.some((e) => e.startsWith('PATH='))) env.unshift(DEFAULT_PATH_ENV);
    if (tty && !env.some((e) => e.startsWith('TERM='))) env.push('TERM=xterm');
    if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${user.home || '/'}`);
    const privileged = Boolean(config.Privileged) || record.hostConfig.Privileged;
    const consoleSize = options.consoleSize ?? config.ConsoleSize;
    const process = buildProcess(
      {
        args: config.Cmd ?? [],
        env,
        cwd: config.WorkingDir || record.config.WorkingDir || '/',
        uid: user.uid,
        gid: user.gid,
        additionalGids: user.additionalGids,
        terminal: tty,
        ...(consoleSize ? { consoleSize: { height: consoleSize[0], width: consoleSize[1] } } : {}),
        capabilities: grantedCapabilities(this.containers, privileged, record.hostConfig.CapAdd, record.hostConfig.CapDrop),
        noNewPrivileges: (record.hostConfig.SecurityOpt ?? []).some((o) => /^no-new-privileges(=true|:true)?$/.test(o)),
        rlimits: [],
      },
    );
    const flags: AttachFlags = {
      stdin: Boolean(config.AttachStdin),
      stdout: Boolean(config.AttachStdout),
      stderr: Boolean(config.AttachStderr),
      raw: tty,
    };
    const wantsAttach = attach !== undefined && (flags.stdin || flags.stdout || flags.stderr);
    try {
      const { pid, control } = await deps.runtime.startExec(record.id, id, process, { tty, openStdin: flags.stdin, stdinOnce: true }, async () => {
        if (wantsAttach) attach(flags, await deps.runtime.attach('x', id, flags));
      });
      exec.pid = pid;
      exec.running = true;
      exec.control = control;
      this.containers.emit(record, `exec_start: ${(config.Cmd ?? []).join(' ')}`, { execID: id });
      void control.exited.then((result) => {
        exec.running = false;
        exec.exitCode = result?.exitCode ?? 126;
        exec.control = undefined;
        control.close();
        if (!handle.removed) this.containers.emit(record, 'exec_die', { execID: id, exitCode: String(exec.exitCode) });
        void deps.runtime.removeExecFiles(id).catch(() => undefined);
        // Keep the finished instance around for inspect for a while, as dockerd does.
        if (exec.transient) setTimeout(() => this.forget(id), 1000).unref();
        else setTimeout(() => this.forget(id), 5 * 60_000).unref();
      });
    } catch (err) {
      exec.running = false;
      exec.exitCode = 126;
      const message = err instanceof Error ? err.message : String(err);
      if (/executable file not found|no such file or directory/.test(message)) exec.exitCode = 127;
      void deps.runtime.removeExecFiles(id).catch(() => undefined);
      throw new InvalidArgumentError(`OCI runtime exec failed: ${message}: unknown`);
    }
  }

  resize(id: string, height: number, width: number): void {
    const exec = this.find(id);
    if (!exec.running || !exec.control) throw new ConflictError(`exec ${id} is not running`);
    exec.control.resize(height, width);
  }

  inspect(id: string): Record<string, unknown> {
    const exec = this.find(id);
    const config = exec.config;
    return {
      ID: exec.id,
      Running: exec.running,
      ExitCode: exec.exitCode,
      ProcessConfig: {
        tty: Boolean(config.Tty),
        entrypoint: config.Cmd?.[0] ?? '',
        arguments: config.Cmd?.slice(1) ?? [],
        privileged: Boolean(config.Privileged),
        ...(config.User ? { user: config.User } : {}),
      },
      OpenStdin: Boolean(config.AttachStdin),
      OpenStderr: Boolean(config.AttachStderr),
      OpenStdout: Boolean(config.AttachStdout),
      CanRemove: false,
      ContainerID: exec.containerId,
      DetachKeys: config.DetachKeys ?? '',
      Pid: exec.pid,
    };
  }

  private forget(id: string): void {
    const exec = this.execs.get(id);
    if (!exec) return;
    this.execs.delete(id);
    this.containers.tryFind(exec.containerId)?.execIds.delete(id);
  }
}
