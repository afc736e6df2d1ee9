import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from '../runtime/spec.js';
import {
  defaultHostConfig,
  effectiveCapabilities,
  normalizeCapability,
  normalizeCreate,
  validateContainerName,
  type HostLimits,
  type ImageDefaults,
} from './create.js';
import type { CreateRequest, HostConfig } from './types.js';

const MiB = 1024 * 1024;
const LIMITS: HostLimits = { ncpu: 2, hardLimits: { nofile: 524288, nproc: -1 }, cgroupVersion: 1 };
const IMAGE: ImageDefaults = {
  Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8'],
  Cmd: ['nginx', '-g', 'daemon off;'],
  Entrypoint: ['/docker-entrypoint.sh'],
  WorkingDir: '/srv',
  User: 'www',
  ExposedPorts: { '80/tcp': {} },
  Volumes: { '/var/cache/nginx': {} },
  Labels: { maintainer: 'image', 'org.example.tier': 'web' },
  StopSignal: 'SIGQUIT',
};

function create(request: CreateRequest, image: ImageDefaults = IMAGE, limits: HostLimits = LIMITS): ReturnType<typeof normalizeCreate> {
  return normalizeCreate({ Image: 'nginx', ...request }, image, limits);
}

function withHost(host: Partial<HostConfig>, request: CreateRequest = {}): ReturnType<typeof normalizeCreate> {
  return create({ ...request, HostConfig: host });
}

