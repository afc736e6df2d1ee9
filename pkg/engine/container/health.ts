// Health checks: the HEALTHCHECK settings (merge of image and container config, validation with
// Docker's texts: pure), and the per-container loop that runs probes in the container's namespaces
// as exec processes, kills a probe that outlives its timeout, keeps State.Health and emits
// health_status events. Beyond Docker (moby#28400): the label berth.restart-on-unhealthy=true
// restarts a container once it turns unhealthy.

import type { Socket } from 'node:net';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { ExecService } from './exec.js';
import type { ContainerHandle } from './handle.js';
import { nowTimestamp, parseTimestamp } from './record.js';
import type { ContainerService } from './service.js';
import type { HealthConfig, HealthLogEntry } from './types.js';

export const RESTART_ON_UNHEALTHY_LABEL = 'berth.restart-on-unhealthy';

const NS = 1_000_000;
const DEFAULTS = { interval: 30_000, timeout: 30_000, startPeriod: 0, startInterval: 5_000, retries: 3 };
/** Probe output kept per result, as Docker (4 KiB). */
const MAX_OUTPUT = 4096;
const LOG_ENTRIES = 5;

export interface HealthSettings {
  /** argv of the probe. */
  command: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  startIntervalMs: number;
  retries: number;
}

/** Docker's checks on the durations (nanoseconds) and retries (pure). */
export function validateHealthcheck(config: HealthConfig | undefined): void {
  if (!config) return;
  const check = (value: number | undefined, name: string): void => {
    if (value !== undefined && value !== 0 && value < NS) throw new InvalidArgumentError(`${name} in Healthcheck cannot be less than 1ms`);
  };
  check(config.Interval, 'Interval');
  check(config.Timeout, 'Timeout');
  check(config.StartPeriod, 'StartPeriod');
  check(config.StartInterval, 'StartInterval');
  if (config.Retries !== undefined && config.Retries < 0) throw new InvalidArgumentError('Retries in Healthcheck cannot be negative');
  const test = config.Test ?? [];
  if (test.length > 0 && !['NONE', 'CMD', 'CMD-SHELL'].includes(test[0])) {
    throw new InvalidArgumentError(`invalid healthcheck test: the first element must be NONE, CMD or CMD-SHELL, not "${test[0]}"`);
  }
  if ((test[0] === 'CMD' || test[0] === 'CMD-SHELL') && test.length < 2) throw new InvalidArgumentError(`invalid healthcheck test: ${test[0]} needs a command`);
}

/** The effective settings, or undefined when there is no healthcheck (none, or NONE) (pure). */
export function healthSettings(config: HealthConfig | undefined, shell: string[] = ['/bin/sh', '-c']): HealthSettings | undefined {
  const test = config?.Test ?? [];
  if (test.length === 0 || test[0] === 'NONE') return undefined;
  const command = test[0] === 'CMD-SHELL' ? [...shell, test.slice(1).join(' ')] : test.slice(1);
  return {
    command,
    intervalMs: config?.Interval ? config.Interval / NS : DEFAULTS.interval,
    timeoutMs: config?.Timeout ? config.Timeout / NS : DEFAULTS.timeout,
    startPeriodMs: config?.StartPeriod ? config.StartPeriod / NS : DEFAULTS.startPeriod,
    startIntervalMs: config?.StartInterval ? config.StartInterval / NS : DEFAULTS.startInterval,
    retries: config?.Retries ? config.Retries : DEFAULTS.retries,
  };
}

