import { describe, expect, test } from 'vitest';
import { ComposeError } from './errors.js';
import { memoryFileSystem } from './fs.js';
import { loadProject } from './project.js';
import { renderProject } from './config.js';

const load = (files: Record<string, string>, extra: Partial<Parameters<typeof loadProject>[0]> = {}) =>
  loadProject({ cwd: '/app', env: {}, fs: memoryFileSystem(files), ...extra });

function errorOf(fn: () => unknown): ComposeError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ComposeError) return err;
    throw err;
  }
  throw new Error('expected a ComposeError');
}

describe('loadProject', () => {
  test('discovers compose.yaml and names the project after its directory', () => {
    const project = load({ '/app/compose.yaml': 'services:\n  web:\n    image: nginx\n' });
    expect(project.name).toBe('app');
    expect(project.composeFiles).toEqual(['/app/compose.yaml']);
    expect(project.services.web.networks).toEqual({ default: null });
    expect(project.networks.default.name).toBe('app_default');
  });

  test('walks up to a parent directory to find the compose file', () => {
    const project = load({ '/app/compose.yaml': 'services:\n  web:\n    image: nginx\n' }, { cwd: '/app/src/deep' });
    expect(project.workingDir).toBe('/app');
  });

  test('-p wins over COMPOSE_PROJECT_NAME, which wins over name:, which wins over the directory', () => {
    const files = { '/app/compose.yaml': 'name: from-file\nservices:\n  web:\n    image: nginx\n' };
    expect(load(files, { projectName: 'flag', env: { COMPOSE_PROJECT_NAME: 'env' } }).name).toBe('flag');
    expect(load(files, { env: { COMPOSE_PROJECT_NAME: 'env' } }).name).toBe('env');
    expect(load(files).name).toBe('from-file');
  });

  test('.env feeds interpolation, the shell environment wins', () => {
    const project = load({ '/app/compose.yaml': 'services:\n  web:\n    image: "nginx:${TAG}"\n    environment:\n      A: ${A}\n', '/app/.env': 'TAG=1.25\nA=file\n' }, { env: { A: 'shell' } });
    expect(project.services.web.image).toBe('nginx:1.25');
    expect(project.services.web.environment).toEqual({ A: 'shell' });
  });

  test('COMPOSE_FILE from .env selects the files', () => {
    const project = load({
      '/app/a.yaml': 'services:\n  a:\n    image: x\n',
      '/app/b.yaml': 'services:\n  b:\n    image: y\n',
      '/app/.env': 'COMPOSE_FILE=a.yaml:b.yaml\n',
    });
    expect(Object.keys(project.services).sort()).toEqual(['a', 'b']);
  });

  test('profiles hide services until enabled; naming a service enables its profile', () => {
    const files = { '/app/compose.yaml': 'services:\n  web:\n    image: x\n  debug:\n    image: y\n    profiles: [debug]\n' };
    expect(Object.keys(load(files).services)).toEqual(['web']);
    expect(Object.keys(load(files).disabledServices)).toEqual(['debug']);
    expect(Object.keys(load(files, { profiles: ['debug'] }).services).sort()).toEqual(['debug', 'web']);
    expect(Object.keys(load(files, { services: ['debug'] }).services)).toEqual(['debug']);
  });

  test('errors name the file, line and path', () => {
    const err = errorOf(() => load({ '/app/compose.yaml': 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:x"\n' }));
    expect(err.message).toBe('compose.yaml:5: services.web.ports[0]: invalid port "80:x": invalid containerPort: x');
    expect(err.exitCode).toBe(15);
  });

  test('an error in an override file points into the override file', () => {
    const err = errorOf(() =>
      load({ '/app/compose.yaml': 'services:\n  web:\n    image: nginx\n', '/app/compose.override.yaml': 'services:\n  web:\n    restart: always\n    bogus: 1\n' }),
    );
    expect(err.message).toBe('compose.override.yaml:4: services.web: additional property "bogus" is not allowed');
  });

  test('a missing compose file is exit 14', () => expect(errorOf(() => load({})).exitCode).toBe(14));

  test('rendering is stable: loading the rendered output gives the same output', () => {
    const first = load({
      '/app/compose.yaml': [
        'services:',
        '  web:',
        '    image: nginx',
        '    ports: ["8080:80"]',
        '    volumes: ["./html:/html:ro", "data:/data"]',
        '    environment: [A=1, B]',
        '    depends_on: [db]',
        '    healthcheck: {test: "true", interval: 90s}',
        '  db:',
        '    image: postgres',
        '    deploy: {resources: {limits: {memory: 1g}}}',
        'volumes:',
        '  data: {}',
        '',
      ].join('\n'),
    });
    const rendered = renderProject(first);
    const second = load({ '/app/compose.yaml': rendered });
    expect(renderProject(second)).toBe(rendered);
  });

  test('!reset removes an attribute or a map entry of earlier files; !override replaces it', () => {
    const project = load(
      {
        '/app/base.yaml': 'services:\n  foo:\n    build:\n      context: .\n    environment:\n      FOO: BAR\n      KEEP: x\nnetworks:\n  gone:\n    external: true\n  replaced:\n    external: true\n',
        '/app/override.yaml': 'services:\n  foo:\n    image: foo\n    build: !reset\n    environment:\n      FOO: !reset\nnetworks:\n  gone: !reset {}\n  replaced: !override {}\n',
      },
      { files: ['base.yaml', 'override.yaml'], keepUnusedResources: true },
    );
    expect(project.services.foo.build).toBeUndefined();
    expect(project.services.foo.environment).toEqual({ KEEP: 'x' });
    expect(project.networks.gone).toBeUndefined();
    expect(project.networks.replaced.external).toBeUndefined();
  });

  test('extending a service of another file does not duplicate ports defined in both', () => {
    const project = load(
      {
        '/app/ports.yaml': 'services:\n  test:\n    image: test\n    ports:\n      - 8080:8080\n',
        '/app/override.yaml': 'services:\n  test:\n    extends:\n      file: ports.yaml\n      service: test\n',
      },
      { files: ['ports.yaml', 'override.yaml'] },
    );
    expect(project.services.test.ports).toHaveLength(1);
  });

  test('aliases of aliases and nested merge keys resolve without false cycles', () => {
    const project = load({
      '/app/compose.yaml': [
        'x-templates:',
        '  x-base: &base',
        '    environment: &env',
        '      a: b',
        '  x-derived: &derived',
        '    <<: *base',
        'services:',
        '  one: &one',
        '    image: alpine',
        '    <<: *derived',
        '  two: *one',
        '',
      ].join('\n'),
    });
    expect(project.services.two).toEqual(project.services.one);
    expect(project.services.one.environment).toEqual({ a: 'b' });
  });

  test('a duplicate key is an error even when one of them is tagged', () => {
    const err = errorOf(() => load({ '/app/compose.yaml': 'services:\n  foo:\n    image: x\n    command: hello\n    command: !reset hello world\n' }));
    expect(err.message).toBe('compose.yaml:5: services.foo.command: mapping key "command" already defined at line 4');
  });
});