/** The message of the error `run` throws, checked to be a 400-class invalid-argument error. */
function rejection(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect((err as { httpStatus?: number }).httpStatus).toBe(400);
    return (err as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}

describe('normalizeCreate: command from entrypoint and cmd', () => {
  const cases: Array<{ name: string; request: CreateRequest; image?: ImageDefaults; path: string; args: string[]; entrypoint: string[] | null; cmd: string[] | null }> = [
    {
      name: 'inherits both from the image when the user sets neither',
      request: {},
      path: '/docker-entrypoint.sh',
      args: ['nginx', '-g', 'daemon off;'],
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
    },
    {
      name: 'a user Cmd replaces the image Cmd and keeps the image entrypoint',
      request: { Cmd: ['nginx', '-t'] },
      path: '/docker-entrypoint.sh',
      args: ['nginx', '-t'],
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-t'],
    },
    {
      name: 'an empty user Cmd counts as unset',
      request: { Cmd: [] },
      path: '/docker-entrypoint.sh',
      args: ['nginx', '-g', 'daemon off;'],
      entrypoint: ['/docker-entrypoint.sh'],
      cmd: ['nginx', '-g', 'daemon off;'],
    },
    {
      name: 'a user entrypoint resets the image Cmd',
      request: { Entrypoint: ['/bin/sh'] },
      path: '/bin/sh',
      args: [],
      entrypoint: ['/bin/sh'],
      cmd: null,
    },
    {
      name: 'a user entrypoint and Cmd are used together',
      request: { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hi'] },
      path: '/bin/sh',
      args: ['-c', 'echo hi'],
      entrypoint: ['/bin/sh', '-c'],
      cmd: ['echo hi'],
    },
    {
      name: 'an empty entrypoint list drops the image entrypoint but keeps its Cmd',
      request: { Entrypoint: [] },
      path: 'nginx',
      args: ['-g', 'daemon off;'],
      entrypoint: [],
      cmd: ['nginx', '-g', 'daemon off;'],
    },
    {
      name: '--entrypoint "" ([""]) removes the entrypoint and runs the user Cmd',
      request: { Entrypoint: [''], Cmd: ['ls', '-l'] },
      path: 'ls',
      args: ['-l'],
      entrypoint: null,
      cmd: ['ls', '-l'],
    },
    {
      name: 'an image without an entrypoint runs its Cmd',
      request: {},
      image: { Cmd: ['sh'] },
      path: 'sh',
      args: [],
      entrypoint: null,
      cmd: ['sh'],
    },
    {
      name: 'keeps an empty argument of a multi-word entrypoint',
      request: { Entrypoint: ['printf', ''] },
      path: 'printf',
      args: [''],
      entrypoint: ['printf', ''],
      cmd: null,
    },
  ];
  for (const { name, request, image, path, args, entrypoint, cmd } of cases) {
    test(name, () => {
      const result = create(request, image ?? IMAGE);
      expect({ path: result.path, args: result.args }).toEqual({ path, args });
      expect(result.config.Entrypoint).toEqual(entrypoint);
      expect(result.config.Cmd).toEqual(cmd);
    });
  }

  const none: Array<{ name: string; request: CreateRequest; image: ImageDefaults }> = [
    { name: 'neither image nor user has a command', request: {}, image: {} },
    { name: '--entrypoint "" on an image whose only command was its entrypoint', request: { Entrypoint: [''] }, image: { Entrypoint: ['/init'] } },
    { name: 'an empty entrypoint on an image without Cmd', request: { Entrypoint: [] }, image: { Entrypoint: ['/init'] } },
    { name: 'a Cmd of one empty string', request: { Cmd: [''] }, image: {} },
  ];
  for (const { name, request, image } of none) {
    test(`refuses: ${name}`, () => {
      expect(rejection(() => create(request, image))).toBe('No command specified');
    });
  }
});

describe('normalizeCreate: merging the image config', () => {
  test('Env: the user entries first, then the image entries whose key the user did not set (as Docker)', () => {
    const { config } = create({ Env: ['LANG=en_US.UTF-8', 'DEBUG=1'] });
    expect(config.Env).toEqual(['LANG=en_US.UTF-8', 'DEBUG=1', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  test('Env: a bare key (no "=") overrides the image value of that key', () => {
    expect(create({ Env: ['LANG'] }).config.Env).toEqual(['LANG', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  test('Env: without user entries the image Env is used as it is', () => {
    expect(create({ Env: [] }).config.Env).toEqual(IMAGE.Env);
    expect(create({}, { Cmd: ['sh'] }).config.Env).toEqual([]);
  });

  test('Env: a value containing "=" is kept whole and matched on the key before the first "="', () => {
    const { config } = create({ Env: ['PATH=/opt/bin:/bin', 'OPTS=a=b'] }, { Env: ['PATH=/bin', 'OPTS=x'], Cmd: ['sh'] });
    expect(config.Env).toEqual(['PATH=/opt/bin:/bin', 'OPTS=a=b']);
  });

  test('Labels: union of image and user labels, the user winning on a shared key', () => {
    const { config } = create({ Labels: { maintainer: 'me', extra: 'yes' } });
    expect(config.Labels).toEqual({ maintainer: 'me', 'org.example.tier': 'web', extra: 'yes' });
  });

  test('ExposedPorts and Volumes are unions of the image and the request', () => {
    const { config } = create({ ExposedPorts: { '443/tcp': {} }, Volumes: { '/data': {} } });
    expect(Object.keys(config.ExposedPorts ?? {}).sort()).toEqual(['443/tcp', '80/tcp']);
    expect(Object.keys(config.Volumes ?? {}).sort()).toEqual(['/data', '/var/cache/nginx']);
  });

  test('no ExposedPorts key and null Volumes when neither side has any', () => {
    const { config } = create({}, { Cmd: ['sh'] });
    expect('ExposedPorts' in config).toBe(false);
    expect(config.Volumes).toBeNull();
    expect(config.Labels).toEqual({});
  });

  test('User, WorkingDir and StopSignal come from the image unless the user sets them', () => {
    expect(create({}).config).toMatchObject({ User: 'www', WorkingDir: '/srv', StopSignal: 'SIGQUIT' });
    expect(create({ User: '1000:1000', WorkingDir: '/app', StopSignal: 'SIGTERM' }).config).toMatchObject({
      User: '1000:1000',
      WorkingDir: '/app',
      StopSignal: 'SIGTERM',
    });
  });

  test('a StopSignal Docker cannot parse is refused at create', () => {
    expect(rejection(() => create({ StopSignal: 'SIGNOPE' }))).toBe('Invalid signal: SIGNOPE');
    expect(create({ StopSignal: '9' }).config.StopSignal).toBe('9');
  });

  test('a relative WorkingDir is refused with Docker\'s text, from the user or from the image', () => {
    expect(rejection(() => create({ WorkingDir: 'app' }))).toBe("the working directory 'app' is invalid, it needs to be an absolute path");
    expect(rejection(() => create({}, { Cmd: ['sh'], WorkingDir: 'rel/dir' }))).toBe(
      "the working directory 'rel/dir' is invalid, it needs to be an absolute path",
    );
  });

  test('Healthcheck: the image one when the user sets none', () => {
    const image: ImageDefaults = { Cmd: ['sh'], Healthcheck: { Test: ['CMD', 'true'], Interval: 5e9, Retries: 3 } };
    expect(create({}, image).config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 5e9, Retries: 3 });
  });

  test('Healthcheck: fields the user leaves unset come from the image (docker run --health-interval)', () => {
    const image: ImageDefaults = { Cmd: ['sh'], Healthcheck: { Test: ['CMD', 'true'], Interval: 30e9, Timeout: 3e9, Retries: 3 } };
    const { config } = create({ Healthcheck: { Interval: 5e9 } }, image);
    expect(config.Healthcheck).toEqual({ Test: ['CMD', 'true'], Interval: 5e9, Timeout: 3e9, Retries: 3 });
  });

  test('Healthcheck: a user test (including NONE) wins over the image test', () => {
    const image: ImageDefaults = { Cmd: ['sh'], Healthcheck: { Test: ['CMD', 'true'], Interval: 30e9 } };
    expect(create({ Healthcheck: { Test: ['NONE'] } }, image).config.Healthcheck).toEqual({ Test: ['NONE'], Interval: 30e9 });
  });

  test('Healthcheck: absent when neither side has one', () => {
    expect('Healthcheck' in create({}, { Cmd: ['sh'] }).config).toBe(false);
  });

  test('copies the request flags and defaults the rest', () => {
    const { config } = create({ Tty: true, OpenStdin: true, AttachStdin: true, Hostname: 'web', MacAddress: '02:42:ac:11:00:02', StopTimeout: 0 });
    expect(config).toMatchObject({ Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: false, StdinOnce: false, Hostname: 'web', Image: 'nginx' });
    expect(config.MacAddress).toBe('02:42:ac:11:00:02');
    expect(config.StopTimeout).toBe(0);
    expect('StopTimeout' in create({}).config).toBe(false);
  });
});

describe('normalizeCreate: host config defaults', () => {
  test('an empty HostConfig gets Docker\'s defaults', () => {
    const { hostConfig, warnings } = create({});
    expect(hostConfig).toMatchObject({
      NetworkMode: 'default',
      IpcMode: 'private',
      Runtime: 'runc',
      ShmSize: 64 * MiB,
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: {} },
      CgroupnsMode: 'host',
      Ulimits: null,
    });
    expect(warnings).toEqual([]);
  });

  test('the cgroup namespace defaults to private on cgroup v2, host on v1 (dockerd\'s default-cgroupns-mode)', () => {
    expect(create({}, IMAGE, { ...LIMITS, cgroupVersion: 2 }).hostConfig.CgroupnsMode).toBe('private');
    expect(defaultHostConfig({ ...LIMITS, cgroupVersion: 1 }).CgroupnsMode).toBe('host');
  });

  test('ShmSize 0 means the default 64 MiB; an explicit size is kept', () => {
    expect(withHost({ ShmSize: 0 }).hostConfig.ShmSize).toBe(64 * MiB);
    expect(withHost({ ShmSize: 128 * MiB }).hostConfig.ShmSize).toBe(128 * MiB);
  });

  test('an empty restart policy name is stored as "no"', () => {
    expect(withHost({ RestartPolicy: { Name: '', MaximumRetryCount: 0 } }).hostConfig.RestartPolicy).toEqual({ Name: 'no', MaximumRetryCount: 0 });
  });

  test('only runc is a known runtime', () => {
    expect(rejection(() => withHost({ Runtime: 'kata' }))).toBe('unknown or invalid runtime name: kata');
  });
});

describe('normalizeCreate: resource limits with Docker\'s texts', () => {
  const bad: Array<{ name: string; host: Partial<HostConfig>; message: string; limits?: HostLimits }> = [
    { name: 'memory under 6 MB', host: { Memory: 6 * MiB - 1 }, message: 'Minimum memory limit allowed is 6MB' },
    { name: 'a negative memory limit', host: { Memory: -1 }, message: 'invalid memory limit: must be a positive number' },
    {
      name: 'swap smaller than memory',
      host: { Memory: 64 * MiB, MemorySwap: 32 * MiB },
      message: 'Minimum memoryswap limit should be larger than memory limit, see usage',
    },
    {
      name: 'swap without memory',
      host: { MemorySwap: 64 * MiB },
      message: 'You should always set the Memory limit when using Memoryswap limit, see usage',
    },
    {
      name: 'a reservation above the limit',
      host: { Memory: 64 * MiB, MemoryReservation: 128 * MiB },
      message: 'Minimum memory limit can not be less than memory reservation limit, see usage',
    },
    { name: 'a reservation under 6 MB', host: { MemoryReservation: 6 * MiB - 1 }, message: 'Minimum memory reservation allowed is 6MB' },
    { name: 'swappiness above 100', host: { MemorySwappiness: 101 }, message: 'Invalid value: 101, valid memory swappiness range is 0-100' },
    { name: 'swappiness below -1', host: { MemorySwappiness: -2 }, message: 'Invalid value: -2, valid memory swappiness range is 0-100' },
    {
      name: 'more CPUs than the host has',
      host: { NanoCpus: 2.5e9 },
      message: 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available',
    },
    {
      name: 'the CPU count is the host\'s',
      host: { NanoCpus: 9e9 },
      limits: { ...LIMITS, ncpu: 8 },
      message: 'Range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available',
    },
    {
      name: 'fewer than 0.01 CPUs',
      host: { NanoCpus: 9_999_999 },
      message: 'Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available',
    },
    { name: 'negative Nano CPUs', host: { NanoCpus: -1 }, message: 'invalid CPU value: must be a positive number' },
    {
      name: 'Nano CPUs together with a CPU period',
      host: { NanoCpus: 1e9, CpuPeriod: 100_000 },
      message: 'Conflicting options: Nano CPUs and CPU Period cannot both be set',
    },
    { name: 'a CPU period under 1 ms', host: { CpuPeriod: 999 }, message: 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)' },
    { name: 'a CPU period over 1 s', host: { CpuPeriod: 1_000_001 }, message: 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)' },
    { name: 'a CPU quota under 1 ms', host: { CpuQuota: 999 }, message: 'CPU cfs quota can not be less than 1ms (i.e. 1000)' },
    { name: 'negative CPU shares', host: { CpuShares: -2 }, message: 'invalid CPU shares: must be a positive number' },
    { name: 'blkio weight under 10', host: { BlkioWeight: 9 }, message: 'Range of blkio weight is from 10 to 1000' },
    { name: 'blkio weight over 1000', host: { BlkioWeight: 1001 }, message: 'Range of blkio weight is from 10 to 1000' },
    { name: 'a pids limit below -1', host: { PidsLimit: -2 }, message: 'invalid PIDs limit: must be -1, 0 or a positive number' },
    { name: 'a negative shm size', host: { ShmSize: -1 }, message: 'SHM size can not be less than 0' },
    {
      name: 'a relative tmpfs target',
      host: { Tmpfs: { 'run/app': '' } },
      message: 'invalid mount config for type "tmpfs": invalid mount path: \'run/app\' mount path must be absolute',
    },
  ];
  for (const { name, host, message, limits } of bad) {
    test(`refuses ${name}`, () => {
      expect(rejection(() => normalizeCreate({ Image: 'nginx', HostConfig: host }, IMAGE, limits ?? LIMITS))).toBe(message);
    });
  }

  const good: Array<{ name: string; host: Partial<HostConfig> }> = [
    { name: 'exactly 6 MB of memory', host: { Memory: 6 * MiB } },
    { name: 'swap equal to memory', host: { Memory: 64 * MiB, MemorySwap: 64 * MiB } },
    { name: 'unlimited swap (-1) with memory', host: { Memory: 64 * MiB, MemorySwap: -1 } },
    { name: 'unlimited swap (-1) without memory', host: { MemorySwap: -1 } },
    { name: 'a reservation without a limit', host: { MemoryReservation: 32 * MiB } },
    { name: 'swappiness 0, 100 and -1 (unset)', host: { MemorySwappiness: 0 } },
    { name: 'swappiness 100', host: { MemorySwappiness: 100 } },
    { name: 'swappiness -1', host: { MemorySwappiness: -1 } },
    { name: '0.01 CPUs', host: { NanoCpus: 10_000_000 } },
    { name: 'all the host\'s CPUs', host: { NanoCpus: 2e9 } },
    { name: 'a CPU period and quota without Nano CPUs', host: { CpuPeriod: 1000, CpuQuota: 1000 } },
    { name: 'a CPU period of exactly 1 s', host: { CpuPeriod: 1_000_000 } },
    { name: 'an unlimited CPU quota (-1)', host: { CpuQuota: -1 } },
    { name: 'blkio weight 10 and 1000', host: { BlkioWeight: 10 } },
    { name: 'blkio weight 1000', host: { BlkioWeight: 1000 } },
    { name: 'pids limit -1 and 0 (unlimited)', host: { PidsLimit: -1 } },
    { name: 'pids limit 0', host: { PidsLimit: 0 } },
    { name: 'an absolute tmpfs target', host: { Tmpfs: { '/run': 'size=64m' } } },
  ];
  for (const { name, host } of good) {
    test(`accepts ${name}`, () => {
      expect(() => withHost(host)).not.toThrow();
    });
  }

  test('the accepted values are kept in the host config', () => {
    const { hostConfig } = withHost({ Memory: 64 * MiB, MemorySwap: -1, NanoCpus: 1.5e9, PidsLimit: 100, BlkioWeight: 500 });
    expect(hostConfig).toMatchObject({ Memory: 64 * MiB, MemorySwap: -1, NanoCpus: 1.5e9, PidsLimit: 100, BlkioWeight: 500 });
  });

  test('warns (and still creates) when the OOM killer is disabled without a memory limit', () => {
    expect(withHost({ OomKillDisable: true }).warnings).toEqual([
      'OOM killer is disabled for the container, but no memory limit is set, this can result in the system running out of resources.',
    ]);
    expect(withHost({ OomKillDisable: true, Memory: 64 * MiB }).warnings).toEqual([]);
  });
});

describe('normalizeCreate: restart policy', () => {
  test('accepts every policy Docker knows', () => {
    for (const name of ['no', 'always', 'unless-stopped', 'on-failure'] as const) {
      expect(withHost({ RestartPolicy: { Name: name, MaximumRetryCount: 0 } }).hostConfig.RestartPolicy).toEqual({ Name: name, MaximumRetryCount: 0 });
    }
  });

  test('keeps a retry count with on-failure', () => {
    expect(withHost({ RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 5 } }).hostConfig.RestartPolicy).toEqual({
      Name: 'on-failure',
      MaximumRetryCount: 5,
    });
  });

  const bad: Array<{ name: string; policy: { Name: string; MaximumRetryCount: number }; autoRemove?: boolean; message: string }> = [
    { name: 'an unknown name', policy: { Name: 'sometimes', MaximumRetryCount: 0 }, message: "invalid restart policy 'sometimes'" },
    {
      name: 'a retry count with always',
      policy: { Name: 'always', MaximumRetryCount: 3 },
      message: "invalid restart policy: maximum retry count can only be used with 'on-failure'",
    },
    {
      name: 'a retry count with unless-stopped',
      policy: { Name: 'unless-stopped', MaximumRetryCount: 1 },
      message: "invalid restart policy: maximum retry count can only be used with 'on-failure'",
    },
    {
      name: 'a negative retry count',
      policy: { Name: 'on-failure', MaximumRetryCount: -1 },
      message: 'invalid restart policy: maximum retry count cannot be negative',
    },
    {
      name: '--rm with a restart policy',
      policy: { Name: 'always', MaximumRetryCount: 0 },
      autoRemove: true,
      message: 'conflicting options: cannot specify both --restart and --rm',
    },
  ];
  for (const { name, policy, autoRemove, message } of bad) {
    test(`refuses ${name}`, () => {
      const host = { RestartPolicy: policy as HostConfig['RestartPolicy'], AutoRemove: autoRemove ?? false };
      expect(rejection(() => withHost(host))).toBe(message);
    });
  }

  test('--rm goes with "no" and with an empty policy', () => {
    expect(withHost({ AutoRemove: true, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 } }).hostConfig.AutoRemove).toBe(true);
    expect(withHost({ AutoRemove: true }).hostConfig.RestartPolicy.Name).toBe('no');
  });
});

describe('normalizeCreate: ulimits', () => {
  test('keeps valid ulimits', () => {
    const ulimits = [{ Name: 'nofile', Soft: 1024, Hard: 4096 }, { Name: 'core', Soft: 0, Hard: 0 }];
    expect(withHost({ Ulimits: ulimits }).hostConfig.Ulimits).toEqual(ulimits);
  });

  test('an empty list stays empty, an absent one is null', () => {
    expect(withHost({ Ulimits: [] }).hostConfig.Ulimits).toEqual([]);
    expect(withHost({}).hostConfig.Ulimits).toBeNull();
  });

  const bad: Array<{ name: string; ulimit: { Name: string; Soft: number; Hard: number }; message: string }> = [
    { name: 'an unknown type', ulimit: { Name: 'files', Soft: 1, Hard: 1 }, message: 'invalid ulimit type: files' },
    { name: 'the RLIMIT_ spelling', ulimit: { Name: 'RLIMIT_NOFILE', Soft: 1, Hard: 1 }, message: 'invalid ulimit type: RLIMIT_NOFILE' },
    {
      name: 'soft above hard',
      ulimit: { Name: 'nofile', Soft: 2048, Hard: 1024 },
      message: 'ulimit soft limit must be less than or equal to hard limit: 2048 > 1024',
    },
    {
      name: 'a hard limit above the daemon\'s',
      ulimit: { Name: 'nofile', Soft: 1024, Hard: 524289 },
      message:
        "ulimit nofile=1024:524289 is above the daemon's hard limit 524288; raising it needs CAP_SYS_RESOURCE, which this host does not grant",
    },
  ];
  for (const { name, ulimit, message } of bad) {
    test(`refuses ${name}`, () => {
      expect(rejection(() => withHost({ Ulimits: [ulimit] }))).toBe(message);
    });
  }

  test('the daemon\'s own hard limit is allowed, and an unlimited (-1) daemon limit sets no ceiling', () => {
    expect(() => withHost({ Ulimits: [{ Name: 'nofile', Soft: 524288, Hard: 524288 }] })).not.toThrow();
    expect(() => withHost({ Ulimits: [{ Name: 'nproc', Soft: 1e9, Hard: 1e9 }] })).not.toThrow();
    expect(() => withHost({ Ulimits: [{ Name: 'stack', Soft: 1e12, Hard: 1e12 }] })).not.toThrow();
  });
});

describe('normalizeCreate: sysctls', () => {
  const allowed = ['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'fs.mqueue.msg_max', 'net.ipv4.ip_forward', 'net.core.somaxconn'];
  for (const key of allowed) {
    test(`allows the namespaced ${key}`, () => {
      expect(withHost({ Sysctls: { [key]: '1' } }).hostConfig.Sysctls).toEqual({ [key]: '1' });
    });
  }

  for (const key of ['kernel.hostname', 'vm.swappiness', 'kernel.semx', 'fs.file-max', 'kernel.pid_max']) {
    test(`refuses the host-wide ${key}`, () => {
      expect(rejection(() => withHost({ Sysctls: { [key]: '1' } }))).toBe(`sysctl '${key}' is not allowed: it is not namespaced`);
    });
  }

  test('net.* is refused with the host network, IPC sysctls with the host IPC namespace', () => {
    expect(rejection(() => withHost({ NetworkMode: 'host', Sysctls: { 'net.core.somaxconn': '1024' } }))).toBe(
      "sysctl 'net.core.somaxconn' not allowed in host network namespace",
    );
    expect(rejection(() => withHost({ IpcMode: 'host', Sysctls: { 'kernel.shmmax': '1' } }))).toBe(
      "sysctl 'kernel.shmmax' not allowed with host IPC namespace",
    );
    expect(() => withHost({ IpcMode: 'host', Sysctls: { 'net.core.somaxconn': '1024' } })).not.toThrow();
    expect(() => withHost({ NetworkMode: 'host', Sysctls: { 'kernel.shmmax': '1' } })).not.toThrow();
  });
});

describe('normalizeCreate: log driver and options', () => {
  test('json-file by default, with its options kept', () => {
    const { hostConfig } = withHost({ LogConfig: { Type: '', Config: { 'max-size': '10m', 'max-file': '3' } } });
    expect(hostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
  });

  test('accepts local and none', () => {
    expect(withHost({ LogConfig: { Type: 'local', Config: {} } }).hostConfig.LogConfig.Type).toBe('local');
    expect(withHost({ LogConfig: { Type: 'none', Config: {} } }).hostConfig.LogConfig.Type).toBe('none');
  });

  test('accepts every option dockerd\'s json-file driver accepts, plus the generic mode options', () => {
    const config = {
      'max-size': '1m', 'max-file': '2', compress: 'true', labels: 'a', 'labels-regex': '^a', env: 'A', 'env-regex': '^A', tag: '{{.Name}}',
      mode: 'non-blocking', 'max-buffer-size': '4m',
    };
    expect(withHost({ LogConfig: { Type: 'json-file', Config: config } }).hostConfig.LogConfig.Config).toEqual(config);
  });

  test('refuses an unknown driver and an unknown option', () => {
    expect(rejection(() => withHost({ LogConfig: { Type: 'syslog', Config: {} } }))).toBe(
      'logging driver "syslog" is not supported by berth (json-file, local, none)',
    );
    expect(rejection(() => withHost({ LogConfig: { Type: 'json-file', Config: { 'max-sise': '1m' } } }))).toBe(
      "unknown log opt 'max-sise' for json-file log driver",
    );
  });
});

describe('normalizeCreate: security options and capabilities', () => {
  for (const option of ['no-new-privileges', 'no-new-privileges:true', 'no-new-privileges=true', 'seccomp=unconfined', 'seccomp:unconfined', 'apparmor=unconfined', 'label=disable', 'systempaths=unconfined', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']) {
    test(`accepts --security-opt ${option}`, () => {
      expect(withHost({ SecurityOpt: [option] }).hostConfig.SecurityOpt).toEqual([option]);
    });
  }

  test('refuses an unknown security option', () => {
    expect(rejection(() => withHost({ SecurityOpt: ['selinux=on'] }))).toBe('invalid --security-opt: "selinux=on"');
  });

  test('refuses a seccomp profile that is neither unconfined nor inline JSON (the CLI sends files inline)', () => {
    expect(rejection(() => withHost({ SecurityOpt: ['seccomp=/etc/profile.json'] }))).toBe(
      'invalid --security-opt seccomp: only "unconfined" or an inline JSON profile is supported',
    );
  });

  test('refuses to add a capability berthd itself lacks, naming it; held ones, ALL and drops pass', () => {
    const limits: HostLimits = { ...LIMITS, capabilities: ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_RESOURCE') };
    const attempt = (host: Partial<HostConfig>): ReturnType<typeof normalizeCreate> => normalizeCreate({ Image: 'nginx', HostConfig: host }, IMAGE, limits);
    expect(rejection(() => attempt({ CapAdd: ['NET_ADMIN', 'sys_resource'] }))).toBe(
      'capability CAP_SYS_RESOURCE cannot be granted: berthd itself does not hold it on this host',
    );
    expect(() => attempt({ CapAdd: ['NET_ADMIN', 'ALL'], CapDrop: ['SYS_RESOURCE'] })).not.toThrow();
    expect(() => attempt({ CapDrop: ['SYS_RESOURCE'] })).not.toThrow();
    expect(() => withHost({ CapAdd: ['SYS_RESOURCE'] })).not.toThrow();
  });

  test('refuses an unknown capability in CapAdd or CapDrop', () => {
    expect(rejection(() => withHost({ CapAdd: ['NET_ADMIN', 'FLY'] }))).toBe('unknown capability: "CAP_FLY"');
    expect(rejection(() => withHost({ CapDrop: ['cap_nope'] }))).toBe('unknown capability: "CAP_NOPE"');
  });
});

describe('normalizeCapability', () => {
  const cases: Array<[string, string]> = [
    ['net_admin', 'CAP_NET_ADMIN'],
    ['NET_ADMIN', 'CAP_NET_ADMIN'],
    ['CAP_NET_ADMIN', 'CAP_NET_ADMIN'],
    ['cap_sys_admin', 'CAP_SYS_ADMIN'],
    ['all', 'ALL'],
    ['ALL', 'ALL'],
  ];
  for (const [input, expected] of cases) {
    test(`${input} → ${expected}`, () => expect(normalizeCapability(input)).toBe(expected));
  }

  test('every known capability normalises to itself, with or without the prefix', () => {
    for (const cap of ALL_CAPABILITIES) {
      expect(normalizeCapability(cap)).toBe(cap);
      expect(normalizeCapability(cap.slice(4).toLowerCase())).toBe(cap);
    }
  });

  test('refuses unknown names with the CAP_ prefixed name in the message', () => {
    expect(rejection(() => normalizeCapability('CAP_ALL'))).toBe('unknown capability: "CAP_ALL"');
    expect(rejection(() => normalizeCapability(''))).toBe('unknown capability: "CAP_"');
  });
});

describe('effectiveCapabilities', () => {
  const sorted = (caps: readonly string[]): string[] => [...caps].sort();

  test('without changes: the defaults', () => {
    expect(sorted(effectiveCapabilities(DEFAULT_CAPABILITIES, null, null))).toEqual(sorted(DEFAULT_CAPABILITIES));
  });

  test('adds and drops by any spelling', () => {
    const caps = effectiveCapabilities(DEFAULT_CAPABILITIES, ['net_admin'], ['CAP_NET_RAW', 'mknod']);
    expect(caps).toContain('CAP_NET_ADMIN');
    expect(caps).not.toContain('CAP_NET_RAW');
    expect(caps).not.toContain('CAP_MKNOD');
    expect(caps).toHaveLength(DEFAULT_CAPABILITIES.length - 1);
  });

  test('--cap-add ALL: every capability', () => {
    expect(sorted(effectiveCapabilities(DEFAULT_CAPABILITIES, ['ALL'], null))).toEqual(sorted(ALL_CAPABILITIES));
  });

  test('--cap-add ALL --cap-drop X: every capability but X', () => {
    const caps = effectiveCapabilities(DEFAULT_CAPABILITIES, ['ALL'], ['SYS_ADMIN']);
    expect(caps).toHaveLength(ALL_CAPABILITIES.length - 1);
    expect(caps).not.toContain('CAP_SYS_ADMIN');
  });

  test('--cap-drop ALL --cap-add X: only X', () => {
    expect(effectiveCapabilities(DEFAULT_CAPABILITIES, ['NET_BIND_SERVICE'], ['ALL'])).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(effectiveCapabilities(DEFAULT_CAPABILITIES, null, ['all'])).toEqual([]);
  });

  test('as Docker, an added capability is kept even if it is also dropped', () => {
    expect(effectiveCapabilities(DEFAULT_CAPABILITIES, ['NET_ADMIN'], ['NET_ADMIN'])).toContain('CAP_NET_ADMIN');
    expect(effectiveCapabilities(DEFAULT_CAPABILITIES, ['CHOWN'], ['CHOWN'])).toContain('CAP_CHOWN');
  });

  test('as Docker, --cap-add ALL wins over --cap-drop ALL', () => {
    expect(sorted(effectiveCapabilities(DEFAULT_CAPABILITIES, ['ALL'], ['ALL']))).toEqual(sorted(ALL_CAPABILITIES));
  });

  test('adding a default capability does not list it twice', () => {
    const caps = effectiveCapabilities(DEFAULT_CAPABILITIES, ['CHOWN'], null);
    expect(caps.filter((c) => c === 'CAP_CHOWN')).toHaveLength(1);
  });

  test('property: the result is a duplicate-free subset of all capabilities, holding every add and, without ALL, no drop that is not added', () => {
    const capName = fc.constantFrom(...ALL_CAPABILITIES);
    fc.assert(
      fc.property(fc.array(capName, { maxLength: 6 }), fc.array(capName, { maxLength: 6 }), (add, drop) => {
        const caps = effectiveCapabilities(DEFAULT_CAPABILITIES, add, drop);
        expect(new Set(caps).size).toBe(caps.length);
        for (const cap of caps) expect(ALL_CAPABILITIES).toContain(cap);
        for (const cap of add) expect(caps).toContain(cap);
        for (const cap of drop) if (!add.includes(cap)) expect(caps).not.toContain(cap);
        for (const cap of DEFAULT_CAPABILITIES) if (!drop.includes(cap)) expect(caps).toContain(cap);
      }),
    );
  });
});

describe('validateContainerName', () => {
  const good: Array<[string, string]> = [
    ['web', 'web'],
    ['/web', 'web'],
    ['w', 'w'],
    ['web_1.blue-2', 'web_1.blue-2'],
    ['0abc', '0abc'],
  ];
  for (const [input, expected] of good) {
    test(`accepts ${input}`, () => expect(validateContainerName(input)).toBe(expected));
  }

  for (const input of ['', '/', '_web', '-web', '.web', 'we b', 'web/1', 'wéb', '//web']) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      expect(rejection(() => validateContainerName(input))).toBe(`Invalid container name (${input}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    });
  }
});
