// Specs of `berth compose` and its subcommands (pure data, like docker compose v2's flags; each
// command's code loads lazily so `berth compose --help` loads none of it).
import type { CommandSpec, FlagSpec } from '../spec.js';

const bool = (long: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'bool', description, ...extra });
const value = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'value', typeName, description, ...extra });
const list = (long: string, typeName: string, description: string, extra: Partial<FlagSpec> = {}): FlagSpec => ({ long, kind: 'list', typeName, description, ...extra });

/** Flags of `berth compose` itself, before the subcommand. */
export const COMPOSE_FLAGS: readonly FlagSpec[] = [
  value('ansi', 'string', 'Control when to print ANSI control characters ("never"|"always"|"auto")', { defaultText: '"auto"' }),
  list('env-file', 'stringArray', 'Specify an alternate environment file'),
  list('file', 'stringArray', 'Compose configuration files', { short: 'f' }),
  value('parallel', 'int', 'Control max parallelism, -1 for unlimited', { defaultText: '-1' }),
  list('profile', 'stringArray', 'Specify a profile to enable'),
  value('progress', 'string', 'Set type of progress output (auto, tty, plain, json, quiet)'),
  value('project-directory', 'string', 'Specify an alternate working directory\n(default: the path of the, first specified, Compose file)'),
  value('project-name', 'string', 'Project name', { short: 'p' }),
  bool('dry-run', 'Execute command in dry run mode', { hidden: true }),
  bool('compatibility', 'Run compose in backward compatibility mode', { hidden: true }),
];

const TIMEOUT = value('timeout', 'int', 'Specify a shutdown timeout in seconds', { short: 't' });
const NO_DEPS = bool('no-deps', "Don't start linked services");
const REMOVE_ORPHANS = bool('remove-orphans', 'Remove containers for services not defined in the Compose file');
const FORMAT_TABLE = value('format', 'string', 'Format the output. Values: [table | json]', { defaultText: '"table"' });
const QUIET_IDS = bool('quiet', 'Only display IDs', { short: 'q' });
const INDEX = value('index', 'int', 'index of the container if service has multiple replicas');

type Runner = CommandSpec['load'];
const lazy = (file: string, name: string): Runner => {
  const loaders: Record<string, () => Promise<Record<string, unknown>>> = {
    up: () => import('./up.js'),
    down: () => import('./down.js'),
    list: () => import('./list.js'),
    logs: () => import('./logs.js'),
    exec: () => import('./exec.js'),
    lifecycle: () => import('./lifecycle.js'),
    images: () => import('./images.js'),
    config: () => import('./config.js'),
  };
  return async () => (await loaders[file]!())[name] as Awaited<ReturnType<Runner>>;
};

const command = (name: string, usage: string, description: string, flags: readonly FlagSpec[], load: Runner, args?: CommandSpec['args'], extra: Partial<CommandSpec> = {}): CommandSpec => ({
  path: ['compose', name],
  usage,
  description,
  flags,
  load,
  ...(args !== undefined ? { args } : {}),
  ...extra,
});

