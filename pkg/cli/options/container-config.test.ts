// run/create flags to the create request, with docker's validation messages.
import { describe, expect, test } from 'vitest';
import { FlagValueError } from '../errors.js';
import { parseCommandLine } from '../parse-args.js';
import { CONTAINER_COMMANDS } from '../specs/container-specs.js';
import { buildContainerCreate, ContainerConfigError } from './container-config.js';

const runSpec = CONTAINER_COMMANDS.find((spec) => spec.path[1] === 'run')!;

function plan(argv: string[], files: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) {
  const { flags, args } = parseCommandLine(runSpec, argv);
  return buildContainerCreate({
    image: args[0]!,
    command: args.slice(1),
    flags,
    env,
    readFile: (path) => {
      if (!(path in files)) throw Object.assign(new Error(`open ${path}`), { code: 'ENOENT' });
      return Buffer.from(files[path]!);
    },
  });
}

describe('resource flags', () => {
  const cases: [string[], Record<string, unknown>][] = [
    [['--cpus', '1.5'], { NanoCpus: 1_500_000_000 }],
    [['--cpus', '3/2'], { NanoCpus: 1_500_000_000 }],
    [['--cpus', '0.000000001'], { NanoCpus: 1 }],
    [['-m', '64m'], { Memory: 67_108_864 }],
    [['--memory', '1g', '--memory-swap', '-1'], { Memory: 1_073_741_824, MemorySwap: -1 }],
    [['--memory-reservation', '32m'], { MemoryReservation: 33_554_432 }],
    [['-c', '512'], { CpuShares: 512 }],
    [['--cpu-shares=256'], { CpuShares: 256 }],
    [['--pids-limit', '100'], { PidsLimit: 100 }],
    [['--shm-size', '1m'], { ShmSize: 1_048_576 }],
    [['--memory-swappiness', '10'], { MemorySwappiness: 10 }],
    [['--ulimit', 'nofile=1024:2048', '--ulimit', 'nproc=5'], { Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }, { Name: 'nproc', Soft: 5, Hard: 5 }] }],
  ];
  for (const [flags, expected] of cases) {
    test(`${flags.join(' ')}`, () => expect(plan([...flags, 'busybox']).body.HostConfig).toMatchObject(expected));
  }
});

