// The container half of `docker commit`: the new image's config (the request's config with the
// change lines applied, completed from the container's own config by dockerd's merge rules; pure),
// the history line, and running the commit with the container paused under its lock.

import { ConflictError } from '../../errdefs/index.js';
import { applyChanges } from '../image/index.js';
import type { ContainerHandle } from './handle.js';
import * as lifecycle from './lifecycle.js';
import type { ContainerService } from './service.js';
import type { ContainerConfig, HealthConfig } from './types.js';

function envKey(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return value === '';
}

/** dockerd's merge(): fields the user's config leaves unset come from the container's config. */
export function mergeCommitConfig(user: Partial<ContainerConfig>, container: ContainerConfig): Partial<ContainerConfig> {
  const merged: Partial<ContainerConfig> = structuredClone(user);
  if (!merged.User) merged.User = container.User;
  if (isEmpty(merged.ExposedPorts)) {
    if (container.ExposedPorts) merged.ExposedPorts = { ...container.ExposedPorts };
  } else if (container.ExposedPorts) {
    merged.ExposedPorts = { ...merged.ExposedPorts, ...Object.fromEntries(Object.entries(container.ExposedPorts).filter(([port]) => !(port in merged.ExposedPorts!))) };
  }
  // An empty list is Go's nil in dockerd's config: the image shows "Env": null.
  if (isEmpty(merged.Env)) merged.Env = container.Env?.length ? container.Env : null;
  else {
    const keys = new Set(merged.Env!.map(envKey));
    merged.Env = [...merged.Env!, ...(container.Env ?? []).filter((entry) => !keys.has(envKey(entry)))];
  }
  merged.Labels = { ...(container.Labels ?? {}), ...(merged.Labels ?? {}) };
  if (isEmpty(merged.Entrypoint)) {
    if (isEmpty(merged.Cmd)) merged.Cmd = container.Cmd;
    // An explicitly empty entrypoint ([]) stays empty; an absent one is inherited.
    if (merged.Entrypoint === undefined || merged.Entrypoint === null) merged.Entrypoint = container.Entrypoint;
  }
  if (container.Healthcheck) {
    if (!merged.Healthcheck) merged.Healthcheck = container.Healthcheck;
    else {
      const health: HealthConfig = { ...merged.Healthcheck };
      if (isEmpty(health.Test)) health.Test = container.Healthcheck.Test;
      for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
        if (!health[key]) health[key] = container.Healthcheck[key];
      }
      merged.Healthcheck = Object.fromEntries(Object.entries(health).filter(([, v]) => v !== undefined)) as HealthConfig;
    }
  }
  if (!merged.WorkingDir) merged.WorkingDir = container.WorkingDir;
  if (isEmpty(merged.Volumes)) merged.Volumes = container.Volumes;
  else merged.Volumes = { ...merged.Volumes, ...(container.Volumes ?? {}) };
  if (!merged.StopSignal && container.StopSignal) merged.StopSignal = container.StopSignal;
  return merged;
}

/**
 * The committed image's config: `changes` (Dockerfile lines) applied to the request's config (or,
 * without one, to the container's), then merged with the container's config. Throws
 * InvalidArgumentError with dockerd's text for an invalid line, before anything is created.
 */
export function commitConfig(container: ContainerConfig, requested: Partial<ContainerConfig> | null, changes: readonly string[]): Partial<ContainerConfig> {
  const base = requested ?? container;
  const changed = applyChanges(base as Record<string, unknown>, changes) as Partial<ContainerConfig>;
  return mergeCommitConfig(changed, container);
}

/** The history line of a commit: the container's command, as dockerd writes created_by. */
export function commitCreatedBy(container: ContainerConfig): string {
  return (container.Cmd ?? []).join(' ');
}

/**
 * Runs `action` under the container's lock, paused (when `pause` and it runs unpaused) so its files
 * hold still, unpaused again afterwards. Dead and removing containers cannot be committed.
 */
export async function withCommitPause<T>(svc: ContainerService, handle: ContainerHandle, pause: boolean, action: () => Promise<T>): Promise<T> {
  return handle.lock(async () => {
    const state = handle.record.state;
    if (state.Dead || state.Status === 'dead') throw new ConflictError(`You cannot commit container ${handle.id} which is Dead`);
    if (handle.removed || state.Status === 'removing') throw new ConflictError(`You cannot commit container ${handle.id} which is being removed`);
    const paused = pause && state.Running && !state.Paused;
    if (paused) await lifecycle.pause(svc, handle);
    try {
      return await action();
    } finally {
      if (paused && handle.record.state.Paused) {
        await lifecycle.unpause(svc, handle).catch((err: unknown) => svc.deps.log.warn({ containerId: handle.id, err }, 'unpause after commit failed'));
      }
    }
  });
}