/** Reads Docker's multiplexed frames from a socket, keeping the first `limit` bytes of payload. */
function collectOutput(socket: Socket, limit: number): Promise<string> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const payload: Buffer[] = [];
    let kept = 0;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 8) {
        const size = buffer.readUInt32BE(4);
        if (buffer.length < 8 + size) break;
        const data = buffer.subarray(8, 8 + size);
        if (kept < limit) {
          payload.push(data.subarray(0, limit - kept));
          kept += Math.min(data.length, limit - kept);
        }
        buffer = buffer.subarray(8 + size);
      }
    });
    const done = (): void => resolve(Buffer.concat(payload).toString('utf8'));
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', done);
  });
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly svc: ContainerService,
    private readonly execs: ExecService,
    private readonly handle: ContainerHandle,
    private readonly settings: HealthSettings,
  ) {}

  /** Begins probing; `fresh` resets the status to starting (a new start, not a re-adoption). */
  start(fresh: boolean): void {
    const state = this.handle.record.state;
    if (fresh || !state.Health) state.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private inStartPeriod(at: number): boolean {
    return at < parseTimestamp(this.handle.record.state.StartedAt) + this.settings.startPeriodMs;
  }

  private schedule(): void {
    if (this.stopped) return;
    const starting = this.handle.record.state.Health?.Status === 'starting' && this.inStartPeriod(Date.now());
    const delay = starting ? this.settings.startIntervalMs : this.settings.intervalMs;
    this.timer = setTimeout(() => {
      void this.probe()
        .catch((err: unknown) => this.svc.deps.log.warn({ containerId: this.handle.id, err: err instanceof Error ? err.message : String(err) }, 'health probe failed to run'))
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    const handle = this.handle;
    const record = handle.record;
    if (this.stopped || !record.state.Running || record.state.Paused) return;
    const startedAt = Date.now();
    const start = nowTimestamp();
    let exitCode: number;
    let output: string;
    const execId = this.execs.create(record.id, { Cmd: this.settings.command, AttachStdout: true, AttachStderr: true }, true);
    let collected: Promise<string> = Promise.resolve('');
    try {
      await this.execs.start(execId, { tty: false }, (_flags, socket) => {
        collected = collectOutput(socket, MAX_OUTPUT);
      });
      const instance = this.execs.find(execId);
      const exited = instance.control?.exited ?? Promise.resolve(undefined);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        // A probe that hangs is killed: it counts as a failure, as in Docker.
        if (instance.pid > 0) {
          try {
            process.kill(instance.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }, this.settings.timeoutMs);
      await exited;
      clearTimeout(timer);
      output = await Promise.race([collected, new Promise<string>((resolve) => setTimeout(() => resolve(''), 1000))]);
      if (timedOut) {
        exitCode = -1;
        output = `Health check exceeded timeout (${this.settings.timeoutMs / 1000}s)`;
      } else {
        exitCode = this.execs.find(execId).exitCode ?? -1;
      }
    } catch (err) {
      exitCode = -1;
      output = err instanceof Error ? err.message : String(err);
    }
    if (this.stopped || !record.state.Running) return;
    this.record({ Start: start, End: nowTimestamp(), ExitCode: exitCode, Output: output }, startedAt);
  }

  private record(result: HealthLogEntry, startedAt: number): void {
    const record = this.handle.record;
    const health = (record.state.Health ??= { Status: 'starting', FailingStreak: 0, Log: [] });
    const before = health.Status;
    health.Log = [...health.Log, result].slice(-LOG_ENTRIES);
    if (result.ExitCode === 0) {
      health.FailingStreak = 0;
      health.Status = 'healthy';
    } else if (!this.inStartPeriod(startedAt) || before !== 'starting') {
      // Failures during the start period do not count while the container is still starting.
      health.FailingStreak++;
      if (health.FailingStreak >= this.settings.retries) health.Status = 'unhealthy';
    }
    void this.svc.persist(this.handle).catch(() => undefined);
    if (health.Status !== before) {
      this.svc.deps.log.info({ containerId: record.id, transition: `${before}->${health.Status}`, streak: health.FailingStreak }, 'health status');
      this.svc.emit(record, `health_status: ${health.Status}`);
      if (health.Status === 'unhealthy' && record.config.Labels?.[RESTART_ON_UNHEALTHY_LABEL] === 'true') {
        this.svc.deps.log.info({ containerId: record.id }, 'restarting unhealthy container (berth.restart-on-unhealthy)');
        // No grace period unless the container asks for one (StopTimeout): it is already failing.
        void this.svc.restart(record.id, { timeout: record.config.StopTimeout ?? 0 }).catch((err: unknown) => {
          this.svc.deps.log.warn({ containerId: record.id, err: err instanceof Error ? err.message : String(err) }, 'restart on unhealthy failed');
        });
      }
    }
  }
}
