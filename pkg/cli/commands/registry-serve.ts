// `berth registry serve`: runs pkg/registry's server in the foreground until SIGINT/SIGTERM.
import { pino, destination } from 'pino';
import { RegistryServer, parseListenAddress } from '../../registry/index.js';
import { StatusError } from '../errors.js';
import type { CommandRunner } from '../spec.js';
import { write } from './shared.js';

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

export const serveRegistry: CommandRunner = async (context, _args, flags) => {
  const root = flags.string('root');
  if (root === undefined || root === '') throw new StatusError(1, 'registry serve: --root DIR is required');
  let address: { host: string; port: number };
  try {
    address = parseListenAddress(flags.string('addr') ?? '127.0.0.1:5000');
  } catch (err) {
    throw new StatusError(1, `registry serve: ${(err as Error).message}`);
  }
  const level = flags.string('log-level') ?? 'info';
  if (!LEVELS.has(level)) throw new StatusError(1, `registry serve: unknown log level ${JSON.stringify(level)}: use debug, info, warn or error`);
  const logger = pino({ level, base: { component: 'registry' } }, destination(2));
  const server = new RegistryServer({ root, logger, htpasswd: flags.string('htpasswd'), realm: flags.string('realm') });
  try {
    await server.open();
  } catch (err) {
    throw new StatusError(1, `registry serve: ${(err as Error).message}`);
  }
  const bound = await server.listen(address.host, address.port);
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  await write(context.stdout, `Registry listening on http://${host}:${bound.port} (root ${root})\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      context.process.off('SIGINT', stop);
      context.process.off('SIGTERM', stop);
      resolve();
    };
    context.process.on('SIGINT', stop);
    context.process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
};
