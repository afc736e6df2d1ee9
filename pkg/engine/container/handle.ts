// One live container in berthd's memory: its persisted record plus what exists only while the
// daemon runs (the monitor connection, waiters, pending attach streams, the restart timer) and the
// per-container operation lock that serialises start/stop/remove.

import type { Socket } from 'node:net';
import { ConflictError } from '../../errdefs/index.js';
import type { AttachFlags, MonitorControl } from '../runtime/index.js';
import type { HealthMonitor } from './health.js';
import type { ContainerRecord } from './record.js';

export interface PendingAttach {
  flags: AttachFlags;
  resolve(socket: Socket): void;
  reject(err: Error): void;
}

export interface ExitInfo {
  exitCode: number;
  error: string;
}

export class ContainerHandle {
  control: MonitorControl | undefined;
  /** Runs the healthcheck while the container runs. */
  health: HealthMonitor | undefined;
  pendingAttaches: PendingAttach[] = [];
  /** Resolved at the next exit of the process. */
  private exitWaiters: Array<(info: ExitInfo) => void> = [];
  private removedWaiters: Array<(info: ExitInfo) => void> = [];
  restartTimer: NodeJS.Timeout | undefined;
  /** Milliseconds before the next policy restart; doubles on each quick failure. */
  restartDelayMs = 0;
  removed = false;
  readonly execIds = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(public record: ContainerRecord) {}

  get id(): string {
    return this.record.id;
  }

  get isRunning(): boolean {
    return this.record.state.Running;
  }

  /** Runs `action` after every earlier locked action of this container finished. */
  lock<T>(action: () => Promise<T>): Promise<T> {
    const next = this.chain.then(action, action);
    this.chain = next.catch(() => undefined);
    return next;
  }

  nextExit(): Promise<ExitInfo> {
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  whenRemoved(): Promise<ExitInfo> {
    if (this.removed) return Promise.resolve(this.lastExit());
    return new Promise((resolve) => this.removedWaiters.push(resolve));
  }

  lastExit(): ExitInfo {
    return { exitCode: this.record.state.ExitCode, error: this.record.state.Error };
  }

  notifyExit(): void {
    const info = this.lastExit();
    for (const waiter of this.exitWaiters.splice(0)) waiter(info);
  }

  notifyRemoved(): void {
    this.removed = true;
    const info = this.lastExit();
    for (const waiter of this.exitWaiters.splice(0)) waiter(info);
    for (const waiter of this.removedWaiters.splice(0)) waiter(info);
    for (const pending of this.pendingAttaches.splice(0)) pending.reject(new ConflictError(`container ${this.id} was removed`));
  }

  cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }
}
