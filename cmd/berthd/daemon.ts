// berthd's flag parsing and start-up/shutdown sequence (thin: configuration rules live in
// pkg/engine/config, everything else in pkg/engine).
import { existsSync } from 'node:fs';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino, destination } from 'pino';
import { ApiServer, BERTH_VERSION, Engine, engineRouter } from '../../pkg/engine/index.js';
import { lockDataRoot } from './lock.js';
import {
  DEFAULT_CONFIG_FILE,
  DEFAULT_UNIX_SOCKET,
  DaemonConfigError,
  LOG_DRIVERS,
  LOG_LEVELS,
  LogLevelControl,
  createReloader,
  effectiveLogLevel,
  formatListenAddress,
  loadTlsMaterial,
  mergeDaemonConfig,
  readDaemonFile,
  type AddressPoolSpec,
  type DaemonConfig,
  type DaemonDefaults,
  type DaemonFile,
} from '../../pkg/engine/config/index.js';

function findBinary(name: string, candidates: string[]): string {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install it (apt-get install -y ${name === 'tini-static' ? 'tini' : name})`);
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `--default-address-pool base=10.10.0.0/16,size=24`, as dockerd spells it. */
function parsePool(value: string, previous: AddressPoolSpec[] | undefined): AddressPoolSpec[] {
  const fields = Object.fromEntries(value.split(',').map((field) => field.split('=', 2).map((part) => part.trim())));
  const size = Number(fields.size);
  if (!fields.base || !/^\d+$/.test(fields.size ?? '') || Object.keys(fields).some((key) => key !== 'base' && key !== 'size')) {
    throw new InvalidArgumentError('expected base=CIDR,size=PREFIX (e.g. base=10.10.0.0/16,size=24)');
  }
  return [...(previous ?? []), { base: fields.base, size }];
}

function parseLogOpt(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError('expected key=value (e.g. max-size=10m)');
  return { ...previous, [value.slice(0, equals)]: value.slice(equals + 1) };
}

interface Flags {
  configFile: string;
  host?: string[];
  dataRoot?: string;
  execRoot?: string;
  tls?: boolean;
  tlsverify?: boolean;
  tlscacert?: string;
  tlscert?: string;
  tlskey?: string;
  insecureTcp?: boolean;
  logDriver?: string;
  logOpt?: Record<string, string>;
  defaultAddressPool?: AddressPoolSpec[];
  debug?: boolean;
  logLevel?: string;
  pidfile?: string;
  runtime?: string;
  resolvConf: string;
  insecureRegistry?: string[];
}

function program(): Command {
  return new Command('berthd')
    .description('Berth engine daemon: serves the Docker Engine API')
    .version(BERTH_VERSION, '-v, --version')
    .option('--config-file <file>', 'daemon configuration file (daemon.json keys, as dockerd)', DEFAULT_CONFIG_FILE)
    .option('-H, --host <address>', `address to serve the API on, repeatable: unix:///path or tcp://host:port (default unix://${DEFAULT_UNIX_SOCKET})`, collect)
    .option('--data-root <dir>', 'root of persistent state (default /var/lib/berth)')
    .option('--exec-root <dir>', 'root of runtime state, a tmpfs (default /run/berth)')
    .option('--tls', 'serve tcp:// addresses over TLS (--tlscert, --tlskey); implied by --tlsverify')
    .option('--tlsverify', 'TLS, and refuse clients without a certificate signed by --tlscacert (mutual TLS)')
    .option('--tlscacert <file>', 'CA that client certificates must chain to (default $DOCKER_CERT_PATH/ca.pem or ~/.docker/ca.pem)')
    .option('--tlscert <file>', "the daemon's TLS certificate (default $DOCKER_CERT_PATH/cert.pem or ~/.docker/cert.pem)")
    .option('--tlskey <file>', "the daemon's TLS key (default $DOCKER_CERT_PATH/key.pem or ~/.docker/key.pem)")
    .option('--insecure-tcp', 'allow tcp:// addresses WITHOUT TLS: anyone reaching the port controls this host as root')
    .addOption(new Option('--log-driver <driver>', 'logging driver for containers that set none (default json-file)').choices([...LOG_DRIVERS]))
    .option('--log-opt <key=value>', 'logging driver option for containers that set none, repeatable (max-size=10m)', parseLogOpt)
    .option('--default-address-pool <base=CIDR,size=N>', 'address pool for new networks, repeatable (replaces the defaults)', parsePool)
    .option('--runtime <path>', 'path of runc')
    .option('-p, --pidfile <file>', 'write the daemon pid here')
    .option('--resolv-conf <file>', "the host's resolver configuration (DNS forwarding, containers' resolv.conf)", '/etc/resolv.conf')
    .option('--insecure-registry <host:port>', 'registry reachable over plain http, repeatable (HOST:PORT, HOST or CIDR; loopback always is)', (value: string, previous: string[] = []) => [...previous, value])
    .option('-D, --debug', 'debug logging')
    .addOption(new Option('-l, --log-level <level>', 'log level (default info)').choices([...LOG_LEVELS]))
    .showHelpAfterError();
}

