import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildServiceGraph, DependencyCycleError, findCycle, restartDependents, startLevels, startOrder, stopOrder, withDependencies, withDependents } from './graph.js';
import type { ServiceConfig } from './model.js';

const services = (deps: Record<string, string[]>): Record<string, ServiceConfig> =>
  Object.fromEntries(Object.entries(deps).map(([name, on]) => [name, { image: 'x', depends_on: Object.fromEntries(on.map((d) => [d, { condition: 'service_started', required: true }])) }]));

describe('service graph', () => {
  const graph = buildServiceGraph(services({ web: ['api'], api: ['db', 'cache'], db: [], cache: [], worker: ['db'] }));
  test('starts dependencies first, in parallel levels', () => expect(startLevels(graph)).toEqual([['cache', 'db'], ['api', 'worker'], ['web']]));
  test('stops dependents first', () => expect(stopOrder(graph)).toEqual(['web', 'api', 'worker', 'cache', 'db']));
  test('selects dependencies and dependents', () => {
    expect(withDependencies(graph, ['api'])).toEqual(['api', 'cache', 'db']);
    expect(withDependents(graph, ['db'])).toEqual(['api', 'db', 'web', 'worker']);
  });
  test('names the cycle', () => {
    const cyclic = buildServiceGraph(services({ a: ['b'], b: ['c'], c: ['a'], d: [] }));
    expect(findCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
    expect(() => startOrder(cyclic)).toThrow(new DependencyCycleError(['a', 'b', 'c', 'a']));
    expect(findCycle(buildServiceGraph(services({ a: ['a'] })))).toEqual(['a', 'a']);
  });
  test('ignores dependencies on services that are not enabled', () => expect(buildServiceGraph(services({ a: ['gone'] })).edges).toEqual([]));
  test('restart dependents are those with restart: true', () => {
    const g = buildServiceGraph({ db: { image: 'x' }, web: { image: 'x', depends_on: { db: { condition: 'service_healthy', restart: true } } }, job: { image: 'x', depends_on: { db: {} } } });
    expect(restartDependents(g, 'db')).toEqual(['web']);
  });
  test('start order respects every edge of any acyclic graph', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(9), { maxLength: 4 }), { minLength: 1, maxLength: 10 }), (adjacency) => {
        // only edges to lower indexes, so the graph is acyclic
        const deps = Object.fromEntries(adjacency.map((to, i) => [`s${i}`, to.filter((t) => t < i).map((t) => `s${t}`)]));
        const g = buildServiceGraph(services(deps));
        const order = startOrder(g);
        expect(new Set(order).size).toBe(adjacency.length);
        for (const edge of g.edges) expect(order.indexOf(edge.to)).toBeLessThan(order.indexOf(edge.from));
      }),
    );
  });
});
