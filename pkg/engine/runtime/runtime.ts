// The runtime facade the container layer uses: where each container's bundle, monitor socket and
// state files live under the exec root, and how a container or exec process is started through a
// monitor, found again after a daemon restart, signalled, paused and deleted.

import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Socket } from 'node:net';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { CgroupLayout } from './cgroups.js';
import { readCgroupStats, wasOomKilled, type CgroupStats } from './cgroups.js';
import { launchMonitor, MonitorControl, connectAttach, readExitFile, type AttachFlags, type ExitRecord, type MonitorState } from './monitor.js';
import type { OciProcess, OciSpec } from './oci.js';
import * as runc from './runc.js';

export interface RuntimeOptions {
  runcBinary: string;
  monitorBinary: string;
  execRoot: string;
  cgroupLayout: CgroupLayout;
}

export interface ProcessPaths {
  dir: string;
  socket: string;
  console: string;
  pidFile: string;
  exitFile: string;
  runcLog: string;
  monitorLog: string;
}

export interface StdioOptions {
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  log?: { path: string; maxSize: number; maxFiles: number };
}

/** Called once the monitor listens and before the process starts: connect attach streams here. */
export type BeforeStart = (socketPath: string) => Promise<void>;

const UNIX_PATH_MAX = 107;

export class Runtime {
  readonly runcOptions: runc.RuncOptions;

  constructor(readonly options: RuntimeOptions) {
    this.runcOptions = { binary: options.runcBinary, root: path.join(options.execRoot, 'runc') };
  }

  async init(): Promise<void> {
    await mkdir(this.runcOptions.root, { recursive: true, mode: 0o700 });
    await mkdir(path.join(this.options.execRoot, 'mon'), { recursive: true, mode: 0o700 });
    const probe = this.paths('c', 'f'.repeat(64)).socket;
    if (probe.length > UNIX_PATH_MAX) {
      throw new InvalidArgumentError(`exec root ${this.options.execRoot} is too long: socket paths would exceed ${UNIX_PATH_MAX} bytes`);
    }
  }

  /** Cgroup path of a container (relative to each hierarchy's root). */
  cgroupPath(id: string, parent = ''): string {
    return path.posix.join('/', parent || 'berth', id);
  }

  /** kind 'c' for a container, 'x' for an exec process. */
  paths(kind: 'c' | 'x', id: string): ProcessPaths {
    const dir = path.join(this.options.execRoot, kind === 'c' ? 'containers' : 'execs', id);
    // Socket paths stay short (sun_path is 108 bytes): a 16-hex prefix of the id is unique enough.
    const short = path.join(this.options.execRoot, 'mon', `${kind}${id.slice(0, 16)}`);
    return {
      dir,
      socket: `${short}.sock`,
      console: `${short}.con`,
      pidFile: path.join(dir, 'pid'),
      exitFile: path.join(dir, 'exit.json'),
      runcLog: path.join(dir, 'runc.log'),
      monitorLog: path.join(dir, 'monitor.log'),
    };
  }

  private async launch(
    kind: 'c' | 'x',
    runtimeId: string,
    processId: string,
    file: { bundle?: string; processFile?: string },
    stdio: StdioOptions,
    beforeStart: BeforeStart,
  ): Promise<{ pid: number; control: MonitorControl; paths: ProcessPaths }> {
    const paths = this.paths(kind, processId);
    await rm(paths.exitFile, { force: true });
    await rm(paths.runcLog, { force: true });
    await launchMonitor({
      binary: this.options.monitorBinary,
      runcBinary: this.options.runcBinary,
      runcRoot: this.runcOptions.root,
      id: runtimeId,
      socketPath: paths.socket,
      pidFile: paths.pidFile,
      exitFile: paths.exitFile,
      runcLog: paths.runcLog,
      monitorLog: paths.monitorLog,
      ...file,
      tty: stdio.tty,
      consoleSocket: paths.console,
      openStdin: stdio.openStdin,
      stdinOnce: stdio.stdinOnce,
      ...(stdio.log ? { log: stdio.log } : {}),
    });
    const { control } = await MonitorControl.connect(paths.socket);
    try {
      await beforeStart(paths.socket);
      const pid = await control.start(paths.runcLog, runc.lastLoggedError);
      return { pid, control, paths };
    } catch (err) {
      control.close();
      throw err;
    }
  }

