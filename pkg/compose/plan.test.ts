import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { memoryFileSystem } from './fs.js';
import { LABEL_CONFIG_HASH, LABEL_CONTAINER_NUMBER, LABEL_ONEOFF, LABEL_PROJECT, LABEL_SERVICE } from './labels.js';
import type { Project } from './model.js';
import { isUpToDate, planConvergence, type ObservedContainer, type ObservedState, type PlanAction, type PlanOptions } from './plan.js';
import { loadProject } from './project.js';
import { predictObservedState } from './simulate.js';

const COMPOSE = `
services:
  web:
    image: nginx
    depends_on:
      api:
        condition: service_healthy
        restart: true
  api:
    image: api
    depends_on: [db]
    volumes: [data:/data]
  db:
    image: postgres
volumes:
  data: {}
`;

function project(yaml = COMPOSE): Project {
  return loadProject({ cwd: '/p', env: {}, fs: memoryFileSystem({ '/p/compose.yaml': yaml }) });
}

const EMPTY: ObservedState = { containers: [], networks: [], volumes: [] };
const summary = (actions: readonly PlanAction[]): string[] =>
  actions.map((a) => {
    switch (a.kind) {
      case 'create-network':
      case 'create-volume':
        return `${a.kind} ${a.name}`;
      case 'remove-orphan':
        return `${a.kind} ${a.containerName}`;
      default:
        return `${a.kind} ${a.service}-${a.number}`;
    }
  });

