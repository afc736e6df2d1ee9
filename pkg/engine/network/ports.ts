// Published ports: the parsing and checking of PortBindings (pure), picking host ports, and the
// sockets berthd holds on each published host port. Holding a port is how a conflict with any
// other program is found ("port is already allocated"); a TCP holder also proxies connections
// that reach it instead of the DNAT rule (a userland fallback).

import net from 'node:net';
import dgram from 'node:dgram';
import { ConflictError, InvalidArgumentError } from '../../errdefs/index.js';
import { isIPv4 } from './ipnet.js';

export interface PortRequest {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  /** 0 for "pick one". */
  hostPortStart: number;
  hostPortEnd: number;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

function parsePortKey(key: string): { port: number; protocol: 'tcp' | 'udp' } {
  const match = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  if (!match) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
  const port = Number(match[1]);
  if (port < 1 || port > 65535) throw new InvalidArgumentError(`invalid port specification: "${key}": port out of range`);
  if (match[2] === 'sctp') throw new InvalidArgumentError(`invalid port specification: "${key}": sctp is not supported by berth`);
  return { port, protocol: (match[2] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

function parseHostPort(text: string | undefined, key: string): { start: number; end: number } {
  // "" and "0" both ask for a port the daemon picks (testcontainers sends "0").
  if (text === undefined || text === '' || text === '0') return { start: 0, end: 0 };
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!match) throw new InvalidArgumentError(`invalid hostPort: ${text} (for ${key})`);
  const start = Number(match[1]);
  const end = match[2] ? Number(match[2]) : start;
  if (start < 1 || end > 65535 || end < start) throw new InvalidArgumentError(`invalid hostPort: ${text} (for ${key})`);
  return { start, end };
}

/** The port requests of a container: its PortBindings, plus every exposed port with -P (pure). */
export function portRequests(
  bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null | undefined,
  exposed: Record<string, unknown> | undefined,
  publishAll: boolean,
): PortRequest[] {
  const requests: PortRequest[] = [];
  const seen = new Set<string>();
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, protocol } = parsePortKey(key);
    seen.add(`${port}/${protocol}`);
    for (const binding of list ?? [{}]) {
      const hostIp = binding.HostIp ?? '';
      if (hostIp !== '' && hostIp !== '::' && !isIPv4(hostIp)) throw new InvalidArgumentError(`invalid host IP ${hostIp} for port ${key}`);
      if (hostIp === '::') continue; // IPv6 bindings: berth networks are IPv4 only
      const { start, end } = parseHostPort(binding.HostPort, key);
      requests.push({ containerPort: port, protocol, hostIp: hostIp === '0.0.0.0' ? '' : hostIp, hostPortStart: start, hostPortEnd: end });
    }
  }
  if (publishAll) {
    for (const key of Object.keys(exposed ?? {})) {
      const { port, protocol } = parsePortKey(key);
      if (seen.has(`${port}/${protocol}`)) continue;
      requests.push({ containerPort: port, protocol, hostIp: '', hostPortStart: 0, hostPortEnd: 0 });
    }
  }
  return requests;
}

function sameAddressSpace(a: string, b: string): boolean {
  return a === '' || b === '' || a === b;
}

interface Holder {
  close(): void;
}

/** Host ports in use by published containers, and the sockets that hold them. */
export class PortAllocator {
  private readonly holders = new Map<string, { binding: PortBinding; owner: string; holder: Holder }>();
  private nextRandom: number;

  constructor(private readonly range: { start: number; end: number }) {
    this.nextRandom = range.start;
  }

  private key(binding: Pick<PortBinding, 'protocol' | 'hostIp' | 'hostPort'>): string {
    return `${binding.protocol}:${binding.hostIp}:${binding.hostPort}`;
  }

