import { describe, expect, test } from 'vitest';
import type { ContainerSummary, EngineClient } from '../../client/index.js';
import { memoryFileSystem } from '../fs.js';
import { containerLabels } from '../create.js';
import { planConvergence } from '../plan.js';
import { loadProject } from '../project.js';
import { executePlan, inheritAnonymousVolumes, planPhases } from './converge.js';
import { observedState, type ObservedProject } from './observe.js';
import { Limiter } from './parallel.js';
import { NO_PROGRESS, type ProgressEvent } from './progress.js';

const COMPOSE = `
services:
  db:
    image: busybox
    healthcheck: { test: ["CMD", "true"], interval: 1s }
    volumes: [data:/data]
  web:
    image: busybox
    depends_on:
      db: { condition: service_healthy, restart: true }
    configs: [site]
configs:
  site: { content: "hello" }
volumes:
  data: {}
`;

const load = (yaml = COMPOSE) => loadProject({ cwd: '/p', env: {}, discardEnvFiles: true, fs: memoryFileSystem({ '/p/compose.yaml': yaml }) });
const EMPTY: ObservedProject = { containers: [], networks: [], volumes: [] };

/** An engine that records calls; db reports `starting` once, then `healthy`. */
function fakeEngine(): { client: EngineClient; calls: string[] } {
  const calls: string[] = [];
  const names = new Map<string, string>();
  let dbInspections = 0;
  const client = {
    networks: { create: async (body: { Name: string }) => void calls.push(`network create ${body.Name}`) },
    volumes: { create: async (body: { Name: string }) => void calls.push(`volume create ${body.Name}`) },
    containers: {
      create: async (_body: unknown, options: { name: string }) => {
        calls.push(`create ${options.name}`);
        names.set(`id-${options.name}`, options.name);
        return { Id: `id-${options.name}` };
      },
      start: async (id: string) => void calls.push(`start ${names.get(id) ?? id}`),
      stop: async (id: string) => void calls.push(`stop ${names.get(id) ?? id}`),
      remove: async (id: string) => void calls.push(`remove ${names.get(id) ?? id}`),
      rename: async (id: string, name: string) => {
        calls.push(`rename ${names.get(id)} -> ${name}`);
        names.set(id, name);
      },
      putArchive: async (id: string, path: string) => void calls.push(`put ${names.get(id) ?? id} ${path}`),
      inspect: async (id: string) => {
        const name = names.get(id) ?? id;
        calls.push(`inspect ${name}`);
        const healthy = name.endsWith('db-1') && ++dbInspections > 1;
        return { Name: `/${name}`, State: { Status: 'running', ExitCode: 0, Health: { Status: healthy ? 'healthy' : 'starting' } }, Config: { Healthcheck: { Test: ['CMD', 'true'] } } };
      },
    },
  };
  return { client: client as unknown as EngineClient, calls };
}

const options = (client: EngineClient, events: ProgressEvent[] = []) => ({
  client,
  progress: { ...NO_PROGRESS, on: (event: ProgressEvent) => void events.push(event) },
  limiter: new Limiter(4),
  now: () => 0,
  pollMs: 1,
});

describe('executePlan', () => {
  test('creates resources, then containers dependencies first, waits for health, injects configs, starts', async () => {
    const project = load();
    const plan = planConvergence(project, observedState(EMPTY));
    const { client, calls } = fakeEngine();
    const events: ProgressEvent[] = [];
    const result = await executePlan(project, plan, EMPTY, options(client, events));
    expect(calls).toEqual([
      'network create p_default',
      'volume create p_data',
      'create p-db-1',
      'create p-web-1',
      'start p-db-1',
      'inspect p-db-1',
      'inspect p-db-1',
      'put p-web-1 /',
      'start p-web-1',
    ]);
    expect(result.containers.get('web')).toEqual([{ id: 'id-p-web-1', name: 'p-web-1', number: 1 }]);
    expect(events.filter((e) => e.id === 'Container p-db-1').map((e) => e.text)).toEqual(['Creating', 'Created', 'Starting', 'Started', 'Waiting', 'Healthy']);
  });

  test('recreates under a temporary name, stops its restart-dependents first, and renames', async () => {
    const before = load();
    const labels = (service: string) => containerLabels(before, service, 1);
    const observed: ObservedProject = {
      containers: ['db', 'web'].map((s) => ({ Id: `old-${s}`, Names: [`/p-${s}-1`], Labels: labels(s), State: 'running', Created: 1 }) as unknown as ContainerSummary),
      networks: [{ Id: 'n1', Name: 'p_default', Labels: { 'com.docker.compose.project': 'p' } } as never],
      volumes: [{ Name: 'p_data', Labels: { 'com.docker.compose.project': 'p' } } as never],
    };
    const edited = load(COMPOSE.replace('image: busybox\n    healthcheck', 'image: busybox\n    environment: [X=1]\n    healthcheck'));
    const plan = planConvergence(edited, observedState(observed));
    expect(planPhases(plan).converge.get('db')?.map((a) => a.kind)).toEqual(['recreate-container', 'stop-container']);
    const { client, calls } = fakeEngine();
    await executePlan(edited, plan, observed, options(client));
    expect(calls.slice(0, 6)).toEqual(['stop old-web', 'inspect old-db', 'create old-db_p-db-1', 'stop old-db', 'remove old-db', 'rename old-db_p-db-1 -> p-db-1']);
    expect(calls.indexOf('start p-db-1')).toBeLessThan(calls.indexOf('start old-web'));
  });

  test('a recreated container keeps its predecessor\'s anonymous volumes', () => {
    const hostConfig: Record<string, unknown> = { Mounts: [{ Type: 'volume', Target: '/cache' }, { Type: 'volume', Source: 'named', Target: '/data' }, { Type: 'tmpfs', Target: '/tmp' }] };
    inheritAnonymousVolumes(hostConfig, [
      { Type: 'volume', Name: 'f00d', Destination: '/cache' },
      { Type: 'volume', Name: 'named', Destination: '/data' },
    ]);
    expect(hostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'f00d', Target: '/cache' }, { Type: 'volume', Source: 'named', Target: '/data' }, { Type: 'tmpfs', Target: '/tmp' }]);
  });

  test('a plan with errors runs nothing', async () => {
    const project = load(COMPOSE.replace('volumes:\n  data: {}', 'volumes:\n  data: { external: true }'));
    const plan = planConvergence(project, observedState(EMPTY));
    const { client, calls } = fakeEngine();
    await expect(executePlan(project, plan, EMPTY, options(client))).rejects.toThrow('external volume "data" not found');
    expect(calls).toEqual([]);
  });
});
