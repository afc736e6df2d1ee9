import { describe, expect, test } from 'vitest';
import type { ContainerSummary } from '../../client/index.js';
import { byServiceAndNumber, summarizeProjects, summaryName } from './observe.js';

const container = (project: string, service: string, number: string, state: string, files = `/srv/${project}/compose.yaml`): ContainerSummary =>
  ({
    Id: `${project}${service}${number}`.padEnd(64, '0'),
    Names: [`/${project}-${service}-${number}`],
    State: state,
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service, 'com.docker.compose.container-number': number, 'com.docker.compose.project.config_files': files },
  }) as unknown as ContainerSummary;

describe('summarizeProjects', () => {
  test('counts states per project, sorted like compose ls', () => {
    const projects = summarizeProjects([
      container('shop', 'web', '1', 'running'),
      container('blog', 'db', '1', 'exited'),
      container('shop', 'db', '1', 'running'),
      container('blog', 'web', '1', 'running'),
      { ...container('x', 'y', '1', 'running'), Labels: {} } as ContainerSummary,
    ]);
    expect(projects).toEqual([
      { name: 'blog', status: 'exited(1), running(1)', configFiles: '/srv/blog/compose.yaml', running: true },
      { name: 'shop', status: 'running(2)', configFiles: '/srv/shop/compose.yaml', running: true },
    ]);
  });
});

describe('ordering and names', () => {
  test('service, then number (10 after 9)', () => {
    const sorted = [container('p', 'web', '10', 'running'), container('p', 'db', '1', 'running'), container('p', 'web', '9', 'running')].sort(byServiceAndNumber);
    expect(sorted.map(summaryName)).toEqual(['p-db-1', 'p-web-9', 'p-web-10']);
  });

  test('the canonical name is the one without a link path', () => {
    expect(summaryName({ Id: 'abcdef1234567890', Names: ['/other/alias', '/real'] })).toBe('real');
    expect(summaryName({ Id: 'abcdef1234567890', Names: [] })).toBe('abcdef123456');
  });
});
