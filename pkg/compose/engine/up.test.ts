import { describe, expect, test } from 'vitest';
import { memoryFileSystem } from '../fs.js';
import { loadProject } from '../project.js';
import { missingEnvironmentSource } from './up.js';

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
