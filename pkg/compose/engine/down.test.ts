import { describe, expect, test } from 'vitest';
import type { ContainerSummary, Network, Volume } from '../../client/index.js';
import { memoryFileSystem } from '../fs.js';
import { loadProject } from '../project.js';
import { graphFromLabels, planDown } from './down.js';
import type { ObservedProject } from './observe.js';

const project = loadProject({
  cwd: '/p',
  env: {},
  fs: memoryFileSystem({
    '/p/compose.yaml': `
name: demo
services:
  web: { build: ., depends_on: [api] }
  api: { image: busybox, volumes: [data:/data], networks: [default, ext] }
volumes:
  data: {}
  shared: { external: true }
networks:
  ext: { external: true }
`,
  }),
});

const container = (service: string, number: string, extra: Record<string, string> = {}, state = 'running'): ContainerSummary =>
  ({
    Id: `${service}-${number}`,
    Names: [`/demo-${service}-${number}`],
    Image: service === 'web' ? 'demo-web' : 'busybox',
    State: state,
    Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': service, 'com.docker.compose.container-number': number, 'com.docker.compose.oneoff': 'False', ...extra },
  }) as unknown as ContainerSummary;

const observed: ObservedProject = {
  containers: [
    container('web', '1', { 'com.docker.compose.depends_on': 'api:service_started:false' }),
    container('api', '1'),
    container('old', '1'),
    container('api', 'x', { 'com.docker.compose.oneoff': 'True' }, 'exited'),
  ],
  networks: [
    { Id: 'n1', Name: 'demo_default', Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.network': 'default' } },
    { Id: 'n2', Name: 'ext', Labels: {} },
  ] as unknown as Network[],
  volumes: [
    { Name: 'demo_data', Labels: { 'com.docker.compose.project': 'demo', 'com.docker.compose.volume': 'data' } },
    { Name: 'shared', Labels: null },
  ] as unknown as Volume[],
};

describe('planDown', () => {
  test('from the compose file: service containers, project networks, volumes with -v, local images', () => {
    const plan = planDown('demo', project, observed, { volumes: true, images: 'local' });
    expect([...plan.containers.keys()].sort()).toEqual(['api', 'web']);
    expect(plan.orphans).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringContaining('Found orphan containers ([demo-old-1])')]);
    expect(plan.networks).toEqual(['demo_default']);
    expect(plan.volumes).toEqual(['demo_data']);
    expect(plan.images).toEqual(['demo-web']);
    expect(planDown('demo', project, observed, { images: 'all' }).images).toEqual(['busybox', 'demo-web']);
    expect(planDown('demo', project, observed).volumes).toEqual([]);
  });

  test('--remove-orphans takes orphans and finished one-offs too', () => {
    const plan = planDown('demo', project, observed, { removeOrphans: true });
    expect(plan.orphans.map((c) => c.Id).sort()).toEqual(['api-x', 'old-1']);
    expect(plan.warnings).toEqual([]);
  });

  test('without a file: everything labelled with the project, dependency order from labels', () => {
    const plan = planDown('demo', undefined, observed, { volumes: true });
    expect([...plan.containers.keys()].sort()).toEqual(['api', 'old', 'web']);
    expect(plan.networks).toEqual(['demo_default']);
    expect(plan.volumes).toEqual(['demo_data']);
    expect(plan.graph.edges).toEqual([{ from: 'web', to: 'api', condition: 'service_started', required: true, restart: false }]);
  });

  test('named services take their dependents and leave networks and volumes', () => {
    const plan = planDown('demo', project, observed, { services: ['api'], volumes: true });
    expect([...plan.containers.keys()].sort()).toEqual(['api', 'web']);
    expect(plan.networks).toEqual([]);
    expect(plan.volumes).toEqual([]);
  });
});

describe('graphFromLabels', () => {
  test('ignores dependencies on services without containers', () => {
    const graph = graphFromLabels([container('web', '1', { 'com.docker.compose.depends_on': 'api:service_healthy:true,gone:service_started:false' }), container('api', '1')]);
    expect(graph.services).toEqual(['api', 'web']);
    expect(graph.edges).toEqual([{ from: 'web', to: 'api', condition: 'service_healthy', required: true, restart: true }]);
  });
});
