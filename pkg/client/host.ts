// Parsing of engine host specs (`unix:///path`, `tcp://host:port`) into endpoints (pure).
import { InvalidArgumentError } from '../errdefs/index.js';

/** Where berthd listens unless DOCKER_HOST or -H says otherwise. */
export const DEFAULT_SOCKET_PATH = '/run/berth/berth.sock';
export const DEFAULT_HOST = `unix://${DEFAULT_SOCKET_PATH}`;

/** Docker's conventional ports: 2375 plain, 2376 when TLS is on. */
const DEFAULT_TCP_PORT = 2375;
const DEFAULT_TLS_PORT = 2376;

/** PEM material for a TCP endpoint; `verify` checks the server certificate against `ca`. */
export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  verify: boolean;
}

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls: TlsOptions | undefined; url: string };

/**
 * Parses a host spec like docker's `-H`/DOCKER_HOST. A bare `host:port` means tcp; an empty
 * unix path means the default socket. `tls` applies to tcp only and switches the default port.
 */
export function parseHost(spec: string, tls?: TlsOptions): EngineEndpoint {
  const trimmed = spec.trim();
  const separator = trimmed.indexOf('://');
  const scheme = separator === -1 ? 'tcp' : trimmed.slice(0, separator).toLowerCase();
  const rest = separator === -1 ? trimmed : trimmed.slice(separator + 3);
  if (trimmed === '') throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
  switch (scheme) {
    case 'unix': {
      const socketPath = rest === '' ? DEFAULT_SOCKET_PATH : rest;
      return { kind: 'unix', socketPath, url: `unix://${socketPath}` };
    }
    case 'tcp':
    case 'http':
    case 'https': {
      const hostPort = rest.replace(/\/+$/, '');
      const { host, port } = splitHostPort(hostPort, tls !== undefined || scheme === 'https' ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT, spec);
      const effectiveTls = tls ?? (scheme === 'https' ? { verify: true } : undefined);
      return { kind: 'tcp', host, port, tls: effectiveTls, url: `tcp://${formatHostPort(host, port)}` };
    }
    default:
      throw new InvalidArgumentError(`Invalid bind address format: ${spec}`, { hint: 'use unix:///path/to/socket or tcp://host:port' });
  }
}

function splitHostPort(hostPort: string, defaultPort: number, spec: string): { host: string; port: number } {
  if (hostPort.includes('/')) throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
  let host = hostPort;
  let portText = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
    host = hostPort.slice(1, close);
    portText = hostPort.slice(close + 1).replace(/^:/, '');
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon !== -1) {
      host = hostPort.slice(0, colon);
      portText = hostPort.slice(colon + 1);
    }
  }
  if (host === '') host = '127.0.0.1';
  if (portText === '') return { host, port: defaultPort };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
  }
  return { host, port };
}

function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