describe('planConvergence', () => {
  test('brings a project up from nothing, dependencies first', () => {
    const plan = planConvergence(project(), EMPTY);
    expect(summary(plan.actions)).toEqual([
      'create-network p_default',
      'create-volume p_data',
      'create-container db-1',
      'create-container api-1',
      'create-container web-1',
      'start-container db-1',
      'start-container api-1',
      'start-container web-1',
    ]);
    const startWeb = plan.actions.find((a) => a.kind === 'start-container' && a.service === 'web');
    expect(startWeb?.kind === 'start-container' && startWeb.waitFor.map((e) => `${e.to}:${e.condition}`)).toEqual(['api:service_healthy']);
  });

  test('a second up changes nothing', () => {
    const p = project();
    const after = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
    const again = planConvergence(p, after);
    expect(isUpToDate(again)).toBe(true);
    expect(summary(again.actions)).toEqual(['keep-container db-1', 'keep-container api-1', 'keep-container web-1']);
  });

  test('editing one service recreates only it, and stops then restarts its restart-dependents', () => {
    const before = project();
    const state = predictObservedState(before, EMPTY, planConvergence(before, EMPTY));
    const edited = project(COMPOSE.replace('image: api', 'image: api\n    environment: [MODE=new]'));
    const plan = planConvergence(edited, state);
    expect(summary(plan.actions)).toEqual(['recreate-container api-1', 'stop-container web-1', 'keep-container db-1', 'start-container api-1', 'start-container web-1']);
    expect(isUpToDate(planConvergence(edited, predictObservedState(edited, state, plan)))).toBe(true);
  });

  test('scales up with new numbers and down from the highest number', () => {
    const p = project();
    const state = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
    const up = planConvergence(p, state, { scale: { db: 3 } });
    expect(summary(up.actions).filter((s) => s.includes('db'))).toEqual(['create-container db-2', 'create-container db-3', 'keep-container db-1', 'start-container db-2', 'start-container db-3']);
    const scaled = predictObservedState(p, state, up);
    const down = planConvergence(p, scaled, { scale: { db: 1 } });
    expect(summary(down.actions).filter((s) => s.includes('db'))).toEqual(['remove-container db-2', 'remove-container db-3', 'keep-container db-1']);
  });

  test('--force-recreate recreates named services only; --no-recreate never recreates', () => {
    const p = project();
    const state = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
    expect(summary(planConvergence(p, state, { forceRecreate: true, services: ['db'] }).actions)).toEqual(['recreate-container db-1', 'start-container db-1']);
    const edited = project(COMPOSE.replace('image: postgres', 'image: postgres:17'));
    expect(isUpToDate(planConvergence(edited, state, { noRecreate: true }))).toBe(true);
  });

  test('--no-deps leaves dependencies alone', () => {
    expect(summary(planConvergence(project(), EMPTY, { services: ['web'], noDeps: true }).actions)).toEqual(['create-network p_default', 'create-container web-1', 'start-container web-1']);
  });

  test('finds orphans and removes them only when asked', () => {
    const orphan: ObservedContainer = { Id: 'old', Names: ['/p-gone-1'], State: 'running', Labels: { [LABEL_PROJECT]: 'p', [LABEL_SERVICE]: 'gone', [LABEL_CONTAINER_NUMBER]: '1' } };
    const finishedRun: ObservedContainer = { Id: 'run', Names: ['/p-db-run-1'], State: 'exited', Labels: { [LABEL_PROJECT]: 'p', [LABEL_SERVICE]: 'db', [LABEL_ONEOFF]: 'True' } };
    const state = { ...EMPTY, containers: [orphan, finishedRun] };
    const kept = planConvergence(project(), state);
    expect(kept.warnings[0]).toContain('Found orphan containers (p-gone-1, p-db-run-1)');
    expect(summary(planConvergence(project(), state, { removeOrphans: true }).actions).slice(2, 4)).toEqual(['remove-orphan p-gone-1', 'remove-orphan p-db-run-1']);
  });

  test('starts stopped containers and reports missing external resources', () => {
    const p = project();
    const state = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
    const stopped = { ...state, containers: state.containers.map((c) => (c.Labels?.[LABEL_SERVICE] === 'db' ? { ...c, State: 'exited' } : c)) };
    expect(summary(planConvergence(p, stopped).actions)).toContain('start-container db-1');
    const external = project('services:\n  a:\n    image: x\n    networks: [ext]\nnetworks:\n  ext:\n    external: true\n');
    expect(planConvergence(external, EMPTY).errors).toEqual(['network ext declared as external, but could not be found']);
  });

  test('a container with a stale config hash is recreated', () => {
    const p = project();
    const state = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
    const stale = { ...state, containers: state.containers.map((c) => (c.Labels?.[LABEL_SERVICE] === 'db' ? { ...c, Labels: { ...c.Labels, [LABEL_CONFIG_HASH]: 'old' } } : c)) };
    const plan = planConvergence(p, stale);
    expect(plan.actions.find((a) => a.kind === 'recreate-container')).toMatchObject({ service: 'db', reason: 'config-changed' });
  });

  test('a service whose image changed is recreated, unless --no-recreate', () => {
    const p = project();
    const state = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
    const plan = planConvergence(p, state, { imageChanged: ['db'] });
    expect(plan.actions.filter((a) => a.kind === 'recreate-container')).toMatchObject([{ service: 'db', reason: 'image-changed' }]);
    expect(isUpToDate(planConvergence(p, state, { imageChanged: ['db'], noRecreate: true }))).toBe(true);
  });

  test('planning over the state a plan produces yields no actions (any scales, options, prior state)', () => {
    const p = project();
    const services = ['web', 'api', 'db'];
    const arbitraryOptions = fc.record({
      scale: fc.record({ web: fc.integer({ min: 0, max: 3 }), api: fc.integer({ min: 0, max: 3 }), db: fc.integer({ min: 0, max: 3 }) }),
      forceRecreate: fc.boolean(),
      removeOrphans: fc.boolean(),
      services: fc.subarray(services),
    });
    const arbitraryPrior = fc.array(
      fc.record({
        service: fc.constantFrom('web', 'api', 'db', 'gone'),
        number: fc.integer({ min: 1, max: 4 }),
        state: fc.constantFrom('running', 'exited', 'created'),
        fresh: fc.boolean(),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(arbitraryOptions, arbitraryPrior, (options, prior) => {
        const base = predictObservedState(p, EMPTY, planConvergence(p, EMPTY));
        const hashes = new Map(base.containers.map((c) => [c.Labels?.[LABEL_SERVICE], c.Labels?.[LABEL_CONFIG_HASH]]));
        const containers: ObservedContainer[] = prior.map((c, i) => ({
          Id: `prior${i}`,
          Names: [`/p-${c.service}-${c.number}`],
          State: c.state,
          Labels: { [LABEL_PROJECT]: 'p', [LABEL_SERVICE]: c.service, [LABEL_CONTAINER_NUMBER]: String(c.number), [LABEL_CONFIG_HASH]: c.fresh ? (hashes.get(c.service) ?? '') : 'stale' },
        }));
        const observed: ObservedState = { containers, networks: base.networks, volumes: base.volumes };
        const first = planConvergence(p, observed, options as PlanOptions);
        const after = predictObservedState(p, observed, first);
        const second = planConvergence(p, after, { ...options, forceRecreate: false } as PlanOptions);
        expect(second.actions.filter((a) => a.kind !== 'keep-container' && a.kind !== 'remove-orphan')).toEqual([]);
        if (options.removeOrphans) expect(second.actions.filter((a) => a.kind === 'remove-orphan')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
