// berthd's flag parsing and start-up/shutdown sequence (thin: everything else is in pkg/engine).
import { existsSync } from 'node:fs';
import { mkdir, writeFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { pino, destination } from 'pino';
import { ApiServer, BERTH_VERSION, Engine, engineRouter } from '../../pkg/engine/index.js';

function findBinary(name: string, candidates: string[]): string {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install it (apt-get install -y ${name === 'tini-static' ? 'tini' : name})`);
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command('berthd')
    .description('Berth engine daemon: serves the Docker Engine API')
    .version(BERTH_VERSION, '-v, --version')
    .option('--data-root <dir>', 'root of persistent state', '/var/lib/berth')
    .option('--exec-root <dir>', 'root of runtime state (a tmpfs)', '/run/berth')
    .option('-H, --host <address...>', 'unix:///path socket(s) to listen on', ['unix:///run/berth/berth.sock'])
    .option('--runtime <path>', 'path of runc')
    .option('-p, --pidfile <file>', 'write the daemon pid here')
    .option('--resolv-conf <file>', "the host's resolver configuration (DNS forwarding, containers' resolv.conf)", '/etc/resolv.conf')
    .option('--insecure-registry <host:port>', 'registry reachable over plain http, repeatable (HOST:PORT, HOST or CIDR; loopback always is)', (value: string, previous: string[] = []) => [...previous, value])
    .option('-D, --debug', 'debug logging', false)
    .addOption(new Option('-l, --log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error', 'fatal']).default('info'))
    .showHelpAfterError();
  program.parse(argv);
  const options = program.opts<{ dataRoot: string; execRoot: string; host: string[]; runtime?: string; pidfile?: string; resolvConf: string; debug: boolean; logLevel: string; insecureRegistry?: string[] }>();
  const log = pino({ level: options.debug ? 'debug' : options.logLevel, base: { pid: process.pid } }, destination(2));
  const here = path.dirname(fileURLToPath(import.meta.url));
  const monitorBinary = path.resolve(here, '../../native/berth-monitor');
  if (!existsSync(monitorBinary)) throw new Error(`${monitorBinary} is missing: run npm run build`);
  const engine = await Engine.open({
    dataRoot: path.resolve(options.dataRoot),
    execRoot: path.resolve(options.execRoot),
    runcBinary: options.runtime ?? findBinary('runc', ['/usr/sbin/runc', '/usr/bin/runc']),
    monitorBinary,
    initBinary: findBinary('tini-static', ['/usr/bin/tini-static']),
    hostResolvConf: path.resolve(options.resolvConf),
    insecureRegistries: options.insecureRegistry ?? [],
    log,
  });
  const server = new ApiServer(engineRouter(engine), log.child({ component: 'api' }), `Berth/${BERTH_VERSION} (linux)`);
  for (const host of options.host) {
    const match = /^unix:\/\/(\/.+)$/.exec(host);
    if (!match) throw new Error(`unsupported host ${host}: use unix:///path/to.sock`);
    await mkdir(path.dirname(match[1]), { recursive: true });
    await server.listen({ kind: 'unix', path: match[1], mode: 0o660 });
  }
  if (options.pidfile) await writeFile(options.pidfile, `${process.pid}\n`);
  engine.events.emit('daemon', 'start', '', {});
  log.info({ dataRoot: options.dataRoot, execRoot: options.execRoot, version: BERTH_VERSION }, 'berthd started');
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: containers keep running');
    await server.close();
    await engine.close();
    if (options.pidfile) await rm(options.pidfile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