  /** Writes the bundle and starts the container's init process through a new monitor. */
  async startContainer(id: string, spec: OciSpec, stdio: StdioOptions, beforeStart: BeforeStart) {
    const paths = this.paths('c', id);
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    await writeFile(path.join(paths.dir, 'config.json'), JSON.stringify(spec));
    // A container that died with the daemon down may still be known to runc: forget it first.
    if (existsSync(path.join(this.runcOptions.root, id))) await runc.remove(this.runcOptions, id, true);
    return this.launch('c', id, id, { bundle: paths.dir }, stdio, beforeStart);
  }

  /** Starts an extra process in a running container. */
  async startExec(containerId: string, execId: string, process: OciProcess, stdio: StdioOptions, beforeStart: BeforeStart) {
    const paths = this.paths('x', execId);
    await mkdir(paths.dir, { recursive: true, mode: 0o700 });
    const processFile = path.join(paths.dir, 'process.json');
    await writeFile(processFile, JSON.stringify(process));
    return this.launch('x', containerId, execId, { processFile }, stdio, beforeStart);
  }

  async removeExecFiles(execId: string): Promise<void> {
    const paths = this.paths('x', execId);
    await rm(paths.dir, { recursive: true, force: true });
    await rm(paths.socket, { force: true });
  }

  /** Reconnects to a container's monitor after a daemon restart. */
  async reconnect(id: string): Promise<{ control: MonitorControl; state: MonitorState } | undefined> {
    const paths = this.paths('c', id);
    if (!existsSync(paths.socket)) return undefined;
    try {
      return await MonitorControl.connect(paths.socket);
    } catch {
      return undefined;
    }
  }

  attach(kind: 'c' | 'x', id: string, flags: AttachFlags): Promise<Socket> {
    return connectAttach(this.paths(kind, id).socket, flags);
  }

  readExit(id: string): Promise<ExitRecord | undefined> {
    return readExitFile(this.paths('c', id).exitFile);
  }

  kill(id: string, signal: string, all = false): Promise<void> {
    return runc.kill(this.runcOptions, id, signal, all);
  }

  pause(id: string): Promise<void> {
    return runc.pause(this.runcOptions, id);
  }

  resume(id: string): Promise<void> {
    return runc.resume(this.runcOptions, id);
  }

  processes(id: string): Promise<number[]> {
    return runc.processes(this.runcOptions, id);
  }

  update(id: string, resources: runc.RuncUpdate): Promise<void> {
    return runc.update(this.runcOptions, id, resources);
  }

  runtimeState(id: string): Promise<runc.RuncState | undefined> {
    return runc.state(this.runcOptions, id);
  }

  oomKilled(id: string, cgroupParent = ''): Promise<boolean> {
    return wasOomKilled(this.options.cgroupLayout, this.cgroupPath(id, cgroupParent));
  }

  stats(id: string, cgroupParent: string, system: { procStat: string; onlineCpus: number; hostMemory: number }): Promise<CgroupStats> {
    return readCgroupStats(this.options.cgroupLayout, this.cgroupPath(id, cgroupParent), system);
  }

  /** Deletes the runtime's record of a stopped container and its per-process files. */
  async cleanup(id: string): Promise<void> {
    await runc.remove(this.runcOptions, id, true);
    const paths = this.paths('c', id);
    await rm(paths.socket, { force: true });
    await rm(paths.console, { force: true });
  }

  async removeBundle(id: string): Promise<void> {
    await rm(this.paths('c', id).dir, { recursive: true, force: true });
  }
}
