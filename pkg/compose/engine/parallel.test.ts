import { describe, expect, test } from 'vitest';
import type { ServiceGraph } from '../graph.js';
import { inDependencyOrder, Limiter, settleAll } from './parallel.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// web → api → db, worker → db; cache stands alone.
const GRAPH: ServiceGraph = {
  services: ['api', 'cache', 'db', 'web', 'worker'],
  edges: [
    { from: 'api', to: 'db', condition: 'service_started', required: true, restart: false },
    { from: 'web', to: 'api', condition: 'service_healthy', required: true, restart: false },
    { from: 'worker', to: 'db', condition: 'service_started', required: true, restart: false },
  ],
};

describe('Limiter', () => {
  test('never runs more than its limit at once and keeps call order', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await tick();
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(() => new Limiter(0)).toThrow(RangeError);
  });

  test('settleAll waits for every task and rethrows the first failure', async () => {
    const done: string[] = [];
    const slow = (async () => {
      await tick();
      await tick();
      done.push('slow');
    })();
    await expect(settleAll([Promise.reject(new Error('first')), slow, Promise.reject(new Error('second'))])).rejects.toThrow('first');
    expect(done).toEqual(['slow']);
  });
});

describe('inDependencyOrder', () => {
  test('visits dependencies first, independent services together', async () => {
    const events: string[] = [];
    await inDependencyOrder(GRAPH, GRAPH.services, 'dependencies-first', async (service) => {
      events.push(`start ${service}`);
      await tick();
      events.push(`end ${service}`);
    });
    const at = (e: string): number => events.indexOf(e);
    expect(at('start api')).toBeGreaterThan(at('end db'));
    expect(at('start web')).toBeGreaterThan(at('end api'));
    expect(at('start worker')).toBeGreaterThan(at('end db'));
    // cache and db have no dependencies: both start before either ends.
    expect(at('start cache')).toBeLessThan(at('end db'));
    expect(at('start db')).toBeLessThan(at('end cache'));
  });

  test('visits dependents first for stops, ignoring services outside the selection', async () => {
    const order: string[] = [];
    await inDependencyOrder(GRAPH, ['db', 'api', 'web'], 'dependents-first', async (service) => {
      order.push(service);
    });
    expect(order).toEqual(['web', 'api', 'db']);
    const partial: string[] = [];
    await inDependencyOrder(GRAPH, ['db', 'web'], 'dependents-first', async (service) => {
      partial.push(service);
    });
    expect(partial.sort()).toEqual(['db', 'web']);
  });

  test('after a failure no further service starts, and the failure is rethrown', async () => {
    const visited: string[] = [];
    await expect(
      inDependencyOrder(GRAPH, GRAPH.services, 'dependencies-first', async (service) => {
        visited.push(service);
        if (service === 'db') throw new Error('db failed');
      }),
    ).rejects.toThrow('db failed');
    expect(visited).not.toContain('api');
    expect(visited).not.toContain('web');
    expect(visited).not.toContain('worker');
  });
});