export const COMPOSE_COMMANDS: readonly CommandSpec[] = [
  command('build', '[OPTIONS] [SERVICE...]', 'Build or rebuild services', [bool('no-cache', 'Do not use cache when building the image'), bool('pull', 'Always attempt to pull a newer version of the image'), bool('quiet', "Don't print anything to STDOUT", { short: 'q' }), list('build-arg', 'stringArray', 'Set build-time variables for services')], lazy('images', 'build')),
  command(
    'config',
    '[OPTIONS] [SERVICE...]',
    'Parse, resolve and render compose file in canonical format',
    [
      value('format', 'string', 'Format the output. Values: [yaml | json]'),
      value('hash', 'string', 'Print the service config hash, one per line.'),
      bool('images', 'Print the image names, one per line.'),
      bool('networks', 'Print the network names, one per line.'),
      bool('no-consistency', "Don't check model consistency - warning: may produce invalid Compose output"),
      bool('no-env-resolution', "Don't resolve service env files"),
      bool('no-interpolate', "Don't interpolate environment variables", { hidden: true }),
      bool('no-normalize', "Don't normalize compose model"),
      value('output', 'string', 'Save to file (default to stdout)', { short: 'o' }),
      bool('profiles', 'Print the profile names, one per line.'),
      bool('quiet', 'Only validate the configuration, don\'t print anything', { short: 'q' }),
      bool('services', 'Print the service names, one per line.'),
      bool('volumes', 'Print the volume names, one per line.'),
    ],
    lazy('config', 'config'),
  ),
  command(
    'create',
    '[OPTIONS] [SERVICE...]',
    'Creates containers for a service',
    [bool('build', 'Build images before starting containers'), bool('force-recreate', "Recreate containers even if their configuration and image haven't changed"), bool('no-build', "Don't build an image, even if it's policy"), bool('no-recreate', "If containers already exist, don't recreate them. Incompatible with --force-recreate."), value('pull', 'string', 'Pull image before running ("always"|"missing"|"never"|"build")', { defaultText: '"policy"' }), bool('quiet-pull', 'Pull without printing progress information'), REMOVE_ORPHANS, list('scale', 'scale', 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.'), bool('yes', 'Assume "yes" as answer to all prompts and run non-interactively', { short: 'y' })],
    lazy('up', 'create'),
  ),
  command(
    'down',
    '[OPTIONS] [SERVICES]',
    'Stop and remove containers, networks',
    [REMOVE_ORPHANS, value('rmi', 'string', 'Remove images used by services. "local" remove only images that don\'t have a custom tag ("local"|"all")'), TIMEOUT, bool('volumes', 'Remove named volumes declared in the "volumes" section of the Compose file and anonymous volumes attached to containers', { short: 'v' })],
    lazy('down', 'down'),
  ),
  command('events', '[OPTIONS] [SERVICE...]', 'Receive real time events from containers', [bool('json', 'Output events as a stream of json objects'), value('since', 'string', 'Show all events created since timestamp'), value('until', 'string', 'Stream events until this timestamp')], lazy('logs', 'events')),
  command(
    'exec',
    '[OPTIONS] SERVICE COMMAND [ARGS...]',
    'Execute a command in a running container',
    [
      bool('detach', 'Detached mode: Run command in the background', { short: 'd' }),
      list('env', 'stringArray', 'Set environment variables', { short: 'e' }),
      INDEX,
      bool('no-TTY', 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.', { short: 'T' }),
      bool('interactive', 'Keep STDIN open even if not attached', { short: 'i', defaultText: 'true', hidden: true }),
      bool('tty', 'Allocate a pseudo-TTY', { short: 't', hidden: true }),
      bool('privileged', 'Give extended privileges to the process'),
      value('user', 'string', 'Run the command as this user', { short: 'u' }),
      value('workdir', 'string', 'Path to workdir directory for this command', { short: 'w' }),
    ],
    lazy('exec', 'exec'),
    { min: 2 },
    { interspersed: false },
  ),
  command('images', '[OPTIONS] [SERVICE...]', 'List images used by the created containers', [FORMAT_TABLE, bool('quiet', 'Only display IDs', { short: 'q' })], lazy('list', 'images')),
  command('kill', '[OPTIONS] [SERVICE...]', 'Force stop service containers', [REMOVE_ORPHANS, value('signal', 'string', 'SIGNAL to send to the container', { short: 's', defaultText: '"SIGKILL"' })], lazy('lifecycle', 'kill')),
  command(
    'logs',
    '[OPTIONS] [SERVICE...]',
    'View output from containers',
    [
      bool('follow', 'Follow log output', { short: 'f' }),
      INDEX,
      bool('no-color', 'Produce monochrome output'),
      bool('no-log-prefix', "Don't print prefix in logs"),
      value('since', 'string', 'Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)'),
      value('tail', 'string', 'Number of lines to show from the end of the logs for each container', { short: 'n', defaultText: '"all"' }),
      bool('timestamps', 'Show timestamps', { short: 't' }),
      value('until', 'string', 'Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)'),
    ],
    lazy('logs', 'logs'),
  ),
  command('ls', '[OPTIONS]', 'List running compose projects', [bool('all', 'Show all stopped Compose projects', { short: 'a' }), list('filter', 'filter', 'Filter output based on conditions provided'), FORMAT_TABLE, QUIET_IDS], lazy('list', 'ls'), { max: 0 }),
  command('pause', 'SERVICE...', 'Pause services', [], lazy('lifecycle', 'pause')),
  command('port', '[OPTIONS] SERVICE PRIVATE_PORT', 'Print the public port for a port binding', [INDEX, value('protocol', 'string', 'tcp or udp', { defaultText: '"tcp"' })], lazy('list', 'port'), { min: 2, max: 2 }),
  command(
    'ps',
    '[OPTIONS] [SERVICE...]',
    'List containers',
    [
      bool('all', 'Show all stopped containers (including those created by the run command)', { short: 'a' }),
      list('filter', 'string', 'Filter services by a property (supported filters: status)'),
      value('format', 'string', "Format output using a custom template:\n'table':            Print output in table format with column headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to https://docs.docker.com/go/formatting/ for more information about formatting output with templates", { defaultText: '"table"' }),
      bool('no-trunc', "Don't truncate output"),
      bool('orphans', 'Include orphaned services (not declared by project)', { defaultText: 'true' }),
      QUIET_IDS,
      bool('services', 'Display services'),
      list('status', 'stringArray', 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]'),
    ],
    lazy('list', 'ps'),
  ),
  command('pull', '[OPTIONS] [SERVICE...]', 'Pull service images', [bool('ignore-buildable', 'Ignore images that can be built'), bool('ignore-pull-failures', 'Pull what it can and ignores images with pull failures'), bool('include-deps', 'Also pull services declared as dependencies'), value('policy', 'string', 'Apply pull policy ("missing"|"always")'), bool('quiet', 'Pull without printing progress information', { short: 'q' })], lazy('images', 'pull')),
  command('push', '[OPTIONS] [SERVICE...]', 'Push service images', [bool('ignore-push-failures', 'Push what it can and ignores images with push failures'), bool('include-deps', 'Also push images of services declared as dependencies'), bool('quiet', 'Push without printing progress information', { short: 'q' })], lazy('images', 'push')),
  command('restart', '[OPTIONS] [SERVICE...]', 'Restart service containers', [NO_DEPS, TIMEOUT], lazy('lifecycle', 'restart')),
  command('rm', '[OPTIONS] [SERVICE...]', 'Removes stopped service containers', [bool('force', "Don't ask to confirm removal", { short: 'f' }), bool('stop', 'Stop the containers, if required, before removing', { short: 's' }), bool('volumes', 'Remove any anonymous volumes attached to containers', { short: 'v' })], lazy('lifecycle', 'rm')),
  command(
    'run',
    '[OPTIONS] SERVICE [COMMAND] [ARGS...]',
    'Run a one-off command on a service',
    [
      bool('build', 'Build image before starting container'),
      list('cap-add', 'list', 'Add Linux capabilities'),
      list('cap-drop', 'list', 'Drop Linux capabilities'),
      bool('detach', 'Run container in background and print container ID', { short: 'd' }),
      value('entrypoint', 'string', 'Override the entrypoint of the image'),
      list('env', 'stringArray', 'Set environment variables', { short: 'e' }),
      bool('interactive', 'Keep STDIN open even if not attached', { short: 'i', defaultText: 'true' }),
      list('label', 'stringArray', 'Add or override a label', { short: 'l' }),
      value('name', 'string', 'Assign a name to the container'),
      bool('no-TTY', 'Disable pseudo-TTY allocation (default: auto-detected)', { short: 'T' }),
      NO_DEPS,
      list('publish', 'stringArray', "Publish a container's port(s) to the host", { short: 'p' }),
      bool('quiet-pull', 'Pull without printing progress information'),
      REMOVE_ORPHANS,
      bool('rm', 'Automatically remove the container when it exits'),
      bool('service-ports', "Run command with all service's ports enabled and mapped to the host"),
      bool('use-aliases', "Use the service's network useAliases in the network(s) the container connects to"),
      value('user', 'string', 'Run as specified username or uid', { short: 'u' }),
      list('volume', 'stringArray', 'Bind mount a volume', { short: 'v' }),
      value('workdir', 'string', 'Working directory inside the container', { short: 'w' }),
    ],
    lazy('exec', 'run'),
    { min: 1 },
    { interspersed: false },
  ),
  command('start', '[SERVICE...]', 'Start services', [bool('wait', 'Wait for services to be running|healthy. Implies detached mode.'), value('wait-timeout', 'int', 'Maximum duration in seconds to wait for the project to be running|healthy')], lazy('lifecycle', 'start')),
  command('stop', '[OPTIONS] [SERVICE...]', 'Stop services', [TIMEOUT], lazy('lifecycle', 'stop')),
  command('top', '[SERVICES...]', 'Display the running processes', [], lazy('list', 'top')),
  command('unpause', 'SERVICE...', 'Unpause services', [], lazy('lifecycle', 'unpause')),
  command(
    'up',
    '[OPTIONS] [SERVICE...]',
    'Create and start containers',
    [
      bool('abort-on-container-exit', 'Stops all containers if any container was stopped. Incompatible with -d'),
      bool('always-recreate-deps', 'Recreate dependent containers. Incompatible with --no-recreate.'),
      list('attach', 'stringArray', 'Restrict attaching to the specified services. Incompatible with --attach-dependencies.'),
      bool('build', 'Build images before starting containers'),
      bool('detach', 'Detached mode: Run containers in the background', { short: 'd' }),
      value('exit-code-from', 'string', 'Return the exit code of the selected service container. Implies --abort-on-container-exit'),
      bool('force-recreate', "Recreate containers even if their configuration and image haven't changed"),
      list('no-attach', 'stringArray', "Do not attach (stream logs) to the specified services"),
      bool('no-build', "Don't build an image, even if it's policy"),
      bool('no-color', 'Produce monochrome output'),
      NO_DEPS,
      bool('no-log-prefix', "Don't print prefix in logs"),
      bool('no-recreate', "If containers already exist, don't recreate them. Incompatible with --force-recreate."),
      bool('no-start', "Don't start the services after creating them"),
      value('pull', 'string', 'Pull image before running ("always"|"missing"|"never")', { defaultText: '"policy"' }),
      bool('quiet-pull', 'Pull without printing progress information'),
      REMOVE_ORPHANS,
      bool('renew-anon-volumes', 'Recreate anonymous volumes instead of retrieving data from the previous containers', { short: 'V' }),
      list('scale', 'scale', 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.'),
      TIMEOUT,
      bool('timestamps', 'Show timestamps'),
      bool('wait', 'Wait for services to be running|healthy. Implies detached mode.'),
      value('wait-timeout', 'int', 'Maximum duration in seconds to wait for the project to be running|healthy'),
      bool('yes', 'Assume "yes" as answer to all prompts and run non-interactively', { short: 'y' }),
    ],
    lazy('up', 'up'),
  ),
  command('version', '[OPTIONS]', 'Show the Docker Compose version information', [value('format', 'string', 'Format the output. Values: [pretty | json]', { short: 'f' }), bool('short', 'Shows only Compose\'s version number')], lazy('config', 'version'), { max: 0 }),
  command('wait', 'SERVICE [SERVICE...] [OPTIONS]', 'Block until containers of all (or specified) services stop.', [bool('down-project', 'Drops project when the first container stops')], lazy('lifecycle', 'wait'), { min: 1 }),
];
