// Waiting for depends_on conditions and `up --wait` (effects: container inspect polling through
// pkg/client; the verdict on one inspect answer is pure): healthy, completed successfully, or
// running (healthy when a healthcheck exists), with compose v2's messages.

import type { ContainerInspectResponse, EngineClient } from '../../client/index.js';
import { ComposeError } from '../errors.js';
import type { Progress } from './progress.js';

export type WaitConditionName = 'service_healthy' | 'service_completed_successfully' | 'running_or_healthy';

export interface ContainerRef {
  readonly id: string;
  readonly name: string;
  readonly number: number;
}

export type Verdict = { readonly kind: 'pending' } | { readonly kind: 'met'; readonly text: 'Healthy' | 'Exited' | 'Running' } | { readonly kind: 'failed'; readonly message: string };

/** What one inspect answer says about a condition (pure). */
export function judgeContainer(condition: WaitConditionName, service: string, inspect: Pick<ContainerInspectResponse, 'Name' | 'State' | 'Config'>): Verdict {
  const name = inspect.Name.replace(/^\//, '');
  const state = inspect.State;
  if (condition === 'service_completed_successfully') {
    if (state.Status !== 'exited' && state.Status !== 'dead') return { kind: 'pending' };
    return state.ExitCode === 0 ? { kind: 'met', text: 'Exited' } : { kind: 'failed', message: `service "${service}" didn't complete successfully: exit ${state.ExitCode}` };
  }
  if (state.Status === 'exited' || state.Status === 'dead') return { kind: 'failed', message: `container ${name} exited (${state.ExitCode})` };
  const test = inspect.Config?.Healthcheck?.Test;
  const noHealthcheck = test === undefined || test === null || test.length === 0 || test[0] === 'NONE';
  if (noHealthcheck && condition === 'running_or_healthy') return state.Status === 'running' ? { kind: 'met', text: 'Running' } : { kind: 'pending' };
  const health = state.Health?.Status;
  if (health === undefined || health === 'none') {
    if (noHealthcheck) return { kind: 'failed', message: `container ${name} has no healthcheck configured` };
    return { kind: 'pending' };
  }
  if (health === 'healthy') return { kind: 'met', text: 'Healthy' };
  if (health === 'unhealthy') return { kind: 'failed', message: `container ${name} is unhealthy` };
  return { kind: 'pending' };
}

export interface WaitOptions {
  readonly client: EngineClient;
  readonly progress: Progress;
  readonly signal?: AbortSignal;
  /** Inspect interval; compose polls every 500 ms, a shorter one costs little and starts dependents sooner. */
  readonly pollMs?: number;
  /** Optional dependency (`required: false`): a failure is a warning, not an error. */
  readonly required?: boolean;
  /** Prefix of the error when a healthcheck fails (`dependency failed to start: `). */
  readonly errorPrefix?: string;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Waits until every container of `service` meets `condition`, reporting Waiting then
 * Healthy/Exited/Running per container. Throws ComposeError when the condition can no longer be met.
 */
export async function waitForService(service: string, containers: readonly ContainerRef[], condition: WaitConditionName, options: WaitOptions): Promise<void> {
  const { client, progress } = options;
  const pollMs = options.pollMs ?? 200;
  for (const c of containers) progress.on({ id: `Container ${c.name}`, status: 'working', text: 'Waiting' });
  const pending = new Set(containers);
  for (;;) {
    for (const c of [...pending]) {
      const verdict = judgeContainer(condition, service, await client.containers.inspect(c.id, { signal: options.signal }));
      if (verdict.kind === 'pending') continue;
      if (verdict.kind === 'met') {
        pending.delete(c);
        progress.on({ id: `Container ${c.name}`, status: 'done', text: verdict.text });
        continue;
      }
      if (options.required === false) {
        for (const other of containers) progress.on({ id: `Container ${other.name}`, status: 'warning', text: `Skipped: optional dependency "${service}" failed: ${verdict.message}` });
        return;
      }
      const failure = condition === 'service_completed_successfully' ? verdict.message : `${options.errorPrefix ?? ''}${verdict.message}`;
      for (const other of containers) progress.on({ id: `Container ${other.name}`, status: 'error', text: 'Error', details: condition === 'service_completed_successfully' ? verdict.message : `dependency ${service} failed to start` });
      throw new ComposeError('generic', failure);
    }
    if (pending.size === 0) return;
    await sleep(pollMs, options.signal);
  }
}