describe("rejects bad values with docker's messages", () => {
  const cases: [string[], string][] = [
    [['-m', 'x'], 'invalid argument "x" for "-m, --memory" flag: invalid size: \'x\''],
    [['--memory-swap', 'x'], 'invalid argument "x" for "--memory-swap" flag: invalid size: \'x\''],
    [['--cpus', 'abc'], 'invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number'],
    [['--cpus', '0.0000000001'], 'invalid argument "0.0000000001" for "--cpus" flag: value is too precise'],
    [['--pids-limit', 'x'], 'invalid argument "x" for "--pids-limit" flag: strconv.ParseInt: parsing "x": invalid syntax'],
    [['--cpu-shares', 'x'], 'invalid argument "x" for "-c, --cpu-shares" flag: strconv.ParseInt: parsing "x": invalid syntax'],
    [['--ulimit', 'nofile=abc'], 'invalid argument "nofile=abc" for "--ulimit" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    [['--ulimit', 'bogus=1:2'], 'invalid argument "bogus=1:2" for "--ulimit" flag: invalid ulimit type: bogus'],
    [['--ulimit', 'nofile=2:1'], 'invalid argument "nofile=2:1" for "--ulimit" flag: ulimit soft limit must be less than or equal to hard limit: 2 > 1'],
    [['-a', 'bogus'], 'invalid argument "bogus" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR'],
    [['--sysctl', 'bad'], 'invalid argument "bad" for "--sysctl" flag: sysctl \'bad\' is not allowed'],
    [['-e', '=x'], 'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x'],
    [['--label', ' =x'], "invalid argument \" =x\" for \"-l, --label\" flag: invalid label ' =x': empty name"],
    [['--stop-timeout', 'x'], 'invalid argument "x" for "--stop-timeout" flag: strconv.ParseInt: parsing "x": invalid syntax'],
  ];
  for (const [flags, message] of cases) {
    test(flags.join(' '), () => {
      const attempt = (): unknown => plan([...flags, 'busybox']);
      expect(attempt).toThrow(FlagValueError);
      expect(attempt).toThrow(message);
    });
  }

  test('--init=maybe fails at parse time like pflag', () => {
    expect(() => parseCommandLine(runSpec, ['--init=maybe', 'busybox'])).toThrow('invalid argument "maybe" for "--init" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
  });
});

describe('semantic errors', () => {
  const cases: [string[], string][] = [
    [['--rm', '--restart', 'always'], 'conflicting options: cannot specify both --restart and --rm'],
    [['--restart', 'on-failure:x'], 'invalid restart policy format: maximum retry count must be an integer'],
    [['--security-opt', 'bad'], 'Invalid --security-opt: "bad"'],
    [['--storage-opt', 'x'], 'invalid storage option'],
    [['--memory-swappiness', '101'], 'invalid value: 101. Valid memory swappiness range is 0-100'],
    [['--env-file', 'nofile'], 'open nofile: no such file or directory'],
    [['--no-healthcheck', '--health-cmd', 'true'], '--no-healthcheck conflicts with --health-* options'],
    [['--log-driver', 'none', '--log-opt', 'a=b'], 'invalid logging opts for driver none'],
    [['--pid', 'bogus'], '--pid: invalid PID mode'],
  ];
  for (const [flags, message] of cases) {
    test(flags.join(' '), () => {
      const attempt = (): unknown => plan([...flags, 'busybox']);
      expect(attempt).toThrow(ContainerConfigError);
      expect(attempt).toThrow(message);
    });
  }
});

describe('config mapping', () => {
  test('a plain run attaches stdout/stderr and mirrors docker defaults', () => {
    const { body, name } = plan(['busybox', 'echo', 'hi']);
    expect(name).toBeUndefined();
    expect(body).toMatchObject({
      Image: 'busybox',
      Cmd: ['echo', 'hi'],
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: false,
      StdinOnce: false,
      Tty: false,
      Env: null,
      Entrypoint: null,
      Labels: {},
    });
    expect(body.HostConfig).toMatchObject({ NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false, ConsoleSize: [0, 0], MemorySwappiness: -1 });
    expect(body.HostConfig).not.toHaveProperty('Init');
  });

  test('-i attaches stdin once; -a picks streams', () => {
    expect(plan(['-i', 'busybox']).body).toMatchObject({ AttachStdin: true, OpenStdin: true, StdinOnce: true });
    expect(plan(['-a', 'STDERR', 'busybox']).body).toMatchObject({ AttachStdin: false, AttachStdout: false, AttachStderr: true });
  });

  test('combined short flags and flags after the image are container arguments', () => {
    const { body } = plan(['-it', '--rm', 'busybox', 'sh', '-c', 'echo -e x', '--rm']);
    expect(body).toMatchObject({ Tty: true, OpenStdin: true, Cmd: ['sh', '-c', 'echo -e x', '--rm'] });
    expect(body.HostConfig?.AutoRemove).toBe(true);
  });

  test('names, env, labels, users, workdir, entrypoint, hostname (-h), init, caps and more', () => {
    const result = plan(
      [
        '--name', 'web', '-e', 'A=1', '--env', 'FROM_HOST', '-l', 'k=v', '--label=x', '-u', '1000:1000', '-w', '/srv', '--entrypoint', '/bin/sh',
        '-h', 'box', '--init', '--read-only', '--privileged', '--cap-add', 'NET_ADMIN', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
        '--tmpfs', '/run:size=1m', '--tmpfs', '/cache', '--sysctl', 'net.ipv4.ip_forward=1', '--log-driver', 'json-file', '--log-opt', 'max-size=1m',
        '--stop-signal', 'SIGINT', '--stop-timeout', '5', '--restart', 'on-failure:3', 'busybox',
      ],
      {},
      { FROM_HOST: 'yes' },
    );
    expect(result.name).toBe('web');
    expect(result.body).toMatchObject({
      Env: ['A=1', 'FROM_HOST=yes'],
      Labels: { k: 'v', x: '' },
      User: '1000:1000',
      WorkingDir: '/srv',
      Entrypoint: ['/bin/sh'],
      Hostname: 'box',
      StopSignal: 'SIGINT',
      StopTimeout: 5,
    });
    expect(result.body.HostConfig).toMatchObject({
      Init: true,
      ReadonlyRootfs: true,
      Privileged: true,
      CapAdd: ['NET_ADMIN'],
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Tmpfs: { '/run': 'size=1m', '/cache': '' },
      Sysctls: { 'net.ipv4.ip_forward': '1' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 },
    });
  });

  test('--entrypoint "" resets the entrypoint', () => {
    expect(plan(['--entrypoint', '', 'busybox']).body.Entrypoint).toEqual(['']);
  });

  test('--init=false is sent explicitly; --sig-proxy=false parses', () => {
    expect(plan(['--init=false', 'busybox']).body.HostConfig?.Init).toBe(false);
    const { flags } = parseCommandLine(runSpec, ['--sig-proxy=false', 'busybox']);
    expect(flags.changed('sig-proxy')).toBe(true);
    expect(flags.bool('sig-proxy')).toBe(false);
  });

  test('env files come before -e and skip comments; bare keys come from the environment', () => {
    const files = { 'a.env': '# comment\n\nA=1\n  B=two words\nFROM_HOST\nMISSING\n', 'labels': 'x=1\ny\n' };
    const { body } = plan(['--env-file', 'a.env', '-e', 'C=3', '--label-file', 'labels', 'busybox'], files, { FROM_HOST: 'h' });
    expect(body.Env).toEqual(['A=1', 'B=two words', 'FROM_HOST=h', 'C=3']);
    expect(body.Labels).toEqual({ x: '1' });
  });

  test('health flags become a healthcheck in nanoseconds', () => {
    expect(plan(['--health-cmd', 'true', '--health-interval', '1m30s', '--health-retries', '2', 'busybox']).body.Healthcheck).toEqual({
      Test: ['CMD-SHELL', 'true'],
      Interval: 90_000_000_000,
      Timeout: 0,
      StartPeriod: 0,
      StartInterval: 0,
      Retries: 2,
    });
    expect(plan(['--no-healthcheck', 'busybox']).body.Healthcheck).toEqual({ Test: ['NONE'] });
  });

  test('-d sets nothing in the request by itself; --platform and --pull are reported', () => {
    const result = plan(['-d', '--platform', 'linux/arm64', '--pull', 'never', 'busybox']);
    expect(result.platform).toBe('linux/arm64');
    expect(result.pull).toBe('never');
  });
});

describe('network, port and volume flags (issue 3)', () => {
  // Recorded from `docker run` 28.2 against a capturing engine: the parts of the create request
  // these flags decide.
  test('-p, -P and --expose fill ExposedPorts, PortBindings and PublishAllPorts', () => {
    const { body } = plan(['-p', '8080:80', '-p', '127.0.0.1:8081:81/udp', '-p', '[::]:86:86', '-P', '--expose', '7000-7001', 'busybox']);
    expect(body.ExposedPorts).toEqual({ '7000/tcp': {}, '7001/tcp': {}, '80/tcp': {}, '81/udp': {}, '86/tcp': {} });
    expect(body.HostConfig).toMatchObject({
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '81/udp': [{ HostIp: '127.0.0.1', HostPort: '8081' }], '86/tcp': [{ HostIp: '::', HostPort: '86' }] },
      PublishAllPorts: true,
    });
    expect(plan(['busybox']).body).not.toHaveProperty('ExposedPorts');
  });

  test('-v splits into Binds and Volumes; --mount and --tmpfs pass through', () => {
    const { body } = plan(['-v', '/host:/ctr:ro', '-v', 'name:/data', '-v', '/anon', '--mount', 'type=tmpfs,dst=/t', '--tmpfs', '/run:size=1m', 'busybox']);
    expect(body.Volumes).toEqual({ '/anon': {} });
    expect(body.HostConfig).toMatchObject({ Binds: ['/host:/ctr:ro', 'name:/data'], Mounts: [{ Type: 'tmpfs', Target: '/t' }], Tmpfs: { '/run': 'size=1m' } });
  });

  test('names, DNS, hosts, links and volumes-from', () => {
    const { body } = plan([
      '--network', 'mynet', '--network-alias', 'a1', '--ip', '10.0.0.5', '--mac-address', '02:42:ac:11:00:02', '--link', 'c1:al', '-h', 'myhost',
      '--domainname', 'example.com', '--add-host', 'h1:1.2.3.4', '--add-host', 'h2=::1', '--add-host', 'h3:host-gateway', '--dns', '8.8.8.8',
      '--dns-search', 'example.com', '--dns-option', 'ndots:2', '--dns-opt', 'rotate', '--volumes-from', 'other:ro', '--volume-driver', 'local', 'busybox',
    ]);
    expect(body).toMatchObject({ Hostname: 'myhost', Domainname: 'example.com' });
    expect(body).not.toHaveProperty('MacAddress');
    expect(body.HostConfig).toMatchObject({
      NetworkMode: 'mynet',
      Dns: ['8.8.8.8'],
      DnsSearch: ['example.com'],
      DnsOptions: ['ndots:2', 'rotate'],
      ExtraHosts: ['h1:1.2.3.4', 'h2:::1', 'h3:host-gateway'],
      Links: ['c1:al'],
      VolumesFrom: ['other:ro'],
      VolumeDriver: 'local',
    });
    expect(body.NetworkingConfig).toEqual({
      EndpointsConfig: {
        mynet: expect.objectContaining({ IPAMConfig: { IPv4Address: '10.0.0.5' }, Links: ['c1:al'], Aliases: ['a1'], MacAddress: '02:42:ac:11:00:02' }),
      },
    });
  });

  test('--net and --network accumulate in command-line order', () => {
    const { body } = plan(['--net', 'n1', '--network', 'n2', '--net', 'n3', 'busybox']);
    expect(body.HostConfig?.NetworkMode).toBe('n1');
    expect(Object.keys(body.NetworkingConfig?.EndpointsConfig ?? {})).toEqual(['n1', 'n2', 'n3']);
  });

  test('flag values docker validates while parsing fail as invalid arguments', () => {
    const cases: [string[], string][] = [
      [['--add-host', 'foo'], 'invalid argument "foo" for "--add-host" flag: bad format for add-host: "foo"'],
      [['--dns', 'x'], 'invalid argument "x" for "--dns" flag: IP address is not correctly formatted: x'],
      [['--dns-search', '-x'], 'invalid argument "-x" for "--dns-search" flag: -x is not a valid domain'],
      [['--link', 'a:b:c'], 'invalid argument "a:b:c" for "--link" flag: bad format for links: a:b:c'],
      [['--mount', 'type=bind'], 'invalid argument "type=bind" for "--mount" flag: target is required'],
      [['--network', 'foo=bar'], 'invalid argument "foo=bar" for "--network" flag: invalid field key foo'],
    ];
    for (const [flags, message] of cases) {
      const attempt = (): unknown => plan([...flags, 'busybox']);
      expect(attempt).toThrow(FlagValueError);
      expect(attempt).toThrow(message);
    }
  });

  test('the rest fail like docker: "docker: <message>" with status 125', () => {
    const cases: [string[], string][] = [
      [['-p', 'foo'], 'invalid containerPort: foo'],
      [['--expose', '80:90'], 'invalid port format for --expose: 80:90'],
      [['-v', '/a::/b'], 'invalid spec: /a::/b: empty section between colons'],
      [['--mac-address', 'zz'], 'zz is not a valid mac address'],
      [['--network', 'host', '--network', 'n2'], 'conflicting options: cannot attach both user-defined and non-user-defined network-modes'],
      [['--network-alias', 'x'], 'network-scoped aliases are only supported for user-defined networks'],
      // docker checks the MAC address before anything else.
      [['--mac-address', 'zz', '-p', 'foo'], 'zz is not a valid mac address'],
    ];
    for (const [flags, message] of cases) {
      const attempt = (): unknown => plan([...flags, 'busybox']);
      expect(attempt).toThrow(ContainerConfigError);
      expect(attempt).toThrow(message);
    }
  });
});
