import { describe, expect, test } from 'vitest';
import { memoryFileSystem } from '../fs.js';
import { loadProject } from '../project.js';
import { oneOffRequest } from './oneoff.js';

const project = loadProject({
  cwd: '/srv/demo',
  env: { TOKEN: 'from-shell' },
  discardEnvFiles: true,
  fs: memoryFileSystem({
    '/srv/demo/compose.yaml': `
services:
  web:
    image: busybox
    command: httpd -f
    ports: ["8080:80"]
    restart: always
    environment: { MODE: prod }
    networks: { default: { aliases: [www] } }
`,
  }),
});
const SLUG = 'ab'.repeat(32);

describe('oneOffRequest', () => {
  test('names, labels and strips what a one-off must not have', () => {
    const { containerName, request } = oneOffRequest(project, 'web', { tty: false, interactive: true, command: ['echo', 'hi'] }, SLUG);
    expect(containerName).toBe(`demo-web-run-${SLUG.slice(0, 12)}`);
    const body = request.body;
    expect(body.Cmd).toEqual(['echo', 'hi']);
    expect(body.Labels).toMatchObject({ 'com.docker.compose.oneoff': 'True', 'com.docker.compose.slug': SLUG, 'com.docker.compose.service': 'web', 'com.docker.compose.project': 'demo' });
    expect(body.Labels['com.docker.compose.container-number']).toBeUndefined();
    expect(body.HostConfig.PortBindings).toBeUndefined();
    expect(body.HostConfig.RestartPolicy).toEqual({ Name: '', MaximumRetryCount: 0 });
    expect(body.AttachStdin).toBe(true);
    expect(body.OpenStdin).toBe(true);
    expect(body.NetworkingConfig?.EndpointsConfig['demo_default']?.Aliases).toBeUndefined();
  });

  test('--service-ports, -p, -e, --entrypoint, --rm, --name and --use-aliases', () => {
    const { containerName, request } = oneOffRequest(
      project,
      'web',
      { tty: true, interactive: false, servicePorts: true, publish: ['9090:90'], environment: ['EXTRA=1', 'TOKEN', 'MISSING'], entrypoint: ['sh', '-c'], autoRemove: true, name: 'custom', useAliases: true },
      SLUG,
    );
    expect(containerName).toBe('custom');
    const body = request.body;
    expect(Object.keys(body.HostConfig.PortBindings as object).sort()).toEqual(['80/tcp', '90/tcp']);
    expect(body.Env).toEqual(['EXTRA=1', 'MODE=prod', 'TOKEN=from-shell']);
    expect(body.Entrypoint).toEqual(['sh', '-c']);
    expect(body.Cmd).toEqual([]);
    expect(body.HostConfig.AutoRemove).toBe(true);
    expect(body.Tty).toBe(true);
    expect(body.NetworkingConfig?.EndpointsConfig['demo_default']?.Aliases).toEqual(['custom', 'web', 'www']);
  });

  test('an unknown service is a compose error', () => {
    expect(() => oneOffRequest(project, 'nope', { tty: false, interactive: false }, SLUG)).toThrow('no such service: nope');
  });
});
