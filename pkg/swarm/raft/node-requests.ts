// Pending client requests of the runner (I/O-free, timer-based): a waiter per proposal, conf
// change or read, settled by the Ready loop, or failed by its timeout or AbortSignal.

import { RaftError } from './errors.js';
import type { NodeId } from './types.js';

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

export interface Waiter<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
  /** Where a leader appended the proposal, when it was this node. */
  at?: { index: number; term: number };
  /** Clears the timer and abort listener (settling does it too). */
  cleanup(): void;
}

/**
 * Creates a waiter with a timeout and abort handling and hands it to register, which files it and
 * returns how to unfile it; the timeout and abort paths unfile it before rejecting.
 */
export function waitFor<T>(options: RequestOptions, what: string, node: NodeId, register: (waiter: Waiter<T>) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const signal = options.signal;
    if (signal?.aborted) {
      reject(new RaftError('aborted', `${what} aborted`, { node }, { cause: signal.reason }));
      return;
    }
    const timeoutMs = options.timeoutMs ?? 10_000;
    let unregister: () => void = () => {};
    const timer = setTimeout(() => {
      unregister();
      cleanup();
      reject(new RaftError('timeout', `${what} not acknowledged within ${timeoutMs} ms`, { node }));
    }, timeoutMs);
    const onAbort = (): void => {
      unregister();
      cleanup();
      reject(new RaftError('aborted', `${what} aborted`, { node }, { cause: signal?.reason }));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const waiter: Waiter<T> = {
      resolve: (v) => {
        cleanup();
        resolve(v);
      },
      reject: (e) => {
        cleanup();
        reject(e);
      },
      cleanup,
    };
    unregister = register(waiter);
  });
}
