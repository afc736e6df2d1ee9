import { describe, expect, test } from 'vitest';
import { memoryFileSystem } from '../fs.js';
import { loadProject } from '../project.js';
import type { ContainerSummary } from '../../client/index.js';
import { missingEnvironmentSource, servicesWithChangedImage } from './up.js';

describe('missingEnvironmentSource', () => {
  const project = (env: Record<string, string>) =>
    loadProject({
      cwd: '/p',
      env,
      fs: memoryFileSystem({
        '/p/compose.yaml': `
services:
  app: { image: busybox, secrets: [token], configs: [motd] }
  other: { image: busybox }
secrets:
  token: { environment: API_TOKEN }
configs:
  motd: { content: hello }
`,
      }),
    });

  test('names the variable a secret needs when it is not set', () => {
    expect(missingEnvironmentSource(project({}), ['app'])).toBe('environment variable "API_TOKEN" required by secret "token" is not set');
    expect(missingEnvironmentSource(project({}), ['other'])).toBeUndefined();
    expect(missingEnvironmentSource(project({ API_TOKEN: 'x' }), ['app'])).toBeUndefined();
  });
});

describe('servicesWithChangedImage', () => {
  const container = (service: string, image: string, extra: Record<string, string> = {}): ContainerSummary =>
    ({ Id: service, ImageID: image, Labels: { 'com.docker.compose.project': 'p', 'com.docker.compose.service': service, ...extra } }) as unknown as ContainerSummary;

  test('a service is changed when any of its containers runs another image than its image resolves to', () => {
    const ids = new Map([
      ['web', 'sha256:new'],
      ['db', 'sha256:db'],
    ]);
    const containers = [container('web', 'sha256:old'), container('db', 'sha256:db'), container('db', 'sha256:old', { 'com.docker.compose.oneoff': 'True' }), container('cache', 'sha256:x')];
    expect(servicesWithChangedImage('p', containers, ids)).toEqual(['web']);
    expect(servicesWithChangedImage('other', containers, ids)).toEqual([]);
  });
});