  private inUse(protocol: string, hostIp: string, port: number): string | undefined {
    for (const entry of this.holders.values()) {
      const b = entry.binding;
      if (b.protocol === protocol && b.hostPort === port && sameAddressSpace(b.hostIp, hostIp)) return entry.owner;
    }
    return undefined;
  }

  /**
   * Binds every request for `owner` (all or none). `target` gives the container address the TCP
   * holder proxies to. Throws ConflictError naming the port when it is taken.
   */
  async allocate(owner: string, requests: PortRequest[], target: () => string | undefined): Promise<PortBinding[]> {
    const bound: PortBinding[] = [];
    try {
      for (const request of requests) {
        bound.push(await this.allocateOne(owner, request, target));
      }
      return bound;
    } catch (err) {
      for (const binding of bound) this.releaseBinding(binding);
      throw err;
    }
  }

  private async allocateOne(owner: string, request: PortRequest, target: () => string | undefined): Promise<PortBinding> {
    const address = request.hostIp || '0.0.0.0';
    const candidates: number[] = [];
    if (request.hostPortStart === 0) {
      const span = this.range.end - this.range.start + 1;
      for (let i = 0; i < span; i++) candidates.push(this.range.start + ((this.nextRandom - this.range.start + i) % span));
    } else {
      for (let port = request.hostPortStart; port <= request.hostPortEnd; port++) candidates.push(port);
    }
    let lastError: Error | undefined;
    for (const port of candidates) {
      if (this.inUse(request.protocol, request.hostIp, port)) {
        lastError = new ConflictError(`Bind for ${address}:${port} failed: port is already allocated`);
        continue;
      }
      const binding: PortBinding = { containerPort: request.containerPort, protocol: request.protocol, hostIp: request.hostIp, hostPort: port };
      try {
        const holder = await hold(binding, () => {
          const ip = target();
          return ip ? { host: ip, port: request.containerPort } : undefined;
        });
        this.holders.set(this.key(binding), { binding, owner, holder });
        if (request.hostPortStart === 0) this.nextRandom = port + 1 > this.range.end ? this.range.start : port + 1;
        return binding;
      } catch (err) {
        lastError = new ConflictError(`Bind for ${address}:${port} failed: port is already allocated`, { cause: err });
      }
    }
    throw lastError ?? new ConflictError(`no free host port for ${request.containerPort}/${request.protocol}`);
  }

  private releaseBinding(binding: PortBinding): void {
    const key = this.key(binding);
    const entry = this.holders.get(key);
    if (!entry) return;
    entry.holder.close();
    this.holders.delete(key);
  }

  release(owner: string): void {
    for (const [key, entry] of [...this.holders]) {
      if (entry.owner !== owner) continue;
      entry.holder.close();
      this.holders.delete(key);
    }
  }

  releaseAll(): void {
    for (const entry of this.holders.values()) entry.holder.close();
    this.holders.clear();
  }
}

/** Binds the host port; TCP connections that reach the socket are piped to the container. */
function hold(binding: PortBinding, target: () => { host: string; port: number } | undefined): Promise<Holder> {
  const host = binding.hostIp || '0.0.0.0';
  if (binding.protocol === 'udp') {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind(binding.hostPort, host, () => {
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve({ close: () => socket.close() });
      });
    });
  }
  return new Promise((resolve, reject) => {
    const connections = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const destination = target();
      if (!destination) {
        client.destroy();
        return;
      }
      const upstream = net.connect(destination.port, destination.host);
      connections.add(client).add(upstream);
      const cleanup = (): void => {
        client.destroy();
        upstream.destroy();
        connections.delete(client);
        connections.delete(upstream);
      };
      client.on('error', cleanup).on('close', cleanup);
      upstream.on('error', cleanup).on('close', cleanup);
      client.pipe(upstream).pipe(client);
    });
    server.once('error', reject);
    server.listen({ port: binding.hostPort, host, exclusive: true }, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      resolve({
        close: () => {
          server.close();
          for (const socket of connections) socket.destroy();
        },
      });
    });
  });
}
