// The service dependency graph (pure): depends_on edges with their condition, required and restart
// flags, cycle detection that names the cycle, and start/stop orders (dependencies first to start,
// dependents first to stop), deterministic by service name.

import type { DependencyCondition, ServiceConfig } from './model.js';

export interface DependencyEdge {
  /** The service that waits. */
  readonly from: string;
  /** The service it depends on. */
  readonly to: string;
  readonly condition: DependencyCondition;
  readonly required: boolean;
  /** Restart `from` when `to` is recreated/restarted. */
  readonly restart: boolean;
}

export interface ServiceGraph {
  readonly services: readonly string[];
  readonly edges: readonly DependencyEdge[];
}

export class DependencyCycleError extends Error {
  constructor(readonly cycle: readonly string[]) {
    super(`dependency cycle detected: ${cycle.join(' -> ')}`);
    this.name = 'DependencyCycleError';
  }
}

/** Builds the graph over `services`; edges to services not in the map are left out. */
export function buildServiceGraph(services: Readonly<Record<string, ServiceConfig>>): ServiceGraph {
  const names = Object.keys(services).sort();
  const edges: DependencyEdge[] = [];
  for (const from of names) {
    const dependsOn = services[from].depends_on ?? {};
    for (const to of Object.keys(dependsOn).sort()) {
      if (services[to] === undefined) continue;
      const dependency = dependsOn[to];
      edges.push({ from, to, condition: dependency.condition ?? 'service_started', required: dependency.required ?? true, restart: dependency.restart ?? false });
    }
  }
  return { services: names, edges };
}

function dependenciesOf(graph: ServiceGraph, name: string): string[] {
  return graph.edges.filter((e) => e.from === name).map((e) => e.to);
}

export function dependentsOf(graph: ServiceGraph, name: string): string[] {
  return graph.edges.filter((e) => e.to === name).map((e) => e.from);
}

/** The first cycle found (walking services by name), as `[a, b, ..., a]`, or undefined. */
export function findCycle(graph: ServiceGraph): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const s = state.get(name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of dependenciesOf(graph, name)) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of graph.services) {
    const cycle = visit(name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/**
 * Services in start order, grouped in levels: every service comes after all its dependencies, and
 * services of one level may start in parallel. Throws DependencyCycleError.
 */
export function startLevels(graph: ServiceGraph): string[][] {
  const cycle = findCycle(graph);
  if (cycle !== undefined) throw new DependencyCycleError(cycle);
  const level = new Map<string, number>();
  const depth = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const deps = dependenciesOf(graph, name);
    const d = deps.length === 0 ? 0 : Math.max(...deps.map(depth)) + 1;
    level.set(name, d);
    return d;
  };
  const levels: string[][] = [];
  for (const name of graph.services) {
    const d = depth(name);
    (levels[d] ??= []).push(name);
  }
  return levels.map((l) => l.sort());
}

/** Services in start order (dependencies first). */
export function startOrder(graph: ServiceGraph): string[] {
  return startLevels(graph).flat();
}

/** Services in stop order (dependents first): the reverse of the start levels. */
export function stopOrder(graph: ServiceGraph): string[] {
  return startLevels(graph)
    .reverse()
    .flatMap((level) => level);
}

/** `names` plus everything they depend on, transitively (compose's IncludeDependencies). */
export function withDependencies(graph: ServiceGraph, names: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const dep of dependenciesOf(graph, name)) add(dep);
  };
  for (const name of names) add(name);
  return graph.services.filter((s) => out.has(s));
}

/** `names` plus everything that depends on them, transitively (compose's IncludeDependents). */
export function withDependents(graph: ServiceGraph, names: readonly string[]): string[] {
  const out = new Set<string>();
  const add = (name: string): void => {
    if (out.has(name)) return;
    out.add(name);
    for (const dependent of dependentsOf(graph, name)) add(dependent);
  };
  for (const name of names) add(name);
  return graph.services.filter((s) => out.has(s));
}

/** Services to restart when `name` is recreated: dependents with `restart: true`. */
export function restartDependents(graph: ServiceGraph, name: string): string[] {
  return graph.edges.filter((e) => e.to === name && e.restart).map((e) => e.from);
}
