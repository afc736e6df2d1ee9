// berthd's listen addresses (pure): `-H unix:///path` and `-H tcp://host:port`, parsed like dockerd
// parses its -H values. `fd://` (systemd socket activation) is not offered.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../errdefs/index.js';

export const DEFAULT_UNIX_SOCKET = '/run/berth/berth.sock';
/** Docker's conventional ports: 2375 for plain TCP, 2376 with TLS. */
export const DEFAULT_TCP_PORT = 2375;
export const DEFAULT_TLS_PORT = 2376;

export type ListenAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

/** The address as dockerd prints it (`unix:///run/berth/berth.sock`, `tcp://0.0.0.0:2376`). */
export function formatListenAddress(address: ListenAddress): string {
  if (address.kind === 'unix') return `unix://${address.path}`;
  return `tcp://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/**
 * Parses one -H value. An empty unix path is the default socket; a tcp address without a host
 * listens on 127.0.0.1 (never every interface by accident), without a port on 2375, or 2376 when
 * TLS is on.
 */
export function parseListenAddress(spec: string, tls: boolean): ListenAddress {
  const trimmed = spec.trim();
  const invalid = (why: string): InvalidArgumentError => new InvalidArgumentError(`invalid bind address ${JSON.stringify(spec)}: ${why}`);
  const separator = trimmed.indexOf('://');
  if (separator === -1) throw invalid('use unix:///path/to.sock or tcp://host:port');
  const scheme = trimmed.slice(0, separator).toLowerCase();
  const rest = trimmed.slice(separator + 3);
  if (scheme === 'unix') {
    const path = rest === '' ? DEFAULT_UNIX_SOCKET : rest;
    if (!path.startsWith('/')) throw invalid('a unix socket path must be absolute');
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    if (Buffer.byteLength(path) > 107) throw invalid('a unix socket path is limited to 107 bytes');
    return { kind: 'unix', path };
  }
  if (scheme === 'fd') throw invalid('fd:// (systemd socket activation) is not supported by berthd; use unix:// or tcp://');
  if (scheme !== 'tcp') throw invalid(`unknown scheme ${scheme}://; use unix:///path/to.sock or tcp://host:port`);
  const hostPort = rest.replace(/\/+$/, '');
  if (hostPort.includes('/')) throw invalid('a tcp address has no path');
  let host = hostPort;
  let portText = '';
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw invalid('unclosed [ in an IPv6 address');
    host = hostPort.slice(1, close);
    portText = hostPort.slice(close + 1).replace(/^:/, '');
  } else if (hostPort.split(':').length === 2) {
    [host, portText] = hostPort.split(':') as [string, string];
  } else if (hostPort.includes(':')) {
    throw invalid('write IPv6 addresses in brackets: tcp://[::1]:2376');
  }
  if (host === '') host = '127.0.0.1';
  if (host.includes(':') && isIP(host) !== 6) throw invalid(`${host} is not an IPv6 address`);
  const port = portText === '' ? (tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT) : Number(portText);
  if (!/^\d*$/.test(portText) || !Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`port ${JSON.stringify(portText)} is not between 1 and 65535`);
  return { kind: 'tcp', host, port };
}
