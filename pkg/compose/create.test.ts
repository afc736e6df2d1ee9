import { describe, expect, test } from 'vitest';
import { buildContainerCreateRequest } from './create.js';
import { memoryFileSystem } from './fs.js';
import { serviceConfigHash } from './hash.js';
import { loadProject } from './project.js';

const project = loadProject({
  cwd: '/srv/shop',
  env: { DB_PASSWORD: 's3cret' },
  discardEnvFiles: true,
  fs: memoryFileSystem({
    '/srv/shop/compose.yaml': `
services:
  web:
    image: nginx:1.25
    command: ["nginx", "-g", "daemon off;"]
    ports: ["8080:80", "127.0.0.1:8443:443/tcp"]
    expose: ["9000"]
    environment: { MODE: prod, UNSET: null }
    volumes:
      - ./html:/usr/share/nginx/html:ro
      - data:/data
      - /cache
      - type: bind
        source: ./certs
        target: /certs
        bind: { create_host_path: false }
    networks:
      front: { aliases: [www] }
      back:
    secrets: [db_password, tls]
    configs: [site]
    healthcheck: { test: "curl -f http://localhost", interval: 10s, retries: 3 }
    restart: on-failure:5
    stop_grace_period: 1m30s
    ulimits: { nofile: { soft: 1024, hard: 2048 } }
    mem_limit: 256m
    cpus: 0.5
    extra_hosts: ["db.local=10.0.0.2"]
    depends_on:
      db: { condition: service_healthy, restart: true }
  db:
    image: postgres
  app:
    image: app
    network_mode: service:web
volumes:
  data: {}
networks:
  front: {}
  back: {}
secrets:
  db_password: { environment: DB_PASSWORD }
  tls: { file: ./tls.pem }
configs:
  site: { content: "server {}" }
`,
  }),
});

describe('buildContainerCreateRequest', () => {
  const request = buildContainerCreateRequest(project, 'web', 1);
  const body = request.body;

  test('names the container <project>-<service>-<n> and labels it like compose', () => {
    expect(request.name).toBe('shop-web-1');
    expect(body.Labels).toMatchObject({
      'com.docker.compose.project': 'shop',
      'com.docker.compose.service': 'web',
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.project.working_dir': '/srv/shop',
      'com.docker.compose.project.config_files': '/srv/shop/compose.yaml',
      'com.docker.compose.config-hash': serviceConfigHash(project.services.web),
      'com.docker.compose.depends_on': 'db:service_healthy:true',
    });
  });

  test('config', () => {
    expect(body.Image).toBe('nginx:1.25');
    expect(body.Cmd).toEqual(['nginx', '-g', 'daemon off;']);
    expect(body.Env).toEqual(['MODE=prod', 'UNSET']);
    expect(body.ExposedPorts).toEqual({ '9000/tcp': {}, '80/tcp': {}, '443/tcp': {} });
    expect(body.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'curl -f http://localhost'], Interval: 10e9, Retries: 3 });
    expect(body.StopTimeout).toBe(90);
  });

  test('host config', () => {
    const host = body.HostConfig;
    expect(host.PortBindings).toEqual({ '80/tcp': [{ HostIp: '', HostPort: '8080' }], '443/tcp': [{ HostIp: '127.0.0.1', HostPort: '8443' }] });
    expect(host.Binds).toEqual(['/srv/shop/html:/usr/share/nginx/html:ro', 'shop_data:/data:rw']);
    expect(host.Mounts).toEqual([
      { Type: 'volume', Target: '/cache', VolumeOptions: { NoCopy: false } },
      { Type: 'bind', Source: '/srv/shop/certs', Target: '/certs', BindOptions: { CreateMountpoint: false } },
      { Type: 'bind', Source: '/srv/shop/tls.pem', Target: '/run/secrets/tls', ReadOnly: true, BindOptions: { CreateMountpoint: false } },
    ]);
    expect(host.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
    expect(host.Memory).toBe(256 * 1024 * 1024);
    expect(host.NanoCpus).toBe(500_000_000);
    expect(host.Ulimits).toEqual([{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
    expect(host.ExtraHosts).toEqual(['db.local:10.0.0.2']);
    expect(host.NetworkMode).toBe('shop_back');
  });

  test('every network gets an endpoint with the container name, service name and aliases', () => {
    expect(body.NetworkingConfig?.EndpointsConfig).toEqual({
      shop_back: { Aliases: ['shop-web-1', 'web'] },
      shop_front: { Aliases: ['shop-web-1', 'web', 'www'], IPAMConfig: {} },
    });
    const old = buildContainerCreateRequest(project, 'web', 1, { apiVersion: '1.41' });
    expect(Object.keys(old.body.NetworkingConfig?.EndpointsConfig ?? {})).toEqual(['shop_back']);
  });

  test('secrets and configs given as env or content are injected read-only', () => {
    expect(request.injections).toEqual([
      { target: '/run/secrets/db_password', content: 's3cret', mode: 0o444 },
      { target: '/site', content: 'server {}', mode: 0o444 },
    ]);
  });

  test('service: references resolve to the container of that service', () => {
    const app = buildContainerCreateRequest(project, 'app', 2, { resolveService: (s) => (s === 'web' ? 'abc123' : undefined) });
    expect(app.body.HostConfig.NetworkMode).toBe('container:abc123');
    expect(app.body.NetworkingConfig).toBeUndefined();
  });

  test('a replacement is created under a temporary name with the replace label', () => {
    const replacement = buildContainerCreateRequest(project, 'web', 1, { replacing: { id: '0123456789abcdef' } });
    expect(replacement.name).toBe('0123456789ab_shop-web-1');
    expect(replacement.body.Labels['com.docker.compose.replace']).toBe('web-1');
  });
});