/** The daemon.json keys given as flags (only those the command line set). */
function flagsAsFile(options: Flags): DaemonFile {
  const file: DaemonFile = {
    hosts: options.host,
    'data-root': options.dataRoot,
    'exec-root': options.execRoot,
    tls: options.tls,
    tlsverify: options.tlsverify,
    tlscacert: options.tlscacert,
    tlscert: options.tlscert,
    tlskey: options.tlskey,
    'insecure-tcp': options.insecureTcp,
    'log-driver': options.logDriver,
    'log-opts': options.logOpt,
    'default-address-pools': options.defaultAddressPool,
    'insecure-registries': options.insecureRegistry,
    debug: options.debug,
    'log-level': options.logLevel,
    pidfile: options.pidfile,
  };
  return Object.fromEntries(Object.entries(file).filter(([, value]) => value !== undefined));
}

/** Reads daemon.json and merges the flags; errors read like dockerd's. */
async function configure(configFile: string, required: boolean, flags: DaemonFile, defaults: DaemonDefaults): Promise<DaemonConfig> {
  const withFile = (err: unknown): Error =>
    err instanceof DaemonConfigError ? new Error(`unable to configure the Berth daemon with file ${configFile}: ${err.message}`, { cause: err }) : (err as Error);
  let file: DaemonFile;
  try {
    file = await readDaemonFile(configFile, { required });
  } catch (err) {
    throw withFile(err);
  }
  try {
    return mergeDaemonConfig(flags, file, defaults);
  } catch (err) {
    // Errors about a key the file sets name the file; errors about flags alone do not.
    if (err instanceof DaemonConfigError && err.key !== undefined && !Object.keys(file).includes(err.key)) throw err;
    throw withFile(err);
  }
}

export async function main(argv: string[]): Promise<void> {
  const command = program();
  command.parse(argv);
  const options = command.opts<Flags>();
  const flags = flagsAsFile(options);
  const configFile = path.resolve(options.configFile);
  const configFileRequired = command.getOptionValueSource('configFile') === 'cli';
  const defaults: DaemonDefaults = {
    hosts: [`unix://${DEFAULT_UNIX_SOCKET}`],
    dataRoot: '/var/lib/berth',
    execRoot: '/run/berth',
    certDir: process.env.DOCKER_CERT_PATH || path.join(homedir(), '.docker'),
  };
  let config = await configure(configFile, configFileRequired, flags, defaults);

  const levels = new LogLevelControl();
  const log = pino({ level: effectiveLogLevel(config), base: { pid: process.pid }, onChild: levels.onChild }, destination(2));
  levels.attach(log);
  const tcpHosts = config.hosts.filter((host) => host.kind === 'tcp');
  // Before the engine opens: a TLS file that does not parse stops the start, not the first client.
  const tls = config.tls && tcpHosts.length > 0 ? await loadTlsMaterial(config.tls) : undefined;
  if (!tls) {
    for (const host of tcpHosts) {
      log.warn(
        { address: formatListenAddress(host), insecureTcp: true },
        'INSECURE: the Engine API is served over plain TCP with no encryption and no authentication; anyone who can reach this ' +
          'address controls this host as root. Use --tlsverify with certificates from `berth system tls-init DIR` instead of --insecure-tcp',
      );
    }
  } else if (!tls.verifyClients) {
    log.warn('--tls without --tlsverify: connections are encrypted but any client may use the API; add --tlsverify to require client certificates');
  }

  const unlock = await lockDataRoot(path.resolve(config.dataRoot));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const monitorBinary = path.resolve(here, '../../native/berth-monitor');
  if (!existsSync(monitorBinary)) throw new Error(`${monitorBinary} is missing: run npm run build`);
  const engine = await Engine.open({
    dataRoot: path.resolve(config.dataRoot),
    execRoot: path.resolve(config.execRoot),
    runcBinary: options.runtime ?? findBinary('runc', ['/usr/sbin/runc', '/usr/bin/runc']),
    monitorBinary,
    initBinary: findBinary('tini-static', ['/usr/bin/tini-static']),
    hostResolvConf: path.resolve(options.resolvConf),
    insecureRegistries: config.insecureRegistries,
    log,
    addressPools: config.addressPools,
    logDefaults: () => ({ Type: config.logDriver, Config: { ...config.logOpts } }),
    debug: () => config.debug,
  });
  const server = new ApiServer(engineRouter(engine), log.child({ component: 'api' }), `Berth/${BERTH_VERSION} (linux)`);
  for (const host of config.hosts) {
    if (host.kind === 'unix') {
      await mkdir(path.dirname(host.path), { recursive: true });
      await server.listen({ kind: 'unix', path: host.path, mode: 0o660 });
    } else {
      await server.listen({ kind: 'tcp', host: host.host, port: host.port, tls });
    }
  }
  const pidfile = config.pidfile;
  if (pidfile) await writeFile(pidfile, `${process.pid}\n`);
  engine.events.emit('daemon', 'start', '', {});
  log.info(
    { dataRoot: config.dataRoot, execRoot: config.execRoot, hosts: config.hosts.map(formatListenAddress), configFile, version: BERTH_VERSION },
    'berthd started',
  );

  const reload = createReloader({
    configFile,
    required: configFileRequired,
    flags,
    defaults,
    current: () => config,
    apply: (next) => {
      config = next;
    },
    levels,
    log: log.child({ component: 'config' }),
    onReloaded: (next) =>
      engine.events.emit('daemon', 'reload', '', {
        debug: String(next.debug),
        'log-level': next.logLevel,
        'log-driver': next.logDriver,
        'log-opts': JSON.stringify(next.logOpts),
      }),
  });
  process.on('SIGHUP', () => void reload());

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: containers keep running');
    await server.close();
    await engine.close();
    await unlock();
    if (pidfile) await rm(pidfile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
