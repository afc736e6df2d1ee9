import { describe, expect, test } from 'vitest';
import { commitConfig, commitCreatedBy } from './commit.js';
import type { ContainerConfig } from './types.js';

const container: ContainerConfig = {
  Hostname: 'abc', Domainname: '', User: 'app', AttachStdin: false, AttachStdout: false, AttachStderr: false,
  ExposedPorts: { '80/tcp': {} }, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: ['PATH=/bin', 'MODE=prod'], Cmd: ['sh', '-c', 'echo hi > /f'], Image: 'busybox', Volumes: { '/data': {} },
  WorkingDir: '/srv', Entrypoint: null, OnBuild: null, Labels: { tier: 'web' }, StopSignal: 'SIGINT',
  Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 3 },
};

describe('commitConfig (dockerd\'s BuildFromConfig + merge)', () => {
  test('without a request config or changes the image gets the container\'s config', () => {
    expect(commitConfig(container, null, [])).toMatchObject({ Cmd: container.Cmd, Env: container.Env, User: 'app', WorkingDir: '/srv', Labels: { tier: 'web' }, StopSignal: 'SIGINT' });
  });

  const cases: Array<{ name: string; requested?: Partial<ContainerConfig>; changes: string[]; expected: Partial<ContainerConfig> }> = [
    { name: 'CMD replaces the command', changes: ['CMD ["cat", "/f"]'], expected: { Cmd: ['cat', '/f'] } },
    { name: 'ENV adds and overrides by key', changes: ['ENV MODE=dev EXTRA=1'], expected: { Env: ['PATH=/bin', 'MODE=dev', 'EXTRA=1'] } },
    { name: 'ENTRYPOINT drops the inherited command', changes: ['ENTRYPOINT ["/bin/app"]'], expected: { Entrypoint: ['/bin/app'], Cmd: null } },
    { name: 'ENTRYPOINT with CMD keeps both', changes: ['CMD ["--verbose"]', 'ENTRYPOINT ["/bin/app"]'], expected: { Entrypoint: ['/bin/app'], Cmd: ['--verbose'] } },
    { name: 'LABEL merges with the container\'s labels', changes: ['LABEL owner=me'], expected: { Labels: { tier: 'web', owner: 'me' } } },
    { name: 'EXPOSE adds ports', changes: ['EXPOSE 443/tcp'], expected: { ExposedPorts: { '80/tcp': {}, '443/tcp': {} } } },
    { name: 'WORKDIR resolves relative to the current one', changes: ['WORKDIR app'], expected: { WorkingDir: '/srv/app' } },
    { name: 'USER, STOPSIGNAL, VOLUME', changes: ['USER 1000', 'STOPSIGNAL SIGTERM', 'VOLUME /cache'], expected: { User: '1000', StopSignal: 'SIGTERM', Volumes: { '/data': {}, '/cache': {} } } },
    { name: 'HEALTHCHECK NONE', changes: ['HEALTHCHECK NONE'], expected: { Healthcheck: { Test: ['NONE'], Interval: 5e9, Retries: 3 } } },
    {
      name: 'a request config is completed from the container (user values win)',
      requested: { Cmd: ['run'], Env: ['MODE=test'], Labels: { tier: 'api' } },
      changes: [],
      expected: { Cmd: ['run'], Env: ['MODE=test', 'PATH=/bin'], Labels: { tier: 'api' }, User: 'app', WorkingDir: '/srv' },
    },
  ];
  for (const { name, requested, changes, expected } of cases) {
    test(name, () => expect(commitConfig(container, requested ?? null, changes)).toMatchObject(expected));
  }

  test('invalid change lines are refused with dockerd\'s text', () => {
    expect(() => commitConfig(container, null, ['RUN make'])).toThrow('run is not a valid change command');
    expect(() => commitConfig(container, null, ['ONBUILD ONBUILD CMD x'])).toThrow("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  });

  test('the history line is the container\'s command', () => {
    expect(commitCreatedBy(container)).toBe('sh -c echo hi > /f');
  });
});
