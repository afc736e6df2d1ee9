// Bounded parallelism for the compose driver (pure scheduling over promises, no I/O of its own):
// a limiter for engine calls and a runner that visits services in dependency order, starting each
// as soon as everything it depends on has finished, like compose's graph traversal.

import type { ServiceGraph } from '../graph.js';

/** Runs at most `limit` tasks at once; the rest queue in call order. */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`parallel limit must be at least 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** Every task settled; the first failure (in start order) is rethrown once all have finished. */
export async function settleAll(tasks: readonly Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

export type Direction = 'dependencies-first' | 'dependents-first';

/**
 * Calls `visit` for each of `services`, in parallel where the graph allows: dependencies first
 * (start order) or dependents first (stop order). Edges to services outside `services` are ignored.
 * After a failure no further service is visited; the first error is rethrown once running visits end.
 */
export async function inDependencyOrder(graph: ServiceGraph, services: readonly string[], direction: Direction, visit: (service: string) => Promise<void>): Promise<void> {
  const selected = new Set(services);
  const waitsOn = new Map<string, string[]>();
  for (const service of selected) waitsOn.set(service, []);
  for (const edge of graph.edges) {
    if (!selected.has(edge.from) || !selected.has(edge.to)) continue;
    if (direction === 'dependencies-first') waitsOn.get(edge.from)!.push(edge.to);
    else waitsOn.get(edge.to)!.push(edge.from);
  }
  const running = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;
  const start = (service: string, path: readonly string[]): Promise<void> => {
    const existing = running.get(service);
    if (existing !== undefined) return existing;
    if (path.includes(service)) return Promise.reject(new Error(`dependency cycle through ${service}`));
    const promise = (async () => {
      await Promise.all(waitsOn.get(service)!.map((other) => start(other, [...path, service])));
      if (failure !== undefined) return;
      try {
        await visit(service);
      } catch (error) {
        failure ??= { error };
        throw error;
      }
    })();
    running.set(service, promise);
    return promise;
  };
  const all = [...selected].sort().map((service) => start(service, []));
  await Promise.allSettled(all);
  if (failure !== undefined) throw failure.error;
  await settleAll(all);
}
