// Flag specs shared by `run` and `create` (pure data), named and typed like docker's so scripts and
// help output carry over. Network/volume flags (-p, -P, --network, -v, --mount, --dns, --add-host)
// arrive with issue 3: add their specs here and their mapping in options/container-config.ts.
import type { FlagSpec } from '../spec.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });
const list = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'list', typeName, description, ...extra });

/** Flags of docker's containerOptions that Berth maps into the create request. */
export const CONTAINER_CONFIG_FLAGS: readonly FlagSpec[] = [
  list('annotation', 'map', 'Add an annotation to the container (passed through to the OCI runtime)', { defaultText: 'map[]' }),
  list('attach', 'list', 'Attach to STDIN, STDOUT or STDERR', { short: 'a' }),
  value('blkio-weight', 'uint16', 'Block IO (relative weight), between 10 and 1000, or 0 to disable', { defaultText: '0' }),
  list('cap-add', 'list', 'Add Linux capabilities'),
  list('cap-drop', 'list', 'Drop Linux capabilities'),
  value('cgroup-parent', 'string', 'Optional parent cgroup for the container'),
  value('cgroupns', 'string', "Cgroup namespace to use (host|private)\n'host':    Run the container in the host's cgroup namespace\n'private': Run the container in its own private cgroup namespace\n'':        Use the cgroup namespace as configured by the\n           default-cgroupns-mode option on the daemon (default)"),
  value('cidfile', 'string', 'Write the container ID to the file'),
  value('cpu-period', 'int', 'Limit CPU CFS (Completely Fair Scheduler) period'),
  value('cpu-quota', 'int', 'Limit CPU CFS (Completely Fair Scheduler) quota'),
  value('cpu-rt-period', 'int', 'Limit CPU real-time period in microseconds'),
  value('cpu-rt-runtime', 'int', 'Limit CPU real-time runtime in microseconds'),
  value('cpu-shares', 'int', 'CPU shares (relative weight)', { short: 'c' }),
  value('cpus', 'decimal', 'Number of CPUs'),
  value('cpuset-cpus', 'string', 'CPUs in which to allow execution (0-3, 0,1)'),
  value('cpuset-mems', 'string', 'MEMs in which to allow execution (0-3, 0,1)'),
  list('device-cgroup-rule', 'list', 'Add a rule to the cgroup allowed devices list'),
  value('domainname', 'string', 'Container NIS domain name'),
  value('entrypoint', 'string', 'Overwrite the default ENTRYPOINT of the image'),
  list('env', 'list', 'Set environment variables', { short: 'e' }),
  list('env-file', 'list', 'Read in a file of environment variables'),
  list('group-add', 'list', 'Add additional groups to join'),
  value('health-cmd', 'string', 'Command to run to check health'),
  value('health-interval', 'duration', 'Time between running the check (ms|s|m|h) (default 0s)'),
  value('health-retries', 'int', 'Consecutive failures needed to report unhealthy'),
  value('health-start-interval', 'duration', 'Time between running the check during the start period (ms|s|m|h) (default 0s)'),
  value('health-start-period', 'duration', 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)'),
  value('health-timeout', 'duration', 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)'),
  value('hostname', 'string', 'Container host name', { short: 'h' }),
  bool('init', 'Run an init inside the container that forwards signals and reaps processes'),
  bool('interactive', 'Keep STDIN open even if not attached', { short: 'i' }),
  value('ipc', 'string', 'IPC mode to use'),
  value('isolation', 'string', 'Container isolation technology'),
  list('label', 'list', 'Set meta data on a container', { short: 'l' }),
  list('label-file', 'list', 'Read in a line delimited file of labels'),
  value('log-driver', 'string', 'Logging driver for the container'),
  list('log-opt', 'list', 'Log driver options'),
  value('memory', 'bytes', 'Memory limit', { short: 'm' }),
  value('memory-reservation', 'bytes', 'Memory soft limit'),
  value('memory-swap', 'bytes', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
  value('memory-swappiness', 'int', 'Tune container memory swappiness (0 to 100)', { defaultText: '-1' }),
  value('name', 'string', 'Assign a name to the container'),
  bool('no-healthcheck', 'Disable any container-specified HEALTHCHECK'),
  bool('oom-kill-disable', 'Disable OOM Killer'),
  value('oom-score-adj', 'int', "Tune host's OOM preferences (-1000 to 1000)"),
  value('pid', 'string', 'PID namespace to use'),
  value('pids-limit', 'int', 'Tune container pids limit (set -1 for unlimited)'),
  value('platform', 'string', 'Set platform if server is multi-platform capable'),
  bool('privileged', 'Give extended privileges to this container'),
  value('pull', 'string', 'Pull image before running ("always", "missing", "never")', { defaultText: '"missing"' }),
  bool('quiet', 'Suppress the pull output', { short: 'q' }),
  bool('read-only', "Mount the container's root filesystem as read only"),
  value('restart', 'string', 'Restart policy to apply when a container exits', { defaultText: '"no"' }),
  bool('rm', 'Automatically remove the container and its associated anonymous volumes when it exits'),
  value('runtime', 'string', 'Runtime to use for this container'),
  list('security-opt', 'list', 'Security Options'),
  value('shm-size', 'bytes', 'Size of /dev/shm'),
  value('stop-signal', 'string', 'Signal to stop the container'),
  value('stop-timeout', 'int', 'Timeout (in seconds) to stop a container'),
  list('storage-opt', 'list', 'Storage driver options for the container'),
  list('sysctl', 'map', 'Sysctl options', { defaultText: 'map[]' }),
  list('tmpfs', 'list', 'Mount a tmpfs directory'),
  bool('tty', 'Allocate a pseudo-TTY', { short: 't' }),
  list('ulimit', 'ulimit', 'Ulimit options', { defaultText: '[]' }),
  value('user', 'string', 'Username or UID (format: <name|uid>[:<group|gid>])', { short: 'u' }),
  value('userns', 'string', 'User namespace to use'),
  value('uts', 'string', 'UTS namespace to use'),
  value('workdir', 'string', 'Working directory inside the container', { short: 'w' }),
];

/** `run`'s own flags on top of the container config. */
export const RUN_FLAGS: readonly FlagSpec[] = [
  ...CONTAINER_CONFIG_FLAGS,
  bool('detach', 'Run container in background and print container ID', { short: 'd' }),
  value('detach-keys', 'string', 'Override the key sequence for detaching a container'),
  bool('sig-proxy', 'Proxy received signals to the process', { defaultText: 'true' }),
];

export const CREATE_FLAGS: readonly FlagSpec[] = CONTAINER_CONFIG_FLAGS;
